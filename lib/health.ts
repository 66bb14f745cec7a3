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
    /** Node-specific extras shown as they are (never secrets). */
    details?: Record<string, string | number | boolean>;
}

export type HealthProvider = () => HealthInfo;

const providers = new Map<string, HealthProvider>();

export function registerHealth(id: string, provider: HealthProvider): void {
    providers.set(id, provider);
}

export function unregisterHealth(id: string, provider?: HealthProvider): void {
    if (!provider || providers.get(id) === provider) providers.delete(id);
}

export function allHealth(): HealthInfo[] {
    const out: HealthInfo[] = [];
    for (const provider of providers.values()) {
        try {
            out.push(provider());
        } catch {
            /* a provider must never break the endpoint */
        }
    }
    return out;
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
