/**
 * The emission plan: which "in" / "out" events a set of report rows yields now (report days: reportday.ts).
 * Pure: no I/O, no Node-RED, the clock is a parameter.
 *
 * - "in" at FirstLoginDateTime is emitted as soon as it is seen (it never moves: it is the day's first login);
 * - "out" at LastLogoutDateTime is emitted once the day is closed, i.e. now >= start(D+1) + closeGrace,
 *   because until then the last logout keeps moving. A closed day without a logout (still connected)
 *   waits; its "out" is emitted on the first poll that sees the logout, while the day is in the look-back.
 */
import { DateTime } from 'luxon';
import { formatIso } from '../time';
import type { AttendanceEvent } from '../types';
import { DayOptions, dayClosesAt } from './reportday';
import type { ReportSession, RowProblem } from './rows';

export const SOURCE = 'hysecure';
export const DEVICE_ID = 'hysecure';

export function eventId(userId: string, day: string, direction: 'in' | 'out'): string {
    return `${SOURCE}:${userId}:${day}:${direction}`;
}

export interface PlanOptions extends DayOptions {
    closeGraceMs: number;
    nowMs: number;
    /** Times later than now + this are not emitted yet (clock skew). Default 2 minutes. */
    futureToleranceMs?: number;
    /** Already emitted event ids. */
    isEmitted: (id: string) => boolean;
    /** device.name: the server's name; when blank, the row's Realm. */
    deviceName?: string;
}

export interface PlannedEvent {
    event: AttendanceEvent;
    /** The report day, for the emitted-id memory. */
    day: string;
    ms: number;
}

export interface PlanStats {
    /** Days with an "in" emitted or due whose "out" waits for the day to close. */
    open: number;
    /** Closed days whose "out" cannot be emitted yet: no logout reported (still connected). */
    waitingLogout: number;
}

export interface Plan {
    events: PlannedEvent[];
    problems: RowProblem[];
    stats: PlanStats;
}

export const DEFAULT_FUTURE_TOLERANCE_MS = 2 * 60 * 1000;

/**
 * Decides the events to emit for validated sessions (see rows.ts). Events come back in time order
 * ("in" before "out" at the same instant). Nothing is marked as emitted here.
 */
export function planEvents(sessions: ReportSession[], options: PlanOptions): Plan {
    const tolerance = options.futureToleranceMs ?? DEFAULT_FUTURE_TOLERANCE_MS;
    const horizon = options.nowMs + tolerance;
    const events: PlannedEvent[] = [];
    const problems: RowProblem[] = [];
    const stats: PlanStats = { open: 0, waitingLogout: 0 };

    for (const s of sessions) {
        const device = { id: DEVICE_ID, ...(options.deviceName ? { name: options.deviceName } : s.realm ? { name: s.realm } : {}) };
        const person = { id: s.userId, code: s.userId, ...(s.name ? { name: s.name } : {}) };
        const make = (direction: 'in' | 'out', dt: DateTime): PlannedEvent => ({
            day: s.day,
            ms: dt.toMillis(),
            event: {
                id: eventId(s.userId, s.day, direction),
                source: SOURCE,
                person: { ...person },
                time: formatIso(dt.setZone(options.zone)),
                direction,
                device: { ...device },
                raw: s.raw,
            },
        });

        if (s.login.toMillis() > horizon) {
            problems.push({ kind: 'future-login', userId: s.userId, message: `login ${s.loginText} is in the future: not emitted yet` });
            continue;
        }
        const inId = eventId(s.userId, s.day, 'in');
        if (!options.isEmitted(inId)) events.push(make('in', s.login));

        const closed = options.nowMs >= dayClosesAt(s.day, options, options.closeGraceMs);
        if (!closed) {
            stats.open += 1;
            continue;
        }
        const outId = eventId(s.userId, s.day, 'out');
        if (options.isEmitted(outId)) continue;
        if (s.logoutProblem) continue; // reported by validation; never emitted
        if (!s.logout) {
            stats.waitingLogout += 1;
            continue;
        }
        if (s.logout.toMillis() > horizon) {
            problems.push({ kind: 'future-logout', userId: s.userId, message: `logout ${s.logoutText ?? ''} is in the future: not emitted yet` });
            continue;
        }
        events.push(make('out', s.logout));
    }

    events.sort((a, b) => a.ms - b.ms || dirRank(a) - dirRank(b) || (a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0));
    return { events, problems, stats };
}

function dirRank(p: PlannedEvent): number {
    return p.event.direction === 'in' ? 0 : 1;
}
