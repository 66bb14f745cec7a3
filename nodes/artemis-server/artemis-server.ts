/**
 * artemis-server: the HikCentral Professional OpenAPI (Artemis) connection, a config node. Owns one
 * shared signing client (keep-alive, TLS verified unless the site CA is given or verification is
 * explicitly off) and builds clients its callers own.
 */
import type { NodeAPI } from 'node-red';
import { registerTestEndpoint, resolveCredentials } from '../../lib/admin';
import { redact } from '../../lib/http';
import { PATHS } from '../../lib/artemis/client';
import { ArtemisError } from '../../lib/artemis/errors';
import { createArtemisClient, readArtemisSettings } from '../../lib/artemis/settings';
import { formatRequestTime } from '../../lib/artemis/window';
import { connectionApi } from '../../lib/kit/client-owner';
import { isProblem } from '../../lib/kit/connection';
import { migrateNodeConfig } from '../../lib/kit/migrate';
import { errorMessage } from '../../lib/types';
import { MIGRATIONS } from './migrations';
import type { ArtemisServerDef, ArtemisServerNode } from './types';

export = function (RED: NodeAPI): void {
    function ArtemisServer(this: ArtemisServerNode, config: ArtemisServerDef): void {
        RED.nodes.createNode(this, config);
        const node = this;
        config = migrateNodeConfig(node, config, MIGRATIONS);
        const api = connectionApi(node, () => {
            const settings = readArtemisSettings(config, node.credentials ?? {});
            return isProblem(settings) ? RED._(settings.problem, settings.data ?? {}) : createArtemisClient(settings);
        });
        node.getClient = api.getClient;
        node.createClient = api.createClient;
    }

    RED.nodes.registerType('artemis-server', ArtemisServer as unknown as Parameters<NodeAPI['nodes']['registerType']>[1], {
        credentials: { appKey: { type: 'password' }, appSecret: { type: 'password' } },
    });

    registerTestEndpoint(RED, 'artemis-server', async (body) => {
        const creds = resolveCredentials(RED, body.id, body.credentials, ['appKey', 'appSecret']);
        const settings = readArtemisSettings(body, creds);
        if (isProblem(settings)) return { ok: false, message: RED._(settings.problem, settings.data ?? {}) };
        const client = createArtemisClient(settings);
        try {
            // A cheap signed call to the API the source uses: one face event of the last 24 hours.
            const now = Date.now();
            const page = await client.page(PATHS.doorEvents, {
                startTime: formatRequestTime(now - 24 * 3600 * 1000),
                endTime: formatRequestTime(now),
                eventType: 196893,
                doorIndexCodes: [],
                sortField: 'SwipeTime',
                orderType: 0,
                pageNo: 1,
                pageSize: 1,
            });
            return { ok: true, message: RED._('artemis-server.test.ok', { count: String(page.total) }) };
        } catch (err) {
            const message = err instanceof ArtemisError ? err.message : errorMessage(err);
            return { ok: false, message: redact(message, [creds.appKey, creds.appSecret]) };
        } finally {
            client.destroy();
        }
    });
};
