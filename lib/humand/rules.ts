/**
 * Humand's rules, applied before a record is sent: duplicate id, times too far ahead or in the future,
 * repeat swipe (debounce), unknown direction, same direction twice and out of order. Pure functions.
 */
import { positiveNumber } from '../config';
import { Direction } from '../types';
import { parseOffsetTime } from '../time';

export interface LastAction {
    action: Direction;
    /** ISO time of the last accepted record. */
    time: string;
    eventId: string;
}

export interface EmployeeState {
    last?: LastAction;
    /** Ids of recently delivered or decided events, newest last (bounded). */
    recent: string[];
}

export type NullDirectionPolicy = 'toggle' | 'reject';
export type SameDirectionPolicy = 'send' | 'drop';

/**
 * The rules of one record (stored with it in the outbox). `maxFutureMs` and `newShiftAfterMs` are
 * optional because records stored by releases before them have none: the defaults apply then.
 */
export interface RuleOptions {
    debounceMs: number;
    futureToleranceMs: number;
    /** An event later than now + this is refused ("too-far-ahead") instead of held. */
    maxFutureMs?: number;
    /** Unknown direction: a punch more than this after the last one starts a new shift ("in"). */
    newShiftAfterMs?: number;
    nullDirection: NullDirectionPolicy;
    sameDirection: SameDirectionPolicy;
}

export const DEFAULT_MAX_FUTURE_MS = 24 * 3_600_000;
export const DEFAULT_NEW_SHIFT_AFTER_MS = 10 * 3_600_000;

export const DEFAULT_RULES: Required<RuleOptions> = {
    debounceMs: 60_000,
    futureToleranceMs: 120_000,
    maxFutureMs: DEFAULT_MAX_FUTURE_MS,
    newShiftAfterMs: DEFAULT_NEW_SHIFT_AFTER_MS,
    nullDirection: 'toggle',
    sameDirection: 'send',
};

/**
 * Ids remembered per employee to drop re-emitted events. Sources keep their own larger sets; here a few
 * suffice (an older event is refused as out of order anyway), and the store stays small at 100k employees.
 */
export const RECENT_IDS = 12;

export interface RuleInput {
    id: string;
    time: string;
    direction: Direction | null;
    backfill?: boolean;
}

export type Decision =
    | { kind: 'send'; action: Direction }
    | { kind: 'skip'; code: 'duplicate' | 'debounce' | 'same-direction'; reason: string }
    | { kind: 'reject'; code: 'out-of-order' | 'unknown-direction' | 'invalid-time' | 'too-far-ahead'; reason: string }
    | { kind: 'hold'; untilMs: number; reason: string };

export function decide(input: RuleInput, state: EmployeeState, options: RuleOptions, nowMs: number): Decision {
    const parsed = parseOffsetTime(input.time);
    if (!parsed) return { kind: 'reject', code: 'invalid-time', reason: `invalid time "${String(input.time)}"` };
    if (state.recent.includes(input.id)) {
        return { kind: 'skip', code: 'duplicate', reason: `duplicate event ${input.id}` };
    }
    const maxFutureMs = positiveNumber(options.maxFutureMs, DEFAULT_MAX_FUTURE_MS);
    if (parsed.ms > nowMs + maxFutureMs) {
        return {
            kind: 'reject',
            code: 'too-far-ahead',
            reason:
                `event time ${input.time} is too far ahead: more than ${hours(maxFutureMs)} h after now ` +
                '(a reader or source clock is probably wrong); not held, not sent',
        };
    }
    if (parsed.ms > nowMs + options.futureToleranceMs) {
        return { kind: 'hold', untilMs: parsed.ms, reason: 'event time is in the future: held until due' };
    }
    const last = state.last;
    const lastParsed = last ? parseOffsetTime(last.time) : null;
    if (last && lastParsed) {
        const delta = parsed.ms - lastParsed.ms;
        if (delta < 0 && !input.backfill) {
            return {
                kind: 'reject',
                code: 'out-of-order',
                reason: `out of order: older than the last accepted record (${last.action} at ${last.time})`,
            };
        }
        // A repeat swipe is the same direction, or an unknown one; an explicit opposite direction is a real punch.
        const repeat = input.direction !== 'in' && input.direction !== 'out' ? true : input.direction === last.action;
        if (delta >= 0 && delta < options.debounceMs && repeat) {
            return {
                kind: 'skip',
                code: 'debounce',
                reason: `repeat swipe: ${Math.round(delta / 1000)} s after the last accepted record (debounce ${Math.round(options.debounceMs / 1000)} s)`,
            };
        }
    }
    let action: Direction;
    if (input.direction === 'in' || input.direction === 'out') {
        action = input.direction;
        if (last && lastParsed && last.action === action && parsed.ms >= lastParsed.ms && options.sameDirection === 'drop') {
            return { kind: 'skip', code: 'same-direction', reason: `same direction as the last record (${action})` };
        }
    } else {
        if (options.nullDirection === 'reject') {
            return { kind: 'reject', code: 'unknown-direction', reason: 'unknown direction (rejected by option)' };
        }
        // The first punch of a shift is decided by the gap since the last punch, not by the calendar day,
        // so a night shift (in 22:00, out 06:00) alternates correctly.
        const newShiftAfterMs = positiveNumber(options.newShiftAfterMs, DEFAULT_NEW_SHIFT_AFTER_MS);
        if (!last || !lastParsed || Math.abs(parsed.ms - lastParsed.ms) > newShiftAfterMs) {
            action = 'in';
        } else {
            action = last.action === 'in' ? 'out' : 'in';
        }
    }
    return { kind: 'send', action };
}

function hours(ms: number): string {
    return String(Math.round((ms / 3_600_000) * 100) / 100);
}

/** State after Humand accepted (or already had) a record. Older back-filled records do not move `last`. */
export function afterDelivered(state: EmployeeState, input: RuleInput, action: Direction): EmployeeState {
    const recent = rememberId(state.recent, input.id);
    const last = state.last;
    const newer = !last || (parseOffsetTime(input.time)?.ms ?? 0) >= (parseOffsetTime(last.time)?.ms ?? 0);
    return { recent, last: newer ? { action, time: input.time, eventId: input.id } : last };
}

/**
 * State after Humand refused a record because its own state differs (it has an entry without exit,
 * or no open entry, e.g. after its automatic clock-out): align `last` with what Humand has.
 */
export function afterDrift(state: EmployeeState, input: RuleInput, humandHas: Direction): EmployeeState {
    return {
        recent: rememberId(state.recent, input.id),
        last: { action: humandHas, time: laterTime(state.last?.time, input.time), eventId: input.id },
    };
}

export function rememberId(recent: string[], id: string): string[] {
    const next = recent.filter((r) => r !== id);
    next.push(id);
    return next.length > RECENT_IDS ? next.slice(next.length - RECENT_IDS) : next;
}

function laterTime(a: string | undefined, b: string): string {
    if (!a) return b;
    const pa = parseOffsetTime(a);
    const pb = parseOffsetTime(b);
    if (!pa) return b;
    if (!pb) return a;
    return pb.ms >= pa.ms ? b : a;
}
