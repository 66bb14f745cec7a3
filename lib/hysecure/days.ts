/**
 * The emission plan: which "in" / "out" events a set of report rows yields now (report days: reportday.ts).
 * Pure: no I/O, no Node-RED, the clock is a parameter.
 *
 * - "in" at FirstLoginDateTime is emitted as soon as it is seen (it never moves: it is the day's first login);
 * - "out" at LastLogoutDateTime is emitted once the day is closed, i.e. now >= start(D+1) + closeGrace,
 *   because until then the last logout keeps moving. A closed day without a logout (still connected)
 *   waits; its "out" is emitted on the first poll that sees the logout, while the day is in the look-back
 *   and no later day of that person was emitted.
 * - One person's events go out in day order: a later report day's events are HELD while an earlier day's
 *   "out" is neither emitted nor known absent (the day closed without a logout, or with an unusable one).
 *   A logout that shows up after a later day of the person was emitted is reported, not emitted.
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
    /** Events held back until an earlier day of the same person has its "out" (or is known absent). */
    held: number;
}

/** An event that waits for an earlier report day of its person (`blockedBy`). */
export interface HeldEvent {
    id: string;
    /** The event's report day. */
    day: string;
    /** The earlier report day whose "out" is awaited. */
    blockedBy: string;
    userId: string;
}

export interface Plan {
    events: PlannedEvent[];
    held: HeldEvent[];
    problems: RowProblem[];
    stats: PlanStats;
}

export const DEFAULT_FUTURE_TOLERANCE_MS = 2 * 60 * 1000;

/**
 * Decides the events to emit for validated sessions (see rows.ts). Events come back in time order
 * ("in" before "out" at the same instant), each person's in day order. Nothing is marked as emitted here.
 */
export function planEvents(sessions: ReportSession[], options: PlanOptions): Plan {
    const tolerance = options.futureToleranceMs ?? DEFAULT_FUTURE_TOLERANCE_MS;
    const horizon = options.nowMs + tolerance;
    const events: PlannedEvent[] = [];
    const held: HeldEvent[] = [];
    const problems: RowProblem[] = [];
    const stats: PlanStats = { open: 0, waitingLogout: 0, held: 0 };

    for (const days of byPerson(sessions).values()) {
        /** The earliest day of this person whose "out" is still awaited. */
        let blockedBy: string | undefined;
        for (let index = 0; index < days.length; index++) {
            const s = days[index];
            const { candidates, pending } = sessionEvents(s, options, horizon, stats, problems, () => laterDayEmitted(days, index, options.isEmitted));
            if (blockedBy !== undefined) {
                for (const c of candidates) held.push({ id: c.event.id, day: s.day, blockedBy, userId: s.userId });
                stats.held += candidates.length;
            } else events.push(...candidates);
            if (pending && blockedBy === undefined) blockedBy = s.day;
        }
    }

    events.sort((a, b) => a.ms - b.ms || dirRank(a) - dirRank(b) || (a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0));
    return { events: inDayOrderPerPerson(events), held, problems, stats };
}

/** Sessions grouped by user, each group in day order. */
function byPerson(sessions: ReportSession[]): Map<string, ReportSession[]> {
    const people = new Map<string, ReportSession[]>();
    for (const s of sessions) {
        const list = people.get(s.userId);
        if (list) list.push(s);
        else people.set(s.userId, [s]);
    }
    for (const list of people.values()) list.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    return people;
}

/** Was any event of a later day of this person (after `days[index]`) emitted already? */
function laterDayEmitted(days: ReportSession[], index: number, isEmitted: (id: string) => boolean): boolean {
    for (let k = index + 1; k < days.length; k++) {
        const d = days[k];
        if (isEmitted(eventId(d.userId, d.day, 'in')) || isEmitted(eventId(d.userId, d.day, 'out'))) return true;
    }
    return false;
}

/**
 * The events one session yields now, and whether its "out" is still awaited (`pending`: the day is open,
 * or closed with a logout that is not emitted yet). Known absent (not pending): closed without a logout,
 * or with an unusable one.
 */
function sessionEvents(
    s: ReportSession,
    options: PlanOptions,
    horizon: number,
    stats: PlanStats,
    problems: RowProblem[],
    laterEmitted: () => boolean,
): { candidates: PlannedEvent[]; pending: boolean } {
    const candidates: PlannedEvent[] = [];
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
        return { candidates, pending: true };
    }
    const inId = eventId(s.userId, s.day, 'in');
    if (!options.isEmitted(inId)) candidates.push(make('in', s.login));

    const closed = options.nowMs >= dayClosesAt(s.day, options, options.closeGraceMs);
    if (!closed) {
        stats.open += 1;
        return { candidates, pending: true };
    }
    const outId = eventId(s.userId, s.day, 'out');
    if (options.isEmitted(outId)) return { candidates, pending: false };
    if (s.logoutProblem) return { candidates, pending: false }; // reported by validation; never emitted
    if (!s.logout) {
        stats.waitingLogout += 1;
        return { candidates, pending: false };
    }
    if (laterEmitted()) {
        problems.push({ kind: 'late-logout', userId: s.userId, message: `logout ${s.logoutText ?? ''} of ${s.day} appeared after a later day of ${s.userId} was sent: not emitted (out of order)` });
        return { candidates, pending: false };
    }
    if (s.logout.toMillis() > horizon) {
        problems.push({ kind: 'future-logout', userId: s.userId, message: `logout ${s.logoutText ?? ''} is in the future: not emitted yet` });
        return { candidates, pending: true };
    }
    candidates.push(make('out', s.logout));
    return { candidates, pending: false };
}

/**
 * Keeps the time-ordered list but puts each person's own events in day order (in before out) in the
 * places that person's events take: a night session's "out" never follows the next day's "in".
 */
function inDayOrderPerPerson(events: PlannedEvent[]): PlannedEvent[] {
    const slots = new Map<string, number[]>();
    events.forEach((e, i) => {
        const list = slots.get(e.event.person.id);
        if (list) list.push(i);
        else slots.set(e.event.person.id, [i]);
    });
    const out = events.slice();
    for (const indexes of slots.values()) {
        if (indexes.length < 2) continue;
        const own = indexes.map((i) => events[i]).sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : dirRank(a) - dirRank(b)));
        indexes.forEach((i, k) => (out[i] = own[k]));
    }
    return out;
}

function dirRank(p: PlannedEvent): number {
    return p.event.direction === 'in' ? 0 : 1;
}
