/**
 * The journal's stored form: one JSON object per line with short keys (a normal punch is about 450
 * bytes over its three lines), the person key every line carries (the search finds lines by it without
 * parsing the others) and the day file an event's lines go to (its own calendar day). Pure.
 */
import type { AttendanceEvent, Direction } from '../types';
import { isRecord } from '../types';
import { boundText, HumandAnswer, JournalEntry, JournalEvent, JournalLine, JournalOutcome, StepName } from './types';

/** A stored line: short keys, epoch ms. */
interface StoredLine {
    i: string;
    k: string;
    a: number;
    n: string;
    s: StepName;
    d?: string;
    o?: JournalOutcome;
    e?: string;
    r?: string;
    x?: number;
    h?: { st?: number; c?: string; m?: string; id?: string; q?: number; ac?: Direction };
    ev?: { src?: string; p?: { id?: string; c?: string; n?: string }; t: string; dir: Direction | null; dev?: { id?: string; n?: string }; e?: string };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isDay(value: unknown): value is string {
    return typeof value === 'string' && DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

/** The calendar day of an event: the date its own time string gives (its local day), else the UTC day of `atMs`. */
export function dayOf(time: string | undefined, atMs: number): string {
    const day = typeof time === 'string' ? time.slice(0, 10) : '';
    return isDay(day) ? day : new Date(atMs).toISOString().slice(0, 10);
}

/** The day `days` before `day` (YYYY-MM-DD). */
export function addDays(day: string, days: number): string {
    return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The person key: the source's person (source and id), which every step of an event has even before
 * it is mapped; an event without a person (sent to humand-clock directly) is keyed by its employee.
 */
export function personKey(event: JournalEvent): string {
    if (event.person?.id) return `${event.source ?? ''}:${event.person.id}`;
    if (event.employeeId) return `e:${event.employeeId}`;
    return `i:${event.id}`;
}

/** The text a reader looks for to find a person's lines: the key as the encoder writes it. */
export function keyNeedle(key: string): string {
    return `"k":${JSON.stringify(key)}`;
}

function text(value: unknown, max?: number): string | undefined {
    return typeof value === 'string' && value !== '' ? boundText(value, max) : undefined;
}

/** What the journal keeps of an event: no raw, no extra fields, bounded strings. */
export function journalEvent(event: AttendanceEvent | JournalEvent): JournalEvent {
    const person = isRecord(event.person) ? event.person : undefined;
    const device = isRecord(event.device) ? event.device : undefined;
    const out: JournalEvent = {
        id: boundText(event.id, 200) ?? '',
        time: typeof event.time === 'string' ? (boundText(event.time, 64) ?? '') : '',
        direction: event.direction === 'in' || event.direction === 'out' ? event.direction : null,
    };
    const source = text(event.source, 64);
    if (source) out.source = source;
    if (person) {
        const p = { id: text(person.id, 200), code: text(person.code, 200), name: text(person.name, 200) };
        out.person = strip(p);
    }
    if (device) out.device = strip({ id: text(device.id, 200), name: text(device.name, 200) });
    const employeeId = text((event as { employeeId?: unknown }).employeeId, 64);
    if (employeeId) out.employeeId = employeeId;
    return out;
}

function strip<T extends Record<string, unknown>>(obj: T): T {
    for (const key of Object.keys(obj)) if (obj[key] === undefined) delete obj[key];
    return obj;
}

/** One line of the day file (without its newline). */
export function encodeLine(line: JournalLine, key: string): string {
    const out: StoredLine = { i: line.id, k: key, a: line.at, n: line.node, s: line.step };
    if (line.detail) out.d = boundText(line.detail);
    if (line.outcome) out.o = line.outcome;
    if (line.employeeId) out.e = line.employeeId;
    if (line.reasonCode) out.r = line.reasonCode;
    if (line.attempt && line.attempt > 1) out.x = line.attempt;
    if (line.humand) {
        const h = line.humand;
        out.h = strip({ st: h.status, c: boundText(h.code, 64), m: boundText(h.message), id: boundText(h.entryId, 64), q: h.request, ac: h.action });
    }
    if (line.event) {
        const ev = line.event;
        out.ev = strip({
            src: ev.source,
            p: ev.person && strip({ id: ev.person.id, c: ev.person.code, n: ev.person.name }),
            t: ev.time,
            dir: ev.direction,
            dev: ev.device && strip({ id: ev.device.id, n: ev.device.name }),
            e: ev.employeeId,
        });
    }
    return JSON.stringify(out);
}

/** A decoded line and its person key; undefined for a line that is not one (a torn last line after a crash). */
export function decodeLine(textLine: string): { line: JournalLine; key: string } | undefined {
    let raw: unknown;
    try {
        raw = JSON.parse(textLine);
    } catch {
        return undefined;
    }
    if (!isRecord(raw) || typeof raw.i !== 'string' || typeof raw.k !== 'string' || typeof raw.a !== 'number' || typeof raw.s !== 'string') return undefined;
    const s = raw as unknown as StoredLine;
    const line: JournalLine = { id: s.i, at: s.a, node: String(s.n ?? ''), step: s.s };
    if (s.d !== undefined) line.detail = s.d;
    if (s.o !== undefined) line.outcome = s.o;
    if (s.e !== undefined) line.employeeId = s.e;
    if (s.r !== undefined) line.reasonCode = s.r;
    line.attempt = typeof s.x === 'number' ? s.x : 1;
    if (isRecord(s.h)) {
        const h = s.h;
        line.humand = strip({ status: h.st, code: h.c, message: h.m, entryId: h.id, request: h.q, action: h.ac }) as HumandAnswer;
    }
    if (isRecord(s.ev)) {
        const ev = s.ev;
        line.event = strip({
            id: s.i,
            source: ev.src,
            person: ev.p && strip({ id: ev.p.id, code: ev.p.c, name: ev.p.n }),
            time: String(ev.t ?? ''),
            direction: ev.dir ?? null,
            device: ev.dev && strip({ id: ev.dev.id, name: ev.dev.n }),
            employeeId: ev.e,
        }) as JournalEvent;
    }
    return { line, key: s.k };
}

/** Lines grouped into events (steps in time order; the outcome of the last step that has one). */
export function entriesOf(lines: Iterable<JournalLine>): JournalEntry[] {
    const byId = new Map<string, JournalEntry>();
    const outcomeAt = new Map<string, number>();
    for (const line of lines) {
        let entry = byId.get(line.id);
        if (!entry) {
            entry = { id: line.id, time: '', direction: null, outcome: 'pending', steps: [] };
            byId.set(line.id, entry);
        }
        if (line.event) {
            const ev = line.event;
            if (!entry.time) entry.time = ev.time;
            if (entry.direction === null) entry.direction = ev.direction;
            entry.source ??= ev.source;
            entry.person ??= ev.person;
            entry.device ??= ev.device;
            entry.employeeId ??= ev.employeeId;
        }
        if (line.employeeId) entry.employeeId = line.employeeId;
        const step: JournalEntry['steps'][number] = { at: new Date(line.at).toISOString(), node: line.node, step: line.step };
        if (line.detail !== undefined) step.detail = line.detail;
        if (line.attempt !== undefined) step.attempt = line.attempt;
        if (line.humand !== undefined) step.humand = line.humand;
        entry.steps.push(step);
        const last = outcomeAt.get(line.id);
        if (line.outcome && (last === undefined || line.at >= last)) {
            outcomeAt.set(line.id, line.at);
            entry.outcome = line.outcome;
            if (line.reasonCode) {
                entry.reasonCode = line.reasonCode;
                if (line.detail !== undefined) entry.reason = line.detail;
            } else {
                delete entry.reasonCode;
                delete entry.reason;
            }
        }
    }
    const out = [...byId.values()];
    // ISO times of the same length sort as text.
    for (const entry of out) entry.steps.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    return out;
}

/** Newest first: by the event's time, then by id. */
export function newestFirst(a: JournalEntry, b: JournalEntry): number {
    const ta = Date.parse(a.time);
    const tb = Date.parse(b.time);
    if (ta !== tb) return (Number.isNaN(tb) ? 0 : tb) - (Number.isNaN(ta) ? 0 : ta);
    return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export const CSV_HEADER = ['employee', 'person', 'time', 'direction', 'source', 'device', 'outcome', 'reason'];

/** One CSV field: quoted when it holds `;`, a quote or a line break; a leading = + @ is neutralised (spreadsheet formulas). */
export function csvField(value: string | undefined): string {
    let v = value ?? '';
    if (/^[=+@\t\r]/.test(v)) v = `'${v}`;
    return /[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One event as a CSV row (with its line break). */
export function csvRow(e: JournalEntry): string {
    const person = e.person ? [e.person.name, e.person.code ?? e.person.id].filter(Boolean).join(' · ') : '';
    const device = e.device ? (e.device.name ?? e.device.id) : '';
    return [e.employeeId, person, e.time, e.direction ?? '', e.source, device, e.outcome, e.reason].map(csvField).join(';') + '\r\n';
}
