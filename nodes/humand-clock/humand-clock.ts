/**
 * humand-clock: sends each attendance event to Humand as one clock-in or clock-out, exactly once and
 * in order per employee. A thin adapter: validation (lib/humand/input), the rules (lib/humand/rules)
 * and the persisted outbox (lib/humand/outbox, owned by the humand-server config node) do the work.
 */
import type { NodeAPI, Node, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { isPersistentStore, storeExists } from '../../lib/context';
import { HealthTracker, registerHealth, unregisterHealth } from '../../lib/health';
import { registerHealthRoutes } from '../../lib/health-routes';
import { DEFAULT_COMMENT, renderComment } from '../../lib/humand/comment';
import { Outbox, OutboxResult } from '../../lib/humand/outbox';
import { checkInput } from '../../lib/humand/input';
import { DEFAULT_RULES, NullDirectionPolicy, RuleOptions, SameDirectionPolicy } from '../../lib/humand/rules';
import { parseOffsetTime, shortTime } from '../../lib/time';
import { errorMessage } from '../../lib/types';
import type { HumandServerNode } from '../humand-server/types';
import { clampedNumber } from '../../lib/config';

interface HumandClockDef extends NodeDef {
    server: string;
    store: string;
    debounce: number | string;
    futureTolerance: number | string;
    nullDirection: string;
    sameDirection: string;
    concurrency: number | string;
    comment: string;
    dryRun: boolean;
}

const STATUS_THROTTLE_MS = 250;

export = function (RED: NodeAPI): void {
    function HumandClock(this: Node, config: HumandClockDef): void {
        RED.nodes.createNode(this, config);
        const node = this;
        const server = RED.nodes.getNode(config.server) as HumandServerNode | null;
        const store = (config.store || '').trim();
        const dryRun = config.dryRun === true;
        const rules: RuleOptions = {
            debounceMs: clampedNumber(config.debounce, DEFAULT_RULES.debounceMs / 1000, 0) * 1000,
            futureToleranceMs: clampedNumber(config.futureTolerance, DEFAULT_RULES.futureToleranceMs / 1000, 0) * 1000,
            nullDirection: (config.nullDirection === 'reject' ? 'reject' : 'toggle') as NullDirectionPolicy,
            sameDirection: (config.sameDirection === 'drop' ? 'drop' : 'send') as SameDirectionPolicy,
        };
        const template = typeof config.comment === 'string' && config.comment.trim() !== '' ? config.comment : DEFAULT_COMMENT;
        const concurrency = Math.floor(clampedNumber(config.concurrency, 4, 1));
        const health = new HealthTracker();
        let statusTimer: NodeJS.Timeout | undefined;
        let closed = false;
        let fatal: string | undefined;
        let outbox: Outbox | undefined;

        const contextStorage = (RED.settings as unknown as { contextStorage?: unknown }).contextStorage;
        if (!storeExists(contextStorage, store)) {
            node.warn(RED._('humand-clock.warn.unknownStore', { store }));
        }
        if (!isPersistentStore(contextStorage, store)) {
            node.warn(RED._('humand-clock.warn.notPersistent'));
        }

        function setStatus(): void {
            if (closed) return;
            if (fatal) {
                node.status({ fill: 'red', shape: 'ring', text: fatal });
                return;
            }
            if (!outbox) return;
            const s = outbox.stats();
            const prefix = dryRun ? RED._('humand-clock.status.dryRun') + ' · ' : '';
            if (s.paused) {
                node.status({ fill: 'red', shape: 'ring', text: prefix + RED._('humand-clock.status.authFailed', { queued: String(s.queued) }) });
            } else if (s.queued > 0 && s.nextRetryAt !== undefined && s.inFlight === 0) {
                const secs = Math.max(0, Math.ceil((s.nextRetryAt - Date.now()) / 1000));
                node.status({ fill: 'yellow', shape: 'ring', text: prefix + RED._('humand-clock.status.retry', { queued: String(s.queued), secs: String(secs) }) });
            } else if (s.queued > 0) {
                node.status({ fill: 'blue', shape: 'dot', text: prefix + RED._('humand-clock.status.sending', { queued: String(s.queued) }) });
            } else if (s.last) {
                const parsed = parseOffsetTime(s.last.time);
                node.status({ fill: 'green', shape: 'dot', text: `${prefix}${s.last.action} · ${s.last.name} · ${parsed ? shortTime(parsed.dt) : ''}` });
            } else {
                node.status({ fill: 'green', shape: 'ring', text: prefix + RED._('humand-clock.status.ready') });
            }
        }

        function scheduleStatus(): void {
            if (statusTimer || closed) return;
            statusTimer = setTimeout(() => {
                statusTimer = undefined;
                setStatus();
            }, STATUS_THROTTLE_MS);
        }

        function resultMessage(result: OutboxResult): NodeMessage {
            const msg: NodeMessage & Record<string, unknown> = {
                topic: result.item.meta.topic ?? result.item.employeeId,
                payload: { ...result.item.event },
            };
            if (result.item.meta.msgid) msg._msgid = result.item.meta.msgid;
            if (result.item.meta.backfill) msg.backfill = true;
            if (result.humand) msg.humand = result.humand;
            return msg;
        }

        function onResult(result: OutboxResult): void {
            const msg = resultMessage(result) as NodeMessage & Record<string, unknown>;
            if (result.delivered) {
                health.success();
                health.count(result.kind === 'dry-run' ? 'dryRun' : 'delivered');
                (msg.payload as Record<string, unknown>).humand = result.humand ?? { status: 0 };
                node.send([msg, null]);
            } else {
                msg.reason = result.reason;
                msg.reasonCode = result.code;
                if (result.kind === 'skipped') {
                    health.count('skipped');
                } else {
                    health.count('failed');
                    health.failure(result.reason ?? 'rejected');
                    node.error(result.reason ?? 'rejected', msg);
                }
                node.send([null, msg]);
            }
            scheduleStatus();
        }

        if (!server) {
            fatal = RED._('humand-clock.status.noServer');
        } else {
            const client = server.getClient();
            if (typeof client === 'string' && !dryRun) fatal = client;
            try {
                outbox = server.getOutbox(store, dryRun, { concurrency });
                outbox.attach(node.id, onResult);
                outbox.on('change', scheduleStatus);
                outbox.whenStarted().then(
                    () => scheduleStatus(),
                    (err: unknown) => {
                        fatal = RED._('humand-clock.status.storeFailed');
                        node.error(RED._('humand-clock.errors.load', { error: errorMessage(err) }), { topic: 'outbox', payload: errorMessage(err) });
                        setStatus();
                    },
                );
            } catch (err) {
                fatal = errorMessage(err);
            }
        }
        setStatus();

        registerHealth(node.id, () => {
            const s = outbox?.stats();
            return {
                id: node.id,
                type: 'humand-clock',
                name: node.name || 'humand-clock',
                lastSuccess: health.lastSuccess,
                queue: s?.queued ?? 0,
                oldestQueuedAt: s?.oldestQueuedAt,
                paused: s?.paused !== undefined || fatal !== undefined,
                nextRetryAt: s?.nextRetryAt,
                lastError: fatal ?? s?.paused?.message ?? s?.lastError ?? health.lastError,
                lastErrorAt: health.lastErrorAt,
                failingSince: health.failingSince,
                counts: { ...health.counts },
                details: { dryRun, inFlight: s?.inFlight ?? 0 },
            };
        }, () => outbox?.retryNow());

        node.on('input', (msg: NodeMessageInFlow, send: (m: NodeMessage | Array<NodeMessage | null>) => void, done: (err?: Error) => void) => {
            if (msg.topic === 'retry') {
                outbox?.retryNow();
                done();
                return;
            }
            const check = checkInput(msg.payload);
            if (!check.ok) {
                health.count('invalid');
                send([null, { ...msg, reason: check.reason, reasonCode: 'invalid-input' } as NodeMessage]);
                done();
                return;
            }
            if (!outbox || fatal) {
                const reason = fatal ?? RED._('humand-clock.status.noServer');
                done(new Error(reason));
                return;
            }
            const event = check.event;
            const backfill = (msg as Record<string, unknown>).backfill === true;
            outbox
                .enqueue(
                    event,
                    { origin: node.id, topic: typeof msg.topic === 'string' ? msg.topic : event.employeeId, msgid: msg._msgid, backfill },
                    rules,
                    renderComment(template, event),
                )
                .then((res) => {
                    if (!res.queued) {
                        health.count('skipped');
                        send([null, { ...msg, reason: res.reason, reasonCode: res.code } as NodeMessage]);
                    }
                    scheduleStatus();
                    done();
                })
                .catch((err: unknown) => {
                    health.failure(errorMessage(err));
                    done(err instanceof Error ? err : new Error(errorMessage(err)));
                });
        });

        node.on('close', (_removed: boolean, done: () => void) => {
            closed = true;
            if (statusTimer) clearTimeout(statusTimer);
            statusTimer = undefined;
            unregisterHealth(node.id);
            if (outbox) {
                outbox.detach(node.id);
                outbox.off('change', scheduleStatus);
            }
            done();
        });
    }

    registerHealthRoutes(RED);
    RED.nodes.registerType('humand-clock', HumandClock as unknown as Parameters<NodeAPI['nodes']['registerType']>[1]);
};
