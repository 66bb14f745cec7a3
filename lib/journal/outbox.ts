/**
 * What humand-clock's outbox results and progress mean for the journal: the step, its outcome and
 * Humand's answer (status, code, message, entry id, request number), and whether the record is parked.
 * Parked: Humand's final refusal (employee not found, another rejection) and a time too far ahead; a rule's
 * skip or rejection (duplicate, repeat swipe, out of order) is the answer, not parked. Pure.
 */
import type { OutboxProgress, OutboxResult } from '../humand/outbox';
import { isRecord } from '../types';
import type { StepInfo } from './service';
import type { HumandAnswer, ParkReason, StepName } from './types';

export interface JournalStep {
    step: StepName;
    info: StepInfo;
}

const NOT_FOUND = /EMPLOYEE_NOT_FOUND|USER_NOT_FOUND|not found|no existe|no encontrad/i;

/** Humand's answer as the journal keeps it. */
export function humandAnswer(h: OutboxResult['humand'], request: number): HumandAnswer | undefined {
    if (!h) return undefined;
    const body = isRecord(h.body) ? h.body : undefined;
    const answer: HumandAnswer = { request };
    if (h.action) answer.action = h.action;
    if (typeof h.status === 'number') answer.status = h.status;
    if (typeof body?.code === 'string') answer.code = body.code;
    if (typeof body?.message === 'string') answer.message = body.message;
    const id = body?.id ?? (isRecord(body?.data) ? body.data.id : undefined);
    if (typeof id === 'string' || typeof id === 'number') answer.entryId = String(id);
    return answer;
}

/** Why a Humand refusal is parked: the employee does not exist there, or another final rejection. */
export function rejectionReason(answer: HumandAnswer | undefined): ParkReason {
    const text = `${answer?.code ?? ''} ${answer?.message ?? ''}`;
    return answer?.status === 404 || NOT_FOUND.test(text) ? 'employee-not-found' : 'humand-rejected';
}

/** The final step of a record that left the outbox. `topic` is what a replay sends it with. */
export function resultStep(result: OutboxResult): JournalStep {
    const item = result.item;
    const request = item.attempts + 1;
    const humand = humandAnswer(result.humand, request);
    const employeeId = item.employeeId;
    switch (result.kind) {
        case 'delivered':
        case 'duplicate':
        case 'dry-run': {
            const what = result.kind === 'duplicate' ? 'Humand already had it' : result.kind === 'dry-run' ? 'dry run: not sent' : 'accepted';
            const entry = humand?.entryId ? ` · entry ${humand.entryId}` : '';
            const verb = humand?.action === 'out' ? 'clock-out' : 'clock-in';
            return { step: 'sent', info: { detail: `${verb}: HTTP ${humand?.status ?? 0} ${what}${entry}`, outcome: result.kind, employeeId, humand } };
        }
        case 'skipped':
            return { step: 'skipped', info: { detail: result.reason, outcome: 'skipped', reasonCode: result.code, employeeId } };
        case 'rejected':
            if (result.code === 'too-far-ahead') {
                return { step: 'rejected', info: { detail: result.reason, employeeId, park: { reasonCode: 'too-far-ahead', topic: item.meta.topic } } };
            }
            if (result.code === 'humand-rejected') {
                return { step: 'sent', info: { detail: result.reason, employeeId, humand, park: { reasonCode: rejectionReason(humand), topic: item.meta.topic } } };
            }
            return { step: 'rejected', info: { detail: result.reason, outcome: 'rejected', reasonCode: result.code, employeeId } };
    }
}

/** A record that waits or a pause of sending, as a journal step (outcome pending). */
export function progressStep(p: OutboxProgress): JournalStep {
    const humand: HumandAnswer | undefined = p.status !== undefined ? { status: p.status, request: p.item.attempts, message: p.message } : undefined;
    return { step: p.kind, info: { detail: p.detail, outcome: 'pending', employeeId: p.item.employeeId, ...(humand ? { humand } : {}) } };
}
