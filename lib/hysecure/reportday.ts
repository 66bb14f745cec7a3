/**
 * Report days ("shift days"). A report day D spans [start(D), start(D+1)) where start(D) is `StartOfDay`
 * on calendar date D in the configured zone (earliest instant when that wall time occurs twice; moved
 * forward when it does not exist). With StartOfDay 06:00:00 a login at 03:00 on the 2nd belongs to the
 * 1st (night shift). Used by row validation (rows.ts), the plan (days.ts) and the poll (poll.ts).
 */
import type { DateTime } from 'luxon';
import { addDays, formatTimeOfDay, parseTimeOfDay, parseWall, resolveWall } from './localtime';

export interface DayOptions {
    /** IANA zone the report's times are written in. */
    zone: string;
    /** "HH:MM:SS". */
    startOfDay: string;
}

/** The instant report day `day` (YYYY-MM-DD) starts. */
export function dayStart(day: string, options: DayOptions): DateTime {
    const t = parseTimeOfDay(options.startOfDay) ?? { hour: 0, minute: 0, second: 0 };
    const w = parseWall(`${day} ${formatTimeOfDay(t)}`);
    if (!w) throw new Error(`invalid day ${day}`);
    return resolveWall(w, options.zone).candidates[0];
}

/** The report day an instant belongs to. */
export function reportDay(instant: DateTime, options: DayOptions): string {
    const local = instant.setZone(options.zone);
    const date = local.toISODate() ?? '';
    if (instant.toMillis() < dayStart(date, options).toMillis()) return addDays(date, -1);
    // A late StartOfDay moved forward by a gap could in theory leave the instant past the next start.
    const next = addDays(date, 1);
    if (instant.toMillis() >= dayStart(next, options).toMillis()) return next;
    return date;
}

/** Epoch ms at which day `day` counts as closed: start of the next day plus the grace period. */
export function dayClosesAt(day: string, options: DayOptions, closeGraceMs: number): number {
    return dayStart(addDays(day, 1), options).toMillis() + closeGraceMs;
}

