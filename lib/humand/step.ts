/**
 * The per-record step of the outbox, pure: what a rules decision or Humand's classified answer does to
 * the employee's state, to the record at the head of the queue and to the result reported.
 */
import { parseOffsetTime } from '../time';
import { Direction } from '../types';
import { Outcome } from './classify';
import { afterDelivered, afterDrift, Decision, EmployeeState, rememberId, RuleInput } from './rules';

export type ResultKind = 'delivered' | 'duplicate' | 'dry-run' | 'skipped' | 'rejected';

export interface StepResult {
    delivered: boolean;
    kind: ResultKind;
    code?: string;
    reason?: string;
    humand?: { action?: Direction; status?: number; body?: unknown };
}

export type Step =
    /** The record has its final answer: it leaves the queue, the employee's state becomes `state`. */
    | { kind: 'done'; state: EmployeeState; result: StepResult }
    /** The record stays at the head until `notBefore`; `held` (when given) says it waits for its time. */
    | { kind: 'wait'; notBefore: number; attempts: number; held?: boolean; lastError?: string }
    /** Send the record to Humand with this action. */
    | { kind: 'send'; action: Direction }
    /** Stop sending for a while (authentication failed). */
    | { kind: 'pause'; message: string };

/** What the rules' decision means for the head record (`attempts` is its count so far). */
export function stepOfDecision(decision: Decision, state: EmployeeState, input: RuleInput, attempts: number): Step {
    switch (decision.kind) {
        case 'skip':
        case 'reject':
            return {
                kind: 'done',
                state: { last: state.last, recent: rememberId(state.recent, input.id) },
                result: { delivered: false, kind: decision.kind === 'skip' ? 'skipped' : 'rejected', code: decision.code, reason: decision.reason },
            };
        case 'hold':
            return { kind: 'wait', notBefore: decision.untilMs, attempts, held: true };
        case 'send':
            return { kind: 'send', action: decision.action };
    }
}

/** A dry run: the record counts as delivered with `body` as what would have been sent. */
export function stepOfDryRun(state: EmployeeState, input: RuleInput, action: Direction, body: unknown): Step {
    return { kind: 'done', state: afterDelivered(state, input, action), result: { delivered: true, kind: 'dry-run', humand: { action, status: 0, body } } };
}

/**
 * What Humand's answer means for the head record. `attempts` is its count so far; `delay(n)` is the
 * back-off before retry number n.
 */
export function stepOfOutcome(
    outcome: Outcome,
    state: EmployeeState,
    input: RuleInput,
    action: Direction,
    attempts: number,
    nowMs: number,
    delay: (attempt: number) => number,
): Step {
    switch (outcome.kind) {
        case 'delivered':
            return {
                kind: 'done',
                state: afterDelivered(state, input, action),
                result: { delivered: true, kind: outcome.duplicate ? 'duplicate' : 'delivered', humand: { action, status: outcome.status, body: outcome.body } },
            };
        case 'rejected':
        case 'verify':
            // Humand's final refusal: the id is not remembered, so a later deliberate re-send of the
            // same event is accepted (and decided again).
            return {
                kind: 'done',
                state: { last: outcome.kind === 'rejected' && outcome.drift ? afterDrift(state, input, outcome.drift).last : state.last, recent: state.recent },
                result: {
                    delivered: false,
                    kind: 'rejected',
                    code: 'humand-rejected',
                    reason: `Humand rejected the ${action === 'in' ? 'clock-in' : 'clock-out'}: ${outcome.message}`,
                    humand: { action, status: outcome.status, body: outcome.body },
                },
            };
        case 'auth':
            return { kind: 'pause', message: `authentication failed (HTTP ${outcome.status})` };
        case 'future': {
            const eventMs = parseOffsetTime(input.time)?.ms ?? nowMs;
            return {
                kind: 'wait',
                attempts: attempts + 1,
                notBefore: Math.max(eventMs + 1000, nowMs + delay(attempts + 1)),
                held: true,
                lastError: `Humand says the time is in the future: ${outcome.message}`,
            };
        }
        case 'retry':
            return {
                kind: 'wait',
                attempts: attempts + 1,
                notBefore: nowMs + Math.max(outcome.retryAfterMs ?? 0, delay(attempts + 1)),
                lastError: outcome.status ? `HTTP ${outcome.status}: ${outcome.message}` : outcome.message,
            };
    }
}
