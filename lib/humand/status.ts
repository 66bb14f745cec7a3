/**
 * What the humand-clock node shows of its outbox: the status under the node (fill, shape and either a
 * catalog key with its data or a literal text; the node translates), its health view and the message
 * each result goes out with. Pure.
 */
import type { HealthInfo, HealthTracker } from '../health';
import { parseOffsetTime, shortTime } from '../time';
import type { OutboxResult, OutboxStats } from './outbox';

export interface ClockStatus {
    fill: 'red' | 'yellow' | 'blue' | 'green';
    shape: 'ring' | 'dot';
    /** Catalog key under `humand-clock.status.`, or undefined when `text` is the whole text. */
    key?: 'authFailed' | 'retry' | 'sending' | 'ready';
    data?: Record<string, string>;
    text?: string;
}

export function clockStatus(s: OutboxStats, nowMs: number): ClockStatus {
    if (s.paused) return { fill: 'red', shape: 'ring', key: 'authFailed', data: { queued: String(s.queued) } };
    if (s.queued > 0 && s.nextRetryAt !== undefined && s.inFlight === 0) {
        const secs = Math.max(0, Math.ceil((s.nextRetryAt - nowMs) / 1000));
        return { fill: 'yellow', shape: 'ring', key: 'retry', data: { queued: String(s.queued), secs: String(secs) } };
    }
    if (s.queued > 0) return { fill: 'blue', shape: 'dot', key: 'sending', data: { queued: String(s.queued) } };
    if (s.last) {
        const parsed = parseOffsetTime(s.last.time);
        return { fill: 'green', shape: 'dot', text: `${s.last.action} · ${s.last.name} · ${parsed ? shortTime(parsed.dt) : ''}` };
    }
    return { fill: 'green', shape: 'ring', key: 'ready' };
}

/** The health view of a humand-clock node: outbox stats, the node's own counters and a fatal problem. */
export function clockHealth(
    node: { id: string; name?: string },
    s: OutboxStats | undefined,
    health: HealthTracker,
    fatal: string | undefined,
    dryRun: boolean,
): HealthInfo {
    return {
        id: node.id,
        type: 'humand-clock',
        name: node.name || 'humand-clock',
        lastSuccess: health.lastSuccess,
        queue: s?.queued ?? 0,
        oldestQueuedAt: s?.oldestQueuedAt,
        paused: s?.paused !== undefined || fatal !== undefined,
        nextRetryAt: s?.nextRetryAt,
        lastError: fatal ?? s?.paused?.message ?? s?.lastError ?? health.lastError,
        lastErrorAt: health.lastErrorAt,
        failingSince: health.failingSince,
        counts: { ...health.counts },
        details: {
            dryRun,
            inFlight: s?.inFlight ?? 0,
            // Another sender for this tenant (issue 13): shown once Humand answered a duplicate for a record never sent here.
            ...(s?.foreignDuplicates ? { foreignDuplicates: s.foreignDuplicates, otherSenderSuspected: s.otherSenderSuspected } : {}),
        },
    };
}

/**
 * The message a result goes out with: output 0 for delivered (and dry-run) records, with Humand's
 * answer in `payload.humand`; output 1 for the others, with `reason` and `reasonCode`.
 */
export function resultMessage(result: OutboxResult): { output: 0 | 1; msg: Record<string, unknown> } {
    const msg: Record<string, unknown> = { topic: result.item.meta.topic ?? result.item.employeeId, payload: { ...result.item.event } };
    if (result.item.meta.msgid) msg._msgid = result.item.meta.msgid;
    if (result.item.meta.backfill) msg.backfill = true;
    if (result.humand) msg.humand = result.humand;
    if (result.delivered) {
        (msg.payload as Record<string, unknown>).humand = result.humand ?? { status: 0 };
        return { output: 0, msg };
    }
    msg.reason = result.reason;
    msg.reasonCode = result.code;
    return { output: 1, msg };
}
