/**
 * The attendance journal's shapes (issue 12): the step a node records, the events a query returns, the
 * parked records and the selections that replay or dismiss them. Shared by the store (store.ts), the
 * service the nodes write through (service.ts) and the admin routes (routes.ts).
 */
import type { Direction } from '../types';

/**
 * How an event ended, as far as the journal knows: `pending` until a final answer (queued, held,
 * retried), `parked` when a person must fix something before a replay.
 */
export type JournalOutcome = 'pending' | 'delivered' | 'duplicate' | 'dry-run' | 'skipped' | 'rejected' | 'parked' | 'dismissed';

/**
 * What happened to the event at one node. identity-map: `mapped` / `unmapped`; humand-clock and its
 * outbox: `queued` (taken in directly), `skipped` / `rejected` (a rule), `held` (its time is ahead),
 * `sent` (Humand's final answer), `retry` (an answer that is retried), `paused` (authentication);
 * the journal itself: `parked`, `replayed`, `dismissed`.
 */
export type StepName = 'mapped' | 'unmapped' | 'queued' | 'skipped' | 'rejected' | 'held' | 'sent' | 'retry' | 'paused' | 'parked' | 'replayed' | 'dismissed';

/** The event as the journal keeps it: no `raw`, no extra fields, strings bounded (MAX_TEXT). */
export interface JournalEvent {
    id: string;
    source?: string;
    person?: { id?: string; code?: string; name?: string };
    time: string;
    direction: Direction | null;
    device?: { id?: string; name?: string };
    employeeId?: string;
}

/** Humand's answer to one request, as the journal keeps it. */
export interface HumandAnswer {
    /** HTTP status (0: no answer, e.g. a timeout). */
    status?: number;
    /** Humand's error code (`EMPLOYEE_NOT_FOUND`, `INVALID_DATA`, …). */
    code?: string;
    message?: string;
    /** Humand's id of the time-tracking entry, when its answer gives one. */
    entryId?: string;
    /** Request number for this record (1 for the first request, 2 for the first retry, …). */
    request?: number;
    action?: Direction;
}

/** One line of the journal: one step of one event. */
export interface JournalLine {
    /** Event id: every line of an event carries it. */
    id: string;
    /** Epoch ms the step happened. */
    at: number;
    /** Type of the node that wrote the step (`identity-map`, `humand-clock`) or `journal`. */
    node: string;
    nodeId?: string;
    step: StepName;
    /** A short human text: the rule that decided, the reason, Humand's answer. */
    detail?: string;
    /** The event's outcome after this step (the last line with one wins). */
    outcome?: JournalOutcome;
    employeeId?: string;
    reasonCode?: string;
    /** Attempt of the event: 1, then 2 after the first replay, … */
    attempt?: number;
    humand?: HumandAnswer;
    /** The event itself: on the first line a process writes for it (later lines omit it). */
    event?: JournalEvent;
}

/** One event with its steps, as a query returns it (GET /attendance-bridge/journal). */
export interface JournalEntry {
    id: string;
    source?: string;
    person?: { id?: string; code?: string; name?: string };
    employeeId?: string;
    time: string;
    direction: Direction | null;
    device?: { id?: string; name?: string };
    outcome: JournalOutcome;
    /** The reason of the last step that gave one (a parked or rejected event). */
    reason?: string;
    reasonCode?: string;
    steps: Array<{ at: string; node: string; step: StepName; detail?: string; attempt?: number; humand?: HumandAnswer }>;
}

/** Why a record is parked (GET /attendance-bridge/parked `reasonCode`). */
export type ParkReason = 'unmapped' | 'ambiguous' | 'inactive' | 'employee-not-found' | 'humand-rejected' | 'too-far-ahead';

/** A parked record: ended without delivery for a reason a person can fix, kept until replayed or dismissed. */
export interface ParkedItem {
    id: string;
    employeeId?: string;
    person?: { id?: string; code?: string; name?: string };
    time: string;
    direction: Direction | null;
    reason: string;
    reasonCode: ParkReason;
    /** Type of the node where it stopped, where a replay re-enters. */
    node: 'identity-map' | 'humand-clock';
    nodeId: string;
    /** ISO time it was parked. */
    parkedAt: string;
    /** Attempt that was parked (1, then 2 after a replay that parked again, …). */
    attempt: number;
    /** What a replay sends to the node again: the event (without `raw`) and the message topic. */
    event: JournalEvent;
    topic?: string;
}

/** Which parked records a replay or dismiss takes: given ids, all of one employee (id or person code), or one reason. */
export type ParkedSelection = { ids: string[] } | { employee: string } | { reasonCode: string };

/** The journal's figures for the health view and the Attendance sidebar. */
export interface JournalHealth {
    /** `disk`: day files under `dir`; `memory`: no writable directory, a bounded window in memory. */
    mode: 'disk' | 'memory';
    dir?: string;
    /** Bytes of the retained day files (memory: of the lines kept). */
    bytes: number;
    /** Oldest retained day (YYYY-MM-DD). */
    oldestDay?: string;
    retentionDays: number;
    lastWriteError?: string;
    lastWriteErrorAt?: number;
    /** Epoch ms since writing has failed without a success (health: failing after its threshold). */
    failingSince?: number;
    /** Lines that could not be written and were given up (a write failure that lasted; memory window full). */
    droppedLines: number;
    parked: number;
    parkedByReason: Record<string, number>;
}

/** Longest text a journal line keeps in one field (detail, names, Humand's message). */
export const MAX_TEXT = 300;

/** Bounds a text for the journal. */
export function boundText(value: unknown, max = MAX_TEXT): string | undefined {
    if (value === undefined || value === null) return undefined;
    const text = typeof value === 'string' ? value : String(value);
    return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/** What the admin routes and the sidebar use of the journal (service.ts implements it). */
export interface JournalApi {
    /**
     * Events of the people matching `query` (employee id, person id or code: exact; name: contains, case and
     * accents ignored) between the days `from` and `to` (YYYY-MM-DD, inclusive; default: the last 31 days), newest first.
     */
    search(query: string, from?: string, to?: string): Promise<JournalEntry[]>;
    /** That day's events as CSV chunks: UTF-8 BOM first, `;` separated, header employee;person;time;direction;source;device;outcome;reason. */
    csv(day: string): AsyncIterable<string>;
    parked(): ParkedItem[];
    /** Sends the selected parked records to the node where they stopped again; resolves to how many were replayed. */
    replay(selection: ParkedSelection): Promise<number>;
    /** Drops the selected parked records (the journal records `dismissed`); resolves to how many. */
    dismiss(selection: ParkedSelection): Promise<number>;
    health(): JournalHealth;
}
