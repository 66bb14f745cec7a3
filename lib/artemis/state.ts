/**
 * Source state in a context store: the cursor (ISO time up to which events were fetched), the start of the
 * first poll (`since`: what the polls have covered, so a back-fill can tell late events from history) and a
 * bounded list of recently emitted event ids. Keys `attendanceBridge_artemis_<safeKey(nodeId)>_cursor|recent`,
 * values `{v: 1, cursor, since?}` and `{v: 1, ids}`. The layout before versioning (v 0: the bare ISO string and
 * the bare id array) still loads; it is rewritten in the current layout on the next commit.
 *
 * The id bound starts at `base` (20,000) and grows, never above `cap` (200,000), to what the polls need: the
 * engine raises it to twice the events seen in the last overlap window (`raiseBound`); at load it is at least
 * the number of ids stored, so a restart forgets none of them.
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
/** Upper bound of the remembered ids however busy the site (memory and the size of each store write). */
export const MAX_RECENT_CAP = 200000;

export function stateKeyPrefix(nodeId: string): string {
    return `attendanceBridge_artemis_${safeKey(nodeId)}_`;
}

export class EventState {
    private recent: string[] = [];
    private recentSet = new Set<string>();
    private cursor: number | undefined;
    private since: number | undefined;
    private loaded = false;
    private bound: number;
    private readonly cap: number;

    constructor(
        private readonly store: KeyValueStore,
        private readonly prefix: string,
        base: number = DEFAULT_MAX_RECENT,
        cap: number = MAX_RECENT_CAP,
    ) {
        this.cap = Math.max(base, cap);
        this.bound = base;
    }

    /** Raises the id bound to `needed` (never lowers it; at most the cap). */
    raiseBound(needed: number): void {
        if (Number.isFinite(needed)) this.bound = Math.min(this.cap, Math.max(this.bound, Math.ceil(needed)));
    }

    async load(): Promise<void> {
        if (this.loaded) return;
        const [storedC, storedR] = await Promise.all([this.store.get(this.prefix + 'cursor'), this.store.get(this.prefix + 'recent')]);
        const cursor = storedCursor(storedC);
        const recent = storedRecent(storedR);
        if (typeof cursor === 'string') {
            const dt = DateTime.fromISO(cursor, { setZone: true });
            if (dt.isValid) this.cursor = dt.toMillis();
        }
        if (isRecord(storedC) && typeof storedC.since === 'string') {
            const dt = DateTime.fromISO(storedC.since, { setZone: true });
            if (dt.isValid) this.since = dt.toMillis();
        }
        if (Array.isArray(recent)) {
            this.raiseBound(recent.length);
            this.recent = recent.filter((x): x is string => typeof x === 'string').slice(-this.bound);
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

    /** Start of the first poll whose cursor was stored (undefined before that, and for state of older releases). */
    get sinceMs(): number | undefined {
        return this.since;
    }

    /** Notes where the polls start covering, when not known yet; stored with the next cursor. */
    markSince(fromMs: number): void {
        if (this.since === undefined && Number.isFinite(fromMs)) this.since = fromMs;
    }

    /** How many emitted ids are remembered at most. */
    get maxRecentIds(): number {
        return this.bound;
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
        // Only the newest `bound` ids can stay remembered: skip the work for the others.
        for (const id of ids.length > this.bound ? ids.slice(ids.length - this.bound) : ids) {
            if (this.recentSet.has(id)) continue;
            this.recent.push(id);
            this.recentSet.add(id);
            changed = true;
        }
        if (this.recent.length > this.bound) {
            const drop = this.recent.splice(0, this.recent.length - this.bound);
            for (const id of drop) this.recentSet.delete(id);
        }
        if (changed) await this.store.set(this.prefix + 'recent', { v: STATE_VERSION, ids: this.recent });
        if (cursorMs !== undefined && (this.cursor === undefined || cursorMs > this.cursor)) {
            this.cursor = cursorMs;
            const since = this.since === undefined ? undefined : DateTime.fromMillis(this.since).toUTC().toISO() ?? undefined;
            await this.store.set(this.prefix + 'cursor', { v: STATE_VERSION, cursor: this.cursorIso, ...(since !== undefined ? { since } : {}) });
        }
    }
}
