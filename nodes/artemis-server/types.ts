/** Types shared by artemis-server and artemis-events. */
import type { Node, NodeDef } from 'node-red';
import type { ArtemisClient } from '../../lib/artemis/client';
import type { ConnectionApi } from '../../lib/kit/connection';

export interface ArtemisServerDef extends NodeDef {
    [property: string]: unknown;
    version?: number;
    baseUrl: string;
    rejectUnauthorized: boolean | string;
    ca: string;
    timeout: number | string;
}

export interface ArtemisServerCredentials {
    appKey?: string;
    appSecret?: string;
}

/** getClient: the shared signing client; createClient: one the caller destroys (e.g. for calls on close). */
export interface ArtemisServerNode extends Node<ArtemisServerCredentials>, ConnectionApi<ArtemisClient> {}
