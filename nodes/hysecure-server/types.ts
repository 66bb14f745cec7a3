/** Types shared by hysecure-server and the nodes that use it. */
import type { Node, NodeDef } from 'node-red';
import type { HySecureClient } from '../../lib/hysecure/client';

export interface HySecureServerDef extends NodeDef {
    baseUrl: string;
    rejectUnauthorized: boolean | string;
    ca: string;
    timeout: number | string;
}

export interface HySecureServerCredentials {
    username?: string;
    password?: string;
}

export interface HySecureServerNode extends Node<HySecureServerCredentials> {
    /** A new client (each poller keeps its own token), or a secret-free error text when it cannot be built. */
    createClient(): HySecureClient | string;
    /** Display name for device.name: the node's name, else '' (then the row's Realm is used). */
    displayName: string;
}
