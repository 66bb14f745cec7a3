/**
 * Humand's rules, applied before a record is sent: duplicate id, repeat swipe (debounce),
 * unknown direction, same direction twice, out of order, and times in the future. Pure functions.
 */
import { Direction } from '../types';
import { localDay, parseOffsetTime } from '../time';

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

export interface RuleOptions {
    debounceMs: number;
    futureToleranceMs: number;
    nullDirection: NullDirectionPolicy;
    sameDirection: SameDirectionPolicy;
}

export const DEFAULT_RULES: RuleOptions = {
    debounceMs: 60_000,
    futureToleranceMs: 120_000,
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
    | { kind: 'reject'; code: 'out-of-order' | 'unknown-direction' | 'invalid-time'; reason: string }
    | { kind: 'hold'; untilMs: number; reason: string };

export function decide(input: RuleInput, state: EmployeeState, options: RuleOptions, nowMs: number): Decision {
    const parsed = parseOffsetTime(input.time);
    if (!parsed) return { kind: 'reject', code: 'invalid-time', reason: `invalid time "${String(input.time)}"` };
    if (state.recent.includes(input.id)) {
        return { kind: 'skip', code: 'duplicate', reason: `duplicate event ${input.id}` };
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
        if (delta >= 0 && delta < options.debounceMs) {
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
        if (!last || !lastParsed || localDay(lastParsed.dt.setZone(parsed.dt.zone)) !== localDay(parsed.dt)) {
            action = 'in';
        } else {
            action = last.action === 'in' ? 'out' : 'in';
        }
    }
    return { kind: 'send', action };
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
