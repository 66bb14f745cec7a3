/**
 * The event subscription of push mode: where HikCentral sends events (eventDest), subscribing until it
 * succeeds (a refusal is reported once per reason and never stops the safety poll), and unsubscribing
 * on close with a client of its own, bounded in time.
 */
import { redact } from '../http';
import { errorMessage } from '../types';
import { cappedTimeout } from '../kit/timer';
import { ArtemisError } from './errors';

/** The URL HikCentral posts to: Node-RED's public URL, httpNodeRoot, the push path and `?token=` when set. */
export function pushDestination(baseUrl: string, httpNodeRoot: string, path: string, token: string): string {
    const url = baseUrl.trim().replace(/\/+$/, '') + httpNodeRoot.replace(/\/+$/, '') + path;
    return token === '' ? url : `${url}?token=${encodeURIComponent(token)}`;
}

/** The destination as logged: the token hidden. */
export function maskedDestination(dest: string): string {
    return dest.replace(/\?token=.*$/, '?token=***');
}

export interface Subscriber {
    subscribe(eventTypes: number[], eventDest: string): Promise<void>;
}
export interface Unsubscriber {
    unsubscribe(eventTypes: number[]): Promise<void>;
    destroy(): void;
}

export const UNSUBSCRIBE_TIMEOUT_MS = 5000;

export class PushSubscription {
    private done = false;
    private lastError: string | undefined;

    constructor(
        private readonly types: number[],
        readonly destination: string,
        /** A refused subscription, once per distinct reason. */
        private readonly onRefused: (text: string) => void,
        /** The push token: removed from every error text (HikCentral may echo eventDest). */
        private readonly token = '',
    ) {}

    /** An error's text without the token (raw and URL-encoded). */
    private clean(err: unknown): string {
        const text = err instanceof ArtemisError ? err.message : errorMessage(err);
        return this.token === '' ? text : redact(text, [this.token, encodeURIComponent(this.token)]);
    }

    get subscribed(): boolean {
        return this.done;
    }

    /**
     * Subscribes unless subscribed already. Resolves true when it subscribed now; false otherwise.
     * `onFailure` gets every failure's text (the caller's health); never rejects.
     */
    async ensure(client: () => Subscriber, onFailure: (text: string) => void): Promise<boolean> {
        if (this.done) return false;
        try {
            await client().subscribe(this.types, this.destination);
            this.done = true;
            return true;
        } catch (err) {
            const text = this.clean(err);
            if (text !== this.lastError) this.onRefused(text);
            this.lastError = text;
            onFailure(text);
            return false;
        }
    }

    /** Unsubscribes with `client` (owned: destroyed afterwards), waiting at most `timeoutMs`; never rejects. */
    cancel(client: Unsubscriber, onError: (text: string) => void, timeoutMs = UNSUBSCRIBE_TIMEOUT_MS): Promise<void> {
        return new Promise<void>((resolve) => {
            const finish = cappedTimeout(resolve, timeoutMs);
            client
                .unsubscribe(this.types)
                .catch((err: unknown) => onError(this.clean(err)))
                .finally(() => {
                    clearTimeout(finish);
                    resolve();
                });
        }).then(() => client.destroy());
    }
}
