/**
 * Keeps the Humand directory fresh: loads the cached copy from the context store at start (so a
 * restart works while Humand is down), refreshes every `refreshMs` with a recursive setTimeout
 * (never overlapping), keeps the last good directory when a refresh fails, and retries a failed
 * refresh sooner (back-off, capped at the refresh interval). No Node-RED dependency.
 */
import type { KeyValueStore } from '../context';
import { backoffDelay } from '../backoff';
import { cappedTimeout } from '../kit/timer';
import { errorMessage } from '../types';
import { buildDirectory, Directory, fetchAllUsers, fromCache, HumandField, toCache, UsersSource } from './directory';

export interface DirectoryServiceOptions {
    store: KeyValueStore;
    key: string;
    /** Tenant marker stored with the cache; a cache from another tenant is ignored. */
    namespace: string;
    field: HumandField;
    refreshMs: number;
    /** The client, or why there is none (e.g. "no API key"). Asked on every refresh. */
    source: () => UsersSource | string;
    /** Called whenever the state changes (for status). */
    onChange?: () => void;
    /**
     * A refresh failed (the previous directory is kept). `asked` is true when a caller of refresh()
     * waits for this attempt and receives the failure itself (e.g. msg.topic "refresh").
     */
    onRefreshError?: (message: string, asked: boolean) => void;
    /** Saving the cache failed: the directory is used but will not survive a restart. */
    onCacheError?: (message: string) => void;
}

export interface DirectoryState {
    directory?: Directory;
    refreshedAt?: number;
    /** Where the current directory came from. */
    origin?: 'cache' | 'humand';
    lastError?: string;
    lastErrorAt?: number;
    failingSince?: number;
    lastSuccess?: number;
    nextRefreshAt?: number;
    refreshes: number;
}

const FAILURE_BACKOFF = { baseMs: 30_000, jitter: 0.2 };
/** Users per GET /users page. */
const PAGE_SIZE = 50;

export class DirectoryService {
    private readonly opts: DirectoryServiceOptions;
    private readonly s: DirectoryState = { refreshes: 0 };
    private timer: NodeJS.Timeout | undefined;
    private running: Promise<void> | undefined;
    private abort: AbortController | undefined;
    private consecutiveFailures = 0;
    /** Whether a caller of refresh() waits for the attempt now running. */
    private asked = false;
    private closed = false;
    /** Resolves once the cache is read and, when there was no usable cache, the first refresh ended. */
    readonly ready: Promise<void>;

    constructor(options: DirectoryServiceOptions) {
        this.opts = options;
        this.ready = this.start();
    }

    state(): Readonly<DirectoryState> {
        return this.s;
    }

    private changed(): void {
        if (!this.closed) this.opts.onChange?.();
    }

    private async start(): Promise<void> {
        let cached: ReturnType<typeof fromCache>;
        try {
            cached = fromCache(await this.opts.store.get(this.opts.key), this.opts.namespace);
        } catch (err) {
            this.opts.onCacheError?.(errorMessage(err));
        }
        if (this.closed) return;
        if (cached) {
            this.s.directory = buildDirectory(cached.users, this.opts.field);
            this.s.refreshedAt = cached.refreshedAt;
            this.s.origin = 'cache';
            this.changed();
            const age = Date.now() - cached.refreshedAt;
            if (age >= 0 && age < this.opts.refreshMs) {
                this.schedule(this.opts.refreshMs - age);
                return;
            }
            // Stale: refresh in the background; events use the cached copy meanwhile.
            void this.run(false).catch(() => undefined);
            return;
        }
        await this.run(false).catch(() => undefined);
    }

    private schedule(delayMs: number): void {
        if (this.closed) return;
        if (this.timer) clearTimeout(this.timer);
        this.s.nextRefreshAt = Date.now() + delayMs;
        // Capped: a refresh due more than 24.8 days ahead runs at the cap (earlier, never in a 1 ms loop).
        this.timer = cappedTimeout(() => {
            this.timer = undefined;
            void this.run(false).catch(() => undefined);
        }, delayMs);
    }

    /** Reloads now (joins a refresh already running). Rejects with the reason when it fails. */
    refresh(): Promise<void> {
        return this.run(true);
    }

    private run(asked: boolean): Promise<void> {
        if (this.closed) return Promise.reject(new Error('closed'));
        if (this.running) {
            if (asked) this.asked = true;
            return this.running;
        }
        this.asked = asked;
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        this.s.nextRefreshAt = undefined;
        this.changed();
        const run = this.load().finally(() => {
            this.running = undefined;
            this.changed();
        });
        this.running = run;
        return run;
    }

    private async load(): Promise<void> {
        const source = this.opts.source();
        try {
            if (typeof source === 'string') throw new Error(source);
            this.abort = new AbortController();
            const result = await fetchAllUsers(source, { pageSize: PAGE_SIZE, signal: this.abort.signal });
            if (this.closed) return;
            const at = Date.now();
            this.s.directory = buildDirectory(result.users, this.opts.field);
            this.s.refreshedAt = at;
            this.s.origin = 'humand';
            this.s.lastSuccess = at;
            this.s.failingSince = undefined;
            this.s.refreshes++;
            this.consecutiveFailures = 0;
            this.schedule(this.opts.refreshMs);
            try {
                await this.opts.store.set(this.opts.key, toCache(result.users, this.opts.namespace, at));
            } catch (err) {
                this.opts.onCacheError?.(errorMessage(err));
            }
        } catch (err) {
            if (this.closed) return;
            const message = errorMessage(err);
            const at = Date.now();
            this.s.lastError = message;
            this.s.lastErrorAt = at;
            if (this.s.failingSince === undefined) this.s.failingSince = at;
            this.consecutiveFailures++;
            this.schedule(
                Math.min(this.opts.refreshMs, backoffDelay(this.consecutiveFailures, { ...FAILURE_BACKOFF, maxMs: this.opts.refreshMs })),
            );
            this.opts.onRefreshError?.(message, this.asked);
            throw err instanceof Error ? err : new Error(message);
        } finally {
            this.abort = undefined;
        }
    }

    /** Is the last refresh attempt a failure (the directory shown is older than the last attempt)? */
    get failing(): boolean {
        return this.s.failingSince !== undefined;
    }

    close(): void {
        this.closed = true;
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        this.abort?.abort();
    }
}
