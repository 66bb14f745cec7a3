/**
 * The person list of push mode: pushed events carry a person number, matched here to the polled
 * personId (by personId, then by personCode). Loaded on demand and reloaded at most once an hour;
 * concurrent refreshes share one request, and a failed load keeps the previous list.
 */
import { errorMessage } from '../types';
import { indexPersons, PersonInfo } from './events';

export const PERSONS_MAX_AGE_MS = 60 * 60 * 1000;

export interface PersonCacheOptions {
    /** Fetches the raw person list (ArtemisClient.persons). */
    load(): Promise<unknown[]>;
    /** A failed load, called once per distinct message. */
    onError(text: string): void;
    now?: () => number;
    maxAgeMs?: number;
}

export class PersonCache {
    private index: { byId: Map<string, PersonInfo>; byCode: Map<string, PersonInfo> } | undefined;
    private loadedAt = 0;
    private loading: Promise<void> | undefined;
    private lastError: string | undefined;

    constructor(private readonly options: PersonCacheOptions) {}

    /** Loads the list when it is missing or older than the maximum age; never rejects. */
    refresh(): Promise<void> {
        const now = this.options.now ?? Date.now;
        if (this.index && now() - this.loadedAt < (this.options.maxAgeMs ?? PERSONS_MAX_AGE_MS)) return Promise.resolve();
        if (this.loading) return this.loading;
        this.loading = (async () => {
            try {
                this.index = indexPersons(await this.options.load());
                this.loadedAt = now();
                this.lastError = undefined;
            } catch (err) {
                const text = errorMessage(err);
                if (text !== this.lastError) this.options.onError(text);
                this.lastError = text;
            } finally {
                this.loading = undefined;
            }
        })();
        return this.loading;
    }

    /** The person with this personId or personCode, when the list is known. */
    resolve(personNo: string): PersonInfo | undefined {
        return this.index?.byId.get(personNo) ?? this.index?.byCode.get(personNo);
    }
}
