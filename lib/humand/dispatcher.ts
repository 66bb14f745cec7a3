/**
 * The persisted outbox for Humand clock records.
 *
 * Every event is written to the context store (per employee: last action, recent ids and the pending
 * queue) before anything else happens to it, and leaves the queue only with a final answer. Employees
 * are kept in BUCKETS context keys, each a JSON string of its employees' records: a context store
 * that serialises its whole scope on every flush (localfilesystem) then handles a few thousand
 * strings instead of 100,000 objects, and rewriting one employee costs one small bucket.
 * Per employee the queue is strictly FIFO; different employees run in parallel up to `concurrency`;
 * a shared token bucket enforces the server's rate limit. Retryable failures (429, 5xx, timeouts,
 * network) back off exponentially with jitter and honour Retry-After; 401/403 pause everything.
 * After a crash the queue is loaded again and unanswered records are re-sent with the action decided
 * before the crash, so Humand's duplicate answer makes the re-send harmless.
 */
import { EventEmitter } from 'events';
import { backoffDelay, BackoffOptions, DEFAULT_BACKOFF, RateLimiter } from '../backoff';
import { KeyValueStore } from '../context';
import { HttpFailure } from '../http';
import { parseOffsetTime } from '../time';
import { AttendanceEvent, Direction, errorMessage, isRecord } from '../types';
import { HumandClient } from './client';
import { classifyResponse, Outcome } from './classify';
import { afterDelivered, afterDrift, decide, EmployeeState, rememberId, RuleInput, RuleOptions } from './rules';

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
    /** Decided when the item reaches the head of its employee's queue (deterministic: see processHead). */
    action?: Direction;
    attempts: number;
    notBefore?: number;
    held?: boolean;
    lastError?: string;
    enqueuedAt: number;
}

interface EmployeeRecord extends EmployeeState {
    queue: OutboxItem[];
}

export type ResultKind = 'delivered' | 'duplicate' | 'dry-run' | 'skipped' | 'rejected';

export interface DispatchResult {
    item: OutboxItem;
    delivered: boolean;
    kind: ResultKind;
    code?: string;
    reason?: string;
    humand?: { action?: Direction; status?: number; body?: unknown };
}

export interface DispatcherStats {
    queued: number;
    /** Epoch ms when the oldest queued event was accepted. */
    oldestQueuedAt?: number;
    inFlight: number;
    waiting: number;
    nextRetryAt?: number;
    paused?: { until: number; message: string };
    lastError?: string;
    delivered: number;
    skipped: number;
    failed: number;
    last?: { action: Direction; name: string; time: string };
}

export interface DispatcherOptions {
    store: KeyValueStore;
    keyPrefix: string;
    client: () => HumandClient | string;
    limiter: RateLimiter;
    dryRun: boolean;
    concurrency: number;
    backoff?: BackoffOptions;
    /** Pause after 401/403, grows with each failure up to maxMs of `backoff`. */
    authPauseMs?: number;
    /** Idle employees kept in memory (default IDLE_CACHE). */
    idleCache?: number;
    now?: () => number;
    random?: () => number;
    log?: (text: string) => void;
}

/** Idle employees (nothing queued) kept in memory; older ones are read back from the store when needed. */
export const IDLE_CACHE = 5000;

/** Number of context keys the employees are spread over. */
export const BUCKETS = 4096;

export type EnqueueResult = { queued: true } | { queued: false; code: 'duplicate'; reason: string };

type ResultHandler = (result: DispatchResult) => void;

export class Dispatcher extends EventEmitter {
    concurrency: number;
    private readonly opts: DispatcherOptions;
    private readonly now: () => number;
    /** Employees with something queued or running, plus the most recently used idle ones (LRU order). */
    private readonly records = new Map<string, EmployeeRecord>();
    private readonly loading = new Map<string, Promise<EmployeeRecord>>();
    private readonly ready: string[] = [];
    private readonly readySet = new Set<string>();
    private readonly running = new Map<string, AbortController>();
    /**
     * Concurrency slots in use. A run holds its slot until Humand has answered; storing the outcome
     * afterwards keeps its employee busy (order) but lets another employee's request start.
     */
    private slots = 0;
    private readonly timers = new Map<string, { timer: NodeJS.Timeout; due: number }>();
    private readonly handlers = new Map<string, ResultHandler>();
    private readonly persistQueue: PersistQueue;
    private readonly started: Promise<void>;
    private seq = 0;
    private closed = false;
    private paused: { until: number; message: string; timer: NodeJS.Timeout } | undefined;
    private authFailures = 0;
    private counts = { delivered: 0, skipped: 0, failed: 0 };
    private lastDelivered: DispatcherStats['last'];
    private lastError: string | undefined;
    private runs = new Set<Promise<void>>();

    constructor(options: DispatcherOptions) {
        super();
        this.opts = options;
        this.concurrency = Math.max(1, Math.floor(options.concurrency || 1));
        this.now = options.now ?? (() => Date.now());
        this.persistQueue = new PersistQueue(options.store, (employeeId) => {
            const record = this.records.get(employeeId);
            return record ? snapshot(record) : undefined;
        });
        this.started = this.load();
        // A failed load is reported through whenStarted(); it must not become an unhandled rejection.
        this.started.catch(() => undefined);
    }

    /** Resolves once the persisted outbox has been loaded (rejects when the store failed). */
    whenStarted(): Promise<void> {
        return this.started;
    }

    setConcurrency(n: number): void {
        this.concurrency = Math.max(1, Math.floor(n || 1));
        this.pump();
    }

    attach(origin: string, handler: ResultHandler): void {
        this.handlers.set(origin, handler);
    }

    detach(origin: string): void {
        this.handlers.delete(origin);
    }

    private bucketKey(employeeId: string): string {
        return `${this.opts.keyPrefix}b${bucketOf(employeeId)}`;
    }

    /** Loads the employees that have something in the outbox; idle ones are read when an event arrives. */
    private async load(): Promise<void> {
        const keys = (await this.opts.store.keys()).filter((k) => k.startsWith(this.opts.keyPrefix + 'b'));
        for (const key of keys) {
            const bucket = parseBucket(await this.opts.store.get(key));
            for (const [employeeId, stored] of Object.entries(bucket)) {
                const record = toRecord(stored);
                if (!record || record.queue.length === 0) continue;
                this.records.set(employeeId, record);
                for (const item of record.queue) this.seq = Math.max(this.seq, item.seq);
            }
        }
        const pending = [...this.records.entries()].sort((a, b) => a[1].queue[0].seq - b[1].queue[0].seq);
        for (const [employeeId, record] of pending) {
            this.opts.log?.(`outbox: ${record.queue.length} pending record(s) for employee ${employeeId} loaded`);
            this.schedule(employeeId);
        }
        this.emit('change');
        this.pump();
    }

    /** The employee's record: from memory, or read from the store (once, even for concurrent callers). */
    private async recordFor(employeeId: string): Promise<EmployeeRecord> {
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
            pending = this.opts.store.get(this.bucketKey(employeeId)).then((value) => {
                const stored = parseBucket(value)[employeeId];
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

    /** Drops the least recently used idle employees from memory beyond IDLE_CACHE (their state is in the store). */
    private trimIdle(): void {
        let excess = this.records.size - (this.opts.idleCache ?? IDLE_CACHE);
        if (excess <= 0) return;
        for (const [employeeId, record] of this.records) {
            if (excess <= 0) break;
            if (record.queue.length > 0 || this.running.has(employeeId) || this.timers.has(employeeId) || this.readySet.has(employeeId)) continue;
            if (this.persistQueue.isPending(employeeId)) continue;
            this.records.delete(employeeId);
            excess -= 1;
        }
    }

    /** Employee state as last persisted (for tests and the health view). */
    state(employeeId: string): EmployeeState | undefined {
        const r = this.records.get(employeeId);
        return r ? { last: r.last, recent: [...r.recent] } : undefined;
    }

    /** Puts an event in the persisted outbox. Resolves once it is stored. */
    async enqueue(event: AttendanceEvent & { employeeId: string }, meta: ItemMeta, rules: RuleOptions, comment: string): Promise<EnqueueResult> {
        await this.started;
        if (this.closed) throw new Error('the Humand connection is closing; event not accepted');
        const employeeId = event.employeeId;
        let record = await this.recordFor(employeeId);
        if (this.closed) throw new Error('the Humand connection is closing; event not accepted');
        // While this call waited, the idle record may have been dropped from memory (it is stored) or read
        // again: work on the one in memory, so that the event is stored and sent.
        const current = this.records.get(employeeId);
        if (current) record = current;
        else this.records.set(employeeId, record);
        if (record.recent.includes(event.id) || record.queue.some((i) => i.id === event.id)) {
            return { queued: false, code: 'duplicate', reason: `duplicate event ${event.id}` };
        }
        const item: OutboxItem = {
            id: event.id,
            seq: ++this.seq,
            employeeId,
            event,
            meta,
            rules,
            comment,
            attempts: 0,
            enqueuedAt: this.now(),
        };
        record.queue.push(item);
        try {
            await this.persist(employeeId);
        } catch (err) {
            record.queue = record.queue.filter((i) => i !== item);
            throw new Error(`could not store the event in the outbox: ${errorMessage(err)}`);
        }
        if (!this.running.has(employeeId) && !this.timers.has(employeeId)) this.markReady(employeeId);
        this.emit('change');
        this.pump();
        return { queued: true };
    }

    /** Clears back-off and an authentication pause: everything pending is tried now. */
    retryNow(): void {
        if (this.paused) {
            clearTimeout(this.paused.timer);
            this.paused = undefined;
        }
        for (const [employeeId, t] of this.timers) {
            clearTimeout(t.timer);
            this.timers.delete(employeeId);
            const head = this.records.get(employeeId)?.queue[0];
            if (head && !head.held) head.notBefore = undefined;
            this.markReady(employeeId);
        }
        this.emit('change');
        this.pump();
    }

    stats(): DispatcherStats {
        let queued = 0;
        let oldestQueuedAt: number | undefined;
        for (const r of this.records.values()) {
            queued += r.queue.length;
            const head = r.queue[0];
            if (head && (oldestQueuedAt === undefined || head.enqueuedAt < oldestQueuedAt)) oldestQueuedAt = head.enqueuedAt;
        }
        let nextRetryAt: number | undefined;
        for (const t of this.timers.values()) nextRetryAt = nextRetryAt === undefined ? t.due : Math.min(nextRetryAt, t.due);
        return {
            queued,
            oldestQueuedAt,
            inFlight: this.slots,
            waiting: this.timers.size,
            nextRetryAt,
            paused: this.paused ? { until: this.paused.until, message: this.paused.message } : undefined,
            lastError: this.lastError,
            ...this.counts,
            last: this.lastDelivered,
        };
    }

    async close(): Promise<void> {
        this.closed = true;
        for (const t of this.timers.values()) clearTimeout(t.timer);
        this.timers.clear();
        if (this.paused) clearTimeout(this.paused.timer);
        for (const controller of this.running.values()) controller.abort();
        await Promise.allSettled([...this.runs]);
        await this.started.catch(() => undefined);
        await this.persistQueue.drain();
        this.removeAllListeners();
        this.handlers.clear();
    }

    private markReady(employeeId: string): void {
        if (this.readySet.has(employeeId) || this.running.has(employeeId)) return;
        this.readySet.add(employeeId);
        this.ready.push(employeeId);
    }

    /** Makes the employee's head runnable now, or at its notBefore time. */
    private schedule(employeeId: string): void {
        const head = this.records.get(employeeId)?.queue[0];
        if (!head || this.closed) return;
        const existing = this.timers.get(employeeId);
        if (existing) {
            clearTimeout(existing.timer);
            this.timers.delete(employeeId);
        }
        const wait = (head.notBefore ?? 0) - this.now();
        if (wait > 0) {
            const timer = setTimeout(() => {
                this.timers.delete(employeeId);
                this.markReady(employeeId);
                this.emit('change');
                this.pump();
            }, wait);
            this.timers.set(employeeId, { timer, due: this.now() + wait });
        } else {
            this.markReady(employeeId);
        }
    }

    private pump(): void {
        while (!this.closed && !this.paused && this.slots < this.concurrency && this.ready.length > 0) {
            const employeeId = this.ready.shift() as string;
            this.readySet.delete(employeeId);
            if (this.running.has(employeeId)) continue;
            const controller = new AbortController();
            this.running.set(employeeId, controller);
            this.slots += 1;
            let held = true;
            const release = (): void => {
                if (!held) return;
                held = false;
                this.slots -= 1;
            };
            const run = this.processHead(employeeId, controller.signal, () => {
                release();
                if (!this.closed) this.pump();
            })
                .catch((err: unknown) => {
                    // Unexpected (a store failure): keep the item, try again later.
                    this.lastError = errorMessage(err);
                    this.opts.log?.(`outbox: ${this.lastError}`);
                    const head = this.records.get(employeeId)?.queue[0];
                    if (head) {
                        head.attempts += 1;
                        head.notBefore = this.now() + backoffDelay(head.attempts, this.opts.backoff ?? DEFAULT_BACKOFF, this.opts.random);
                    }
                })
                .finally(() => {
                    release();
                    this.running.delete(employeeId);
                    this.runs.delete(run);
                    if (!this.closed) {
                        this.schedule(employeeId);
                        this.trimIdle();
                        this.emit('change');
                        this.pump();
                    }
                });
            this.runs.add(run);
        }
    }

    private async processHead(employeeId: string, signal: AbortSignal, answered: () => void): Promise<void> {
        const record = this.records.get(employeeId);
        const item = record?.queue[0];
        if (!record || !item) return;
        if (item.notBefore !== undefined && item.notBefore > this.now()) return;

        if (!item.action) {
            const decision = decide(ruleInput(item), record, item.rules, this.now());
            if (decision.kind === 'skip' || decision.kind === 'reject') {
                record.queue.shift();
                record.recent = rememberId(record.recent, item.id);
                await this.persist(employeeId);
                this.finish({
                    item,
                    delivered: false,
                    kind: decision.kind === 'skip' ? 'skipped' : 'rejected',
                    code: decision.code,
                    reason: decision.reason,
                });
                return;
            }
            if (decision.kind === 'hold') {
                item.held = true;
                item.notBefore = decision.untilMs;
                await this.persist(employeeId);
                return;
            }
            item.held = false;
            // Not written before the request: the decision depends only on the stored state and the
            // stored item, which do not change until this item has its final answer, so after a crash
            // the same action is decided again and Humand's duplicate answer recognises the re-send.
            item.action = decision.action;
        }
        const action = item.action as Direction;

        if (this.opts.dryRun) {
            Object.assign(record, afterDelivered(record, ruleInput(item), action));
            record.queue.shift();
            await this.persist(employeeId);
            this.finish({ item, delivered: true, kind: 'dry-run', humand: { action, status: 0, body: this.body(item) } });
            return;
        }

        const client = this.opts.client();
        if (typeof client === 'string') {
            this.pause(client);
            return;
        }
        await this.opts.limiter.take();
        if (this.closed || signal.aborted) return;

        let outcome: Outcome;
        try {
            const res = await client.clock(action, this.body(item), signal);
            outcome = classifyResponse(action, res, this.now());
        } catch (err) {
            if (this.closed || signal.aborted) return;
            const message = err instanceof HttpFailure ? err.message : errorMessage(err);
            outcome = { kind: 'retry', status: 0, message };
        }
        if (this.closed) return;
        if (outcome.kind !== 'auth') answered();

        switch (outcome.kind) {
            case 'delivered': {
                this.authFailures = 0;
                Object.assign(record, afterDelivered(record, ruleInput(item), action));
                record.queue.shift();
                await this.persist(employeeId);
                this.finish({
                    item,
                    delivered: true,
                    kind: outcome.duplicate ? 'duplicate' : 'delivered',
                    humand: { action, status: outcome.status, body: outcome.body },
                });
                return;
            }
            case 'rejected': {
                this.authFailures = 0;
                const input = ruleInput(item);
                Object.assign(record, outcome.drift ? afterDrift(record, input, outcome.drift) : { recent: rememberId(record.recent, item.id) });
                record.queue.shift();
                await this.persist(employeeId);
                this.finish({
                    item,
                    delivered: false,
                    kind: 'rejected',
                    code: 'humand-rejected',
                    reason: `Humand rejected the ${action === 'in' ? 'clock-in' : 'clock-out'}: ${outcome.message}`,
                    humand: { action, status: outcome.status, body: outcome.body },
                });
                return;
            }
            case 'auth': {
                this.pause(`authentication failed (HTTP ${outcome.status})`);
                return;
            }
            case 'future': {
                item.attempts += 1;
                const eventMs = parseOffsetTime(item.event.time)?.ms ?? this.now();
                item.notBefore = Math.max(eventMs + 1000, this.now() + backoffDelay(item.attempts, this.opts.backoff ?? DEFAULT_BACKOFF, this.opts.random));
                item.held = true;
                item.lastError = `Humand says the time is in the future: ${outcome.message}`;
                await this.persist(employeeId);
                return;
            }
            case 'retry': {
                this.authFailures = 0;
                item.attempts += 1;
                const delay = Math.max(
                    outcome.retryAfterMs ?? 0,
                    backoffDelay(item.attempts, this.opts.backoff ?? DEFAULT_BACKOFF, this.opts.random),
                );
                item.notBefore = this.now() + delay;
                item.lastError = outcome.status ? `HTTP ${outcome.status}: ${outcome.message}` : outcome.message;
                this.lastError = item.lastError;
                await this.persist(employeeId);
                return;
            }
        }
    }

    private body(item: OutboxItem): { employeeId: string; now: string; comment: string } {
        return { employeeId: item.employeeId, now: item.event.time, comment: item.comment };
    }

    private pause(message: string): void {
        if (this.paused) return;
        this.authFailures += 1;
        const base = this.opts.authPauseMs ?? 60_000;
        const max = (this.opts.backoff ?? DEFAULT_BACKOFF).maxMs;
        const wait = Math.min(max, base * Math.pow(2, Math.min(this.authFailures - 1, 10)));
        this.lastError = message;
        const timer = setTimeout(() => {
            this.paused = undefined;
            this.emit('change');
            this.pump();
        }, wait);
        this.paused = { until: this.now() + wait, message, timer };
        this.emit('change');
    }

    private finish(result: DispatchResult): void {
        if (result.delivered) {
            this.counts.delivered += 1;
            const action = result.humand?.action;
            if (action) {
                this.lastDelivered = {
                    action,
                    name: result.item.event.person?.name || result.item.employeeId,
                    time: result.item.event.time,
                };
            }
        } else if (result.kind === 'skipped') this.counts.skipped += 1;
        else this.counts.failed += 1;
        const handler = this.handlers.get(result.item.meta.origin) ?? this.handlers.values().next().value;
        if (handler) {
            try {
                handler(result);
            } catch (err) {
                this.opts.log?.(`outbox: result handler failed: ${errorMessage(err)}`);
            }
        } else {
            this.opts.log?.(`outbox: ${result.kind} ${result.item.id} (no humand-clock node attached)`);
        }
        this.emit('result', result);
    }

    private persist(employeeId: string): Promise<void> {
        if (!this.records.has(employeeId)) return Promise.resolve();
        // The snapshot is taken when the bucket is written: changes queued meanwhile are written once.
        return this.persistQueue.write(this.bucketKey(employeeId), employeeId);
    }
}

/**
 * Stored form of one employee: {l: [action, time], r: recent ids, q: queue}; empty parts left out (the
 * last event's id is among the recent ids). Small, because a flush serialises every employee.
 */
function snapshot(record: EmployeeRecord): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (record.last) out.l = [record.last.action, record.last.time];
    if (record.recent.length > 0) out.r = [...record.recent];
    if (record.queue.length > 0) out.q = JSON.parse(JSON.stringify(record.queue));
    return out;
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

function parseBucket(value: unknown): Record<string, unknown> {
    if (typeof value !== 'string' || value === '') return {};
    try {
        const parsed = JSON.parse(value) as unknown;
        return isRecord(parsed) ? parsed : {};
    } catch {
        return {};
    }
}

function ruleInput(item: OutboxItem): RuleInput {
    return { id: item.id, time: item.event.time, direction: item.event.direction, backfill: item.meta.backfill };
}

function toRecord(value: unknown): EmployeeRecord | undefined {
    if (!isRecord(value)) return undefined;
    const queue = Array.isArray(value.q) ? (value.q.filter((i) => isRecord(i) && typeof i.id === 'string') as unknown as OutboxItem[]) : [];
    const recent = Array.isArray(value.r) ? value.r.filter((r): r is string => typeof r === 'string') : [];
    const l = value.l;
    const last =
        Array.isArray(l) && (l[0] === 'in' || l[0] === 'out') && typeof l[1] === 'string'
            ? { action: l[0] as Direction, time: l[1], eventId: recent[recent.length - 1] ?? '' }
            : undefined;
    return { last, recent, queue };
}

/**
 * Serialises writes to the context store (stores without a cache rewrite a whole file per write, and
 * concurrent writes to one key could lose each other). Per bucket key it collects the employees that
 * changed; when the bucket's turn comes it reads the bucket, puts in those employees' current
 * snapshots and writes it once. Every caller is told when its change (or a newer one) is stored.
 */
class PersistQueue {
    private readonly pending = new Map<string, { employees: Set<string>; waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> }>();
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
            const [key, entry] = this.pending.entries().next().value as [string, { employees: Set<string>; waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> }];
            this.pending.delete(key);
            try {
                const bucket = parseBucket(await this.store.get(key));
                for (const employeeId of entry.employees) {
                    const snap = this.snapshotOf(employeeId);
                    if (snap === undefined) continue;
                    if (Object.keys(snap).length === 0) delete bucket[employeeId];
                    else bucket[employeeId] = snap;
                }
                await this.store.set(key, Object.keys(bucket).length > 0 ? JSON.stringify(bucket) : undefined);
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
