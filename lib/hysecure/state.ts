/**
 * Which event ids a hysecure-sessions node has already emitted, persisted in a context store so each id
 * is emitted once across polls, restarts and re-deploys. One key per report day
 * (`<prefix><YYYYMMDD>` → `{ids, touched}`), so a poll rewrites only the days that changed and old days
 * are dropped as a whole. Kept bounded: days before the look-back window (minus a margin) are deleted
 * unless they were written recently (a back-fill of old days is remembered for the margin).
 * Stored value `{v: 1, ids, touched}`; the layout before versioning (`{ids, touched}`, no `v`) still loads.
 */
import type { KeyValueStore } from '../context';
import { safeKey } from '../context';
import { isRecord } from '../types';

export const DEFAULT_RETENTION_MARGIN_DAYS = 7;
/** Format version of a stored day. */
export const STATE_VERSION = 1;
const DAY_MS = 24 * 60 * 60 * 1000;

export function emittedPrefix(nodeId: string): string {
    return `attendanceBridge_hysecure_${safeKey(nodeId)}_emitted_`;
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

    constructor(
        private readonly store: KeyValueStore,
        private readonly prefix: string,
    ) {}

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
    }
}
