/**
 * humand-server: the Humand API connection (config node). Owns one keep-alive HTTP client, the global
 * rate limiter, and the outboxes shared by every humand-clock node that uses it, so two
 * flows sending for the same employee still go through one ordered queue.
 */
import type { NodeAPI } from 'node-red';
import { registerTestEndpoint, resolveCredentials } from '../../lib/admin';
import { RateLimiter } from '../../lib/backoff';
import { readNumber } from '../../lib/config';
import { contextStore, NodeRedContext, shortHash } from '../../lib/context';
import { registerHealthRoutes } from '../../lib/health-routes';
import { HttpFailure } from '../../lib/http';
import { DEFAULT_BASE_URL, HumandClient } from '../../lib/humand/client';
import { Outbox } from '../../lib/humand/outbox';
import { readHumandSettings } from '../../lib/humand/settings';
import { connectionApi } from '../../lib/kit/client-owner';
import { isProblem } from '../../lib/kit/connection';
import { migrateNodeConfig } from '../../lib/kit/migrate';
import { errorMessage } from '../../lib/types';
import { MIGRATIONS } from './migrations';
import type { HumandServerDef, HumandServerNode } from './types';

export = function (RED: NodeAPI): void {
    function HumandServer(this: HumandServerNode, def: HumandServerDef): void {
        RED.nodes.createNode(this, def);
        const node = this;
        const config = migrateNodeConfig(node, def as unknown as HumandServerDef & Record<string, unknown>, MIGRATIONS);
        const baseUrl = (config.baseUrl || DEFAULT_BASE_URL).trim();
        const limiter = new RateLimiter(readNumber(config.rateLimit, 10));
        const outboxes = new Map<string, Outbox>();

        node.stateNamespace = shortHash((config.namespace || '').trim() || baseUrl.replace(/\/+$/, '').toLowerCase());

        // Registered before the client owner's: the outboxes abort their requests before the shared client goes.
        node.on('close', (_removed: boolean, done: () => void) => {
            limiter.close();
            const closing = [...outboxes.values()].map((d) => d.close().catch((err: unknown) => node.warn(errorMessage(err))));
            outboxes.clear();
            Promise.all(closing).then(() => done());
        });

        const api = connectionApi(node, () => {
            const settings = readHumandSettings(config, node.credentials ?? {});
            return isProblem(settings) ? RED._(settings.problem, settings.data ?? {}) : new HumandClient(settings);
        });
        node.getClient = api.getClient;
        node.createClient = api.createClient;

        node.getOutbox = (store, dryRun, options) => {
            const key = `${store}|${dryRun ? 'dry' : 'live'}`;
            let outbox = outboxes.get(key);
            if (!outbox) {
                const ctx = node.context().global as unknown as NodeRedContext;
                outbox = new Outbox({
                    store: contextStore(ctx, store),
                    keyPrefix: `attendanceBridge_humand_${node.stateNamespace}${dryRun ? '_dry' : ''}_`,
                    client: () => node.getClient(),
                    limiter,
                    dryRun,
                    concurrency: options.concurrency,
                    log: (text) => node.log(text),
                });
                outboxes.set(key, outbox);
            } else {
                outbox.setConcurrency(Math.max(outbox.concurrency, options.concurrency));
            }
            return outbox;
        };
    }

    registerHealthRoutes(RED);
    RED.nodes.registerType('humand-server', HumandServer as unknown as Parameters<NodeAPI['nodes']['registerType']>[1], {
        credentials: { apiKey: { type: 'password' } },
    });

    registerTestEndpoint(RED, 'humand-server', async (body) => {
        const creds = resolveCredentials(RED, body.id, body.credentials, ['apiKey']);
        const settings = readHumandSettings(body, creds);
        if (isProblem(settings)) return { ok: false, message: RED._(settings.problem, settings.data ?? {}) };
        const client = new HumandClient(settings);
        try {
            const page = await client.users(1, 10); // Humand's smallest page (limit 10–50)
            return { ok: true, message: RED._('humand-server.test.ok', { count: String(page.count) }) };
        } catch (err) {
            const reason = err instanceof HttpFailure ? err.message : errorMessage(err);
            return { ok: false, message: reason };
        } finally {
            client.destroy();
        }
    });
};
