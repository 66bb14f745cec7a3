/** Types shared by hysecure-server and the nodes that use it. */
import type { Node, NodeDef } from 'node-red';
import type { HySecureClient } from '../../lib/hysecure/client';
import type { ConnectionApi } from '../../lib/kit/connection';

export interface HySecureServerDef extends NodeDef {
    [property: string]: unknown;
    version?: number;
    baseUrl: string;
    rejectUnauthorized: boolean | string;
    ca: string;
    timeout: number | string;
}

export interface HySecureServerCredentials {
    username?: string;
    password?: string;
}

/** createClient gives each poller its own client (and so its own token); getClient the shared one. */
export interface HySecureServerNode extends Node<HySecureServerCredentials>, ConnectionApi<HySecureClient> {
    /** Display name for device.name: the node's name, else '' (then the row's Realm is used). */
    displayName: string;
}
