/**
 * The one poll loop of the source nodes (artemis-events, hysecure-sessions): polls every interval,
 * runs one piece of work at a time (a scheduled poll, a manual "poll now" and a back-fill never
 * overlap), backs off after failures with one policy for both sources, aborts the running work on
 * close, and `close()` resolves once that work has settled. The work gets the abort signal: a source
 * checks it (`isClosed`) before each slice it emits and stops with a `ClosedError`, so nothing is sent
 * to nodes Node-RED has closed. Timers only: specs drive it with fake clocks.
 */
import { backoffDelay } from '../backoff';
import { cappedTimeout } from './timer';

/** Longest delay after failures (a throttled source doubles the back-off up to this). */
export const MAX_RETRY_MS = 30 * 60 * 1000;
/** Cap of the exponential back-off before the throttling factor. */
export const BACKOFF_CAP_MS = 15 * 60 * 1000;

/**
 * Delay before the next poll after `failures` consecutive failed polls: the first failure retries after
 * one interval; then exponential back-off from the interval (±20 % jitter) capped at 15 minutes (or the
 * interval when longer), doubled for throttling errors, never over 30 minutes.
 */
export function retryDelay(failures: number, intervalMs: number, throttled: boolean, random: () => number = Math.random): number {
    if (failures <= 1) return intervalMs;
    const backoff = backoffDelay(failures, { baseMs: intervalMs, maxMs: Math.max(intervalMs, BACKOFF_CAP_MS), jitter: 0.2 }, random);
    return Math.min(Math.max(intervalMs, backoff) * (throttled ? 2 : 1), MAX_RETRY_MS);
}

/**
 * Thrown by work that stopped because the loop closed (a source checks between the slices of a long
 * emit): what it handed over before is committed, the rest is not. The loop reports it as no failure.
 */
export class ClosedError extends Error {
    constructor() {
        super('closed');
        this.name = 'ClosedError';
    }
}

/** Has the loop that gave this signal closed? (A source then emits nothing more.) */
export function isClosed(signal: AbortSignal | undefined): boolean {
    return signal?.aborted === true;
}

export interface PollLoopOptions {
    /** Delay between two polls when the last one succeeded. */
    intervalMs: number;
    /** One poll; rejects when it failed. `signal` aborts when the loop closes. */
    poll(signal: AbortSignal): Promise<void>;
    /** Reports a failed poll (not called once closed). `manual`: started by `pollNow()`, whose caller also gets the error. */
    onFailure?(err: unknown, failures: number, manual: boolean): void;
    /** Is this a throttling answer of the source (doubles the back-off)? */
    isThrottled?(err: unknown): boolean;
    random?: () => number;
}

export class PollLoop {
    private timer: NodeJS.Timeout | undefined;
    private tail: Promise<unknown> = Promise.resolve();
    private abort: AbortController | undefined;
    private closed = false;
    private failureCount = 0;

    constructor(private readonly options: PollLoopOptions) {}

    /** Consecutive failed polls (0 after a successful one). */
    get failures(): number {
        return this.failureCount;
    }

    get closing(): boolean {
        return this.closed;
    }

    /** Schedules the next poll in `delayMs` (replacing a pending one). */
    start(delayMs: number): void {
        if (this.closed) return;
        if (this.timer) clearTimeout(this.timer);
        this.timer = cappedTimeout(() => {
            this.timer = undefined;
            this.runPoll(false).catch(() => undefined);
        }, delayMs);
    }

    /**
     * Polls now (after the running work), then restarts the interval. Rejects with the poll's error.
     * `poll` replaces the usual poll for this once (e.g. the same poll sending through an input's `send`).
     */
    pollNow(poll?: (signal: AbortSignal) => Promise<void>): Promise<void> {
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        return this.runPoll(true, poll);
    }

    /** Runs other work (a back-fill, loading state) in turn with the polls; the schedule is unchanged. */
    run<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
        return this.enqueue(work);
    }

    /** Stops the timer, aborts the running work and resolves once it has settled. */
    close(): Promise<void> {
        this.closed = true;
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        this.abort?.abort();
        return this.tail.then(() => undefined);
    }

    private runPoll(manual: boolean, poll: (signal: AbortSignal) => Promise<void> = (signal) => this.options.poll(signal)): Promise<void> {
        return this.enqueue(poll).then(
            () => {
                this.failureCount = 0;
                this.start(this.options.intervalMs);
            },
            (err: unknown) => {
                if (this.closed || err instanceof ClosedError) throw err;
                this.failureCount++;
                this.options.onFailure?.(err, this.failureCount, manual);
                const throttled = this.options.isThrottled?.(err) ?? false;
                this.start(retryDelay(this.failureCount, this.options.intervalMs, throttled, this.options.random));
                throw err;
            },
        );
    }

    private enqueue<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
        const next = this.tail.then(async () => {
            if (this.closed) throw new Error('closed');
            const abort = new AbortController();
            this.abort = abort;
            try {
                return await work(abort.signal);
            } finally {
                if (this.abort === abort) this.abort = undefined;
            }
        });
        this.tail = next.catch(() => undefined);
        return next;
    }
}
