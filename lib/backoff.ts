/** Exponential back-off with jitter, and a token-bucket rate limiter. Timers only: tests drive them with fake clocks. */
import { cappedTimeout } from './kit/timer';

export interface BackoffOptions {
    baseMs: number;
    maxMs: number;
    /** 0..1: the share of the delay that is randomised ("equal jitter" when 0.5). */
    jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 2000, maxMs: 10 * 60 * 1000, jitter: 0.5 };

/**
 * Delay before retry number `attempt` (1 = first retry): base·2^(attempt-1), capped, with the last
 * `jitter` share of it randomised so that many clients do not retry in step.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
    const n = Math.max(1, Math.floor(attempt));
    const exp = Math.min(options.maxMs, options.baseMs * Math.pow(2, Math.min(n - 1, 30)));
    const fixed = exp * (1 - options.jitter);
    return Math.round(fixed + random() * exp * options.jitter);
}

/** Token bucket: `rate` requests per second with a burst of max(1, rate). rate <= 0 means unlimited. */
export class RateLimiter {
    private tokens: number;
    private last: number;
    private readonly waiters: Array<() => void> = [];
    private timer: NodeJS.Timeout | undefined;

    constructor(private readonly rate: number, private readonly now: () => number = () => Date.now()) {
        this.tokens = Math.max(1, rate);
        this.last = now();
    }

    get unlimited(): boolean {
        return !(this.rate > 0);
    }

    private refill(): void {
        const t = this.now();
        const elapsed = Math.max(0, t - this.last) / 1000;
        this.last = t;
        this.tokens = Math.min(Math.max(1, this.rate), this.tokens + elapsed * this.rate);
    }

    /** Resolves when a request may start. */
    take(): Promise<void> {
        if (this.unlimited) return Promise.resolve();
        this.refill();
        if (this.waiters.length === 0 && this.tokens >= 1) {
            this.tokens -= 1;
            return Promise.resolve();
        }
        return new Promise((resolve) => {
            this.waiters.push(resolve);
            this.schedule();
        });
    }

    private schedule(): void {
        if (this.timer || this.waiters.length === 0) return;
        const wait = Math.max(1, Math.ceil(((1 - this.tokens) / this.rate) * 1000));
        this.timer = cappedTimeout(() => {
            this.timer = undefined;
            this.refill();
            while (this.waiters.length > 0 && this.tokens >= 1) {
                this.tokens -= 1;
                const next = this.waiters.shift();
                if (next) next();
            }
            this.schedule();
        }, wait);
    }

    /** Releases all waiters (on close) and stops the timer. */
    close(): void {
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        while (this.waiters.length > 0) {
            const next = this.waiters.shift();
            if (next) next();
        }
    }
}
