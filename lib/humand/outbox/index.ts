/**
 * The persisted outbox for Humand clock records.
 *
 * Every event is written to the context store (per employee: last action, recent ids and the pending
 * queue) before anything else happens to it, and leaves the queue only with a final answer.
 * Per employee the queue is strictly FIFO; different employees run in parallel up to `concurrency`;
 * a shared token bucket enforces the server's rate limit. Retryable failures (429, 5xx, timeouts,
 * network) back off exponentially with jitter and honour Retry-After; 401/403 pause everything.
 * After a crash the queue is loaded again and unanswered records are re-sent with the action decided
 * before the crash, so Humand's duplicate answer makes the re-send harmless.
 */
import { EventEmitter } from 'events';
import { backoffDelay, BackoffOptions, DEFAULT_BACKOFF, RateLimiter } from '../../backoff';
import { KeyValueStore } from '../../context';
import { HttpFailure } from '../../http';
import { AttendanceEvent, Direction, errorMessage } from '../../types';
import { HumandClient } from '../client';
import { classifyResponse, Outcome } from '../classify';
import { verifyByReadBack } from '../readback';
import { decide, EmployeeState, RuleInput, RuleOptions } from '../rules';
import { Step, stepOfDecision, stepOfDryRun, stepOfOutcome, StepResult } from '../step';
import { EmployeeRecord, ItemMeta, OutboxItem } from './format';
import { KeyScheduler } from './scheduler';
import { EmployeeStore } from './store';

export { bucketOf } from './format';

export interface OutboxResult extends StepResult {
    item: OutboxItem;
}

export interface OutboxStats {
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

export interface OutboxOptions {
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

export type EnqueueResult = { queued: true } | { queued: false; code: 'duplicate'; reason: string };

type ResultHandler = (result: OutboxResult) => void;

export class Outbox extends EventEmitter {
    private readonly opts: OutboxOptions;
    private readonly now: () => number;
    private readonly employees: EmployeeStore;
    /**
     * Employees run by the scheduler. A run holds its concurrency slot until Humand has answered;
     * storing the outcome afterwards keeps its employee busy (order) but lets another employee's request start.
     */
    private readonly scheduler: KeyScheduler;
    private readonly handlers = new Map<string, ResultHandler>();
    private readonly started: Promise<void>;
    private seq = 0;
    private closed = false;
    private authFailures = 0;
    private counts = { delivered: 0, skipped: 0, failed: 0 };
    private lastDelivered: OutboxStats['last'];
    private lastError: string | undefined;

    constructor(options: OutboxOptions) {
        super();
        this.opts = options;
        this.now = options.now ?? (() => Date.now());
        this.employees = new EmployeeStore(options.store, options.keyPrefix, options.idleCache);
        this.scheduler = new KeyScheduler({
            concurrency: options.concurrency,
            now: this.now,
            run: (employeeId, signal, release) => this.processHead(employeeId, signal, release),
            onError: (employeeId, err) => {
                // Unexpected (a store failure): keep the item, try again later.
                this.lastError = errorMessage(err);
                this.opts.log?.(`outbox: ${this.lastError}`);
                const head = this.employees.records.get(employeeId)?.queue[0];
                if (head) {
                    head.attempts += 1;
                    head.notBefore = this.now() + this.retryDelay(head.attempts);
                }
            },
            afterRun: (employeeId) => {
                this.schedule(employeeId);
                this.employees.trimIdle((id) => this.scheduler.isBusy(id));
            },
            onChange: () => this.emit('change'),
        });
        this.started = this.load();
        // A failed load is reported through whenStarted(); it must not become an unhandled rejection.
        this.started.catch(() => undefined);
    }

    get concurrency(): number {
        return this.scheduler.concurrency;
    }

    /** Resolves once the persisted outbox has been loaded (rejects when the store failed). */
    whenStarted(): Promise<void> {
        return this.started;
    }

    setConcurrency(n: number): void {
        this.scheduler.setConcurrency(n);
    }

    attach(origin: string, handler: ResultHandler): void {
        this.handlers.set(origin, handler);
    }

    detach(origin: string): void {
        this.handlers.delete(origin);
    }

    /** Loads the employees that have something in the outbox; idle ones are read when an event arrives. */
    private async load(): Promise<void> {
        const { pending, seq } = await this.employees.loadPending();
        this.seq = Math.max(this.seq, seq);
        for (const [employeeId, record] of pending) {
            this.opts.log?.(`outbox: ${record.queue.length} pending record(s) for employee ${employeeId} loaded`);
            this.schedule(employeeId);
        }
        this.emit('change');
        this.scheduler.start();
    }

    /** Employee state as last persisted (for tests and the health view). */
    state(employeeId: string): EmployeeState | undefined {
        const r = this.employees.records.get(employeeId);
        return r ? { last: r.last, recent: [...r.recent] } : undefined;
    }

    /** Puts an event in the persisted outbox. Resolves once it is stored. */
    async enqueue(event: AttendanceEvent & { employeeId: string }, meta: ItemMeta, rules: RuleOptions, comment: string): Promise<EnqueueResult> {
        await this.started;
        if (this.closed) throw new Error('the Humand connection is closing; event not accepted');
        const employeeId = event.employeeId;
        const records = this.employees.records;
        let record = await this.employees.recordFor(employeeId);
        if (this.closed) throw new Error('the Humand connection is closing; event not accepted');
        // While this call waited, the idle record may have been dropped from memory (it is stored) or read
        // again: work on the one in memory, so that the event is stored and sent.
        const current = records.get(employeeId);
        if (current) record = current;
        else records.set(employeeId, record);
        if (record.recent.includes(event.id) || record.queue.some((i) => i.id === event.id)) {
            return { queued: false, code: 'duplicate', reason: `duplicate event ${event.id}` };
        }
        const item: OutboxItem = { id: event.id, seq: ++this.seq, employeeId, event, meta, rules, comment, attempts: 0, enqueuedAt: this.now() };
        record.queue.push(item);
        try {
            await this.employees.persist(employeeId);
        } catch (err) {
            record.queue = record.queue.filter((i) => i !== item);
            throw new Error(`could not store the event in the outbox: ${errorMessage(err)}`);
        }
        this.scheduler.add(employeeId);
        this.emit('change');
        this.scheduler.start();
        return { queued: true };
    }

    /** Clears back-off and an authentication pause: everything pending is tried now. */
    retryNow(): void {
        this.scheduler.retryNow((employeeId) => {
            const head = this.employees.records.get(employeeId)?.queue[0];
            if (head && !head.held) head.notBefore = undefined;
        });
    }

    stats(): OutboxStats {
        let queued = 0;
        let oldestQueuedAt: number | undefined;
        for (const r of this.employees.records.values()) {
            queued += r.queue.length;
            const head = r.queue[0];
            if (head && (oldestQueuedAt === undefined || head.enqueuedAt < oldestQueuedAt)) oldestQueuedAt = head.enqueuedAt;
        }
        return {
            queued,
            oldestQueuedAt,
            inFlight: this.scheduler.inFlight,
            waiting: this.scheduler.waiting,
            nextRetryAt: this.scheduler.nextDueAt(),
            paused: this.scheduler.paused,
            lastError: this.lastError,
            ...this.counts,
            last: this.lastDelivered,
        };
    }

    async close(): Promise<void> {
        this.closed = true;
        await this.scheduler.close();
        await this.started.catch(() => undefined);
        await this.employees.drain();
        this.removeAllListeners();
        this.handlers.clear();
    }

    /** Makes the employee's head runnable now, or at its notBefore time. */
    private schedule(employeeId: string): void {
        const head = this.employees.records.get(employeeId)?.queue[0];
        if (!head || this.closed) return;
        this.scheduler.schedule(employeeId, head.notBefore);
    }

    private retryDelay(attempt: number): number {
        return backoffDelay(attempt, this.opts.backoff ?? DEFAULT_BACKOFF, this.opts.random);
    }

    private async processHead(employeeId: string, signal: AbortSignal, answered: () => void): Promise<void> {
        const record = this.employees.records.get(employeeId);
        const item = record?.queue[0];
        if (!record || !item) return;
        if (item.notBefore !== undefined && item.notBefore > this.now()) return;

        if (!item.action) {
            const step = stepOfDecision(decide(ruleInput(item), record, item.rules, this.now()), record, ruleInput(item), item.attempts);
            if (step.kind !== 'send') return this.apply(employeeId, record, item, step);
            item.held = false;
            // Not written before the request: the decision depends only on the stored state and the
            // stored item, which do not change until this item has its final answer, so after a crash
            // the same action is decided again and Humand's duplicate answer recognises the re-send.
            item.action = step.action;
        }
        const action = item.action as Direction;

        if (this.opts.dryRun) return this.apply(employeeId, record, item, stepOfDryRun(record, ruleInput(item), action, this.body(item)));

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
            // A refusal Humand does not explain: decide from what it holds (lib/humand/readback).
            if (outcome.kind === 'verify') {
                outcome = await verifyByReadBack(client, this.body(item), action, outcome, { take: () => this.opts.limiter.take(), signal, now: this.now });
            }
        } catch (err) {
            if (this.closed || signal.aborted) return;
            const message = err instanceof HttpFailure ? err.message : errorMessage(err);
            outcome = { kind: 'retry', status: 0, message };
        }
        if (this.closed) return;
        if (outcome.kind !== 'auth') answered();
        if (outcome.kind === 'delivered' || outcome.kind === 'rejected' || outcome.kind === 'retry') this.authFailures = 0;
        const step = stepOfOutcome(outcome, record, ruleInput(item), action, item.attempts, this.now(), (n) => this.retryDelay(n));
        if (step.kind === 'wait' && outcome.kind === 'retry') this.lastError = step.lastError;
        return this.apply(employeeId, record, item, step);
    }

    /** Carries out a step on the head item: state, queue, store, result. */
    private async apply(employeeId: string, record: EmployeeRecord, item: OutboxItem, step: Step): Promise<void> {
        switch (step.kind) {
            case 'done':
                Object.assign(record, step.state);
                record.queue.shift();
                await this.employees.persist(employeeId);
                this.finish({ item, ...step.result });
                return;
            case 'wait':
                item.attempts = step.attempts;
                item.notBefore = step.notBefore;
                if (step.held !== undefined) item.held = step.held;
                if (step.lastError !== undefined) item.lastError = step.lastError;
                await this.employees.persist(employeeId);
                return;
            case 'pause':
                this.pause(step.message);
                return;
            case 'send':
                return;
        }
    }

    private body(item: OutboxItem): { employeeId: string; now: string; comment: string } {
        return { employeeId: item.employeeId, now: item.event.time, comment: item.comment };
    }

    private pause(message: string): void {
        if (this.scheduler.paused) return;
        this.authFailures += 1;
        const base = this.opts.authPauseMs ?? 60_000;
        const max = (this.opts.backoff ?? DEFAULT_BACKOFF).maxMs;
        const wait = Math.min(max, base * Math.pow(2, Math.min(this.authFailures - 1, 10)));
        this.lastError = message;
        this.scheduler.pause(wait, message);
    }

    private finish(result: OutboxResult): void {
        if (result.delivered) {
            this.counts.delivered += 1;
            const action = result.humand?.action;
            if (action) {
                this.lastDelivered = { action, name: result.item.event.person?.name || result.item.employeeId, time: result.item.event.time };
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
}

function ruleInput(item: OutboxItem): RuleInput {
    return { id: item.id, time: item.event.time, direction: item.event.direction, backfill: item.meta.backfill };
}
