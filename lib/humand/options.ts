/**
 * The humand-clock node's properties read into its options: one place for the defaults and limits the
 * node applies (the editor's defaults come from its migration). A value out of range is named as a
 * problem (a catalog key of humand-clock) and its default applies: the sink keeps storing punches.
 */
import { clampedNumber, readNumber } from '../config';
import { DEFAULT_COMMENT } from './comment';
import { DEFAULT_RULES, NullDirectionPolicy, RuleOptions, SameDirectionPolicy } from './rules';

export interface ClockProperties {
    store?: unknown;
    debounce?: unknown;
    futureTolerance?: unknown;
    maxFuture?: unknown;
    newShiftAfter?: unknown;
    nullDirection?: unknown;
    sameDirection?: unknown;
    concurrency?: unknown;
    comment?: unknown;
    dryRun?: unknown;
}

export interface OptionProblem {
    key: string;
    data: Record<string, string>;
}

export interface ClockOptions {
    store: string;
    dryRun: boolean;
    rules: Required<RuleOptions>;
    concurrency: number;
    template: string;
    problems: OptionProblem[];
}

/** Largest "max. ahead" (hours): one week. */
export const MAX_FUTURE_LIMIT_HOURS = 168;
/** Largest "new shift after" (hours). */
export const NEW_SHIFT_AFTER_LIMIT_HOURS = 48;

const HOUR_MS = 3_600_000;

export function readClockOptions(props: ClockProperties): ClockOptions {
    const problems: OptionProblem[] = [];
    const futureToleranceMs = clampedNumber(props.futureTolerance, DEFAULT_RULES.futureToleranceMs / 1000, 0) * 1000;
    const maxFutureHours = hoursIn(props.maxFuture, DEFAULT_RULES.maxFutureMs / HOUR_MS, MAX_FUTURE_LIMIT_HOURS, 'badMaxFuture', problems);
    const newShiftHours = hoursIn(props.newShiftAfter, DEFAULT_RULES.newShiftAfterMs / HOUR_MS, NEW_SHIFT_AFTER_LIMIT_HOURS, 'badNewShiftAfter', problems);
    const rules: Required<RuleOptions> = {
        debounceMs: clampedNumber(props.debounce, DEFAULT_RULES.debounceMs / 1000, 0) * 1000,
        futureToleranceMs,
        // The bound never cuts into the tolerance: an event within the tolerance is always sent.
        maxFutureMs: Math.max(futureToleranceMs, maxFutureHours * HOUR_MS),
        newShiftAfterMs: newShiftHours * HOUR_MS,
        nullDirection: (props.nullDirection === 'reject' ? 'reject' : 'toggle') as NullDirectionPolicy,
        sameDirection: (props.sameDirection === 'drop' ? 'drop' : 'send') as SameDirectionPolicy,
    };
    return {
        store: typeof props.store === 'string' ? props.store.trim() : '',
        dryRun: props.dryRun === true,
        rules,
        concurrency: Math.floor(clampedNumber(props.concurrency, 4, 1)),
        template: typeof props.comment === 'string' && props.comment.trim() !== '' ? props.comment : DEFAULT_COMMENT,
        problems,
    };
}

/** Hours in 0 < h <= max; blank is the default; anything else is a problem and the default. */
function hoursIn(value: unknown, fallback: number, max: number, problem: string, problems: OptionProblem[]): number {
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return fallback;
    const n = readNumber(value, NaN);
    const plain = typeof value === 'number' || /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/.test(String(value));
    if (plain && n > 0 && n <= max) return n;
    problems.push({ key: `humand-clock.errors.${problem}`, data: { value: String(value), max: String(max), fallback: String(fallback) } });
    return fallback;
}
