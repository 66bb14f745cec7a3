/**
 * One poll of a hysecure-sessions node, without Node-RED: work out the report days, fetch the report
 * (a fresh token each poll), validate the rows and plan the events not emitted yet, holding a person's
 * later days while an earlier day's "out" is awaited. The caller sends the events, then calls `commit`
 * to remember their ids and the held events.
 */
import { DateTime } from 'luxon';
import { ALL_USERS, ReportFilters } from './api';
import type { ReportAnswer } from './client';
import { HeldEvent, Plan, planEvents, PlannedEvent } from './days';
import { reportDay } from './reportday';
import { addDays, formatTimeOfDay, isDay, parseTimeOfDay } from './localtime';
import { RowProblem, validateRows } from './rows';
import type { EmittedIds } from './state';

export interface SessionsConfig {
    zone: string;
    startOfDay: string;
    closeGraceMs: number;
    /** Report days before today to re-read on every poll. */
    days: number;
    userName: string;
    deviceName?: string;
    futureToleranceMs?: number;
    /** Longest date range per report request; longer back-fills are split. */
    maxRangeDays?: number;
}

export interface ReportSource {
    resetToken(): void;
    sessions(filters: ReportFilters, signal?: AbortSignal): Promise<ReportAnswer>;
}

export interface DayRange {
    startDate: string;
    endDate: string;
}

export interface PollResult {
    range: DayRange;
    rows: number;
    events: PlannedEvent[];
    /** Events held back for an earlier day of their person (persisted by `commit`). */
    held: HeldEvent[];
    problems: RowProblem[];
    stats: Plan['stats'];
}

export const DEFAULT_MAX_RANGE_DAYS = 31;

/** Normalises a StartOfDay setting to "HH:MM:SS" (null when invalid). */
export function normaliseStartOfDay(value: unknown): string | null {
    const t = parseTimeOfDay(typeof value === 'string' && value.trim() !== '' ? value : '00:00:00');
    return t ? formatTimeOfDay(t) : null;
}

/** Report days polled at `nowMs`: the current report day and `days` before it. */
export function currentRange(nowMs: number, config: Pick<SessionsConfig, 'zone' | 'startOfDay' | 'days'>): DayRange {
    const today = reportDay(DateTime.fromMillis(nowMs, { zone: config.zone }), config);
    return { startDate: addDays(today, -Math.max(0, Math.floor(config.days))), endDate: today };
}

/** Reads a back-fill request `{from, to}` (YYYY-MM-DD, or ISO times whose date is used). */
export function backfillRange(payload: unknown, nowMs: number, config: Pick<SessionsConfig, 'zone' | 'startOfDay' | 'days'>): DayRange | string {
    if (typeof payload !== 'object' || payload === null) return 'payload must be {from, to} with dates YYYY-MM-DD';
    const p = payload as Record<string, unknown>;
    const toDay = (v: unknown): string | null => {
        if (typeof v !== 'string') return null;
        const head = v.trim().slice(0, 10);
        return isDay(head) ? head : null;
    };
    const from = toDay(p.from);
    const to = p.to === undefined ? currentRange(nowMs, config).endDate : toDay(p.to);
    if (!from || !to) return 'payload must be {from, to} with dates YYYY-MM-DD';
    if (from > to) return `"from" (${from}) is after "to" (${to})`;
    return { startDate: from, endDate: to };
}

/** Splits a range into chunks of at most `max` days. */
export function splitRange(range: DayRange, max: number): DayRange[] {
    const out: DayRange[] = [];
    let start = range.startDate;
    const size = Math.max(1, Math.floor(max));
    while (start <= range.endDate) {
        let end = addDays(start, size - 1);
        if (end > range.endDate) end = range.endDate;
        out.push({ startDate: start, endDate: end });
        start = addDays(end, 1);
    }
    return out;
}

/** Wall time "YYYY-MM-DD HH:MM:SS" of `nowMs` in the zone (the request's RequestDate). */
export function requestDate(nowMs: number, zone: string): string {
    return DateTime.fromMillis(nowMs, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
}

/** What a poll reads of the node's state: the emitted ids and, when kept, the held events. */
export type PollState = Pick<EmittedIds, 'has'> & Partial<Pick<EmittedIds, 'heldBy'>>;

export async function pollOnce(
    source: ReportSource,
    emitted: PollState,
    config: SessionsConfig,
    nowMs: number,
    range?: DayRange,
    signal?: AbortSignal,
): Promise<PollResult> {
    const days = range ?? currentRange(nowMs, config);
    source.resetToken();
    const rows: unknown[] = [];
    for (const chunk of splitRange(days, config.maxRangeDays ?? DEFAULT_MAX_RANGE_DAYS)) {
        const answer = await source.sessions(
            {
                startDate: chunk.startDate,
                endDate: chunk.endDate,
                userName: config.userName.trim() === '' ? ALL_USERS : config.userName.trim(),
                startOfDay: config.startOfDay,
                requestDate: requestDate(nowMs, config.zone),
            },
            signal,
        );
        rows.push(...answer.rows);
    }
    const validated = validateRows(rows, config);
    const plan = planEvents(validated.sessions, {
        zone: config.zone,
        startOfDay: config.startOfDay,
        closeGraceMs: config.closeGraceMs,
        nowMs,
        futureToleranceMs: config.futureToleranceMs,
        deviceName: config.deviceName,
        isEmitted: (id) => emitted.has(id),
    });
    const { events, held } = keepStoredHolds(plan, days, (id) => emitted.heldBy?.(id));
    return {
        range: days,
        rows: validated.rows,
        events,
        held,
        problems: [...validated.problems, ...plan.problems],
        stats: { ...plan.stats, held: held.length },
    };
}

/**
 * An event held earlier for a day this poll does not read (a back-fill of later days only) stays held,
 * and so do that person's events of the same and later days: only a poll that reads the awaited day
 * releases them.
 */
function keepStoredHolds(plan: Plan, range: DayRange, heldBy: (id: string) => string | undefined): { events: PlannedEvent[]; held: HeldEvent[] } {
    const from = new Map<string, { day: string; blockedBy: string }>();
    for (const e of plan.events) {
        const blockedBy = heldBy(e.event.id);
        if (blockedBy === undefined || (blockedBy >= range.startDate && blockedBy <= range.endDate)) continue;
        const person = e.event.person.id;
        const current = from.get(person);
        if (!current || e.day < current.day) from.set(person, { day: e.day, blockedBy });
    }
    if (from.size === 0) return { events: plan.events, held: plan.held };
    const events: PlannedEvent[] = [];
    const held = plan.held.slice();
    for (const e of plan.events) {
        const f = from.get(e.event.person.id);
        if (f && e.day >= f.day) held.push({ id: e.event.id, day: e.day, blockedBy: f.blockedBy, userId: e.event.person.id });
        else events.push(e);
    }
    return { events, held };
}

/**
 * Remembers emitted events (and, given the poll's range, the events it held), then saves the changed days
 * (dropping days older than the look-back + margin).
 */
export async function commit(
    emitted: EmittedIds,
    events: PlannedEvent[],
    nowMs: number,
    config: Pick<SessionsConfig, 'zone' | 'startOfDay' | 'days'>,
    holds?: { range: DayRange; held: HeldEvent[] },
): Promise<void> {
    for (const e of events) emitted.add(e.day, e.event.id, nowMs);
    if (holds) emitted.setHeld(holds.range, holds.held);
    await emitted.save(nowMs, currentRange(nowMs, config).startDate);
}


/** Bad rows (not merged duplicates, not times in the future that wait) and merged duplicates of a poll. */
export function countProblems(problems: RowProblem[]): { bad: number; duplicates: number } {
    let bad = 0;
    let duplicates = 0;
    for (const p of problems) {
        if (p.kind === 'duplicate') duplicates++;
        else if (p.kind !== 'future-login' && p.kind !== 'future-logout' && p.kind !== 'late-logout') bad++;
    }
    return { bad, duplicates };
}
