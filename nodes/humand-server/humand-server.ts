/**
 * humand-server: the Humand API connection (config node). Owns one keep-alive HTTP client and uses the
 * process-wide outbox registry: one outbox (and one rate limiter) per physical context store, state
 * namespace and dry-run flag, shared by every humand-clock node and by a second config node of the same
 * connection, so two flows sending for the same employee still go through one ordered queue.
 */
import type { NodeAPI } from 'node-red';
import { registerTestEndpoint, resolveCredentials } from '../../lib/admin';
import { readNumber } from '../../lib/config';
import { contextStore, NodeRedContext, resolveStoreName, shortHash } from '../../lib/context';
import { registerHealthRoutes } from '../../lib/health-routes';
import { HttpFailure, validateBaseUrl } from '../../lib/http';
import { DEFAULT_BASE_URL, HumandClient, MIN_PAGE_LIMIT } from '../../lib/humand/client';
import { Outbox } from '../../lib/humand/outbox';
import { OutboxConflict, outboxRegistry } from '../../lib/humand/outbox/registry';
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
        const rateLimit = readNumber(config.rateLimit, 10);
        /** Registry keys this node uses (released on close). */
        const used = new Set<string>();

        // The state namespace: the explicit one, else the tenant's base URL. An invalid base URL gets one of this
        // node's own, which the outbox of the fixed URL takes over (docs/decisions.md, humand-clock rules: "A Humand connection that cannot be used").
        const explicitNamespace = (config.namespace || '').trim();
        const unusableNamespace = shortHash(`unusable-url:${node.id}`);
        const urlUsable = validateBaseUrl(baseUrl) === null;
        node.stateNamespace = explicitNamespace
            ? shortHash(explicitNamespace)
            : urlUsable
              ? shortHash(baseUrl.replace(/\/+$/, '').toLowerCase())
              : unusableNamespace;
        const outboxPrefix = (namespace: string, dryRun: boolean): string => `attendanceBridge_humand_${namespace}${dryRun ? '_dry' : ''}_`;
        // Config nodes with the same fingerprint are the same connection (a copied node) and may share an outbox.
        const connection = shortHash(
            [baseUrl.replace(/\/+$/, '').toLowerCase(), node.credentials?.apiKey ?? '', config.clockInPath ?? '', config.clockOutPath ?? ''].join('\n'),
        );

        // Registered before the client owner's: the outboxes abort their requests before the shared client goes.
        node.on('close', (_removed: boolean, done: () => void) => {
            const releasing = [...used].map((key) => outboxRegistry.release(key, node.id).catch((err: unknown) => node.warn(errorMessage(err))));
            used.clear();
            Promise.all(releasing).then(() => done());
        });

        const api = connectionApi(node, () => {
            const settings = readHumandSettings(config, node.credentials ?? {});
            return isProblem(settings) ? RED._(settings.problem, settings.data ?? {}) : new HumandClient(settings);
        });
        node.getClient = api.getClient;
        node.createClient = api.createClient;

        node.getOutbox = (store, dryRun, options) => {
            const contextStorage = (RED.settings as unknown as { contextStorage?: unknown }).contextStorage;
            const key = `${resolveStoreName(contextStorage, store)}|${node.stateNamespace}|${dryRun ? 'dry' : 'live'}`;
            const user = { id: node.id, label: node.name || node.id, connection, getClient: () => node.getClient(), rateLimit };
            const acquire = (): ReturnType<typeof outboxRegistry.acquire> => {
                try {
                    return outboxRegistry.acquire(key, user, create);
                } catch (err) {
                    throw err instanceof OutboxConflict ? new Error(RED._('humand-server.errors.conflict', { other: err.other })) : err;
                }
            };
            const create: Parameters<typeof outboxRegistry.acquire>[2] = ({ client, limiter, startAfter }) => {
                const ctx = node.context().global as unknown as NodeRedContext;
                return new Outbox({
                    store: contextStore(ctx, store),
                    keyPrefix: outboxPrefix(node.stateNamespace, dryRun),
                    adopt: node.stateNamespace === unusableNamespace ? [] : [outboxPrefix(unusableNamespace, dryRun)],
                    client,
                    limiter,
                    dryRun,
                    concurrency: options.concurrency,
                    startAfter,
                    log: (text) => node.log(text),
                });
            };
            const { outbox, shared, rateLimit: applied } = acquire();
            if (!used.has(key)) {
                used.add(key);
                if (shared) node.log(RED._('humand-server.log.shared', { rate: String(applied) }));
            }
            outbox.setConcurrency(Math.max(outbox.concurrency, options.concurrency));
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
            const page = await client.users(1, MIN_PAGE_LIMIT); // Humand's smallest page
            return { ok: true, message: RED._('humand-server.test.ok', { count: String(page.count) }) };
        } catch (err) {
            const reason = err instanceof HttpFailure ? err.message : errorMessage(err);
            return { ok: false, message: reason };
        } finally {
            client.destroy();
        }
    });
};
