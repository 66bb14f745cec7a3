/**
 * One connection pattern for the three config nodes (humand-server, artemis-server, hysecure-server).
 * Each vendor has `lib/<vendor>/settings.ts` with one function that reads the node's properties and
 * credentials into settings (or a problem), used by BOTH the config node and its Test-connection route,
 * so the two cannot drift. Every config node exposes the same client API (ConnectionApi).
 */

/** Why no client can be built: a catalog key of the config node's locale and its data (never a secret). */
export interface SettingsProblem {
    problem: string;
    data?: Record<string, string>;
}

export function isProblem(value: unknown): value is SettingsProblem {
    return typeof value === 'object' && value !== null && typeof (value as SettingsProblem).problem === 'string';
}

/** What every config node offers to the nodes that use it. */
export interface ConnectionApi<C> {
    /** The shared client (built once, destroyed when the config node closes), or a secret-free reason. */
    getClient(): C | string;
    /** A new client the caller owns and destroys (calls that must outlive the shared one, own tokens). */
    createClient(): C | string;
}
