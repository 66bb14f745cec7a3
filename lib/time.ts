/** Time parsing and formatting with luxon. Every event time is ISO 8601 with an explicit offset. */
import { DateTime } from 'luxon';

const OFFSET_AT_END = /(Z|[+-]\d{2}(:?\d{2})?)$/i;

export interface ParsedTime {
    /** Epoch milliseconds. */
    ms: number;
    /** The instant in the offset it was written with. */
    dt: DateTime;
}

/**
 * Parses an ISO 8601 timestamp that carries an offset ("Z" or "+hh:mm").
 * Returns null for anything else: a time without offset is ambiguous for payroll.
 */
export function parseOffsetTime(value: unknown): ParsedTime | null {
    if (typeof value !== 'string') return null;
    const text = value.trim();
    if (!OFFSET_AT_END.test(text) || !text.includes('T')) return null;
    const dt = DateTime.fromISO(text, { setZone: true });
    if (!dt.isValid) return null;
    return { ms: dt.toMillis(), dt };
}

/** ISO 8601 with milliseconds and the offset of `dt`'s zone, e.g. 2026-01-27T08:12:45.123-03:00. */
export function formatIso(dt: DateTime): string {
    return dt.toISO({ suppressMilliseconds: false, includeOffset: true }) ?? dt.toUTC().toISO() ?? '';
}

/** Calendar day (YYYY-MM-DD) of an instant in the offset it was written with. */
export function localDay(dt: DateTime): string {
    return dt.toISODate() ?? '';
}

/** HH:MM in the offset the time was written with, for status texts. */
export function shortTime(dt: DateTime): string {
    return dt.toFormat('HH:mm');
}

/**
 * HH:MM of an instant for status texts: in the IANA zone when given, else in the host's zone;
 * '?' when there is no instant.
 */
export function clockTime(epochMs: number | undefined, zone?: string): string {
    if (epochMs === undefined || !Number.isFinite(epochMs)) return '?';
    const dt = DateTime.fromMillis(epochMs);
    return shortTime(zone ? dt.setZone(zone) : dt);
}

/** Is `zone` a valid IANA zone name for luxon? */
export function isValidZone(zone: string): boolean {
    return DateTime.now().setZone(zone).isValid;
}
