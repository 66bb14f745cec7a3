/**
 * Wall-clock times without offset ("2025-01-01 15:30:00", as HySecure reports them) read in an IANA zone,
 * with explicit, tested answers for daylight-saving transitions:
 * - a time that occurs twice (overlap, clocks set back) has two candidate instants; callers choose
 *   (logins take the earlier one, logouts the earliest one not before the login);
 * - a time that does not exist (gap, clocks set forward) is moved forward by the length of the gap
 *   (00:30 in a 00:00→01:00 gap reads as 01:30), the way luxon and most clocks that were not changed do.
 * luxon alone is not enough: for overlaps it picks the earlier offset in some zones and the later one in
 * others (America/Santiago vs Europe/Madrid), so candidates are computed here.
 */
import { DateTime, IANAZone } from 'luxon';

export interface WallTime {
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    second: number;
    millisecond: number;
}

export type WallKind = 'normal' | 'overlap' | 'gap';

export interface Resolved {
    /** Instants this wall time denotes in the zone, earliest first (two in an overlap). */
    candidates: DateTime[];
    kind: WallKind;
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$/i;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_OF_DAY = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/** Parses "YYYY-MM-DD HH:MM[:SS[.fff]]" (space or T). Null for anything else or an impossible date. */
export function parseWall(text: string): WallTime | null {
    const m = WALL.exec(text.trim());
    if (!m) return null;
    const w: WallTime = {
        year: Number(m[1]),
        month: Number(m[2]),
        day: Number(m[3]),
        hour: Number(m[4]),
        minute: Number(m[5]),
        second: m[6] ? Number(m[6]) : 0,
        millisecond: m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0,
    };
    // Validate the calendar fields in UTC (no DST there).
    const check = DateTime.fromObject(w, { zone: 'UTC' });
    if (!check.isValid || check.day !== w.day || check.hour !== w.hour) return null;
    return w;
}

/** Is the value a valid YYYY-MM-DD calendar date? */
export function isDay(value: unknown): value is string {
    if (typeof value !== 'string') return false;
    const m = DATE_ONLY.exec(value);
    if (!m) return false;
    const d = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, { zone: 'UTC' });
    return d.isValid && d.day === Number(m[3]);
}

/** Parses "HH:MM[:SS]" into seconds after midnight, or null. */
export function parseTimeOfDay(value: unknown): { hour: number; minute: number; second: number } | null {
    if (typeof value !== 'string') return null;
    const m = TIME_OF_DAY.exec(value.trim());
    if (!m) return null;
    const hour = Number(m[1]);
    const minute = Number(m[2]);
    const second = m[3] ? Number(m[3]) : 0;
    if (hour > 23 || minute > 59 || second > 59) return null;
    return { hour, minute, second };
}

/** "HH:MM:SS" with two digits each. */
export function formatTimeOfDay(t: { hour: number; minute: number; second: number }): string {
    const p = (n: number) => String(n).padStart(2, '0');
    return `${p(t.hour)}:${p(t.minute)}:${p(t.second)}`;
}

/** The instants a wall time denotes in `zone`. */
export function resolveWall(w: WallTime, zone: string): Resolved {
    const tz = IANAZone.create(zone);
    const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
    const offsets = new Set<number>([tz.offset(asUtc - 86400000), tz.offset(asUtc), tz.offset(asUtc + 86400000)]);
    const instants: number[] = [];
    for (const offset of offsets) {
        const ms = asUtc - offset * 60000;
        if (tz.offset(ms) === offset && !instants.includes(ms)) instants.push(ms);
    }
    instants.sort((a, b) => a - b);
    if (instants.length > 0) {
        return {
            candidates: instants.map((ms) => DateTime.fromMillis(ms, { zone })),
            kind: instants.length > 1 ? 'overlap' : 'normal',
        };
    }
    // Gap: luxon moves a non-existent local time forward by the gap's length.
    return { candidates: [DateTime.fromObject(w, { zone })], kind: 'gap' };
}

/**
 * Reads a report time. Accepts "YYYY-MM-DD HH:MM:SS" (read in `zone`) and, should the gateway ever send
 * one, an ISO time with an offset (honoured, then shown in `zone`). Null when unparseable.
 */
export function readReportTime(value: unknown, zone: string): Resolved | null {
    if (typeof value !== 'string' || value.trim() === '') return null;
    const text = value.trim();
    if (WITH_OFFSET.test(text)) {
        const dt = DateTime.fromISO(text.replace(' ', 'T').replace(/\s+/g, ''), { setZone: true });
        if (!dt.isValid) return null;
        return { candidates: [dt.setZone(zone)], kind: 'normal' };
    }
    const w = parseWall(text);
    if (!w) return null;
    return resolveWall(w, zone);
}

/** Adds n days to a YYYY-MM-DD day (calendar arithmetic, no zone). */
export function addDays(day: string, n: number): string {
    return DateTime.fromISO(day, { zone: 'UTC' }).plus({ days: n }).toISODate() ?? day;
}
