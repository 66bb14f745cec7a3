/**
 * Read-back after a refusal Humand does not explain (its documented generic 400 `INVALID_DATA`): read
 * the employee's entries of the event's local day and the day before (`GET /time-tracking/entries`)
 * and decide from what Humand holds:
 *  - our punch is there (same type, same instant to the second): delivered (a re-send);
 *  - the latest entry at or before our instant is already of that type: drift (an app punch, Humand's
 *    AUTO_CLOSE…), the employee's state is aligned;
 *  - otherwise: rejected with Humand's message.
 * A read-back that fails (network, 5xx, 429, an unexpected answer) leaves the record to be retried.
 * Every request takes a token from the shared rate limiter, like any other call with that key.
 */
import { HttpFailure, HttpResult, retryAfterMs } from '../http';
import { parseOffsetTime } from '../time';
import { Direction, errorMessage, isRecord } from '../types';
import { EntriesQuery, humandMessage, MAX_PAGE_LIMIT } from './client';
import { Outcome } from './classify';

/** What the read-back needs: HumandClient satisfies it. */
export interface EntriesSource {
    entries(query: EntriesQuery, signal?: AbortSignal): Promise<HttpResult>;
}

export interface ReadBackOptions {
    /** Waits for a token of the shared rate limiter. */
    take: () => Promise<void>;
    signal?: AbortSignal;
    now: () => number;
    /** Entries per page (Humand: 10–50). */
    limit?: number;
    /** Safety stop. */
    maxPages?: number;
}

/** One entry as Humand lists it (`TimeTrackingEntry`); only what the decision reads. */
export interface HeldEntry {
    type: 'START' | 'END';
    ms: number;
    time: string;
    source?: string;
}

export const READBACK_LIMIT = MAX_PAGE_LIMIT;
const MAX_PAGES = 20;

type Failure = Extract<Outcome, { kind: 'auth' | 'retry' }>;

/** The days to read: the event's local day (in its own offset) and the day before. */
export function readBackDays(time: string): { startDate: string; endDate: string } | undefined {
    const parsed = parseOffsetTime(time);
    if (!parsed) return undefined;
    const endDate = parsed.dt.toISODate();
    const startDate = parsed.dt.minus({ days: 1 }).toISODate();
    return endDate && startDate ? { startDate, endDate } : undefined;
}

function entryOf(raw: unknown): HeldEntry | undefined {
    if (!isRecord(raw) || (raw.type !== 'START' && raw.type !== 'END')) return undefined;
    for (const field of ['time', 'date']) {
        const parsed = parseOffsetTime(raw[field]);
        if (parsed) return { type: raw.type, ms: parsed.ms, time: String(raw[field]), source: typeof raw.source === 'string' ? raw.source : undefined };
    }
    return undefined;
}

function failed(res: HttpResult, nowMs: number): Failure {
    const text = humandMessage(res);
    const message = `reading back Humand's entries failed: HTTP ${res.status}${text ? ': ' + text : ''}`;
    if (res.status === 401 || res.status === 403) return { kind: 'auth', status: res.status, message };
    return { kind: 'retry', status: res.status, message, retryAfterMs: retryAfterMs(res.headers['retry-after'], nowMs) };
}

/** Reads every page of the employee's entries for the days; a failure is the outcome to apply. */
export async function readEntries(
    source: EntriesSource,
    employeeId: string,
    days: { startDate: string; endDate: string },
    options: ReadBackOptions,
): Promise<{ entries: HeldEntry[] } | { failure: Failure }> {
    const limit = options.limit ?? READBACK_LIMIT;
    const entries: HeldEntry[] = [];
    for (let page = 1; page <= (options.maxPages ?? MAX_PAGES); page++) {
        await options.take();
        if (options.signal?.aborted) return { failure: { kind: 'retry', status: 0, message: 'read-back aborted' } };
        let res: HttpResult;
        try {
            res = await source.entries({ employeeId, ...days, page, limit }, options.signal);
        } catch (err) {
            const message = err instanceof HttpFailure ? err.message : errorMessage(err);
            return { failure: { kind: 'retry', status: 0, message: `reading back Humand's entries failed: ${message}` } };
        }
        if (res.status < 200 || res.status > 299) return { failure: failed(res, options.now()) };
        const body = res.json;
        if (!isRecord(body) || !Array.isArray(body.items)) {
            return { failure: { kind: 'retry', status: res.status, message: "reading back Humand's entries failed: the answer is not {limit, page, totalPages, count, items}" } };
        }
        for (const raw of body.items) {
            const e = entryOf(raw);
            if (e) entries.push(e);
        }
        const totalPages = typeof body.totalPages === 'number' ? body.totalPages : 0;
        // A full page may have a next one (Humand's totalPages is not always right); so may totalPages say.
        if (body.items.length < limit && page >= totalPages) break;
        if (body.items.length === 0) break;
    }
    return { entries };
}

/** What Humand's entries say about our refused punch. */
export function decideFromEntries(entries: HeldEntry[], action: Direction, time: string): { kind: 'held'; entry: HeldEntry } | { kind: 'drift'; entry: HeldEntry } | { kind: 'absent' } {
    const ours = parseOffsetTime(time);
    if (!ours) return { kind: 'absent' };
    const type = action === 'in' ? 'START' : 'END';
    const second = Math.floor(ours.ms / 1000);
    const same = entries.find((e) => e.type === type && Math.floor(e.ms / 1000) === second);
    if (same) return { kind: 'held', entry: same };
    let latest: HeldEntry | undefined;
    for (const e of entries) {
        if (Math.floor(e.ms / 1000) > second) continue;
        if (!latest || e.ms >= latest.ms) latest = e;
    }
    if (latest && latest.type === type) return { kind: 'drift', entry: latest };
    return { kind: 'absent' };
}

/**
 * Turns a `verify` outcome into Humand's verdict by reading back what it holds. Never throws: a
 * failure becomes a `retry` (or `auth`) outcome.
 */
export async function verifyByReadBack(
    source: EntriesSource,
    record: { employeeId: string; now: string },
    action: Direction,
    refusal: Extract<Outcome, { kind: 'verify' }>,
    options: ReadBackOptions,
): Promise<Outcome> {
    const nowMs = options.now();
    const eventMs = parseOffsetTime(record.now)?.ms;
    // Still ahead of our clock: Humand refuses times in the future; wait for the time, then send again.
    if (eventMs !== undefined && eventMs > nowMs) return { kind: 'future', status: refusal.status, message: refusal.message, body: refusal.body };
    const days = readBackDays(record.now);
    if (!days) return { kind: 'rejected', status: refusal.status, message: refusal.message, body: refusal.body };
    let read: Awaited<ReturnType<typeof readEntries>>;
    try {
        read = await readEntries(source, record.employeeId, days, options);
    } catch (err) {
        read = { failure: { kind: 'retry', status: 0, message: `reading back Humand's entries failed: ${errorMessage(err)}` } };
    }
    if ('failure' in read) return read.failure;
    const verdict = decideFromEntries(read.entries, action, record.now);
    const describe = (e: HeldEntry): string => `${e.type} at ${e.time}${e.source ? ' (' + e.source + ')' : ''}`;
    switch (verdict.kind) {
        case 'held':
            return { kind: 'delivered', duplicate: true, status: refusal.status, body: { readBack: 'held', entry: describe(verdict.entry) } };
        case 'drift':
            return {
                kind: 'rejected',
                status: refusal.status,
                message: `${refusal.message} (Humand's last entry is already ${describe(verdict.entry)})`,
                body: refusal.body,
                drift: action,
            };
        case 'absent':
            return { kind: 'rejected', status: refusal.status, message: refusal.message, body: refusal.body };
    }
}
