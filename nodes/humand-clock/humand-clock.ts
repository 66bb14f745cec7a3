/**
 * humand-clock: sends each attendance event to Humand as one clock-in or clock-out, exactly once and
 * in order per employee. A thin adapter: validation (lib/humand/input), the rules (lib/humand/rules)
 * and the persisted outbox (lib/humand/outbox, owned by the humand-server config node) do the work.
 */
import type { NodeAPI, Node, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { HealthTracker } from '../../lib/health';
import { registerHealthRoutes } from '../../lib/health-routes';
import { renderComment } from '../../lib/humand/comment';
import { Outbox, OutboxResult } from '../../lib/humand/outbox';
import { journalOf } from '../../lib/journal';
import { JournalLink } from '../../lib/journal/link';
import { registerJournalRoutes } from '../../lib/journal/routes';
import { checkInput } from '../../lib/humand/input';
import { readClockOptions } from '../../lib/humand/options';
import { isCommand } from '../../lib/kit/command';
import { clockHealth, clockStatus, resultMessage } from '../../lib/humand/status';
import { attachHealth } from '../../lib/kit/health';
import { migrateNodeConfig } from '../../lib/kit/migrate';
import { NodeStatus, StatusValue } from '../../lib/kit/status';
import { checkStore } from '../../lib/kit/store';
import { errorMessage } from '../../lib/types';
import type { HumandServerNode } from '../humand-server/types';
import { MIGRATIONS } from './migrations';

interface HumandClockDef extends NodeDef {
    server: string;
    store: string;
    debounce: number | string;
    futureTolerance: number | string;
    maxFuture: number | string;
    newShiftAfter: number | string;
    nullDirection: string;
    sameDirection: string;
    concurrency: number | string;
    comment: string;
    dryRun: boolean;
}

export = function (RED: NodeAPI): void {
    function HumandClock(this: Node, def: HumandClockDef): void {
        RED.nodes.createNode(this, def);
        const node = this;
        const config = migrateNodeConfig(node, def as unknown as HumandClockDef & Record<string, unknown>, MIGRATIONS);
        const server = RED.nodes.getNode(config.server) as HumandServerNode | null;
        const { store, dryRun, rules, template, concurrency, problems } = readClockOptions(config);
        // A value out of range (a flow edited by hand, or deployed despite the editor): its default applies.
        for (const p of problems) node.warn(RED._(p.key, p.data));
        const health = new HealthTracker();
        /** Events are refused (no humand-server at all, or the outbox could not be created). */
        let fatal: string | undefined;
        /** Events are stored but nothing is sent: the Humand client cannot be built (no API key, bad URL). */
        let unsendable: string | undefined;
        let outbox: Outbox | undefined;

        checkStore(RED, node, 'humand-clock', store);
        // Replayed records come in again as messages: the normal rules, the outbox and Humand's duplicate rule apply.
        const journal = new JournalLink(RED, { id: node.id, type: 'humand-clock' }, (item) => node.receive({ payload: item.event, topic: item.topic ?? item.employeeId } as NodeMessageInFlow), () => status.update());
        const t = (key: string, data?: Record<string, string>): string => RED._(key, data);

        const status = new NodeStatus(node, (): StatusValue | undefined => {
            if (fatal) return { fill: 'red', shape: 'ring', text: fatal };
            if (!outbox) return undefined;
            if (unsendable) {
                return { fill: 'red', shape: 'ring', text: RED._('humand-clock.status.notSending', { reason: unsendable, queued: String(outbox.stats().queued) }) };
            }
            const s = clockStatus(outbox.stats(), Date.now());
            const prefix = dryRun ? RED._('humand-clock.status.dryRun') + ' · ' : '';
            return { fill: s.fill, shape: s.shape, text: prefix + (s.key ? RED._(`humand-clock.status.${s.key}`, s.data) : s.text ?? '') + journal.statusSuffix(t, 'humand-clock') };
        });
        const scheduleStatus = (): void => status.update();

        function onResult(result: OutboxResult): void {
            journal.result(result);
            const { output, msg } = resultMessage(result);
            if (result.delivered) {
                health.success();
                health.count(result.kind === 'dry-run' ? 'dryRun' : 'delivered');
            } else if (result.kind === 'skipped') {
                health.count('skipped');
            } else {
                health.count('failed');
                health.failure(result.reason ?? 'rejected');
                node.error(result.reason ?? 'rejected', msg);
            }
            node.send(output === 0 ? [msg as NodeMessage, null] : [null, msg as NodeMessage]);
            scheduleStatus();
        }

        if (!server) {
            fatal = RED._('humand-clock.status.noServer');
        } else {
            // The outbox stores events and pauses while there is no client; a re-deploy with a fixed config sends them.
            const client = server.getClient();
            if (typeof client === 'string' && !dryRun) unsendable = client;
            try {
                outbox = server.getOutbox(store, dryRun, { concurrency });
                outbox.attach(node.id, onResult);
                outbox.on('change', scheduleStatus);
                journal.follow(outbox);
                outbox.whenStarted().then(
                    () => scheduleStatus(),
                    (err: unknown) => {
                        fatal = RED._('humand-clock.status.storeFailed');
                        node.error(RED._('humand-clock.errors.load', { error: errorMessage(err) }), { topic: 'outbox', payload: errorMessage(err) });
                        status.refresh();
                    },
                );
            } catch (err) {
                fatal = errorMessage(err);
            }
        }
        status.refresh();

        attachHealth(
            node,
            () => {
                const info = clockHealth(node, outbox?.stats(), health, fatal ?? unsendable, dryRun);
                return { ...info, details: { ...info.details, parked: journal.parked() } };
            },
            () => outbox?.retryNow(),
        );

        node.on('input', (msg: NodeMessageInFlow, send: (m: NodeMessage | Array<NodeMessage | null>) => void, done: (err?: Error) => void) => {
            if (journal.takeCommand(msg, done)) return;
            if (isCommand(msg, 'retry')) {
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
                journal.notAccepted(check.event, reason);
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
                    if (res.queued) journal.record('queued', event, { detail: 'taken into the outbox', outcome: 'pending', onlyFirst: true });
                    else {
                        journal.record('skipped', event, { detail: res.reason, outcome: 'skipped', reasonCode: res.code });
                        health.count('skipped');
                        send([null, { ...msg, reason: res.reason, reasonCode: res.code } as NodeMessage]);
                    }
                    scheduleStatus();
                    done();
                })
                .catch((err: unknown) => {
                    journal.notAccepted(event, errorMessage(err));
                    health.failure(errorMessage(err));
                    done(err instanceof Error ? err : new Error(errorMessage(err)));
                });
        });

        node.on('close', (_removed: boolean, done: () => void) => {
            status.close();
            if (outbox) {
                outbox.detach(node.id);
                outbox.off('change', scheduleStatus);
            }
            void journal.close().then(() => done());
        });
    }

    registerJournalRoutes(RED, () => journalOf(RED));
    registerHealthRoutes(RED);
    RED.nodes.registerType('humand-clock', HumandClock as unknown as Parameters<NodeAPI['nodes']['registerType']>[1]);
};
