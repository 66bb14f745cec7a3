/**
 * The request budget of one Humand API key, shared by every sender of that key (issue 15; docs/decisions.md,
 * "Humand request budget"). Follows an announced window (`RateLimit-Policy`/`RateLimit`) exactly, else adapts
 * (AIMD within [floor, ceiling], evenly spaced starts: no burst after idle); a fixed rate is never exceeded; a 429
 * pauses every sender for Retry-After; waiting punches go before waiting reads. One timer, injectable clock.
 */
import { cappedTimeout } from '../kit/timer';
import { retryAfterMs } from '../http';

export type BudgetPriority = 'punch' | 'read';
export type BudgetSource = 'announced' | 'adaptive' | 'fixed';
export type BudgetHeaders = Record<string, string | string[] | undefined>;
export interface BudgetAnswer { status: number; headers: BudgetHeaders }

/** Rates in requests per second. */
export interface RequestBudgetOptions {
    mode?: 'auto' | 'fixed'; // auto (default): the announced window, else adaptive; fixed: at most fixedRate
    fixedRate?: number; // fixed mode; 0 or less: no rate of its own (headers and 429s still apply)
    ceiling?: number; // adaptive: highest rate (the editor's setting), default 100
    floor?: number; // adaptive: lowest rate, default 0.2
    startRate?: number; // adaptive: first rate, and what a silence falls back to at most; default 10
    increasePerSecond?: number; // adaptive: added per second of successes while senders wait; default ceiling/20
    defaultRetryAfterMs?: number; // pause after a 429 without a usable Retry-After, default 5 s
    maxRetryAfterMs?: number; // longest pause a Retry-After imposes, default 1 h
    idleMs?: number; // adaptive: the rate halves per this long without any answer, default 30 s
    resetMarginMs?: number; // added to an announced reset (whole seconds, maybe rounded down), default 1 s
    readReserve?: number; // share of an announced window that reads leave to punches, default 0.2
    now?: () => number;
}
export type ResolvedBudgetOptions = Required<Omit<RequestBudgetOptions, 'now'>>;

export interface Announcement { limit: number | undefined; windowMs: number | undefined; remaining: number; resetMs: number }

/** ratePerMinute: the current budget (undefined: unlimited); pausedUntil: the end of a 429's pause (epoch ms). */
export interface BudgetStats {
    ratePerMinute: number | undefined; source: BudgetSource; pausedUntil: number | undefined; waitingPunches: number; waitingReads: number;
}

interface Waiter { resolve: () => void; reject: (err: Error) => void; signal?: AbortSignal; onAbort?: () => void }
interface Window { limit: number; windowMs: number; left: number; resetAt: number }

const DEFAULT_WINDOW_MS = 60000;

function header(headers: BudgetHeaders, name: string): string | undefined {
    for (const key of Object.keys(headers)) {
        if (key.toLowerCase() !== name) continue;
        const v = headers[key];
        const text = Array.isArray(v) ? v.join(', ') : v;
        if (typeof text === 'string' && text.trim() !== '') return text;
    }
    return undefined;
}

function int(text: string | undefined): number | undefined {
    const t = text?.trim();
    return t !== undefined && /^\d{1,12}$/.test(t) ? Number(t) : undefined;
}

interface Member { item: string; params: Map<string, string> }
/** A structured-field list or dictionary, leniently: members by ',', parameters by ';', quotes dropped. */
function members(text: string): Member[] {
    const unquote = (v: string) => v.trim().replace(/^"|"$/g, '');
    return text.split(',').map((part) => {
        const params = new Map<string, string>();
        let item = '';
        part.split(';').forEach((piece, n) => {
            const i = piece.indexOf('=');
            if (i > 0) params.set(piece.slice(0, i).trim().toLowerCase(), unquote(piece.slice(i + 1)));
            else if (n === 0) item = unquote(piece);
        });
        return { item, params };
    });
}

/**
 * The window an answer announces: `RateLimit` (`limit=, remaining=, reset=` as Humand sends it, or the later
 * draft's `"name";r=;t=`), `RateLimit-Limit/-Remaining/-Reset`, and `RateLimit-Policy` (`50;w=60` or
 * `"name";q=50;w=60`; of several, the lowest rate). Undefined without a valid remaining and reset.
 */
export function parseRateLimit(headers: BudgetHeaders): Announcement | undefined {
    let limit = int(header(headers, 'ratelimit-limit'));
    let windowMs: number | undefined;
    let remaining = int(header(headers, 'ratelimit-remaining'));
    let reset = int(header(headers, 'ratelimit-reset'));
    const rl = header(headers, 'ratelimit');
    if (rl !== undefined) {
        for (const m of members(rl)) {
            const r = int(m.params.get('remaining') ?? m.params.get('r'));
            const t = int(m.params.get('reset') ?? m.params.get('t'));
            const l = int(m.params.get('limit'));
            if (l !== undefined) limit = l;
            if (r !== undefined && (remaining === undefined || r < remaining)) {
                remaining = r;
                if (t !== undefined) reset = t;
            } else if (t !== undefined && reset === undefined) reset = t;
        }
    }
    const policy = header(headers, 'ratelimit-policy');
    if (policy !== undefined) {
        let best: number | undefined;
        for (const m of members(policy)) {
            const q = int(m.params.get('q') ?? m.item);
            const w = int(m.params.get('w'));
            if (q === undefined) continue;
            const perMs = w ? q / (w * 1000) : Infinity;
            if (best === undefined || perMs < best) {
                best = perMs;
                limit = q;
                windowMs = w ? w * 1000 : undefined;
            }
        }
    }
    if (remaining === undefined || reset === undefined) return undefined;
    return { limit, windowMs, remaining, resetMs: reset * 1000 };
}

function abortError(): Error {
    const err = new Error('request budget: the wait was aborted');
    err.name = 'AbortError';
    return err;
}

export class RequestBudget {
    readonly options: ResolvedBudgetOptions;
    private readonly now: () => number;
    private readonly punches: Waiter[] = [];
    private readonly reads: Waiter[] = [];
    private rate: number;
    private nextAt = 0;
    private pausedUntil = 0;
    private win: Window | undefined;
    private rolledAt = 0;
    private inFlight = 0;
    private silentSince: number;
    private pressed = false;
    private timer: NodeJS.Timeout | undefined;
    private closed = false;

    constructor(options: RequestBudgetOptions = {}) {
        // a number that is not finite and positive (or >= 0 where 0 means something) takes the default
        const pos = (v: number | undefined, d: number, zero = false) => (v !== undefined && Number.isFinite(v) && (v > 0 || (zero && v === 0)) ? v : d);
        const o = options;
        const ceiling = pos(o.ceiling, 100);
        const floor = Math.min(ceiling, pos(o.floor, 0.2));
        this.options = {
            mode: o.mode === 'fixed' ? 'fixed' : 'auto', fixedRate: pos(o.fixedRate, 0), ceiling, floor,
            startRate: Math.max(floor, Math.min(ceiling, pos(o.startRate, 10))), increasePerSecond: pos(o.increasePerSecond, ceiling / 20, true),
            defaultRetryAfterMs: pos(o.defaultRetryAfterMs, 5000, true), maxRetryAfterMs: pos(o.maxRetryAfterMs, 3600 * 1000),
            idleMs: pos(o.idleMs, 30000), resetMarginMs: pos(o.resetMarginMs, 1000, true),
            readReserve: Math.min(1, pos(o.readReserve, 0.2, true)),
        };
        this.now = options.now ?? (() => Date.now());
        this.rate = this.options.startRate;
        this.silentSince = this.now();
    }

    /** Resolves when a request of this priority may start; rejects when aborted or closed. */
    take(priority: BudgetPriority, signal?: AbortSignal): Promise<void> {
        if (this.closed) return Promise.reject(new Error('request budget closed'));
        if (signal?.aborted) return Promise.reject(abortError());
        const t = this.now();
        this.settleSilence(t);
        const ahead = priority === 'punch' ? this.punches.length : this.punches.length + this.reads.length;
        if (ahead === 0 && this.allowedAt(t, priority) <= t) {
            this.grant(t, false);
            return Promise.resolve();
        }
        return new Promise<void>((resolve, reject) => {
            const queue = priority === 'punch' ? this.punches : this.reads;
            const waiter: Waiter = { resolve, reject, signal };
            if (signal) {
                waiter.onAbort = () => {
                    const i = queue.indexOf(waiter);
                    if (i >= 0) queue.splice(i, 1);
                    reject(abortError());
                    this.dispatch();
                };
                signal.addEventListener('abort', waiter.onAbort, { once: true });
            }
            queue.push(waiter);
            this.dispatch();
        });
    }

    /** A request that ended without an HTTP answer (network error, abort): it no longer counts as in flight. */
    release(): void { this.inFlight = Math.max(0, this.inFlight - 1); }

    /** Every answer of the key, success or not. */
    observe(answer: BudgetAnswer): void {
        if (this.closed) return;
        const t = this.now();
        this.inFlight = Math.max(0, this.inFlight - 1);
        this.silentSince = t;
        const ann = parseRateLimit(answer.headers);
        if (ann) this.announce(ann, t);
        else if (this.win && t >= this.win.resetAt) {
            // the window passed and answers no longer announce one (a proxy, another version): adapt from it
            this.rate = this.clampRate((this.win.limit / this.win.windowMs) * 1000);
            this.win = undefined;
        }
        if (answer.status === 429) {
            const wait = retryAfterMs(header(answer.headers, 'retry-after'), t);
            const ms = Math.min(this.options.maxRetryAfterMs, wait ?? this.options.defaultRetryAfterMs);
            // a 429 answering a request sent before the current pause does not halve again
            if (t >= this.pausedUntil) this.rate = this.clampRate(this.rate / 2);
            this.pausedUntil = Math.max(this.pausedUntil, t + ms);
            this.nextAt = Math.max(this.nextAt, this.pausedUntil);
            this.pressed = false;
        } else if (answer.status < 400 && this.pressed) {
            this.rate = this.clampRate(this.rate + this.options.increasePerSecond / this.rate);
        }
        this.dispatch();
    }

    stats(): BudgetStats {
        const t = this.now();
        this.roll(t);
        const perSecond = this.perSecond();
        return {
            ratePerMinute: perSecond === undefined ? undefined : perSecond * 60,
            source: this.source(),
            pausedUntil: this.pausedUntil > t ? this.pausedUntil : undefined,
            waitingPunches: this.punches.length,
            waitingReads: this.reads.length,
        };
    }

    /** Expected milliseconds until the last of `queued` punches starts, at the current budget. */
    drainEstimateMs(queued: number): number {
        if (!(queued > 0)) return 0;
        const t = this.now();
        this.roll(t);
        const start = Math.max(t, this.pausedUntil);
        let end = start;
        const gate = this.gateRate();
        if (gate !== undefined) end = Math.max(start, this.nextAt) + ((queued - 1) * 1000) / gate;
        const w = this.win;
        if (w && queued > w.left) {
            const extra = Math.floor((queued - w.left - 1) / Math.max(1, w.limit));
            end = Math.max(end, Math.max(start, w.resetAt) + extra * w.windowMs);
        }
        return Math.max(0, Math.ceil(end - t));
    }

    /** Clears the timer and rejects every waiter. */
    close(): void {
        this.closed = true;
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        for (const w of [...this.punches.splice(0), ...this.reads.splice(0)]) {
            if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
            w.reject(new Error('request budget closed'));
        }
    }

    private clampRate(r: number): number {
        return Math.max(this.options.floor, Math.min(this.options.ceiling, r));
    }

    /** The rate that spaces starts: the fixed one, else the adaptive one while nothing is announced. */
    private gateRate(): number | undefined {
        if (this.options.mode === 'fixed') return this.options.fixedRate > 0 ? this.options.fixedRate : undefined;
        return this.win ? undefined : this.rate;
    }

    private perSecond(): number | undefined {
        const announced = this.win ? (this.win.limit / this.win.windowMs) * 1000 : undefined;
        const gate = this.gateRate();
        if (gate === undefined) return announced;
        return announced === undefined ? gate : Math.min(gate, announced);
    }

    private source(): BudgetSource {
        if (this.options.mode === 'fixed') {
            const fixed = this.options.fixedRate;
            return this.win && (!(fixed > 0) || (this.win.limit / this.win.windowMs) * 1000 < fixed) ? 'announced' : 'fixed';
        }
        return this.win ? 'announced' : 'adaptive';
    }

    private announce(a: Announcement, t: number): void {
        const cap = this.options.maxRetryAfterMs; // a window or reset beyond it is not believed
        const windowMs = Math.min(cap, a.windowMs ?? this.win?.windowMs ?? DEFAULT_WINDOW_MS);
        const limit = Math.max(1, a.limit ?? this.win?.limit ?? a.remaining);
        const resetAt = t + Math.min(cap, a.resetMs) + this.options.resetMarginMs;
        const w = this.win;
        const tol = Math.max(2000, windowMs / 10);
        if (!w || resetAt > w.resetAt + tol) {
            // first window, or the server is in a later window than we thought
            this.win = { limit, windowMs, left: Math.max(0, a.remaining - this.inFlight), resetAt };
            this.rolledAt = t;
            return;
        }
        w.limit = limit;
        w.windowMs = windowMs;
        if (t + Math.min(cap, a.resetMs) <= this.rolledAt) return; // answers a request counted in the window before ours
        w.left = Math.min(w.left, a.remaining);
        w.resetAt = resetAt;
    }

    /** A passed window gives its full limit again. */
    private roll(t: number): void {
        const w = this.win;
        if (!w || t < w.resetAt) return;
        w.left = w.limit;
        w.resetAt = t >= w.resetAt + w.windowMs ? t + w.windowMs : w.resetAt + w.windowMs;
        this.rolledAt = t;
    }

    /** No answer for idleMs: the adaptive rate halves per such period, not below the start rate. */
    private settleSilence(t: number): void {
        const periods = Math.floor((t - this.silentSince) / this.options.idleMs);
        if (periods < 1) return;
        const low = Math.max(this.options.floor, Math.min(this.rate, this.options.startRate));
        this.rate = Math.max(low, this.rate / Math.pow(2, Math.min(periods, 30)));
        this.silentSince += periods * this.options.idleMs;
        this.pressed = false;
    }

    private allowedAt(t: number, priority: BudgetPriority): number {
        this.roll(t);
        let at = Math.max(t, this.pausedUntil);
        if (this.gateRate() !== undefined) at = Math.max(at, this.nextAt);
        const w = this.win;
        const need = priority === 'read' && w ? 1 + Math.min(w.limit - 1, Math.floor(w.limit * this.options.readReserve)) : 1;
        if (w && w.left < need) at = Math.max(at, w.resetAt);
        return at;
    }

    private grant(t: number, waited: boolean): void {
        this.inFlight += 1;
        if (this.win) this.win.left -= 1;
        const gate = this.gateRate();
        if (gate !== undefined) this.nextAt = Math.max(this.nextAt, t) + 1000 / gate;
        this.pressed = waited || this.punches.length + this.reads.length > 0;
    }

    private dispatch(): void {
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        if (this.closed) return;
        const t = this.now();
        this.settleSilence(t);
        while (this.punches.length + this.reads.length > 0) {
            const head: BudgetPriority = this.punches.length > 0 ? 'punch' : 'read';
            const at = this.allowedAt(t, head);
            if (at > t) {
                this.timer = cappedTimeout(() => {
                    this.timer = undefined;
                    this.dispatch();
                }, at - t);
                return;
            }
            const w = (head === 'punch' ? this.punches : this.reads).shift() as Waiter;
            if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
            this.grant(t, true);
            w.resolve();
        }
    }
}
