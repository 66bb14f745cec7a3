/** Query windows and request-time formatting for HikCentral door-event searches. */
import { DateTime } from 'luxon';

/** 31 days: the longest window sent in one query (HikCentral refuses longer ranges on some endpoints). */
export const MAX_WINDOW_MS = 31 * 24 * 3600 * 1000;

/** Splits [fromMs, toMs] into consecutive windows of at most `maxMs`. An empty or inverted range gives none. */
export function splitWindows(fromMs: number, toMs: number, maxMs: number = MAX_WINDOW_MS): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    if (!(toMs > fromMs) || !(maxMs > 0)) return out;
    for (let start = fromMs; start < toMs; start += maxMs) out.push([start, Math.min(toMs, start + maxMs)]);
    return out;
}

/** ISO 8601 with seconds and offset, no milliseconds (as in HikCentral's examples), in the given zone. */
export function formatRequestTime(ms: number, zone?: string): string {
    let dt = DateTime.fromMillis(ms);
    if (zone && zone.trim() !== '') {
        const z = dt.setZone(zone.trim());
        if (z.isValid) dt = z;
    }
    return dt.toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
}
