/**
 * The persisted outbox for Humand clock records.
 *
 * Every event is written to the context store (per employee: last action, recent ids and the pending
 * queue) before anything else happens to it, and leaves the queue only with a final answer.
 * Per employee the queue is sent in order (time order before records held for a later time: order.ts);
 * different employees run in parallel up to `concurrency`;
 * a shared token bucket enforces the server's rate limit. Retryable failures (429, 5xx, timeouts,
 * network) back off exponentially with jitter and honour Retry-After; 401/403 pause everything.
 * After a crash the queue is loaded again and unanswered records are re-sent with the action decided
 * before the crash, so Humand's duplicate answer makes the re-send harmless.
 */
import { EventEmitter } from 'events';
import { backoffDelay, DEFAULT_BACKOFF } from '../../backoff';
import { HttpFailure } from '../../http';
import { AttendanceEvent, Direction, errorMessage } from '../../types';
import { classifyResponse, Outcome } from '../classify';
import { verifyByReadBack } from '../readback';
import { decide, EmployeeState, RuleInput, RuleOptions } from '../rules';
import { Step, stepOfDecision, stepOfDryRun, stepOfOutcome } from '../step';
import { EmployeeRecord, ItemMeta, MAX_COMMENT, MAX_TOPIC, OutboxItem, storedEvent } from './format';
import { insertItem, ordered, removeItem } from './order';
import { ForeignDuplicates } from './senders';
import { KeyScheduler } from './scheduler';
import { EmployeeStore } from './store';
import type { EnqueueResult, OutboxOptions, OutboxProgress, OutboxResult, OutboxStats } from './types';

export { bucketOf } from './format';

export type { EnqueueResult, OutboxOptions, OutboxProgress, OutboxResult, OutboxStats } from './types';

type ResultHandler = (result: OutboxResult) => void;

/** A retry waits at most this long, whatever Retry-After says (Humand's window is 60 s). */
export const MAX_RETRY_WAIT_MS = 60 * 60 * 1000;

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
    /** Records accepted by this process (not loaded from the store). */
    private readonly acceptedHere = new WeakSet<OutboxItem>();
    private readonly foreign: ForeignDuplicates;

    constructor(options: OutboxOptions) {
        super();
        this.opts = options;
        this.now = options.now ?? (() => Date.now());
        this.foreign = new ForeignDuplicates(this.now);
        this.employees = new EmployeeStore(options.store, options.keyPrefix, options.idleCache);
        this.scheduler = new KeyScheduler({
            concurrency: options.concurrency,
            now: this.now,
            run: (employeeId, signal, release) => this.processHead(employeeId, signal, release),
            onError: (employeeId, err) => {
                // Not expected (processHead handles its own store failures): say so; the employee is scheduled again.
                this.lastError = errorMessage(err);
                this.opts.log?.(`outbox: employee ${employeeId}: ${this.lastError}`);
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
        await this.opts.startAfter?.catch(() => undefined);
        const { pending, seq } = await this.employees.loadPending();
        this.seq = Math.max(this.seq, seq);
        for (const [employeeId, record] of pending) {
            // A queue stored by an earlier release may have a record held for its time in front of due ones.
            record.queue = ordered(record.queue, this.now());
            this.opts.log?.(`outbox: ${record.queue.length} pending record(s) for employee ${employeeId} loaded`);
            this.schedule(employeeId);
        }
        for (const prefix of this.opts.adopt ?? []) {
            const adopted = await this.employees.adopt(prefix, () => ++this.seq, this.now());
            for (const [employeeId, count] of adopted) {
                this.opts.log?.(`outbox: ${count} record(s) for employee ${employeeId} stored while this connection could not send, taken over`);
                this.schedule(employeeId);
            }
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
        const item: OutboxItem = {
            id: event.id,
            seq: ++this.seq,
            employeeId,
            event: storedEvent(event),
            meta: meta.topic !== undefined && meta.topic.length > MAX_TOPIC ? { ...meta, topic: meta.topic.slice(0, MAX_TOPIC) } : meta,
            rules,
            comment: comment.slice(0, MAX_COMMENT),
            attempts: 0,
            enqueuedAt: this.now(),
        };
        // In time order before records held for a later time (order.ts); otherwise at the end.
        const place = insertItem(record.queue, item, this.now());
        this.acceptedHere.add(item);
        try {
            await this.employees.persist(employeeId);
        } catch (err) {
            // Exactly this record: the head may have been answered (and removed) meanwhile.
            removeItem(record.queue, item);
            throw new Error(`could not store the event in the outbox: ${errorMessage(err)}`);
        }
        // A new head in front of a record held for its time: it runs now, not when the held one is due.
        if (place === 0 && record.queue[0] === item && record.queue.length > 1) this.schedule(employeeId);
        else this.scheduler.add(employeeId);
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
            for (const item of r.queue) {
                if (oldestQueuedAt === undefined || item.enqueuedAt < oldestQueuedAt) oldestQueuedAt = item.enqueuedAt;
            }
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
            foreignDuplicates: this.foreign.count,
            otherSenderSuspected: this.foreign.suspected,
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

    /** Longest retry wait: the back-off's maximum, at least MAX_RETRY_WAIT_MS. */
    private maxRetryWait(): number {
        return Math.max(MAX_RETRY_WAIT_MS, (this.opts.backoff ?? DEFAULT_BACKOFF).maxMs);
    }

    /** A store write for `item` failed: it waits (back-off) and is tried again; the others keep their turn. */
    private storeFailed(item: OutboxItem, err: unknown): void {
        this.lastError = `could not store the outbox: ${errorMessage(err)}`;
        this.opts.log?.(`outbox: ${this.lastError} (record ${item.id} is tried again)`);
        item.attempts += 1;
        item.notBefore = this.now() + this.retryDelay(item.attempts);
    }

    private async processHead(employeeId: string, signal: AbortSignal, answered: () => void): Promise<void> {
        const record = this.employees.records.get(employeeId);
        const item = record?.queue[0];
        if (!record || !item) return;
        if (item.notBefore !== undefined && item.notBefore > this.now()) return;
        try {
            await this.runHead(employeeId, record, item, signal, answered);
        } catch (err) {
            // Not stored (the store failed): exactly this record waits and is tried again.
            this.storeFailed(item, err);
        }
    }

    /** Decides, sends and applies the answer for the head record `item` of `record`. */
    private async runHead(employeeId: string, record: EmployeeRecord, item: OutboxItem, signal: AbortSignal, answered: () => void): Promise<void> {

        if (!item.action) {
            const step = stepOfDecision(decide(ruleInput(item), record, item.rules, this.now()), record, ruleInput(item), item.attempts);
            if (step.kind !== 'send') {
                const wasHeld = item.held === true;
                await this.apply(employeeId, record, item, step);
                if (step.kind === 'wait' && !wasHeld) this.progress({ item, kind: 'held', detail: `held until ${new Date(step.notBefore).toISOString()} (its time is ahead)` });
                return;
            }
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

        // Accepted here and never sent: a duplicate answer means another sender had sent it.
        const firstSend = item.attempts === 0 && this.acceptedHere.has(item);
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
        if (outcome.kind === 'delivered' && outcome.duplicate && firstSend && this.foreign.add()) {
            // Shown in the health view as the last error; the records themselves are delivered.
            this.lastError = `another sender is evidently active for this Humand tenant: Humand already had records before this instance sent them (last ${item.id})`;
            this.opts.log?.(`outbox: ${this.lastError}`);
        }
        if (outcome.kind !== 'auth') answered();
        if (outcome.kind === 'delivered' || outcome.kind === 'rejected' || outcome.kind === 'retry') this.authFailures = 0;
        const step = stepOfOutcome(outcome, record, ruleInput(item), action, item.attempts, this.now(), (n) => this.retryDelay(n));
        if (step.kind === 'wait' && outcome.kind === 'retry') this.lastError = step.lastError;
        await this.apply(employeeId, record, item, step);
        if (step.kind === 'wait' || step.kind === 'pause') {
            const answer = outcome.kind === 'delivered' ? {} : { status: outcome.status, message: outcome.message };
            const detail = step.kind === 'pause' ? step.message : `${step.lastError ?? 'waiting'}; next try ${new Date(item.notBefore ?? this.now()).toISOString()}`;
            this.progress({ item, kind: step.kind === 'pause' ? 'paused' : step.held ? 'held' : 'retry', detail, ...answer });
        }
    }

    /** Tells the journal (through the humand-clock node) that a record waits or sending stopped. */
    private progress(p: OutboxProgress): void {
        try {
            this.emit('progress', p);
        } catch (err) {
            this.opts.log?.(`outbox: progress listener failed: ${errorMessage(err)}`);
        }
    }

    /** Carries out a step on the head item: state, queue, store, result. */
    private async apply(employeeId: string, record: EmployeeRecord, item: OutboxItem, step: Step): Promise<void> {
        switch (step.kind) {
            case 'done': {
                const before = { last: record.last, recent: record.recent };
                Object.assign(record, step.state);
                const index = removeItem(record.queue, item);
                try {
                    await this.employees.persist(employeeId);
                } catch (err) {
                    // The final answer is not stored: undo exactly this record's change (as if the process
                    // had stopped before the write); it is tried again and Humand's duplicate answer ends it.
                    Object.assign(record, before);
                    if (index >= 0 && !record.queue.includes(item)) record.queue.splice(Math.min(index, record.queue.length), 0, item);
                    throw err;
                }
                this.finish({ item, ...step.result });
                return;
            }
            case 'wait':
                item.attempts = step.attempts;
                // A retry never waits longer than MAX_RETRY_WAIT_MS (a huge Retry-After); a held record waits for its time.
                item.notBefore = step.held ? step.notBefore : Math.min(step.notBefore, this.now() + this.maxRetryWait());
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
