/**
 * The outbox's employees in memory and in the context store: the employees with something queued
 * (loaded at start), the most recently used idle ones (LRU, read back from the store when needed),
 * and the queue of bucket writes.
 */
import { KeyValueStore } from '../../context';
import { bucketOf, EmployeeRecord, formatBucket, OutboxItem, parseBucket, snapshot, toRecord } from './format';
import { ordered } from './order';

/** Idle employees (nothing queued) kept in memory; older ones are read back from the store when needed. */
const IDLE_CACHE = 5000;

export class EmployeeStore {
    /** Employees with something queued or running, plus the most recently used idle ones (LRU order). */
    readonly records = new Map<string, EmployeeRecord>();
    private readonly loading = new Map<string, Promise<EmployeeRecord>>();
    private readonly writes: PersistQueue;

    constructor(
        private readonly store: KeyValueStore,
        private readonly keyPrefix: string,
        private readonly idleCache: number = IDLE_CACHE,
    ) {
        this.writes = new PersistQueue(store, (employeeId) => {
            const record = this.records.get(employeeId);
            return record ? snapshot(record) : undefined;
        });
    }

    private bucketKey(employeeId: string): string {
        return `${this.keyPrefix}b${bucketOf(employeeId)}`;
    }

    /** Loads the employees that have something queued; returns them oldest head first, and the highest seq. */
    async loadPending(): Promise<{ pending: Array<[string, EmployeeRecord]>; seq: number }> {
        let seq = 0;
        const keys = (await this.store.keys()).filter((k) => k.startsWith(this.keyPrefix + 'b'));
        for (const key of keys) {
            const bucket = parseBucket(await this.store.get(key));
            for (const [employeeId, stored] of bucket) {
                const record = toRecord(stored);
                if (!record || record.queue.length === 0) continue;
                this.records.set(employeeId, record);
                for (const item of record.queue) seq = Math.max(seq, item.seq);
            }
        }
        const pending = [...this.records.entries()].sort((a, b) => a[1].queue[0].seq - b[1].queue[0].seq);
        return { pending, seq };
    }

    /**
     * Moves the queued records stored under another key prefix into this one: records an outbox kept for
     * the same humand-server while it could not send (an invalid base URL gives a namespace of its own).
     * Each record not already known here (by event id) joins its employee's queue with a new sequence
     * number and no action yet (it was never sent: its action is decided from this outbox's state when it
     * reaches the head). The employee is written here first, then the old bucket is removed, so a crash
     * in between re-adopts (the ids already here are skipped). Returns the employees that got records.
     */
    async adopt(prefix: string, nextSeq: () => number, nowMs: number): Promise<Map<string, number>> {
        const adopted = new Map<string, number>();
        if (prefix === this.keyPrefix) return adopted;
        const keys = (await this.store.keys()).filter((k) => k.startsWith(prefix + 'b'));
        for (const key of keys) {
            const bucket = parseBucket(await this.store.get(key));
            for (const [employeeId, stored] of bucket) {
                const other = toRecord(stored);
                if (!other || other.queue.length === 0) continue;
                const record = await this.recordFor(employeeId);
                const known = new Set([...record.recent, ...record.queue.map((i) => i.id)]);
                const added: OutboxItem[] = [];
                for (const item of [...other.queue].sort((a, b) => a.seq - b.seq)) {
                    if (known.has(item.id)) continue;
                    known.add(item.id);
                    added.push({ ...item, employeeId, seq: nextSeq(), action: undefined, notBefore: undefined, lastError: undefined });
                }
                if (added.length === 0) continue;
                record.queue = ordered([...record.queue, ...added], nowMs);
                await this.persist(employeeId);
                adopted.set(employeeId, added.length);
            }
            await this.store.set(key, undefined);
        }
        return adopted;
    }

    /** The employee's record: from memory, or read from the store (once, even for concurrent callers). */
    async recordFor(employeeId: string): Promise<EmployeeRecord> {
        const cached = this.records.get(employeeId);
        if (cached) {
            if (cached.queue.length === 0) {
                // LRU: most recently used last.
                this.records.delete(employeeId);
                this.records.set(employeeId, cached);
            }
            return cached;
        }
        let pending = this.loading.get(employeeId);
        if (!pending) {
            pending = this.store.get(this.bucketKey(employeeId)).then((value) => {
                const stored = parseBucket(value).get(employeeId);
                const record = this.records.get(employeeId) ?? toRecord(stored) ?? { recent: [], queue: [] };
                this.records.set(employeeId, record);
                return record;
            });
            this.loading.set(employeeId, pending);
            pending.then(
                () => this.loading.delete(employeeId),
                () => this.loading.delete(employeeId),
            );
        }
        return pending;
    }

    /** Drops the least recently used idle employees from memory beyond the idle cache (their state is in the store). */
    trimIdle(busy: (employeeId: string) => boolean): void {
        let excess = this.records.size - this.idleCache;
        if (excess <= 0) return;
        for (const [employeeId, record] of this.records) {
            if (excess <= 0) break;
            if (record.queue.length > 0 || busy(employeeId)) continue;
            if (this.writes.isPending(employeeId)) continue;
            this.records.delete(employeeId);
            excess -= 1;
        }
    }

    persist(employeeId: string): Promise<void> {
        if (!this.records.has(employeeId)) return Promise.resolve();
        // The snapshot is taken when the bucket is written: changes queued meanwhile are written once.
        return this.writes.write(this.bucketKey(employeeId), employeeId);
    }

    drain(): Promise<void> {
        return this.writes.drain();
    }
}

type Waiter = { resolve: () => void; reject: (e: unknown) => void };

/**
 * Serialises writes to the context store (stores without a cache rewrite a whole file per write, and
 * concurrent writes to one key could lose each other). Per bucket key it collects the employees that
 * changed; when the bucket's turn comes it reads the bucket, puts in those employees' current
 * snapshots and writes it once. Every caller is told when its change (or a newer one) is stored.
 */
class PersistQueue {
    private readonly pending = new Map<string, { employees: Set<string>; waiters: Waiter[] }>();
    private readonly dirty = new Map<string, number>();
    private active: Promise<void> | undefined;

    constructor(
        private readonly store: KeyValueStore,
        private readonly snapshotOf: (employeeId: string) => Record<string, unknown> | undefined,
    ) {}

    /** Has this employee a change not yet written? */
    isPending(employeeId: string): boolean {
        return this.dirty.has(employeeId);
    }

    write(key: string, employeeId: string): Promise<void> {
        return new Promise((resolve, reject) => {
            const entry = this.pending.get(key);
            // `dirty` counts the pending bucket writes that include the employee.
            if (!entry || !entry.employees.has(employeeId)) this.dirty.set(employeeId, (this.dirty.get(employeeId) ?? 0) + 1);
            if (entry) {
                entry.employees.add(employeeId);
                entry.waiters.push({ resolve, reject });
            } else {
                this.pending.set(key, { employees: new Set([employeeId]), waiters: [{ resolve, reject }] });
            }
            if (!this.active) this.active = this.run();
        });
    }

    private async run(): Promise<void> {
        while (this.pending.size > 0) {
            const [key, entry] = this.pending.entries().next().value as [string, { employees: Set<string>; waiters: Waiter[] }];
            this.pending.delete(key);
            try {
                const bucket = parseBucket(await this.store.get(key));
                for (const employeeId of entry.employees) {
                    const snap = this.snapshotOf(employeeId);
                    if (snap === undefined) continue;
                    if (Object.keys(snap).length === 0) bucket.delete(employeeId);
                    else bucket.set(employeeId, snap);
                }
                await this.store.set(key, formatBucket(bucket));
                for (const w of entry.waiters) w.resolve();
            } catch (err) {
                for (const w of entry.waiters) w.reject(err);
            } finally {
                for (const employeeId of entry.employees) {
                    const n = (this.dirty.get(employeeId) ?? 1) - 1;
                    if (n <= 0) this.dirty.delete(employeeId);
                    else this.dirty.set(employeeId, n);
                }
            }
        }
        this.active = undefined;
    }

    async drain(): Promise<void> {
        while (this.active) await this.active;
    }
}
