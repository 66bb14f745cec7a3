/** Types shared by humand-server and the nodes that use it. */
import type { Node, NodeDef } from 'node-red';
import type { HumandClient } from '../../lib/humand/client';
import type { Outbox, OutboxOptions } from '../../lib/humand/outbox';
import type { ConnectionApi } from '../../lib/kit/connection';

export interface HumandServerDef extends NodeDef {
    baseUrl: string;
    clockInPath: string;
    clockOutPath: string;
    timeout: number | string;
    rateLimit: number | string;
    namespace: string;
}

export interface HumandServerCredentials {
    apiKey?: string;
}

/** getClient: the shared client, or an error text when it cannot be built (no API key, bad URL); createClient: one the caller owns. */
export interface HumandServerNode extends Node<HumandServerCredentials>, ConnectionApi<HumandClient> {
    /**
     * The outbox for a context store (and dry-run flag), from the process-wide registry: created on first use,
     * shared with other config nodes of the same connection; throws when another connection uses the same stored keys.
     */
    getOutbox(store: string, dryRun: boolean, options: Pick<OutboxOptions, 'concurrency'>): Outbox;
    /** Context-key namespace for state kept on behalf of this Humand tenant. */
    stateNamespace: string;
}

