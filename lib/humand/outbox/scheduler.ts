/**
 * A per-key FIFO scheduler: keys become ready now or at a time, ready keys run one at a time per key,
 * different keys in parallel up to `concurrency` slots. A run holds its slot until it calls `release`
 * (or ends); the key stays busy until the run ends. `pause` stops new runs for a while; `retryNow`
 * ends every wait. Knows nothing of what a run does.
 */

import { cappedTimeout, delayUntil } from '../../kit/timer';

/**
 * Milliseconds to wait until `at` (0: now), never longer than a timer can hold (2^31-1 ms); a longer
 * wait is cut to it and the key is looked at again when the timer fires.
 */
export function timerDelay(at: number | undefined, now: number): number {
    return delayUntil(at, now);
}

export interface SchedulerOptions {
    concurrency: number;
    /** Runs the key; calls `release` when its slot may go to another key. */
    run: (key: string, signal: AbortSignal, release: () => void) => Promise<void>;
    /** A run threw. */
    onError: (key: string, err: unknown) => void;
    /** A run ended (not after close): the place to schedule the key again. */
    afterRun: (key: string) => void;
    /** Something shown by the stats changed. */
    onChange: () => void;
    now: () => number;
}

export class KeyScheduler {
    private concurrencySlots: number;
    private readonly ready: string[] = [];
    private readonly readySet = new Set<string>();
    private readonly running = new Map<string, AbortController>();
    /** Slots in use (a run may have released its slot before it ends). */
    private slots = 0;
    private readonly timers = new Map<string, { timer: NodeJS.Timeout; due: number }>();
    private readonly runs = new Set<Promise<void>>();
    private pausedFor: { until: number; message: string; timer: NodeJS.Timeout } | undefined;
    private closed = false;

    constructor(private readonly opts: SchedulerOptions) {
        this.concurrencySlots = Math.max(1, Math.floor(opts.concurrency || 1));
    }

    get concurrency(): number {
        return this.concurrencySlots;
    }

    setConcurrency(n: number): void {
        this.concurrencySlots = Math.max(1, Math.floor(n || 1));
        this.pump();
    }

    get inFlight(): number {
        return this.slots;
    }

    get waiting(): number {
        return this.timers.size;
    }

    /** When the earliest waiting key is due. */
    nextDueAt(): number | undefined {
        let next: number | undefined;
        for (const t of this.timers.values()) next = next === undefined ? t.due : Math.min(next, t.due);
        return next;
    }

    get paused(): { until: number; message: string } | undefined {
        return this.pausedFor ? { until: this.pausedFor.until, message: this.pausedFor.message } : undefined;
    }

    /** Running, waiting or ready. */
    isBusy(key: string): boolean {
        return this.running.has(key) || this.timers.has(key) || this.readySet.has(key);
    }

    /** New work for a key: ready now unless it is running or waiting for its time (see start). */
    add(key: string): void {
        if (!this.running.has(key) && !this.timers.has(key)) this.markReady(key);
    }

    /** Makes the key ready now, or at `at` (replacing its timer). Does not start runs (see start). */
    schedule(key: string, at: number | undefined): void {
        if (this.closed) return;
        const existing = this.timers.get(key);
        if (existing) {
            clearTimeout(existing.timer);
            this.timers.delete(key);
        }
        const wait = timerDelay(at, this.opts.now());
        if (wait > 0) {
            const timer = cappedTimeout(() => {
                this.timers.delete(key);
                this.markReady(key);
                this.opts.onChange();
                this.pump();
            }, wait);
            this.timers.set(key, { timer, due: this.opts.now() + wait });
        } else {
            this.markReady(key);
        }
    }

    /** Starts ready keys while slots are free. */
    start(): void {
        this.pump();
    }

    /** Stops new runs for `ms` (a pause in force stays as it is). */
    pause(ms: number, message: string): void {
        if (this.pausedFor || this.closed) return;
        const wait = timerDelay(this.opts.now() + ms, this.opts.now());
        const timer = cappedTimeout(() => {
            this.pausedFor = undefined;
            this.opts.onChange();
            this.pump();
        }, wait);
        this.pausedFor = { until: this.opts.now() + wait, message, timer };
        this.opts.onChange();
    }

    /** Ends the pause and every wait: `each` sees every key that was waiting, before it becomes ready. */
    retryNow(each: (key: string) => void): void {
        if (this.pausedFor) {
            clearTimeout(this.pausedFor.timer);
            this.pausedFor = undefined;
        }
        for (const [key, t] of this.timers) {
            clearTimeout(t.timer);
            this.timers.delete(key);
            each(key);
            this.markReady(key);
        }
        this.opts.onChange();
        this.pump();
    }

    /** Clears every timer, aborts the runs and waits for them to end. */
    async close(): Promise<void> {
        this.closed = true;
        for (const t of this.timers.values()) clearTimeout(t.timer);
        this.timers.clear();
        if (this.pausedFor) clearTimeout(this.pausedFor.timer);
        for (const controller of this.running.values()) controller.abort();
        await Promise.allSettled([...this.runs]);
    }

    private markReady(key: string): void {
        if (this.readySet.has(key) || this.running.has(key)) return;
        this.readySet.add(key);
        this.ready.push(key);
    }

    private pump(): void {
        while (!this.closed && !this.pausedFor && this.slots < this.concurrencySlots && this.ready.length > 0) {
            const key = this.ready.shift() as string;
            this.readySet.delete(key);
            if (this.running.has(key)) continue;
            const controller = new AbortController();
            this.running.set(key, controller);
            this.slots += 1;
            let holdsSlot = true;
            const release = (): void => {
                if (!holdsSlot) return;
                holdsSlot = false;
                this.slots -= 1;
            };
            const run = this.opts
                .run(key, controller.signal, () => {
                    release();
                    if (!this.closed) this.pump();
                })
                .catch((err: unknown) => this.opts.onError(key, err))
                .finally(() => {
                    release();
                    this.running.delete(key);
                    this.runs.delete(run);
                    if (!this.closed) {
                        this.opts.afterRun(key);
                        this.opts.onChange();
                        this.pump();
                    }
                });
            this.runs.add(run);
        }
    }
}
