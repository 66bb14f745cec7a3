/**
 * Source state in a context store: the cursor (ISO time up to which events were fetched) and a bounded
 * list of recently emitted event ids. Keys `attendanceBridge_artemis_<safeKey(nodeId)>_cursor|recent`,
 * values `{v: 1, cursor}` and `{v: 1, ids}`. The layout before versioning (v 0: the bare ISO string and
 * the bare id array) still loads; it is rewritten in the current layout on the next commit.
 */
import { DateTime } from 'luxon';
import { KeyValueStore, safeKey } from '../context';
import { isRecord } from '../types';

/** Format version of the stored cursor and recent ids. */
export const STATE_VERSION = 1;

/** The stored cursor of any shipped layout → the ISO text (undefined when absent or unreadable). */
function storedCursor(value: unknown): unknown {
    return isRecord(value) && typeof value.v === 'number' ? value.cursor : value;
}

/** The stored recent ids of any shipped layout → the array (undefined when absent or unreadable). */
function storedRecent(value: unknown): unknown {
    return isRecord(value) && typeof value.v === 'number' ? value.ids : value;
}

export const DEFAULT_MAX_RECENT = 20000;

export function stateKeyPrefix(nodeId: string): string {
    return `attendanceBridge_artemis_${safeKey(nodeId)}_`;
}

export class EventState {
    private recent: string[] = [];
    private recentSet = new Set<string>();
    private cursor: number | undefined;
    private loaded = false;

    constructor(
        private readonly store: KeyValueStore,
        private readonly prefix: string,
        private readonly maxRecent: number = DEFAULT_MAX_RECENT,
    ) {}

    async load(): Promise<void> {
        if (this.loaded) return;
        const [storedC, storedR] = await Promise.all([this.store.get(this.prefix + 'cursor'), this.store.get(this.prefix + 'recent')]);
        const cursor = storedCursor(storedC);
        const recent = storedRecent(storedR);
        if (typeof cursor === 'string') {
            const dt = DateTime.fromISO(cursor, { setZone: true });
            if (dt.isValid) this.cursor = dt.toMillis();
        }
        if (Array.isArray(recent)) {
            this.recent = recent.filter((x): x is string => typeof x === 'string').slice(-this.maxRecent);
            this.recentSet = new Set(this.recent);
        }
        this.loaded = true;
    }

    get cursorMs(): number | undefined {
        return this.cursor;
    }

    get cursorIso(): string | undefined {
        return this.cursor === undefined ? undefined : DateTime.fromMillis(this.cursor).toUTC().toISO() ?? undefined;
    }

    /** How many emitted ids are remembered at most. */
    get maxRecentIds(): number {
        return this.maxRecent;
    }

    get recentCount(): number {
        return this.recent.length;
    }

    has(id: string): boolean {
        return this.recentSet.has(id);
    }

    /** Remembers emitted ids (oldest forgotten first beyond the bound), then moves the cursor forward. */
    async commit(ids: string[], cursorMs?: number): Promise<void> {
        let changed = false;
        // Only the newest maxRecent ids can stay remembered: skip the work for the others.
        for (const id of ids.length > this.maxRecent ? ids.slice(ids.length - this.maxRecent) : ids) {
            if (this.recentSet.has(id)) continue;
            this.recent.push(id);
            this.recentSet.add(id);
            changed = true;
        }
        if (this.recent.length > this.maxRecent) {
            const drop = this.recent.splice(0, this.recent.length - this.maxRecent);
            for (const id of drop) this.recentSet.delete(id);
        }
        if (changed) await this.store.set(this.prefix + 'recent', { v: STATE_VERSION, ids: this.recent });
        if (cursorMs !== undefined && (this.cursor === undefined || cursorMs > this.cursor)) {
            this.cursor = cursorMs;
            await this.store.set(this.prefix + 'cursor', { v: STATE_VERSION, cursor: this.cursorIso });
        }
    }
}
