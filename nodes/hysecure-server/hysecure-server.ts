/**
 * hysecure-server: the connection to an Accops HySecure gateway's HRMS reporting API (config node):
 * base URL, TLS settings (verified by default; a site CA or an explicit opt-out for self-signed gateways),
 * timeout, and the API user's credentials. Builds one client per polling node.
 */
import type { NodeAPI } from 'node-red';
import { registerTestEndpoint, resolveCredentials } from '../../lib/admin';
import { validateBaseUrl } from '../../lib/http';
import { HySecureClient } from '../../lib/hysecure/client';
import { errorMessage } from '../../lib/types';
import type { HySecureServerDef, HySecureServerNode } from './types';
import { positiveNumber, readBool } from '../../lib/config';

export = function (RED: NodeAPI): void {
    interface Settings {
        baseUrl: string;
        rejectUnauthorized: boolean;
        ca: string;
        timeoutMs: number;
        username: string;
        password: string;
    }

    /** A client, or the reason none can be built (never containing a secret). */
    function build(s: Settings): HySecureClient | string {
        if (s.baseUrl === '') return RED._('hysecure-server.errors.noUrl');
        const urlError = validateBaseUrl(s.baseUrl);
        if (urlError) return RED._('hysecure-server.errors.badUrl', { reason: urlError });
        if (s.username.trim() === '' || s.password === '') return RED._('hysecure-server.errors.noCredentials');
        return new HySecureClient({
            baseUrl: s.baseUrl,
            timeoutMs: s.timeoutMs,
            rejectUnauthorized: s.rejectUnauthorized,
            ca: s.ca.trim() !== '' ? s.ca : undefined,
            username: s.username.trim(),
            password: s.password,
        });
    }

    function HySecureServer(this: HySecureServerNode, config: HySecureServerDef): void {
        RED.nodes.createNode(this, config);
        const node = this;
        node.displayName = (config.name || '').trim();
        node.createClient = () =>
            build({
                baseUrl: (config.baseUrl || '').trim(),
                rejectUnauthorized: readBool(config.rejectUnauthorized, true),
                ca: typeof config.ca === 'string' ? config.ca : '',
                timeoutMs: positiveNumber(config.timeout, 30) * 1000,
                username: node.credentials?.username ?? '',
                password: node.credentials?.password ?? '',
            });
    }

    RED.nodes.registerType('hysecure-server', HySecureServer as unknown as Parameters<NodeAPI['nodes']['registerType']>[1], {
        credentials: { username: { type: 'text' }, password: { type: 'password' } },
    });

    registerTestEndpoint(RED, 'hysecure-server', async (body) => {
        const creds = resolveCredentials(RED, body.id, body.credentials, ['username', 'password']);
        const client = build({
            baseUrl: typeof body.baseUrl === 'string' ? body.baseUrl.trim() : '',
            rejectUnauthorized: readBool(body.rejectUnauthorized, true),
            ca: typeof body.ca === 'string' ? body.ca : '',
            timeoutMs: positiveNumber(body.timeout, 30) * 1000,
            username: creds.username,
            password: creds.password,
        });
        if (typeof client === 'string') return { ok: false, message: client };
        try {
            await client.connect();
            return { ok: true, message: RED._('hysecure-server.test.ok') };
        } catch (err) {
            return { ok: false, message: errorMessage(err) };
        } finally {
            client.destroy();
        }
    });
};
