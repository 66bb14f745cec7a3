/**
 * The stored form of the outbox. Employees are kept in BUCKETS context keys, each a JSON string of its
 * employees' records: a context store that serialises its whole scope on every flush (localfilesystem)
 * then handles a few thousand strings instead of 100,000 objects, and rewriting one employee costs one
 * small bucket.
 */
import { AttendanceEvent, Direction, isRecord } from '../../types';
import { EmployeeState, RuleOptions } from '../rules';

export interface ItemMeta {
    /** Id of the humand-clock node that accepted the event (results go back to it). */
    origin: string;
    topic?: string;
    msgid?: string;
    backfill?: boolean;
}

export interface OutboxItem {
    id: string;
    seq: number;
    employeeId: string;
    event: AttendanceEvent;
    meta: ItemMeta;
    rules: RuleOptions;
    comment: string;
    /** Decided when the item reaches the head of its employee's queue (deterministic: see Outbox.processHead). */
    action?: Direction;
    attempts: number;
    notBefore?: number;
    /** Waiting for its time (an event in the future), not for a retry. */
    held?: boolean;
    lastError?: string;
    enqueuedAt: number;
}

/** Longest comment a stored record keeps (Humand's comment field; the template renders at most 250). */
export const MAX_COMMENT = 500;
/** Longest msg.topic a stored record keeps for its result message. */
export const MAX_TOPIC = 200;

/**
 * What a stored record keeps of its event: what a re-send (id, time, direction, employeeId) and the
 * result message and status (source, person, device) need. Not `raw` (a pushed event nests the whole
 * notification), not extra fields of person or device. Input bounds the strings (lib/humand/input.ts).
 */
export function storedEvent(event: AttendanceEvent): AttendanceEvent {
    const out: Record<string, unknown> = {};
    for (const key of ['id', 'source', 'time', 'direction', 'employeeId'] as const) if (event[key] !== undefined) out[key] = event[key];
    const pick = (value: unknown, fields: readonly string[]): Record<string, string> | undefined => {
        if (!isRecord(value)) return undefined;
        const kept: Record<string, string> = {};
        for (const f of fields) if (typeof value[f] === 'string') kept[f] = value[f] as string;
        return kept;
    };
    const person = pick(event.person, ['id', 'code', 'name']);
    if (person) out.person = person;
    const device = pick(event.device, ['id', 'name']);
    if (device) out.device = device;
    return out as unknown as AttendanceEvent;
}

export interface EmployeeRecord extends EmployeeState {
    queue: OutboxItem[];
}

/** Number of context keys the employees are spread over. */
const BUCKETS = 4096;

/** Format version written in each stored employee record; a record without `v` is the same layout. */
const FORMAT_VERSION = 1;

/**
 * Stored form of one employee: {v, l: [action, time], r: recent ids, q: queue}; empty parts left out
 * (the last event's id is among the recent ids). An employee with nothing to store is `{}` (removed
 * from its bucket). Small, because a flush serialises every employee.
 */
export function snapshot(record: EmployeeRecord): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (record.last) out.l = [record.last.action, record.last.time];
    if (record.recent.length > 0) out.r = [...record.recent];
    if (record.queue.length > 0) out.q = JSON.parse(JSON.stringify(record.queue));
    return Object.keys(out).length > 0 ? { v: FORMAT_VERSION, ...out } : out;
}

/** FNV-1a: a stable, well-spread bucket for an employee id. */
export function bucketOf(employeeId: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < employeeId.length; i++) {
        h ^= employeeId.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
    }
    return (h >>> 0) % BUCKETS;
}

/**
 * A stored bucket as a Map from employee id to its stored record. A Map (not an object) so that ids
 * such as `__proto__` or `constructor` are ordinary keys (JSON.parse keeps them as own properties).
 */
export function parseBucket(value: unknown): Map<string, unknown> {
    const bucket = new Map<string, unknown>();
    if (typeof value !== 'string' || value === '') return bucket;
    try {
        const parsed = JSON.parse(value) as unknown;
        if (isRecord(parsed)) for (const [employeeId, stored] of Object.entries(parsed)) bucket.set(employeeId, stored);
    } catch {
        // An unreadable bucket is read as empty (and rewritten with the employees that change).
    }
    return bucket;
}

/** The stored text of a bucket (undefined when empty: the key is removed). Object.fromEntries keeps `__proto__` as data. */
export function formatBucket(bucket: Map<string, unknown>): string | undefined {
    return bucket.size > 0 ? JSON.stringify(Object.fromEntries(bucket)) : undefined;
}

/** Reads one stored employee: version 1, or the unversioned layout shipped before it (the same fields). */
export function toRecord(value: unknown): EmployeeRecord | undefined {
    if (!isRecord(value)) return undefined;
    const queue = Array.isArray(value.q)
        ? (value.q.filter((i) => isRecord(i) && typeof i.id === 'string' && isRecord(i.event)) as unknown as OutboxItem[])
        : [];
    // A record stored before issue 13 may still hold `raw` and extra fields: dropped when it is written again.
    for (const item of queue) item.event = storedEvent(item.event);
    const recent = Array.isArray(value.r) ? value.r.filter((r): r is string => typeof r === 'string') : [];
    const l = value.l;
    const last =
        Array.isArray(l) && (l[0] === 'in' || l[0] === 'out') && typeof l[1] === 'string'
            ? { action: l[0] as Direction, time: l[1], eventId: recent[recent.length - 1] ?? '' }
            : undefined;
    return { last, recent, queue };
}
