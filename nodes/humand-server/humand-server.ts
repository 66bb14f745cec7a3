/**
 * humand-server: the Humand API connection (config node). Owns one keep-alive HTTP client, the global
 * rate limiter, and the outboxes shared by every humand-clock node that uses it, so two
 * flows sending for the same employee still go through one ordered queue.
 */
import type { NodeAPI } from 'node-red';
import { registerTestEndpoint, resolveCredentials } from '../../lib/admin';
import { RateLimiter } from '../../lib/backoff';
import { HttpFailure, validateBaseUrl } from '../../lib/http';
import { DEFAULT_BASE_URL, DEFAULT_CLOCK_IN_PATH, DEFAULT_CLOCK_OUT_PATH, HumandClient } from '../../lib/humand/client';
import { Outbox } from '../../lib/humand/outbox';
import type { HumandServerDef, HumandServerNode } from './types';
import { contextStore, NodeRedContext, shortHash } from '../../lib/context';
import { errorMessage } from '../../lib/types';
import { registerHealthRoutes } from '../../lib/health-routes';
import { readNumber } from '../../lib/config';

export = function (RED: NodeAPI): void {
    function HumandServer(this: HumandServerNode, config: HumandServerDef): void {
        RED.nodes.createNode(this, config);
        const node = this;
        const baseUrl = (config.baseUrl || DEFAULT_BASE_URL).trim();
        const timeoutMs = Math.max(1, readNumber(config.timeout, 15)) * 1000;
        const limiter = new RateLimiter(readNumber(config.rateLimit, 10));
        const outboxes = new Map<string, Outbox>();
        let client: HumandClient | undefined;

        node.stateNamespace = shortHash((config.namespace || '').trim() || baseUrl.replace(/\/+$/, '').toLowerCase());

        node.getClient = () => {
            if (client) return client;
            const urlError = validateBaseUrl(baseUrl);
            if (urlError) return RED._('humand-server.errors.badUrl', { reason: urlError });
            const apiKey = node.credentials?.apiKey ?? '';
            if (apiKey.trim() === '') return RED._('humand-server.errors.noKey');
            client = new HumandClient({
                baseUrl,
                clockInPath: config.clockInPath || DEFAULT_CLOCK_IN_PATH,
                clockOutPath: config.clockOutPath || DEFAULT_CLOCK_OUT_PATH,
                timeoutMs,
                apiKey: apiKey.trim(),
            });
            return client;
        };

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

        node.on('close', (_removed: boolean, done: () => void) => {
            limiter.close();
            const closing = [...outboxes.values()].map((d) => d.close().catch((err: unknown) => node.warn(errorMessage(err))));
            outboxes.clear();
            Promise.all(closing).then(() => {
                client?.destroy();
                client = undefined;
                done();
            });
        });
    }

    registerHealthRoutes(RED);
    RED.nodes.registerType('humand-server', HumandServer as unknown as Parameters<NodeAPI['nodes']['registerType']>[1], {
        credentials: { apiKey: { type: 'password' } },
    });

    registerTestEndpoint(RED, 'humand-server', async (body) => {
        const creds = resolveCredentials(RED, body.id, body.credentials, ['apiKey']);
        const baseUrl = typeof body.baseUrl === 'string' && body.baseUrl.trim() !== '' ? body.baseUrl.trim() : DEFAULT_BASE_URL;
        const urlError = validateBaseUrl(baseUrl);
        if (urlError) return { ok: false, message: RED._('humand-server.errors.badUrl', { reason: urlError }) };
        if (creds.apiKey === '') return { ok: false, message: RED._('humand-server.errors.noKey') };
        const client = new HumandClient({
            baseUrl,
            clockInPath: DEFAULT_CLOCK_IN_PATH,
            clockOutPath: DEFAULT_CLOCK_OUT_PATH,
            timeoutMs: Math.max(1, readNumber(body.timeout, 15)) * 1000,
            apiKey: creds.apiKey,
        });
        try {
            const page = await client.users(1, 1);
            return { ok: true, message: RED._('humand-server.test.ok', { count: String(page.count) }) };
        } catch (err) {
            const reason = err instanceof HttpFailure ? err.message : errorMessage(err);
            return { ok: false, message: reason };
        } finally {
            client.destroy();
        }
    });
};
