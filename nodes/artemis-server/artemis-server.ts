/**
 * artemis-server: the HikCentral Professional OpenAPI (Artemis) connection, a config node. Owns one
 * signing client (keep-alive, TLS verified unless the site CA is given or verification is explicitly off).
 */
import type { NodeAPI } from 'node-red';
import { registerTestEndpoint, resolveCredentials } from '../../lib/admin';
import { redact, validateBaseUrl } from '../../lib/http';
import { ArtemisClient, PATHS } from '../../lib/artemis/client';
import { ArtemisError } from '../../lib/artemis/errors';
import { formatRequestTime } from '../../lib/artemis/window';
import { errorMessage } from '../../lib/types';
import type { ArtemisServerDef, ArtemisServerNode } from './types';
import { positiveNumber, readBool } from '../../lib/config';

interface ClientSettings {
    baseUrl: string;
    timeout: unknown;
    rejectUnauthorized: unknown;
    ca: unknown;
    appKey: string;
    appSecret: string;
}

/** Builds a client, or returns the reason why not (a catalog key and its data). */
function buildClient(s: ClientSettings): ArtemisClient | { key: string; data?: Record<string, string> } {
    const baseUrl = s.baseUrl.trim();
    if (baseUrl === '') return { key: 'artemis-server.errors.noUrl' };
    const urlError = validateBaseUrl(baseUrl);
    if (urlError) return { key: 'artemis-server.errors.badUrl', data: { reason: urlError } };
    if (s.appKey.trim() === '' || s.appSecret.trim() === '') return { key: 'artemis-server.errors.noCredentials' };
    return new ArtemisClient({
        baseUrl: baseUrl.replace(/\/artemis\/?$/i, ''),
        timeoutMs: positiveNumber(s.timeout, 15) * 1000,
        rejectUnauthorized: readBool(s.rejectUnauthorized, true),
        ca: typeof s.ca === 'string' && s.ca.trim() !== '' ? s.ca : undefined,
        appKey: s.appKey.trim(),
        appSecret: s.appSecret.trim(),
    });
}

export = function (RED: NodeAPI): void {
    function ArtemisServer(this: ArtemisServerNode, config: ArtemisServerDef): void {
        RED.nodes.createNode(this, config);
        const node = this;
        let client: ArtemisClient | undefined;
        node.baseUrl = (config.baseUrl || '').trim();

        node.createClient = () => {
            const built = buildClient({
                baseUrl: node.baseUrl,
                timeout: config.timeout,
                rejectUnauthorized: config.rejectUnauthorized,
                ca: config.ca,
                appKey: node.credentials?.appKey ?? '',
                appSecret: node.credentials?.appSecret ?? '',
            });
            if (!(built instanceof ArtemisClient)) return RED._(built.key, built.data ?? {});
            return built;
        };

        node.getClient = () => {
            if (client) return client;
            const built = node.createClient();
            if (typeof built !== 'string') client = built;
            return built;
        };

        node.on('close', (_removed: boolean, done: () => void) => {
            client?.destroy();
            client = undefined;
            done();
        });
    }

    RED.nodes.registerType('artemis-server', ArtemisServer as unknown as Parameters<NodeAPI['nodes']['registerType']>[1], {
        credentials: { appKey: { type: 'password' }, appSecret: { type: 'password' } },
    });

    registerTestEndpoint(RED, 'artemis-server', async (body) => {
        const creds = resolveCredentials(RED, body.id, body.credentials, ['appKey', 'appSecret']);
        const built = buildClient({
            baseUrl: typeof body.baseUrl === 'string' ? body.baseUrl : '',
            timeout: body.timeout,
            rejectUnauthorized: body.rejectUnauthorized,
            ca: body.ca,
            appKey: creds.appKey,
            appSecret: creds.appSecret,
        });
        if (!(built instanceof ArtemisClient)) return { ok: false, message: RED._(built.key, built.data ?? {}) };
        try {
            // A cheap signed call to the API the source uses: one face event of the last 24 hours.
            const now = Date.now();
            const page = await built.page(PATHS.doorEvents, {
                startTime: formatRequestTime(now - 24 * 3600 * 1000),
                endTime: formatRequestTime(now),
                eventType: 196893,
                pageNo: 1,
                pageSize: 1,
            });
            return { ok: true, message: RED._('artemis-server.test.ok', { count: String(page.total) }) };
        } catch (err) {
            const message = err instanceof ArtemisError ? err.message : errorMessage(err);
            return { ok: false, message: redact(message, [creds.appKey, creds.appSecret]) };
        } finally {
            built.destroy();
        }
    });
};
