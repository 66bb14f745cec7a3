/**
 * Asynchronous access to Node-RED context stores. Every node uses the callback form only, so that
 * stores without a cache (localfilesystem with cache:false, Redis-backed stores) work.
 */
import { createHash } from 'crypto';

/** The subset of a Node-RED context object (node, flow or global) that we use. */
export interface NodeRedContext {
    get(key: string, store: string | undefined, cb: (err: Error | null | undefined, value?: unknown) => void): void;
    set(key: string, value: unknown, store: string | undefined, cb: (err?: Error | null) => void): void;
    keys(store: string | undefined, cb: (err: Error | null | undefined, keys?: string[]) => void): void;
}

/** A small async key-value interface; the runtime modules depend on this, not on Node-RED. */
export interface KeyValueStore {
    get(key: string): Promise<unknown>;
    set(key: string, value: unknown): Promise<void>;
    keys(): Promise<string[]>;
}

export function contextStore(ctx: NodeRedContext, store: string | undefined): KeyValueStore {
    const storeName = store && store.trim() !== '' ? store.trim() : undefined;
    return {
        get: (key) =>
            new Promise((resolve, reject) => {
                ctx.get(key, storeName, (err, value) => (err ? reject(err) : resolve(value)));
            }),
        set: (key, value) =>
            new Promise((resolve, reject) => {
                ctx.set(key, value, storeName, (err) => (err ? reject(err) : resolve()));
            }),
        keys: () =>
            new Promise((resolve, reject) => {
                ctx.keys(storeName, (err, keys) => (err ? reject(err) : resolve(keys ?? [])));
            }),
    };
}

/** An in-memory KeyValueStore for unit tests and benchmarks. Values are copied as JSON, like real stores. */
export function memoryStore(): KeyValueStore & { data: Map<string, string> } {
    const data = new Map<string, string>();
    return {
        data,
        get: async (key) => {
            const text = data.get(key);
            return text === undefined ? undefined : JSON.parse(text);
        },
        set: async (key, value) => {
            if (value === undefined) data.delete(key);
            else data.set(key, JSON.stringify(value));
        },
        keys: async () => [...data.keys()],
    };
}

/**
 * Turns any string (an employee id, a URL) into a context key segment: context keys are property
 * expressions, so dots, brackets and other characters must not reach them. The mapping is injective:
 * letters and digits pass, every other character (including "_") becomes _xx_ with its code in hex.
 */
export function safeKey(value: string): string {
    let out = '';
    for (const ch of value) {
        if (/[A-Za-z0-9]/.test(ch)) out += ch;
        else out += '_' + (ch.codePointAt(0) ?? 0).toString(16) + '_';
    }
    return out;
}

/** Short stable hash for namespacing context keys, e.g. by server URL. */
export function shortHash(value: string): string {
    return createHash('sha256').update(value).digest('hex').slice(0, 10);
}

interface StoreSetting {
    module?: unknown;
}

/**
 * Whether the named context store (or the default one) keeps data across restarts, judged from
 * settings.contextStorage. Memory stores and an absent configuration are not persistent.
 */
export function isPersistentStore(contextStorage: unknown, storeName: string | undefined): boolean {
    if (typeof contextStorage !== 'object' || contextStorage === null) return false;
    const stores = contextStorage as Record<string, unknown>;
    const names = Object.keys(stores);
    if (names.length === 0) return false;
    let name = storeName && storeName.trim() !== '' ? storeName.trim() : 'default';
    if (!(name in stores)) name = 'default';
    let entry: unknown = stores[name];
    if (entry === undefined) entry = stores[names[0]];
    if (typeof entry === 'string') entry = stores[entry];
    if (typeof entry !== 'object' || entry === null) return false;
    const mod = (entry as StoreSetting).module;
    return mod !== 'memory' && mod !== undefined;
}

/**
 * The name of the physical store that a node's store setting uses, as Node-RED resolves it: '' and
 * 'default' mean the default store, which is the store named by a string `default` (an alias), the
 * store named `default`, or else the first store listed; an unknown name falls back to the default.
 * Two settings with the same result read and write the same data.
 */
export function resolveStoreName(contextStorage: unknown, storeName: string | undefined): string {
    const stores = typeof contextStorage === 'object' && contextStorage !== null ? (contextStorage as Record<string, unknown>) : {};
    const names = Object.keys(stores);
    const asked = storeName && storeName.trim() !== '' ? storeName.trim() : 'default';
    if (asked !== 'default' && Object.prototype.hasOwnProperty.call(stores, asked)) return asked;
    if (names.length === 0) return 'default';
    const def = Object.prototype.hasOwnProperty.call(stores, 'default') ? stores.default : undefined;
    if (typeof def === 'string' && Object.prototype.hasOwnProperty.call(stores, def)) return def;
    if (def !== undefined) return 'default';
    return names[0];
}

/** Does the settings' contextStorage define a store of that name? An empty name means the default. */
export function storeExists(contextStorage: unknown, storeName: string | undefined): boolean {
    if (!storeName || storeName.trim() === '') return true;
    if (typeof contextStorage !== 'object' || contextStorage === null) return false;
    return storeName.trim() in (contextStorage as Record<string, unknown>);
}
