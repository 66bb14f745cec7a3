/**
 * hysecure-sessions: polls the HySecure sessions report and emits one attendance event per user and
 * report day: "in" at the first login as soon as it is seen, "out" at the last logout once the day is
 * closed. A thin adapter: the day logic (lib/hysecure/days), row validation (rows), the client (client)
 * and the emitted-id memory (state) do the work.
 */
import type { NodeAPI, Node, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { contextStore, isPersistentStore, NodeRedContext, storeExists } from '../../lib/context';
import { HealthTracker, registerHealth, unregisterHealth } from '../../lib/health';
import { ALL_USERS } from '../../lib/hysecure/api';
import type { HySecureClient } from '../../lib/hysecure/client';
import { PlannedEvent } from '../../lib/hysecure/days';
import { backfillRange, commit, DayRange, normaliseStartOfDay, pollOnce, PollResult, SessionsConfig } from '../../lib/hysecure/poll';
import { emittedPrefix, EmittedIds } from '../../lib/hysecure/state';
import { isValidZone } from '../../lib/time';
import { errorMessage } from '../../lib/types';
import type { HySecureServerNode } from '../hysecure-server/types';
import { clampedNumber } from '../../lib/config';

interface HySecureSessionsDef extends NodeDef {
    server: string;
    interval: number | string;
    days: number | string;
    userName: string;
    startOfDay: string;
    timezone: string;
    closeGrace: number | string;
    store: string;
}

function hostZone(): string {
    try {
        return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    } catch {
        return 'UTC';
    }
}

const MAX_LOGGED_PROBLEMS = 500;

function hhmm(ms: number, zone: string): string {
    return new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: zone, hour12: false });
}

export = function (RED: NodeAPI): void {
    function HySecureSessions(this: Node, config: HySecureSessionsDef): void {
        RED.nodes.createNode(this, config);
        const node = this;
        const server = RED.nodes.getNode(config.server) as HySecureServerNode | null;
        const store = (config.store || '').trim();
        const intervalMs = clampedNumber(config.interval, 300, 10) * 1000;
        const zone = (config.timezone || '').trim() || hostZone();
        const startOfDay = normaliseStartOfDay(config.startOfDay);
        const health = new HealthTracker();
        const loggedProblems = new Set<string>();
        let fatal: string | undefined;
        let client: HySecureClient | undefined;
        let emitted: EmittedIds | undefined;
        let timer: NodeJS.Timeout | undefined;
        let closing = false;
        let abort: AbortController | undefined;
        let chain: Promise<unknown> = Promise.resolve();
        let lastRange: DayRange | undefined;
        let lastStats = { open: 0, waitingLogout: 0, problems: 0 };

        const cfg: SessionsConfig = {
            zone,
            startOfDay: startOfDay ?? '00:00:00',
            closeGraceMs: clampedNumber(config.closeGrace, 30, 0) * 60 * 1000,
            days: Math.floor(clampedNumber(config.days, 2, 0)),
            userName: typeof config.userName === 'string' && config.userName.trim() !== '' ? config.userName.trim() : ALL_USERS,
        };

        if (!server) fatal = RED._('hysecure-sessions.status.noServer');
        else if (!isValidZone(zone)) fatal = RED._('hysecure-sessions.status.badZone', { zone });
        else if (!startOfDay) fatal = RED._('hysecure-sessions.status.badStartOfDay', { value: String(config.startOfDay) });
        else {
            const built = server.createClient();
            if (typeof built === 'string') fatal = built;
            else client = built;
            cfg.deviceName = server.displayName || undefined;
        }

        const contextStorage = (RED.settings as unknown as { contextStorage?: unknown }).contextStorage;
        if (!storeExists(contextStorage, store)) node.warn(RED._('hysecure-sessions.warn.unknownStore', { store }));
        else if (!isPersistentStore(contextStorage, store)) node.warn(RED._('hysecure-sessions.warn.notPersistent'));

        function status(fill: 'red' | 'green' | 'yellow' | 'grey' | 'blue', shape: 'dot' | 'ring', text: string): void {
            if (!closing) node.status({ fill, shape, text });
        }

        if (fatal) status('red', 'ring', fatal);
        else status('grey', 'ring', RED._('hysecure-sessions.status.starting'));

        registerHealth(node.id, () => ({
            id: node.id,
            type: 'hysecure-sessions',
            name: node.name || 'hysecure-sessions',
            lastSuccess: health.lastSuccess,
            cursor: lastRange ? `${lastRange.startDate}..${lastRange.endDate}` : undefined,
            lastError: fatal ?? health.lastError,
            lastErrorAt: health.lastErrorAt,
            failingSince: health.failingSince,
            counts: { ...health.counts },
            details: {
                zone,
                startOfDay: cfg.startOfDay,
                openDays: lastStats.open,
                waitingLogout: lastStats.waitingLogout,
                badRows: lastStats.problems,
                rememberedIds: emitted?.size ?? 0,
            },
        }));

        function logProblems(result: PollResult): void {
            for (const p of result.problems) {
                if (loggedProblems.has(p.message)) continue;
                if (loggedProblems.size >= MAX_LOGGED_PROBLEMS) loggedProblems.clear();
                loggedProblems.add(p.message);
                node.warn(`${RED._('hysecure-sessions.warn.badRow')} ${p.message}`);
            }
        }

        function toMessage(p: PlannedEvent, backfill: boolean): NodeMessage {
            const msg: NodeMessage & Record<string, unknown> = { topic: p.event.person.id, payload: p.event };
            if (backfill) msg.backfill = true;
            return msg;
        }

        /** One poll (or back-fill). Resolves with the messages sent; rejects with a secret-free error. */
        async function run(range: DayRange | undefined, send: (msgs: NodeMessage[]) => void): Promise<void> {
            if (!client || !emitted) throw new Error(fatal ?? RED._('hysecure-sessions.status.noServer'));
            abort = new AbortController();
            health.count('polls');
            let result: PollResult;
            try {
                result = await pollOnce(client, emitted, cfg, Date.now(), range, abort.signal);
            } finally {
                abort = undefined;
            }
            if (closing) return;
            const backfill = range !== undefined;
            if (!backfill) lastRange = result.range;
            const bad = result.problems.filter((p) => p.kind !== 'duplicate' && p.kind !== 'future-login' && p.kind !== 'future-logout').length;
            lastStats = { open: result.stats.open, waitingLogout: result.stats.waitingLogout, problems: bad };
            logProblems(result);
            if (result.events.length > 0) send(result.events.map((e) => toMessage(e, backfill)));
            for (const e of result.events) health.count(e.event.direction === 'in' ? 'in' : 'out');
            if (bad > 0) health.count('badRows', bad);
            const duplicates = result.problems.filter((p) => p.kind === 'duplicate').length;
            if (duplicates > 0) health.count('duplicateRows', duplicates);
            try {
                await commit(emitted, result.events, Date.now(), cfg);
            } catch (err) {
                health.failure(errorMessage(err));
                status('yellow', 'ring', RED._('hysecure-sessions.status.storeFailed'));
                node.error(RED._('hysecure-sessions.errors.save', { error: errorMessage(err) }), { topic: 'hysecure', payload: { error: errorMessage(err) } });
                return;
            }
            health.success();
            const args = { time: hhmm(Date.now(), zone), events: String(result.events.length), rows: String(result.rows), bad: String(bad) };
            if (bad > 0) status('yellow', 'ring', RED._('hysecure-sessions.status.okBadRows', args));
            else status('green', 'dot', RED._(backfill ? 'hysecure-sessions.status.backfilled' : 'hysecure-sessions.status.ok', args));
        }

        function fail(err: unknown): string {
            const message = errorMessage(err);
            health.failure(message);
            health.count('failures');
            status('red', 'ring', message.length > 60 ? message.slice(0, 57) + '…' : message);
            return message;
        }

        /** Queues work so polls and back-fills never overlap. */
        function enqueue(work: () => Promise<void>): Promise<void> {
            const next = chain.then(work);
            chain = next.catch(() => undefined);
            return next;
        }

        function schedule(delay: number): void {
            if (closing || fatal) return;
            if (timer) clearTimeout(timer);
            timer = setTimeout(() => {
                timer = undefined;
                enqueue(() => run(undefined, (msgs) => node.send([msgs] as unknown as NodeMessage)))
                    .catch((err: unknown) => {
                        if (closing) return;
                        const message = fail(err);
                        node.error(message, { topic: 'hysecure', payload: { error: message } });
                    })
                    .finally(() => schedule(intervalMs));
            }, delay);
        }

        if (!fatal) {
            emitted = new EmittedIds(contextStore(node.context().global as unknown as NodeRedContext, store), emittedPrefix(node.id));
            const loading = emitted.load();
            chain = loading.catch(() => undefined);
            loading.then(
                () => schedule(0),
                (err: unknown) => {
                    fatal = RED._('hysecure-sessions.status.storeFailed');
                    status('red', 'ring', fatal);
                    node.error(RED._('hysecure-sessions.errors.load', { error: errorMessage(err) }), { topic: 'hysecure', payload: { error: errorMessage(err) } });
                },
            );
        }

        node.on('input', (msg: NodeMessageInFlow, send: (m: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void, done: (err?: Error) => void) => {
            if (fatal) {
                done(new Error(fatal));
                return;
            }
            let range: DayRange | undefined;
            const payload = msg.payload as unknown;
            const hasRange = typeof payload === 'object' && payload !== null && ('from' in payload || 'to' in payload);
            if (hasRange) {
                const parsed = backfillRange(payload, Date.now(), cfg);
                if (typeof parsed === 'string') {
                    done(new Error(RED._('hysecure-sessions.errors.badRange', { reason: parsed })));
                    return;
                }
                range = parsed;
            }
            // Anything else (msg.topic "poll", or an inject node's timestamp) polls now.
            enqueue(() => run(range, (msgs) => send([msgs])))
                .then(() => {
                    if (!range) schedule(intervalMs); // a manual poll restarts the interval
                    done();
                })
                .catch((err: unknown) => done(new Error(fail(err))));
        });

        node.on('close', (_removed: boolean, done: () => void) => {
            closing = true;
            if (timer) clearTimeout(timer);
            timer = undefined;
            abort?.abort();
            unregisterHealth(node.id);
            chain.finally(() => {
                client?.destroy();
                client = undefined;
                done();
            });
        });
    }

    RED.nodes.registerType('hysecure-sessions', HySecureSessions as unknown as Parameters<NodeAPI['nodes']['registerType']>[1]);
};
