/**
 * hysecure-sessions: polls the HySecure sessions report and emits one attendance event per user and
 * report day: "in" at the first login as soon as it is seen, "out" at the last logout once the day is
 * closed. A thin adapter: the day logic (lib/hysecure/days), row validation (rows), one poll (poll), the
 * emitted-id memory (state) and the loop (lib/kit/poll-loop) do the work.
 */
import type { NodeAPI, Node, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { contextStore, NodeRedContext } from '../../lib/context';
import { HealthTracker } from '../../lib/health';
import type { HySecureClient } from '../../lib/hysecure/client';
import { readSessionsOptions, SessionsProperties } from '../../lib/hysecure/options';
import { backfillRange, commit, countProblems, DayRange, pollOnce, PollResult } from '../../lib/hysecure/poll';
import { emittedPrefix, EmittedIds, heldKey } from '../../lib/hysecure/state';
import { attachHealth } from '../../lib/kit/health';
import { migrateNodeConfig } from '../../lib/kit/migrate';
import { PollLoop } from '../../lib/kit/poll-loop';
import { NodeStatus } from '../../lib/kit/status';
import { checkStore } from '../../lib/kit/store';
import { clockTime, isValidZone } from '../../lib/time';
import { errorMessage } from '../../lib/types';
import type { HySecureServerNode } from '../hysecure-server/types';
import { MIGRATIONS } from './migrations';

type HySecureSessionsDef = NodeDef & SessionsProperties & { server: string };
const MAX_LOGGED_PROBLEMS = 500;
type Send = (msgs: NodeMessage[]) => void;

export = function (RED: NodeAPI): void {
    function HySecureSessions(this: Node, props: HySecureSessionsDef): void {
        RED.nodes.createNode(this, props);
        const node = this;
        const config = migrateNodeConfig(node, props as HySecureSessionsDef & Record<string, unknown>, MIGRATIONS);
        const server = RED.nodes.getNode(config.server) as HySecureServerNode | null;
        const o = readSessionsOptions(config);
        const cfg = o.config;
        const health = new HealthTracker();
        const status = new NodeStatus(node);
        const loggedProblems = new Set<string>();
        let fatal: string | undefined;
        let client: HySecureClient | undefined;
        let emitted: EmittedIds | undefined;
        let lastRange: DayRange | undefined;
        let lastStats = { open: 0, waitingLogout: 0, held: 0, problems: 0 };

        if (!server) fatal = RED._('hysecure-sessions.status.noServer');
        else if (!isValidZone(cfg.zone)) fatal = RED._('hysecure-sessions.status.badZone', { zone: cfg.zone });
        else if (!o.validStartOfDay) fatal = RED._('hysecure-sessions.status.badStartOfDay', { value: String(config.startOfDay) });
        else if (o.problem) {
            // Settings that can never emit an "out": refused, said once, no poll.
            fatal = RED._(`hysecure-sessions.status.${o.problem.key}`, o.problem.args);
            node.error(fatal, { topic: 'hysecure', payload: { error: fatal } });
        }
        else {
            const built = server.createClient();
            if (typeof built === 'string') fatal = built;
            else client = built;
            cfg.deviceName = server.displayName || undefined;
        }
        checkStore(RED, node, 'hysecure-sessions', o.store);
        if (fatal) status.set('red', 'ring', fatal);
        else status.set('grey', 'ring', RED._('hysecure-sessions.status.starting'));

        attachHealth(node, () => ({
            id: node.id, type: 'hysecure-sessions', name: node.name || 'hysecure-sessions',
            lastSuccess: health.lastSuccess, cursor: lastRange ? `${lastRange.startDate}..${lastRange.endDate}` : undefined,
            lastError: fatal ?? health.lastError, lastErrorAt: health.lastErrorAt, failingSince: health.failingSince, counts: { ...health.counts },
            details: { zone: cfg.zone, startOfDay: cfg.startOfDay, openDays: lastStats.open, waitingLogout: lastStats.waitingLogout, heldEvents: lastStats.held, badRows: lastStats.problems, rememberedIds: emitted?.size ?? 0 },
        }));

        function logProblems(result: PollResult): void {
            for (const p of result.problems) {
                if (loggedProblems.has(p.message)) continue;
                if (loggedProblems.size >= MAX_LOGGED_PROBLEMS) loggedProblems.clear();
                loggedProblems.add(p.message);
                node.warn(`${RED._('hysecure-sessions.warn.badRow')} ${p.message}`);
            }
        }

        /** One poll (or back-fill) sending through `send`; rejects with a secret-free error. */
        async function run(range: DayRange | undefined, send: Send, signal: AbortSignal): Promise<void> {
            if (!client || !emitted) throw new Error(fatal ?? RED._('hysecure-sessions.status.noServer'));
            health.count('polls');
            const result = await pollOnce(client, emitted, cfg, Date.now(), range, signal);
            if (loop.closing) return;
            const backfill = range !== undefined;
            if (!backfill) lastRange = result.range;
            const { bad, duplicates } = countProblems(result.problems);
            lastStats = { open: result.stats.open, waitingLogout: result.stats.waitingLogout, held: result.held.length, problems: bad };
            logProblems(result);
            if (result.events.length > 0) send(result.events.map((p) => ({ topic: p.event.person.id, payload: p.event, ...(backfill ? { backfill: true } : {}) }) as NodeMessage));
            for (const e of result.events) health.count(e.event.direction === 'in' ? 'in' : 'out');
            if (bad > 0) health.count('badRows', bad);
            if (duplicates > 0) health.count('duplicateRows', duplicates);
            try {
                await commit(emitted, result.events, Date.now(), cfg, { range: result.range, held: result.held });
            } catch (err) {
                health.failure(errorMessage(err));
                status.set('yellow', 'ring', RED._('hysecure-sessions.status.storeFailed'));
                node.error(RED._('hysecure-sessions.errors.save', { error: errorMessage(err) }), { topic: 'hysecure', payload: { error: errorMessage(err) } });
                return;
            }
            health.success();
            const args = { time: clockTime(Date.now(), cfg.zone), events: String(result.events.length), rows: String(result.rows), bad: String(bad) };
            if (bad > 0) status.set('yellow', 'ring', RED._('hysecure-sessions.status.okBadRows', args));
            else status.set('green', 'dot', RED._(backfill ? 'hysecure-sessions.status.backfilled' : 'hysecure-sessions.status.ok', args));
        }

        function fail(err: unknown): string {
            const message = errorMessage(err);
            health.failure(message);
            health.count('failures');
            status.set('red', 'ring', message.length > 60 ? message.slice(0, 57) + '…' : message);
            return message;
        }

        const loop = new PollLoop({
            intervalMs: o.intervalMs,
            poll: (signal) => run(undefined, (msgs) => node.send([msgs] as unknown as NodeMessage), signal),
            onFailure: (err, _failures, manual) => {
                if (manual) return; // the input's done() reports it
                const message = fail(err);
                node.error(message, { topic: 'hysecure', payload: { error: message } });
            },
        });

        if (!fatal) {
            const ids = new EmittedIds(contextStore(node.context().global as unknown as NodeRedContext, o.store), emittedPrefix(node.id), heldKey(node.id));
            emitted = ids;
            loop.run(() => ids.load()).then(
                () => loop.start(0),
                (err: unknown) => {
                    fatal = RED._('hysecure-sessions.status.storeFailed');
                    status.set('red', 'ring', fatal);
                    node.error(RED._('hysecure-sessions.errors.load', { error: errorMessage(err) }), { topic: 'hysecure', payload: { error: errorMessage(err) } });
                },
            );
        }

        node.on('input', (msg: NodeMessageInFlow, send: (m: Array<NodeMessage | NodeMessage[] | null>) => void, done: (err?: Error) => void) => {
            if (fatal) return done(new Error(fatal));
            const payload = msg.payload as unknown;
            const toInput: Send = (msgs) => send([msgs]);
            // A payload {from, to} back-fills; anything else (msg.topic "poll", an inject node's timestamp) polls now.
            if (typeof payload === 'object' && payload !== null && ('from' in payload || 'to' in payload)) {
                const range = backfillRange(payload, Date.now(), cfg);
                if (typeof range === 'string') return done(new Error(RED._('hysecure-sessions.errors.badRange', { reason: range })));
                loop.run((signal) => run(range, toInput, signal)).then(() => done(), (err: unknown) => done(new Error(fail(err))));
                return;
            }
            loop.pollNow((signal) => run(undefined, toInput, signal)).then(() => done(), (err: unknown) => done(new Error(fail(err))));
        });

        node.on('close', (_removed: boolean, done: () => void) => {
            status.close();
            void loop.close().then(() => {
                client?.destroy();
                client = undefined;
                done();
            });
        });
    }

    RED.nodes.registerType('hysecure-sessions', HySecureSessions as unknown as Parameters<NodeAPI['nodes']['registerType']>[1]);
};
