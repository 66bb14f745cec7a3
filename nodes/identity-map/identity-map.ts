/**
 * identity-map: adds Humand's employeeId to each attendance event. A thin adapter: the settings
 * (lib/identity/settings), the table (lib/identity/table), the Humand directory and its cached
 * refresh (lib/identity/directory, lib/identity/service), the lookup order (lib/identity/lookup),
 * the first-load gate, the status and health texts and the warn-once log do the work.
 */
import type { NodeAPI, Node, NodeMessage, NodeMessageInFlow } from 'node-red';
import type { Request, Response } from 'express';
import { contextStore, NodeRedContext, safeKey } from '../../lib/context';
import { HealthTracker } from '../../lib/health';
import { isCommand } from '../../lib/kit/command';
import { attachHealth } from '../../lib/kit/health';
import { migrateNodeConfig } from '../../lib/kit/migrate';
import { NodeStatus } from '../../lib/kit/status';
import { checkStore } from '../../lib/kit/store';
import { csvImport } from '../../lib/identity/csv';
import { firstLoadGate } from '../../lib/identity/gate';
import { identityHealth } from '../../lib/identity/health';
import { lookupMessage, reasonText, UnmappedResult } from '../../lib/identity/lookup';
import { DirectoryService } from '../../lib/identity/service';
import { readIdentitySettings } from '../../lib/identity/settings';
import { identityStatus, refreshErrorText, Translate } from '../../lib/identity/status';
import { journalOf } from '../../lib/journal';
import { JournalLink } from '../../lib/journal/link';
import { registerJournalRoutes } from '../../lib/journal/routes';
import type { ParkReason } from '../../lib/journal/types';
import { buildTable, validateTable } from '../../lib/identity/table';
import { WarnOnce } from '../../lib/identity/warn-once';
import { AttendanceEvent, errorMessage, isRecord } from '../../lib/types';
import type { HumandServerNode } from '../humand-server/types';
import { MIGRATIONS } from './migrations';
import type { IdentityMapDef } from './types';

/** How long events wait for the very first directory load before being handled with what there is. */
const FIRST_LOAD_WAIT_MS = 30_000;

export = function (RED: NodeAPI): void {
    const t: Translate = (key, data) => RED._(key, data);

    function IdentityMap(this: Node, config: IdentityMapDef): void {
        RED.nodes.createNode(this, config);
        const node = this;
        config = migrateNodeConfig(node, config, MIGRATIONS);
        const s = readIdentitySettings(config);
        const table = buildTable(s.entries);
        const health = new HealthTracker();
        const warnings = new WarnOnce();
        const server = config.server ? (RED.nodes.getNode(config.server) as HumandServerNode | null) : null;
        let setupError: string | undefined;
        let service: DirectoryService | undefined;

        const issues = validateTable(s.entries).filter((i) => i.kind !== 'duplicate');
        if (issues.length > 0) node.warn(t('identity-map.warn.tableIssues', { count: String(issues.length) }));
        if (s.lookup === 'msg' && s.lookupPath === '') setupError = t('identity-map.errors.noPath');

        // Replayed records come in again as messages (the event without raw, its topic).
        const journal = new JournalLink(RED, { id: node.id, type: 'identity-map' }, (item) => node.receive({ payload: item.event, topic: item.topic ?? item.event.person?.id } as NodeMessageInFlow), () => status.update());
        const status = new NodeStatus(node, () => {
            const v = identityStatus({ setupError, tableSize: table.size, fallback: s.fallback, directory: service && { state: service.state(), failing: service.failing } }, t);
            return { ...v, text: v.text + journal.statusSuffix(t, 'identity-map') };
        });

        if (config.server && !server) {
            setupError = t('identity-map.errors.serverMissing');
        } else if (server) {
            checkStore(RED, node, 'identity-map', s.store);
            service = new DirectoryService({
                store: contextStore(node.context().global as unknown as NodeRedContext, s.store),
                key: `attendanceBridge_identity_${safeKey(node.id)}_directory`,
                namespace: server.stateNamespace ?? '',
                field: s.humandField,
                refreshMs: s.refreshMs,
                source: () => server.getClient(),
                onChange: () => status.update(),
                onRefreshError: (message, asked) => {
                    health.failure(message);
                    // A refresh asked by msg.topic "refresh" reports its failure with done(err) instead.
                    if (!asked) node.error(refreshErrorText(message, service?.state(), t), { topic: 'refresh', payload: message });
                },
                onCacheError: (message) => node.warn(t('identity-map.warn.cache', { error: message })),
            });
        }
        const gate = firstLoadGate(service?.ready, FIRST_LOAD_WAIT_MS);
        status.refresh();

        attachHealth(node, () => {
            const info = identityHealth({ id: node.id, name: node.name, tableSize: table.size, fallback: s.fallback, lookup: s.fieldLabel, humandField: s.humandField, setupError, state: service?.state(), tracker: health });
            return { ...info, details: { ...info.details, parked: journal.parked() } };
        });

        function reason(result: UnmappedResult): string {
            const key = `identity-map.reason.${result.detail}`;
            const text = RED._(key, result.params);
            return text && text !== key ? text : reasonText(result);
        }

        function handle(msg: NodeMessageInFlow, send: (m: Array<NodeMessage | null>) => void): void {
            const out = msg as NodeMessageInFlow & Record<string, unknown>;
            const sources = { table, directory: service?.state().directory, fallback: s.fallback };
            const result = lookupMessage(msg, s, sources, (path) => RED.util.getMessageProperty(msg, path));
            if (result.ok) {
                health.success();
                health.count('mapped');
                health.count(result.via);
                out.payload = { ...(msg.payload as Record<string, unknown>), employeeId: result.employeeId };
                out.topic = result.employeeId;
                out.identity = result.humandUser ? { via: result.via, humandUser: result.humandUser } : { via: result.via };
                journal.record('mapped', out.payload as AttendanceEvent, { detail: `via ${result.via} → ${result.employeeId}`, outcome: 'pending', employeeId: result.employeeId });
                send([out, null]);
                return;
            }
            health.count(result.code);
            const why = reason(result);
            out.reason = why;
            out.reasonCode = result.code;
            if (warnings.first(result, service?.state().refreshedAt)) node.warn(why);
            // A person a table row or Humand can fix is parked for a replay; a bad input or setting is not.
            const park = result.code === 'invalid' ? undefined : { reasonCode: result.code as ParkReason, topic: typeof msg.topic === 'string' ? msg.topic : undefined };
            if (isRecord(msg.payload)) journal.record('unmapped', msg.payload as unknown as AttendanceEvent, { detail: why, reasonCode: result.code, outcome: 'rejected', park });
            send([null, out]);
        }

        node.on('input', (msg: NodeMessageInFlow, send: (m: NodeMessage | Array<NodeMessage | null>) => void, done: (err?: Error) => void) => {
            if (journal.takeCommand(msg, done)) return;
            if (isCommand(msg, 'refresh')) {
                if (!service) return done(new Error(setupError ?? t('identity-map.errors.noServer')));
                service.refresh().then(
                    () => done(),
                    (err: unknown) => done(new Error(refreshErrorText(errorMessage(err), service?.state(), t))),
                );
                return;
            }
            if (setupError) {
                // A configuration problem: the event still leaves on output 2, and Catch nodes see the error.
                Object.assign(msg, { reason: setupError, reasonCode: 'invalid' });
                health.count('invalid');
                send([null, msg]);
                return done(new Error(setupError));
            }
            void gate.opened.then(() => {
                try {
                    handle(msg, send);
                    status.update();
                    done();
                } catch (err) {
                    done(err instanceof Error ? err : new Error(errorMessage(err)));
                }
            });
        });

        node.on('close', (_removed: boolean, done: () => void) => {
            status.close();
            gate.close();
            service?.close();
            void journal.close().then(() => done());
        });
    }

    registerJournalRoutes(RED, () => journalOf(RED));
    RED.nodes.registerType('identity-map', IdentityMap as unknown as Parameters<NodeAPI['nodes']['registerType']>[1]);

    // The editor's CSV import: one parser for editor and tests (quoted fields, BOM, ";" or ",").
    RED.httpAdmin.post('/attendance-bridge/identity-map/csv', RED.auth.needsPermission('identity-map.write'), (req: Request, res: Response) => {
        res.json(csvImport(req.body));
    });
};
