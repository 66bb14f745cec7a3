/**
 * hysecure-server: the connection to an Accops HySecure gateway's HRMS reporting API (config node):
 * base URL, TLS settings (verified by default; a site CA or an explicit opt-out for self-signed gateways),
 * timeout, and the API user's credentials. Each polling node takes a client of its own (createClient).
 */
import type { NodeAPI } from 'node-red';
import { registerTestEndpoint, resolveCredentials } from '../../lib/admin';
import { createHySecureClient, readHySecureSettings } from '../../lib/hysecure/settings';
import { connectionApi } from '../../lib/kit/client-owner';
import { isProblem } from '../../lib/kit/connection';
import { migrateNodeConfig } from '../../lib/kit/migrate';
import { errorMessage } from '../../lib/types';
import { MIGRATIONS } from './migrations';
import type { HySecureServerDef, HySecureServerNode } from './types';

export = function (RED: NodeAPI): void {
    function HySecureServer(this: HySecureServerNode, config: HySecureServerDef): void {
        RED.nodes.createNode(this, config);
        const node = this;
        config = migrateNodeConfig(node, config, MIGRATIONS);
        node.displayName = (config.name || '').trim();
        const api = connectionApi(node, () => {
            const settings = readHySecureSettings(config, node.credentials ?? {});
            return isProblem(settings) ? RED._(settings.problem, settings.data ?? {}) : createHySecureClient(settings);
        });
        node.getClient = api.getClient;
        node.createClient = api.createClient;
    }

    RED.nodes.registerType('hysecure-server', HySecureServer as unknown as Parameters<NodeAPI['nodes']['registerType']>[1], {
        credentials: { username: { type: 'text' }, password: { type: 'password' } },
    });

    registerTestEndpoint(RED, 'hysecure-server', async (body) => {
        const creds = resolveCredentials(RED, body.id, body.credentials, ['username', 'password']);
        const settings = readHySecureSettings(body, creds);
        if (isProblem(settings)) return { ok: false, message: RED._(settings.problem, settings.data ?? {}) };
        const client = createHySecureClient(settings);
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
