/**
 * The package's one way to arm a timer. Node.js keeps a timer for at most 2^31-1 ms (24.8 days): a
 * longer delay is silently turned into 1 ms with a TimeoutOverflowWarning, and a caller that re-arms
 * for the same far-away time then spins. Every timer goes through `cappedTimeout`, which clamps the
 * delay; a caller whose time lies further ahead checks again when the timer fires and re-arms.
 */

/** Longest delay a Node.js timer holds. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay that a timer can hold: 0 for negative or not a number, at most MAX_TIMER_MS. */
export function clampDelay(ms: number): number {
    if (Number.isNaN(ms) || ms <= 0) return 0;
    return Math.min(MAX_TIMER_MS, Math.ceil(ms));
}

/** Milliseconds from `nowMs` until `atMs` (undefined or past: 0), clamped like clampDelay. */
export function delayUntil(atMs: number | undefined, nowMs: number): number {
    return atMs === undefined ? 0 : clampDelay(atMs - nowMs);
}

/** setTimeout with the delay clamped (clear it with clearTimeout as usual). */
export function cappedTimeout(fn: () => void, ms: number): NodeJS.Timeout {
    return setTimeout(fn, clampDelay(ms));
}
