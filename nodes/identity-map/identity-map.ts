/**
 * identity-map: adds Humand's employeeId to each attendance event. A thin adapter: the table
 * (lib/identity/table), the Humand directory and its cached refresh (lib/identity/directory,
 * lib/identity/service) and the lookup order (lib/identity/lookup) do the work.
 */
import type { NodeAPI, Node, NodeMessage, NodeMessageInFlow } from 'node-red';
import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import { contextStore, isPersistentStore, NodeRedContext, safeKey, storeExists } from '../../lib/context';
import { HealthTracker, registerHealth, unregisterHealth } from '../../lib/health';
import { parseMappingCsv, Separator } from '../../lib/identity/csv';
import { isHumandField, HumandField } from '../../lib/identity/directory';
import { LookupResult, reasonText, resolveIdentity, UnmappedResult } from '../../lib/identity/lookup';
import { DirectoryService } from '../../lib/identity/service';
import { buildTable, validateTable } from '../../lib/identity/table';
import { shortTime } from '../../lib/time';
import { errorMessage, isRecord } from '../../lib/types';
import type { HumandServerNode } from '../humand-server/types';
import type { IdentityMapDef } from './types';
import { clampedNumber } from '../../lib/config';

/** How long events wait for the very first directory load before being handled with what there is. */
const FIRST_LOAD_WAIT_MS = 30_000;
const STATUS_THROTTLE_MS = 250;
/** Distinct unmapped values logged per directory refresh, so a flood of one bad id does not flood the log. */
const MAX_WARNED = 200;

function hhmm(epochMs: number | undefined): string {
    return epochMs === undefined ? '?' : shortTime(DateTime.fromMillis(epochMs));
}

export = function (RED: NodeAPI): void {
    function IdentityMap(this: Node, config: IdentityMapDef): void {
        RED.nodes.createNode(this, config);
        const node = this;
        const lookup = ['person.code', 'person.id', 'person.name', 'msg'].includes(config.lookup) ? config.lookup : 'person.code';
        const lookupPath = (config.lookupPath || '').trim().replace(/^msg\./, '');
        const fieldLabel = lookup === 'msg' ? 'msg.' + lookupPath : lookup;
        const humandField: HumandField = isHumandField(config.humandField) ? config.humandField : 'employeeInternalId';
        const fallback = config.fallback === true;
        const refreshMs = clampedNumber(config.refresh, 60, 1) * 60_000;
        const store = (config.store || '').trim();
        const rows = Array.isArray(config.table) ? config.table : [];
        const entries = rows.map((r) => ({
            source: isRecord(r) && (typeof r.source === 'string' || typeof r.source === 'number') ? String(r.source) : '',
            target: isRecord(r) && (typeof r.target === 'string' || typeof r.target === 'number') ? String(r.target) : '',
        }));
        const table = buildTable(entries);
        const health = new HealthTracker();
        const server = config.server ? (RED.nodes.getNode(config.server) as HumandServerNode | null) : null;
        let closed = false;
        let statusTimer: NodeJS.Timeout | undefined;
        let gateTimer: NodeJS.Timeout | undefined;
        let warned = new Set<string>();
        let warnedFor: number | undefined;
        let setupError: string | undefined;
        let service: DirectoryService | undefined;
        /** Refreshes asked for by msg.topic "refresh": their failure goes to done(err), not a second node.error. */
        let manualRefreshes = 0;

        const issues = validateTable(entries).filter((i) => i.kind !== 'duplicate');
        if (issues.length > 0) {
            node.warn(RED._('identity-map.warn.tableIssues', { count: String(issues.length) }));
        }
        if (lookup === 'msg' && lookupPath === '') setupError = RED._('identity-map.errors.noPath');

        function setStatus(): void {
            if (closed) return;
            if (setupError) {
                node.status({ fill: 'red', shape: 'ring', text: setupError });
                return;
            }
            const st = service?.state();
            const parts: string[] = [];
            if (table.size > 0) parts.push(RED._('identity-map.status.table', { count: String(table.size) }));
            if (st?.directory) {
                parts.push(
                    RED._(service?.failing ? 'identity-map.status.directoryFrom' : 'identity-map.status.directory', {
                        count: String(st.directory.size),
                        time: hhmm(st.refreshedAt),
                    }),
                );
            }
            if (fallback) parts.push(RED._('identity-map.status.fallback'));
            const summary = parts.join(' · ');
            if (service && !st?.directory && !service.failing) {
                node.status({ fill: 'grey', shape: 'ring', text: RED._('identity-map.status.loading') + (summary ? ' · ' + summary : '') });
            } else if (service?.failing) {
                const error = (st?.lastError ?? '').slice(0, 60);
                if (parts.length === 0) {
                    node.status({ fill: 'red', shape: 'ring', text: RED._('identity-map.status.failed', { error }) });
                } else {
                    node.status({ fill: 'yellow', shape: 'ring', text: RED._('identity-map.status.refreshFailed', { error }) + ' · ' + summary });
                }
            } else if (parts.length === 0) {
                node.status({ fill: 'red', shape: 'ring', text: RED._('identity-map.status.noSource') });
            } else {
                node.status({ fill: 'green', shape: 'dot', text: summary });
            }
        }

        function scheduleStatus(): void {
            if (statusTimer || closed) return;
            statusTimer = setTimeout(() => {
                statusTimer = undefined;
                setStatus();
            }, STATUS_THROTTLE_MS);
        }

        function refreshError(message: string): string {
            const st = service?.state();
            return RED._('identity-map.errors.refresh', {
                error: message,
                kept: st?.directory ? RED._('identity-map.errors.kept', { count: String(st.directory.size), time: hhmm(st.refreshedAt) }) : '',
            });
        }

        if (config.server && !server) {
            setupError = RED._('identity-map.errors.serverMissing');
        } else if (server) {
            const contextStorage = (RED.settings as unknown as { contextStorage?: unknown }).contextStorage;
            if (!storeExists(contextStorage, store)) node.warn(RED._('identity-map.warn.unknownStore', { store }));
            else if (!isPersistentStore(contextStorage, store)) node.log(RED._('identity-map.warn.notPersistent'));
            service = new DirectoryService({
                store: contextStore(node.context().global as unknown as NodeRedContext, store),
                key: `attendanceBridge_identity_${safeKey(node.id)}_directory`,
                namespace: server.stateNamespace ?? '',
                field: humandField,
                refreshMs,
                source: () => server.getClient(),
                onChange: scheduleStatus,
                onRefreshError: (message) => {
                    health.failure(message);
                    if (manualRefreshes === 0) node.error(refreshError(message), { topic: 'refresh', payload: message });
                },
                onCacheError: (message) => node.warn(RED._('identity-map.warn.cache', { error: message })),
            });
        }

        // Events wait (bounded) for the first directory load; one shared gate keeps them in order.
        const gate: Promise<void> = service
            ? Promise.race([
                  service.ready,
                  new Promise<void>((resolve) => {
                      gateTimer = setTimeout(resolve, FIRST_LOAD_WAIT_MS);
                  }),
              ]).then(() => {
                  if (gateTimer) clearTimeout(gateTimer);
                  gateTimer = undefined;
              })
            : Promise.resolve();
        setStatus();

        registerHealth(node.id, () => {
            const st = service?.state();
            const details: Record<string, string | number | boolean> = { tableSize: table.size, fallback, lookup: fieldLabel, humandField };
            if (st?.directory) {
                details.directorySize = st.directory.size;
                details.inactive = st.directory.inactive;
                details.ambiguousKeys = st.directory.ambiguousKeys;
            }
            if (st?.refreshedAt !== undefined) details.refreshedAt = new Date(st.refreshedAt).toISOString();
            if (st?.origin) details.directoryFrom = st.origin;
            return {
                id: node.id,
                type: 'identity-map',
                name: node.name || 'identity-map',
                lastSuccess: st?.lastSuccess ?? health.lastSuccess,
                cursor: st?.refreshedAt !== undefined ? new Date(st.refreshedAt).toISOString() : undefined,
                nextRetryAt: st?.nextRefreshAt,
                lastError: setupError ?? st?.lastError ?? health.lastError,
                lastErrorAt: st?.lastErrorAt ?? health.lastErrorAt,
                failingSince: st?.failingSince,
                counts: { ...health.counts },
                details,
            };
        });

        function reason(result: UnmappedResult): string {
            const key = `identity-map.reason.${result.detail}`;
            const text = RED._(key, result.params);
            return text && text !== key ? text : reasonText(result);
        }

        function lookupOf(msg: NodeMessageInFlow, payload: Record<string, unknown>): LookupResult {
            const st = service?.state();
            let raw: unknown;
            if (lookup === 'msg') {
                try {
                    raw = RED.util.getMessageProperty(msg, lookupPath);
                } catch (err) {
                    return { ok: false, code: 'invalid', detail: 'badPath', params: { field: lookupPath, error: errorMessage(err) } };
                }
            } else {
                const person = payload.person;
                raw = isRecord(person) ? person[lookup.slice('person.'.length)] : undefined;
            }
            return resolveIdentity(raw, fieldLabel, { table, directory: st?.directory, fallback });
        }

        function handle(msg: NodeMessageInFlow, send: (m: Array<NodeMessage | null>) => void): void {
            const out = msg as NodeMessageInFlow & Record<string, unknown>;
            const result: LookupResult = isRecord(msg.payload)
                ? lookupOf(msg, msg.payload)
                : { ok: false, code: 'invalid', detail: 'notEvent', params: {} };
            if (result.ok) {
                health.success();
                health.count('mapped');
                health.count(result.via);
                out.payload = { ...(msg.payload as Record<string, unknown>), employeeId: result.employeeId };
                out.topic = result.employeeId;
                out.identity = result.humandUser ? { via: result.via, humandUser: result.humandUser } : { via: result.via };
                send([out, null]);
                return;
            }
            health.count(result.code);
            out.reason = reason(result);
            const refreshedAt = service?.state().refreshedAt;
            if (refreshedAt !== warnedFor) {
                // A new directory: log each distinct problem once again.
                warned = new Set();
                warnedFor = refreshedAt;
            }
            out.reasonCode = result.code;
            const warnKey = result.code + '|' + (result.params.value ?? result.detail);
            if (!warned.has(warnKey) && warned.size < MAX_WARNED) {
                warned.add(warnKey);
                node.warn(out.reason);
            }
            send([null, out]);
        }

        node.on('input', (msg: NodeMessageInFlow, send: (m: NodeMessage | Array<NodeMessage | null>) => void, done: (err?: Error) => void) => {
            const payload = msg.payload;
            if (msg.topic === 'refresh' && !(isRecord(payload) && isRecord(payload.person))) {
                if (!service) {
                    done(new Error(setupError ?? RED._('identity-map.errors.noServer')));
                    return;
                }
                manualRefreshes++;
                service.refresh().then(
                    () => {
                        manualRefreshes--;
                        done();
                    },
                    (err: unknown) => {
                        manualRefreshes--;
                        done(new Error(refreshError(errorMessage(err))));
                    },
                );
                return;
            }
            if (setupError) {
                // A configuration problem: the event still leaves on output 2, and Catch nodes see the error.
                const out = msg as NodeMessageInFlow & Record<string, unknown>;
                out.reason = setupError;
                out.reasonCode = 'invalid';
                health.count('invalid');
                send([null, out]);
                done(new Error(setupError));
                return;
            }
            gate.then(() => {
                try {
                    handle(msg, send);
                    scheduleStatus();
                    done();
                } catch (err) {
                    done(err instanceof Error ? err : new Error(errorMessage(err)));
                }
            });
        });

        node.on('close', (_removed: boolean, done: () => void) => {
            closed = true;
            if (statusTimer) clearTimeout(statusTimer);
            if (gateTimer) clearTimeout(gateTimer);
            statusTimer = undefined;
            gateTimer = undefined;
            service?.close();
            unregisterHealth(node.id);
            done();
        });
    }

    RED.nodes.registerType('identity-map', IdentityMap as unknown as Parameters<NodeAPI['nodes']['registerType']>[1]);

    // The editor's CSV import: one parser for editor and tests (quoted fields, BOM, ";" or ",").
    RED.httpAdmin.post('/attendance-bridge/identity-map/csv', RED.auth.needsPermission('identity-map.write'), (req: Request, res: Response) => {
        try {
            const body = isRecord(req.body) ? req.body : {};
            const text = typeof body.text === 'string' ? body.text : '';
            const sep = body.separator === ';' || body.separator === ',' || body.separator === '\t' ? (body.separator as Separator) : undefined;
            const parsed = parseMappingCsv(text, sep);
            res.json({ ok: true, ...parsed, issues: validateTable(parsed.entries) });
        } catch (err) {
            res.json({ ok: false, message: errorMessage(err) });
        }
    });
};
