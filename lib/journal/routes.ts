/**
 * The journal's admin routes (issue 12), behind Node-RED's admin auth (`attendance-bridge.read` for the
 * GETs, `attendance-bridge.write` for the POSTs). Registered once per admin app, whichever module calls
 * first; the journal is asked for on each request (`journal()`), so the routes never hold one that closed.
 *
 *   GET  /attendance-bridge/journal?employee=&from=&to=   → {events}
 *   GET  /attendance-bridge/journal/day/YYYY-MM-DD.csv    → the day's CSV, streamed
 *   GET  /attendance-bridge/journal/health                → the journal's figures
 *   GET  /attendance-bridge/parked                        → {items} (without the internal event and topic)
 *   POST /attendance-bridge/parked/replay | dismiss       → {replayed} | {dismissed}
 *
 * A bad request answers 400 `{error}`, a failing journal 500 `{error}`; no handler throws or leaves a
 * promise unhandled.
 */
import type { NodeAPI } from 'node-red';
import type { Request, Response } from 'express';
import { errorMessage, isRecord } from '../types';
import type { JournalApi, ParkedItem, ParkedSelection } from './types';

const registered = new WeakSet<object>();

/** Longest day range a search takes (from and to included). */
export const MAX_RANGE_DAYS = 93;
/** Most ids one replay or dismiss takes. */
export const MAX_IDS = 1000;
/** Longest employee / person text a search or selection takes. */
export const MAX_QUERY = 200;
const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const REASON_CODE = /^[a-z][a-z0-9-]{0,63}$/;

/** A parked record as the admin API shows it: without the event and topic a replay sends again. */
export type PublicParkedItem = Omit<ParkedItem, 'event' | 'topic'>;

/** True for a real calendar day written YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDay(value: unknown): value is string {
    if (typeof value !== 'string' || !DAY.test(value)) return false;
    const ms = Date.parse(`${value}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

/** The fields of a parked record the API shows (a list of what is shown, so a new internal field never leaks). */
export function publicParked(item: ParkedItem): PublicParkedItem {
    const out: PublicParkedItem = {
        id: item.id,
        person: item.person,
        time: item.time,
        direction: item.direction,
        reason: item.reason,
        reasonCode: item.reasonCode,
        node: item.node,
        nodeId: item.nodeId,
        parkedAt: item.parkedAt,
        attempt: item.attempt,
    };
    if (item.employeeId !== undefined) out.employeeId = item.employeeId;
    return out;
}

export interface SearchQuery {
    employee: string;
    from?: string;
    to?: string;
}

/** The search's query string checked: `{error}` names what is wrong. `today` (YYYY-MM-DD) bounds an open range. */
export function searchQuery(query: unknown, today: string): SearchQuery | { error: string } {
    const q = isRecord(query) ? query : {};
    const employee = typeof q.employee === 'string' ? q.employee.trim() : '';
    if (employee === '') return { error: 'employee is required (an employee id, person code or name)' };
    if (employee.length > MAX_QUERY) return { error: `employee is longer than ${MAX_QUERY} characters` };
    const out: SearchQuery = { employee };
    for (const key of ['from', 'to'] as const) {
        const v = q[key];
        if (v === undefined || v === '') continue;
        if (!isCalendarDay(v)) return { error: `${key} must be a day written YYYY-MM-DD` };
        out[key] = v;
    }
    if (out.from !== undefined) {
        // An open end is the journal's default (tomorrow, for events whose local day is ahead of UTC).
        const last = out.to ?? new Date(Date.parse(`${today}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
        if (out.to !== undefined && out.from > out.to) return { error: 'from is after to' };
        const days = (Date.parse(`${last}T00:00:00Z`) - Date.parse(`${out.from}T00:00:00Z`)) / DAY_MS + 1;
        if (days > MAX_RANGE_DAYS) return { error: `the range is longer than ${MAX_RANGE_DAYS} days` };
    }
    return out;
}

/** A replay / dismiss body checked: exactly one of `ids`, `employee`, `reasonCode`. */
export function selectionOf(body: unknown): ParkedSelection | { error: string } {
    const b = isRecord(body) ? body : {};
    const keys = (['ids', 'employee', 'reasonCode'] as const).filter((k) => b[k] !== undefined);
    if (keys.length !== 1) return { error: 'the body must have exactly one of ids, employee or reasonCode' };
    if (keys[0] === 'ids') {
        const ids = b.ids;
        if (!Array.isArray(ids) || ids.length === 0) return { error: 'ids must be a non-empty array of strings' };
        if (ids.length > MAX_IDS) return { error: `ids takes at most ${MAX_IDS} ids` };
        if (!ids.every((id): id is string => typeof id === 'string' && id !== '' && id.length <= MAX_QUERY)) return { error: 'ids must be a non-empty array of strings' };
        return { ids: [...ids] };
    }
    if (keys[0] === 'employee') {
        const e = typeof b.employee === 'string' ? b.employee.trim() : '';
        if (e === '' || e.length > MAX_QUERY) return { error: 'employee must be a non-empty string (an employee id or person code)' };
        return { employee: e };
    }
    const r = b.reasonCode;
    if (typeof r !== 'string' || !REASON_CODE.test(r)) return { error: 'reasonCode must be a reason code (unmapped, employee-not-found, …)' };
    return { reasonCode: r };
}

function isError(v: object): v is { error: string } {
    return typeof (v as { error?: unknown }).error === 'string';
}

function fail(res: Response, status: number, err: unknown): void {
    try {
        if (res.headersSent) res.end();
        else res.status(status).json({ error: typeof err === 'string' ? err : errorMessage(err) });
    } catch {
        /* the client is gone */
    }
}

/** Waits until `res` takes more ('drain') or the client left ('close'). */
function drained(res: Response): Promise<void> {
    return new Promise((resolve) => {
        const done = (): void => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
        };
        res.on('drain', done);
        res.on('close', done);
    });
}

/** Streams the day's CSV chunks with backpressure; stops when the client leaves. */
export async function streamCsv(res: Response, chunks: AsyncIterable<string>, day: string): Promise<void> {
    let gone = false;
    const onClose = (): void => {
        gone = true;
    };
    res.on('close', onClose);
    let started = false;
    try {
        for await (const chunk of chunks) {
            if (gone || res.destroyed) break;
            if (!started) {
                res.status(200);
                res.setHeader('Content-Type', 'text/csv; charset=utf-8');
                res.setHeader('Content-Disposition', `attachment; filename="attendance-${day}.csv"`);
                res.setHeader('Cache-Control', 'no-store');
                started = true;
            }
            if (typeof chunk !== 'string' || chunk === '') continue;
            if (!res.write(chunk, 'utf8')) await drained(res);
            if (gone || res.destroyed) break;
        }
        if (!gone && !res.destroyed) {
            if (!started) {
                res.status(200);
                res.setHeader('Content-Type', 'text/csv; charset=utf-8');
                res.setHeader('Content-Disposition', `attachment; filename="attendance-${day}.csv"`);
                res.setHeader('Cache-Control', 'no-store');
            }
            res.end();
        }
    } catch (err) {
        if (!gone) fail(res, 500, err);
    } finally {
        res.off('close', onClose);
    }
}

/** Runs a handler: a throw or a rejection answers 500 `{error}`. */
function guarded(handler: (req: Request, res: Response) => void | Promise<void>): (req: Request, res: Response) => void {
    return (req, res) => {
        try {
            const p = handler(req, res);
            if (p) p.catch((err: unknown) => fail(res, 500, err));
        } catch (err) {
            fail(res, 500, err);
        }
    };
}

function today(): string {
    return new Date().toISOString().slice(0, 10);
}

export function registerJournalRoutes(RED: NodeAPI, journal: () => JournalApi): void {
    const app = RED.httpAdmin as unknown as object;
    if (!app || registered.has(app)) return;
    registered.add(app);
    const read = RED.auth.needsPermission('attendance-bridge.read');
    const write = RED.auth.needsPermission('attendance-bridge.write');

    RED.httpAdmin.get('/attendance-bridge/journal', read, guarded(async (req, res) => {
        const q = searchQuery(req.query, today());
        if (isError(q)) return fail(res, 400, q.error);
        const events = await journal().search(q.employee, q.from, q.to);
        res.json({ events });
    }));

    RED.httpAdmin.get('/attendance-bridge/journal/health', read, guarded((_req, res) => {
        res.json(journal().health());
    }));

    RED.httpAdmin.get('/attendance-bridge/journal/day/:file', read, guarded(async (req, res) => {
        const m = /^(.*)\.csv$/.exec(String(req.params.file ?? ''));
        const day = m?.[1];
        if (!isCalendarDay(day)) return fail(res, 400, 'the day must be written YYYY-MM-DD.csv');
        await streamCsv(res, journal().csv(day), day);
    }));

    RED.httpAdmin.get('/attendance-bridge/parked', read, guarded((_req, res) => {
        res.json({ items: journal().parked().map(publicParked) });
    }));

    for (const action of ['replay', 'dismiss'] as const) {
        RED.httpAdmin.post(`/attendance-bridge/parked/${action}`, write, guarded(async (req, res) => {
            const selection = selectionOf(req.body);
            if (isError(selection)) return fail(res, 400, selection.error);
            const j = journal();
            const n = action === 'replay' ? await j.replay(selection) : await j.dismiss(selection);
            res.json(action === 'replay' ? { replayed: n } : { dismissed: n });
        }));
    }
}
