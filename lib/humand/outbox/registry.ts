/**
 * One outbox per physical context store and Humand tenant, for the whole process. Two humand-server
 * config nodes whose outboxes would use the same stored keys (the same store, also when named by an
 * alias, the same state namespace and the same dry-run flag) share one outbox and one rate limiter
 * when they are the same connection (a copied config node: same base URL and API key); a second
 * connection to other stored keys' owner is refused with a clear error instead of writing over them.
 * The outbox closes when its last config node closes. Knows nothing of Node-RED.
 */
import { RateLimiter } from '../../backoff';
import type { HumandClient } from '../client';
import type { Outbox } from './index';

export interface OutboxUser {
    /** The config node's id. */
    id: string;
    /** Its name for messages (name or id). */
    label: string;
    /** Fingerprint of the connection (base URL, API key, paths): users with the same one may share. */
    connection: string;
    getClient: () => HumandClient | string;
    /** Requests per second of this user's settings (the first user's applies to a shared outbox). */
    rateLimit: number;
}

/** Another connection (other base URL or API key) already uses these stored keys. */
export class OutboxConflict extends Error {
    constructor(readonly other: string) {
        super(
            `the outbox in this context store and namespace is already used by humand-server "${other}" with another base URL or API key: ` +
                'give one of them its own State namespace',
        );
        this.name = 'OutboxConflict';
    }
}

export interface OutboxFactory {
    (shared: { client: () => HumandClient | string; limiter: RateLimiter; startAfter: Promise<void> }): Outbox;
}

interface Entry {
    outbox: Outbox;
    limiter: RateLimiter;
    connection: string;
    users: Map<string, OutboxUser>;
}

export class OutboxRegistry {
    private readonly entries = new Map<string, Entry>();
    /** Outboxes closing per key: a new one for the same key starts loading once they are done. */
    private readonly closing = new Map<string, Promise<void>>();

    /**
     * The outbox for `key` shared with `user` (created by `create` when there is none). Throws when
     * another connection uses these stored keys.
     */
    acquire(key: string, user: OutboxUser, create: OutboxFactory): { outbox: Outbox; shared: boolean; rateLimit: number } {
        let entry = this.entries.get(key);
        if (entry) {
            if (entry.connection !== user.connection) {
                throw new OutboxConflict([...entry.users.values()][0]?.label ?? '?');
            }
            entry.users.set(user.id, user);
            return { outbox: entry.outbox, shared: entry.users.size > 1, rateLimit: [...entry.users.values()][0].rateLimit };
        }
        const limiter = new RateLimiter(user.rateLimit);
        const users = new Map<string, OutboxUser>([[user.id, user]]);
        const client = (): HumandClient | string => {
            const first = users.values().next().value as OutboxUser | undefined;
            return first ? first.getClient() : 'the Humand connection is closing';
        };
        const outbox = create({ client, limiter, startAfter: this.closing.get(key) ?? Promise.resolve() });
        entry = { outbox, limiter, connection: user.connection, users };
        this.entries.set(key, entry);
        return { outbox, shared: false, rateLimit: user.rateLimit };
    }

    /** The config node `userId` no longer uses `key`; the last user closes the outbox (resolves when closed). */
    release(key: string, userId: string): Promise<void> {
        const entry = this.entries.get(key);
        if (!entry || !entry.users.delete(userId)) return Promise.resolve();
        if (entry.users.size > 0) return Promise.resolve();
        this.entries.delete(key);
        // The outbox first (it stops and aborts at once), then the limiter (its waiters are released).
        const closed = entry.outbox.close();
        entry.limiter.close();
        const before = this.closing.get(key) ?? Promise.resolve();
        const done: Promise<void> = Promise.all([before, closed])
            .then(() => undefined, () => undefined)
            .finally(() => {
                if (this.closing.get(key) === done) this.closing.delete(key);
            });
        this.closing.set(key, done);
        return done;
    }

    /** Number of config nodes using `key` (for tests and the health view). */
    users(key: string): number {
        return this.entries.get(key)?.users.size ?? 0;
    }
}

/** The process-wide registry (all humand-server nodes of this Node-RED). */
export const outboxRegistry = new OutboxRegistry();
