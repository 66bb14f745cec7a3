/** Reading node properties: the editor stores numbers and booleans as numbers or as strings. */

/** A finite number, or the fallback. */
export function readNumber(value: unknown, fallback: number): number {
    const n = typeof value === 'number' ? value : parseFloat(String(value ?? ''));
    return Number.isFinite(n) ? n : fallback;
}

/** A number above zero, or the fallback (timeouts). */
export function positiveNumber(value: unknown, fallback: number): number {
    const n = readNumber(value, NaN);
    return n > 0 ? n : fallback;
}

/** A finite number raised to at least `min`, or the fallback when not a number. */
export function clampedNumber(value: unknown, fallback: number, min: number): number {
    const n = readNumber(value, NaN);
    return Number.isFinite(n) ? Math.max(min, n) : fallback;
}

/** true / false (or their strings), else the fallback. */
export function readBool(value: unknown, fallback: boolean): boolean {
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    return fallback;
}
