/**
 * Health registry: every attendance-bridge node reports its state here; the health endpoint and the
 * editor's Attendance sidebar read it. Plain module state, one registry per Node-RED process.
 */

export interface HealthCounts {
    [name: string]: number;
}

export interface HealthInfo {
    id: string;
    type: string;
    name: string;
    /** Epoch ms of the last successful poll (sources) or delivery (sink). */
    lastSuccess?: number;
    /** Source cursor (ISO time) or similar progress marker. */
    cursor?: string;
    /** Events waiting (sink outbox). */
    queue?: number;
    nextRetryAt?: number;
    lastError?: string;
    lastErrorAt?: number;
    /** Epoch ms since when the node has been failing without a success in between. */
    failingSince?: number;
    counts: HealthCounts;
    /** Sink: epoch ms when the oldest event still in the outbox was accepted. */
    oldestQueuedAt?: number;
    /** Sink: sending is paused (authentication failure or configuration error). */
    paused?: boolean;
    /** Node-specific extras shown as they are (never secrets). */
    details?: Record<string, string | number | boolean>;
}

export type HealthProvider = () => HealthInfo;

interface Registration {
    provider: HealthProvider;
    /** "Retry now" for nodes that have an outbox. */
    retry?: () => void;
}

const providers = new Map<string, Registration>();

export function registerHealth(id: string, provider: HealthProvider, retry?: () => void): void {
    providers.set(id, { provider, retry });
}

export function unregisterHealth(id: string): void {
    providers.delete(id);
}

export function allHealth(): HealthInfo[] {
    const out: HealthInfo[] = [];
    for (const reg of providers.values()) {
        try {
            out.push(reg.provider());
        } catch {
            /* a provider must never break the endpoint */
        }
    }
    return out;
}

/** Calls every registered retry action; returns how many nodes were asked. */
export function retryAll(): number {
    let n = 0;
    for (const reg of providers.values()) {
        if (reg.retry) {
            try {
                reg.retry();
                n += 1;
            } catch {
                /* ignore: one node must not stop the others */
            }
        }
    }
    return n;
}

export interface HealthThresholds {
    /** A node failing without success for longer than this is unhealthy. */
    failAfterMs: number;
    /** An outbox whose oldest event waits longer than this is stuck. */
    stuckAfterMs: number;
}

export const DEFAULT_THRESHOLDS: HealthThresholds = { failAfterMs: 10 * 60_000, stuckAfterMs: 30 * 60_000 };

export interface HealthReport {
    status: 'ok' | 'failing';
    generatedAt: string;
    nodes: Array<HealthInfo & { healthy: boolean; problem?: string }>;
}

/** The health report: each node judged against the thresholds; failing when any node is unhealthy. */
export function healthReport(now: number, thresholds: HealthThresholds = DEFAULT_THRESHOLDS): HealthReport {
    const nodes = allHealth().map((info) => {
        let problem: string | undefined;
        if (info.failingSince !== undefined && now - info.failingSince > thresholds.failAfterMs) {
            problem = `failing for ${Math.round((now - info.failingSince) / 60000)} min: ${info.lastError ?? 'error'}`;
        } else if ((info.queue ?? 0) > 0 && info.paused) {
            problem = `outbox paused: ${info.lastError ?? 'paused'}`;
        } else if ((info.queue ?? 0) > 0 && info.oldestQueuedAt !== undefined && now - info.oldestQueuedAt > thresholds.stuckAfterMs) {
            problem = `outbox stuck: oldest event waiting ${Math.round((now - info.oldestQueuedAt) / 60000)} min`;
        }
        return { ...info, healthy: problem === undefined, ...(problem ? { problem } : {}) };
    });
    return {
        status: nodes.every((n) => n.healthy) ? 'ok' : 'failing',
        generatedAt: new Date(now).toISOString(),
        nodes,
    };
}

/** Tracks success/failure times for a node's health entry. */
export class HealthTracker {
    lastSuccess?: number;
    lastError?: string;
    lastErrorAt?: number;
    failingSince?: number;
    readonly counts: HealthCounts = {};

    constructor(private readonly now: () => number = () => Date.now()) {}

    success(): void {
        this.lastSuccess = this.now();
        this.failingSince = undefined;
    }

    failure(message: string): void {
        const t = this.now();
        this.lastError = message;
        this.lastErrorAt = t;
        if (this.failingSince === undefined) this.failingSince = t;
    }

    count(name: string, by = 1): void {
        this.counts[name] = (this.counts[name] ?? 0) + by;
    }
}
