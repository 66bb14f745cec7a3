/** Types shared by artemis-server and artemis-events. */
import type { Node, NodeDef } from 'node-red';
import type { ArtemisClient } from '../../lib/artemis/client';

export interface ArtemisServerDef extends NodeDef {
    baseUrl: string;
    rejectUnauthorized: boolean | string;
    ca: string;
    timeout: number | string;
}

export interface ArtemisServerCredentials {
    appKey?: string;
    appSecret?: string;
}

export interface ArtemisServerNode extends Node<ArtemisServerCredentials> {
    /** The configured client, or an error text when it cannot be built (missing key, bad URL). */
    getClient(): ArtemisClient | string;
    /** A new client the caller owns (and destroys): for calls that must outlive the shared one, e.g. on close. */
    createClient(): ArtemisClient | string;
    baseUrl: string;
}
