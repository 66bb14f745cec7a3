/**
 * Which event ids a hysecure-sessions node has already emitted, persisted in a context store so each id
 * is emitted once across polls, restarts and re-deploys. One key per report day
 * (`<prefix><YYYYMMDD>` → `{ids, touched}`), so a poll rewrites only the days that changed and old days
 * are dropped as a whole. Kept bounded: days before the look-back window (minus a margin) are deleted
 * unless they were written recently (a back-fill of old days is remembered for the margin).
 * Stored value `{v: 1, ids, touched}`; the layout before versioning (`{ids, touched}`, no `v`) still loads.
 *
 * Held events (a later day of a person waiting for an earlier day's "out", see days.ts) are kept under one
 * more key (`<heldKey>` → `{v: 1, held: [{id, day, blockedBy, userId}]}`), so a restart, or a back-fill that
 * does not read the earlier day, keeps them held. Only ids: the event itself is re-read from the report.
 */
import type { KeyValueStore } from '../context';
import { safeKey } from '../context';
import { isRecord } from '../types';
import type { HeldEvent } from './days';

export const DEFAULT_RETENTION_MARGIN_DAYS = 7;
/** Format version of a stored day. */
export const STATE_VERSION = 1;
const DAY_MS = 24 * 60 * 60 * 1000;

export function emittedPrefix(nodeId: string): string {
    return `attendanceBridge_hysecure_${safeKey(nodeId)}_emitted_`;
}

/** The key of a node's held events. */
export function heldKey(nodeId: string): string {
    return `attendanceBridge_hysecure_${safeKey(nodeId)}_held`;
}

function readHeld(value: unknown): HeldEvent[] {
    if (!isRecord(value) || !Array.isArray(value.held)) return [];
    const out: HeldEvent[] = [];
    for (const h of value.held) {
        if (!isRecord(h)) continue;
        const { id, day, blockedBy, userId } = h;
        if (typeof id === 'string' && typeof day === 'string' && typeof blockedBy === 'string' && typeof userId === 'string') out.push({ id, day, blockedBy, userId });
    }
    return out;
}

function dayKey(day: string): string {
    return day.replace(/-/g, '');
}

function keyDay(suffix: string): string | null {
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(suffix);
    return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

interface DayEntry {
    ids: Set<string>;
    touched: number;
    dirty: boolean;
}

export class EmittedIds {
    private readonly days = new Map<string, DayEntry>();
    private held = new Map<string, HeldEvent>();
    private heldDirty = false;
    private readonly heldStoreKey: string;

    constructor(
        private readonly store: KeyValueStore,
        private readonly prefix: string,
        heldStoreKey?: string,
    ) {
        // The default ends in a suffix that is not a day, so load() never reads it as one.
        this.heldStoreKey = heldStoreKey ?? prefix + 'held';
    }

    /** Reads every stored day of this node. Unreadable values are ignored (and overwritten later). */
    async load(): Promise<void> {
        const keys = await this.store.keys();
        for (const key of keys) {
            if (!key.startsWith(this.prefix)) continue;
            const day = keyDay(key.slice(this.prefix.length));
            if (!day) continue;
            const value = await this.store.get(key);
            if (!isRecord(value) || !Array.isArray(value.ids)) continue;
            const ids = new Set(value.ids.filter((x): x is string => typeof x === 'string'));
            const touched = typeof value.touched === 'number' ? value.touched : 0;
            const existing = this.days.get(day);
            if (existing) for (const id of ids) existing.ids.add(id);
            else this.days.set(day, { ids, touched, dirty: false });
        }
        this.held = new Map(readHeld(await this.store.get(this.heldStoreKey)).map((h) => [h.id, h]));
        this.heldDirty = false;
    }

    /** The day a held event waits for (undefined when it is not held). */
    heldBy(id: string): string | undefined {
        return this.held.get(id)?.blockedBy;
    }

    /** Held events, in the order they were held. */
    heldList(): HeldEvent[] {
        return [...this.held.values()];
    }

    /**
     * Replaces the held events of the report days in `range` (a poll re-read those days and decided anew);
     * those of other days stay held. Held events already emitted are dropped.
     */
    setHeld(range: { startDate: string; endDate: string }, held: HeldEvent[]): void {
        const next = new Map<string, HeldEvent>();
        for (const h of this.held.values()) if (h.day < range.startDate || h.day > range.endDate) next.set(h.id, h);
        for (const h of held) next.set(h.id, h);
        for (const id of [...next.keys()]) if (this.has(id)) next.delete(id);
        if (!sameHeld(this.held, next)) this.heldDirty = true;
        this.held = next;
    }

    has(id: string): boolean {
        for (const entry of this.days.values()) if (entry.ids.has(id)) return true;
        return false;
    }

    add(day: string, id: string, nowMs: number): void {
        let entry = this.days.get(day);
        if (!entry) {
            entry = { ids: new Set(), touched: nowMs, dirty: true };
            this.days.set(day, entry);
        }
        entry.ids.add(id);
        entry.touched = nowMs;
        entry.dirty = true;
    }

    /** Number of remembered ids. */
    get size(): number {
        let n = 0;
        for (const entry of this.days.values()) n += entry.ids.size;
        return n;
    }

    /** Remembered days, sorted. */
    dayList(): string[] {
        return [...this.days.keys()].sort();
    }

    /**
     * Forgets days before `oldestDay` (YYYY-MM-DD) that were not written within `marginDays`, then writes
     * changed days. Deleting sets the key to undefined (which removes it in Node-RED context stores).
     */
    async save(nowMs: number, oldestDay: string, marginDays = DEFAULT_RETENTION_MARGIN_DAYS): Promise<void> {
        // A held event of a day before the look-back can no longer be released by a poll: forget it.
        for (const [id, h] of this.held) {
            if (h.day < oldestDay || this.has(id)) {
                this.held.delete(id);
                this.heldDirty = true;
            }
        }
        const removed: string[] = [];
        for (const [day, entry] of this.days) {
            if (day < oldestDay && entry.touched < nowMs - marginDays * DAY_MS) removed.push(day);
        }
        for (const day of removed) {
            this.days.delete(day);
            await this.store.set(this.prefix + dayKey(day), undefined);
        }
        for (const [day, entry] of this.days) {
            if (!entry.dirty) continue;
            await this.store.set(this.prefix + dayKey(day), { v: STATE_VERSION, ids: [...entry.ids], touched: entry.touched });
            entry.dirty = false;
        }
        if (this.heldDirty) {
            await this.store.set(this.heldStoreKey, this.held.size === 0 ? undefined : { v: STATE_VERSION, held: [...this.held.values()] });
            this.heldDirty = false;
        }
    }
}

function sameHeld(a: Map<string, HeldEvent>, b: Map<string, HeldEvent>): boolean {
    if (a.size !== b.size) return false;
    for (const [id, h] of a) {
        const o = b.get(id);
        if (!o || o.blockedBy !== h.blockedBy || o.day !== h.day) return false;
    }
    return true;
}
