/** The outbox's public shapes: options, stats, results. */
import type { BackoffOptions, RateLimiter } from '../../backoff';
import type { KeyValueStore } from '../../context';
import type { Direction } from '../../types';
import type { HumandClient } from '../client';
import type { StepResult } from '../step';
import type { OutboxItem } from './format';

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
    /**
     * Records accepted by this process that Humand answered as a duplicate on their first attempt:
     * someone else sent them (another copy of the flows, a staging copy against production).
     */
    foreignDuplicates: number;
    /** Several of them within a window (senders.ts): another sender is evidently active. */
    otherSenderSuspected: boolean;
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
    /**
     * Key prefixes of outboxes whose queued records this one takes over when it loads (the records a
     * humand-server stored while its base URL was invalid: docs/decisions.md, "A Humand connection that cannot be used").
     */
    adopt?: string[];
    /** Loading waits for this (an outbox on the same stored keys that is still closing). */
    startAfter?: Promise<unknown>;
}

export type EnqueueResult = { queued: true } | { queued: false; code: 'duplicate'; reason: string };

/** A record that waits (held for its time, retried after an answer) or stopped sending (authentication): for the journal. */
export interface OutboxProgress {
    item: OutboxItem;
    kind: 'held' | 'retry' | 'paused';
    detail: string;
    /** Humand's answer that caused it (a retry or pause after a request). */
    status?: number;
    message?: string;
}
