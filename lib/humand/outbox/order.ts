/**
 * Where a record goes in its employee's queue. The queue is sent front to back (Humand needs one
 * employee's records in time order for its in/out alternation). A record held for its time (event time
 * in the future) must not block due records: a new record goes in front of the first record that is
 * held for its time, was never sent and is later than the new one; otherwise at the end. Records
 * already sent at least once (they have an action) and records waiting for a retry keep their place.
 * Pure.
 */
import { parseOffsetTime } from '../../time';
import type { OutboxItem } from './format';

function eventMs(item: OutboxItem): number | undefined {
    return parseOffsetTime(item.event?.time)?.ms;
}

/** Is the record waiting for its event time (never sent yet)? */
export function heldForTime(item: OutboxItem, nowMs: number): boolean {
    if (item.action) return false;
    if (item.held === true) return true;
    const ms = eventMs(item);
    const tolerance = item.rules?.futureToleranceMs ?? 0;
    return ms !== undefined && ms > nowMs + tolerance;
}

/** The index at which `item` is inserted into `queue` (see the module comment). */
export function placeOf(queue: readonly OutboxItem[], item: OutboxItem, nowMs: number): number {
    const ms = eventMs(item);
    if (ms === undefined) return queue.length;
    for (let i = 0; i < queue.length; i++) {
        const other = queue[i];
        if (!heldForTime(other, nowMs)) continue;
        const otherMs = eventMs(other);
        if (otherMs !== undefined && otherMs > ms) return i;
    }
    return queue.length;
}

/** Inserts `item` at its place; returns the index. */
export function insertItem(queue: OutboxItem[], item: OutboxItem, nowMs: number): number {
    const index = placeOf(queue, item, nowMs);
    queue.splice(index, 0, item);
    return index;
}

/** A stored queue in the same order new records get (a queue stored by an earlier release may have a held head). */
export function ordered(queue: readonly OutboxItem[], nowMs: number): OutboxItem[] {
    const out: OutboxItem[] = [];
    for (const item of queue) insertItem(out, item, nowMs);
    return out;
}

/** Removes exactly `item` (by identity); returns its index, or -1. */
export function removeItem(queue: OutboxItem[], item: OutboxItem): number {
    const index = queue.indexOf(item);
    if (index >= 0) queue.splice(index, 1);
    return index;
}
