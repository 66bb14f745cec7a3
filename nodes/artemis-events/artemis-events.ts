/**
 * artemis-events: HikCentral door events as attendance events (SPEC 4.2). A thin adapter: the polling,
 * dedup and normalisation live in lib/artemis (ArtemisEngine); this file wires timers, context, the
 * push endpoint, status, health and the two outputs (1: events, 2: records that could not be used).
 */
import type { NodeAPI, NodeMessage, NodeMessageInFlow } from 'node-red';
import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import { contextStore, isPersistentStore, NodeRedContext, storeExists } from '../../lib/context';
import { backoffDelay } from '../../lib/backoff';
import { HealthTracker, registerHealth, unregisterHealth } from '../../lib/health';
import { parseOffsetTime } from '../../lib/time';
import { errorMessage, isRecord } from '../../lib/types';
import type { ArtemisClient } from '../../lib/artemis/client';
import { ArtemisError, THROTTLE_CODES } from '../../lib/artemis/errors';
import { indexPersons, parseCodeList, parseEventTypes, parseOverrides, PersonInfo, pushEvents, pushToDoorRecord } from '../../lib/artemis/events';
import { ArtemisEngine, BatchReport, parseBackfill } from '../../lib/artemis/poll';
import { stateKeyPrefix } from '../../lib/artemis/state';
import { formatRequestTime } from '../../lib/artemis/window';
import type { ArtemisServerNode } from '../artemis-server/types';
import type { ArtemisEventsDef, ArtemisEventsNode } from './types';

function num(value: unknown, fallback: number, min = 0): number {
    const n = typeof value === 'number' ? value : parseFloat(String(value ?? ''));
    return Number.isFinite(n) && n >= min ? n : fallback;
}

interface ExpressLayer {
    route?: { path?: string; methods?: Record<string, boolean> };
}

export = function (RED: NodeAPI): void {
    function ArtemisEvents(this: ArtemisEventsNode, config: ArtemisEventsDef): void {
        RED.nodes.createNode(this, config);
        const node = this;
        const server = RED.nodes.getNode(config.server) as ArtemisServerNode | null;
        const intervalMs = num(config.interval, 60, 1) * 1000;
        const mode = config.mode === 'push' ? 'push' : 'poll';
        const safetyMs = num(config.safetyInterval, 600, 10) * 1000;
        const pollEveryMs = mode === 'push' ? safetyMs : intervalMs;
        const zone = (config.timezone || '').trim();
        const types = parseEventTypes(config.eventTypes === undefined ? '196893,198914' : config.eventTypes);
        const doors = parseCodeList(config.doors);
        const overrides = parseOverrides(config.overrides);
        const health = new HealthTracker();
        const store = (config.store || '').trim();
        let closing = false;
        let timer: NodeJS.Timeout | undefined;
        let failures = 0;
        let lastErrorText: string | undefined;
        let abort: AbortController | undefined;
        let lastReport: BatchReport | undefined;
        let subscribed = false;
        let lastSubscribeError: string | undefined;
        let persons: { byId: Map<string, PersonInfo>; byCode: Map<string, PersonInfo> } | undefined;
        let personsAt = 0;
        let routePath: string | undefined;

        const status = (fill: 'grey' | 'green' | 'yellow' | 'red', shape: 'dot' | 'ring', key: string, data: Record<string, string> = {}): void => {
            node.status({ fill, shape, text: RED._(key, data) });
        };
        status('grey', 'ring', 'artemis-events.status.starting');

        if (types.refused.length > 0) node.warn(`197151: ${RED._('artemis-events.warn.failedFace')}`);
        if (types.invalid.length > 0) node.warn(RED._('artemis-events.warn.badTypes', { types: types.invalid.join(', ') }));
        if (overrides.invalid.length > 0) node.warn(RED._('artemis-events.warn.badOverrides', { ids: overrides.invalid.join(', ') }));
        if (!storeExists(RED.settings.contextStorage, store)) node.warn(RED._('artemis-events.warn.noStore', { store }));
        else if (!isPersistentStore(RED.settings.contextStorage, store)) node.warn(RED._('artemis-events.warn.memoryStore'));

        const formatTime = (ms: number): string => formatRequestTime(ms, zone);
        const engine = new ArtemisEngine({
            store: contextStore(node.context().global as unknown as NodeRedContext, store),
            keyPrefix: stateKeyPrefix(node.id),
            normalise: { eventTypes: types.types, doorIndexCodes: doors, overrides: overrides.overrides },
            overlapMs: num(config.overlap, 300) * 1000,
            initialLookbackMs: num(config.initialLookback, 0) * 60 * 1000,
            pageSize: Math.min(1000, Math.max(1, Math.round(num(config.pageSize, 200, 1)))),
            eventTypeMode: config.eventTypeMode === 'perType' ? 'perType' : 'auto',
            formatTime,
            emit: (events, backfill) => {
                for (const event of events) {
                    const msg: NodeMessage & { backfill?: boolean } = { topic: event.person.id, payload: event };
                    if (backfill) msg.backfill = true;
                    node.send([msg, null]);
                }
            },
        });

        const healthProvider = () => ({
            id: node.id,
            type: 'artemis-events',
            name: node.name || 'artemis-events',
            lastSuccess: health.lastSuccess,
            cursor: engine.state.cursorIso,
            lastError: health.lastError,
            lastErrorAt: health.lastErrorAt,
            failingSince: health.failingSince,
            counts: health.counts,
            details: { mode, subscribed, recentIds: engine.state.recentCount, failures },
        });
        registerHealth(node.id, healthProvider, () => schedule(0));

        function client(): ArtemisClient {
            if (!server) throw new ArtemisError('config', RED._('artemis-events.errors.noServer'), RED._('artemis-events.errors.noServer'));
            const c = server.getClient();
            if (typeof c === 'string') throw new ArtemisError('config', c, c);
            return c;
        }

        function reportProblems(report: BatchReport): void {
            for (const p of report.problems) {
                const msg = { topic: 'problem', payload: p.record, reason: p.reason, eventId: p.id };
                node.send([null, msg]);
            }
            if (report.problems.length > 0) {
                node.warn(`${RED._('artemis-events.warn.problems', { count: String(report.problems.length) })}: ${report.problems[0].reason}`);
            }
        }

        function account(report: BatchReport): void {
            health.success();
            health.count('emitted', report.emitted);
            health.count('duplicates', report.duplicates);
            health.count('skipped', report.skipped);
            health.count('problems', report.problems.length);
            lastReport = report;
            failures = 0;
            lastErrorText = undefined;
            reportProblems(report);
            const time = DateTime.now().toFormat('HH:mm:ss');
            const data = { time, count: String(report.emitted), problems: String(report.problems.length) };
            if (report.problems.length > 0) status('yellow', 'ring', 'artemis-events.status.problems', data);
            else if (mode === 'push' && !subscribed) status('yellow', 'ring', 'artemis-events.status.notSubscribed', data);
            else status('green', 'dot', mode === 'push' ? 'artemis-events.status.pushOk' : 'artemis-events.status.ok', data);
        }

        function fail(err: unknown, context: string): string {
            const short = err instanceof ArtemisError ? err.short : 'error';
            const text = err instanceof ArtemisError ? err.message : errorMessage(err);
            health.failure(text);
            health.count('failures');
            failures++;
            // The status shows the code itself (HikCentral code, "HTTP 502", "timeout", "TLS"): no translation needed.
            node.status({ fill: 'red', shape: 'ring', text: short });
            if (text !== lastErrorText) {
                lastErrorText = text;
                node.error(`${RED._('artemis-events.errors.poll')} (${context}): ${text}`, { topic: 'artemis-events', payload: { error: text, code: short } });
            }
            return text;
        }

        function schedule(delayMs: number): void {
            if (closing) return;
            if (timer) clearTimeout(timer);
            timer = setTimeout(() => {
                timer = undefined;
                void cycle();
            }, delayMs);
        }

        async function cycle(): Promise<void> {
            if (closing) return;
            let delay = pollEveryMs;
            try {
                if (mode === 'push' && subscribed) void loadPersons();
                if (mode === 'push' && !subscribed) {
                    // A failed subscription must not stop the safety poll: warn (once per reason), poll anyway.
                    await subscribe().catch((err: unknown) => {
                        const text = err instanceof ArtemisError ? err.message : errorMessage(err);
                        if (text !== lastSubscribeError) node.warn(`${RED._('artemis-events.warn.subscribe')}: ${text}`);
                        lastSubscribeError = text;
                        health.failure(text);
                    });
                }
                abort = new AbortController();
                const report = await engine.poll(client(), abort.signal);
                account(report);
            } catch (err) {
                if (closing) return;
                fail(err, 'poll');
                const throttled = err instanceof ArtemisError && err.code !== undefined && THROTTLE_CODES.has(err.code.toLowerCase());
                delay = Math.min(Math.max(pollEveryMs, backoffDelay(failures, { baseMs: pollEveryMs, maxMs: Math.max(pollEveryMs, 15 * 60 * 1000), jitter: 0.2 })) * (throttled ? 2 : 1), 30 * 60 * 1000);
                if (failures === 1) delay = pollEveryMs;
            } finally {
                abort = undefined;
            }
            schedule(delay);
        }

        // ---- push mode ----------------------------------------------------------------------------------
        const pushToken = ((node.credentials as { pushToken?: string } | undefined)?.pushToken ?? '').trim();

        function eventDest(): string {
            const root = String((RED.settings as unknown as { httpNodeRoot?: string }).httpNodeRoot ?? '/').replace(/\/+$/, '');
            const url = (config.pushBaseUrl || '').trim().replace(/\/+$/, '') + root + (routePath ?? '');
            return pushToken === '' ? url : `${url}?token=${encodeURIComponent(pushToken)}`;
        }

        let personsLoading: Promise<void> | undefined;
        let lastPersonsError: string | undefined;
        /** The person list (push events carry a person number, matched to the polled personId); reloaded hourly. */
        function loadPersons(): Promise<void> {
            if (persons && Date.now() - personsAt < 60 * 60 * 1000) return Promise.resolve();
            if (personsLoading) return personsLoading;
            personsLoading = (async () => {
                try {
                    persons = indexPersons(await client().persons());
                    personsAt = Date.now();
                    lastPersonsError = undefined;
                } catch (err) {
                    const text = errorMessage(err);
                    if (text !== lastPersonsError) node.warn(RED._('artemis-events.warn.persons') + ': ' + text);
                    lastPersonsError = text;
                } finally {
                    personsLoading = undefined;
                }
            })();
            return personsLoading;
        }

        async function subscribe(): Promise<void> {
            await client().subscribe(types.types.length > 0 ? types.types : [196893, 198914], eventDest());
            subscribed = true;
            void loadPersons();
            node.log(RED._('artemis-events.log.subscribed', { dest: eventDest().replace(/\?token=.*$/, '?token=***') }));
        }

        function onPush(req: Request, res: Response): void {
            if (pushToken !== '' && String((req.query as Record<string, unknown>)?.token ?? '') !== pushToken) {
                health.count('refusedPushes');
                res.status(403).json({ code: '403', msg: 'forbidden' });
                return;
            }
            const handle = (body: unknown): void => {
                const events = pushEvents(body);
                if (!events) {
                    health.count('badPushes');
                    res.status(400).json({ code: '2', msg: 'expected an OnEventNotify body' });
                    return;
                }
                res.status(200).json({ code: '0', msg: 'success' });
                const resolve = (no: string): PersonInfo | undefined => persons?.byId.get(no) ?? persons?.byCode.get(no);
                loadPersons()
                    .then(() => engine.push(events.map((e) => pushToDoorRecord(e, resolve))))
                    .then((report) => {
                        health.count('pushed', events.length);
                        account(report);
                    })
                    .catch((err: unknown) => fail(err, 'push'));
            };
            if (req.body !== undefined && !(isRecord(req.body) && Object.keys(req.body).length === 0 && req.readable)) {
                handle(typeof req.body === 'string' ? safeParse(req.body) : req.body);
                return;
            }
            const chunks: Buffer[] = [];
            let size = 0;
            req.on('data', (c: Buffer) => {
                size += c.length;
                if (size <= 5 * 1024 * 1024) chunks.push(c);
            });
            req.on('end', () => handle(safeParse(Buffer.concat(chunks).toString('utf8'))));
            req.on('error', () => res.status(400).end());
        }

        function safeParse(text: string): unknown {
            try {
                return JSON.parse(text) as unknown;
            } catch {
                return undefined;
            }
        }

        if (mode === 'push') {
            let p = (config.pushPath || '').trim() || `/attendance-bridge/artemis/${node.id}`;
            if (!p.startsWith('/')) p = '/' + p;
            routePath = p;
            RED.httpNode.post(p, onPush);
            if ((config.pushBaseUrl || '').trim() === '') node.warn(RED._('artemis-events.warn.noPushBase'));
        }

        // ---- input ---------------------------------------------------------------------------------------
        node.on('input', (msg: NodeMessageInFlow, send, done) => {
            const m = msg as NodeMessageInFlow & { backfill?: unknown };
            void send;
            if (m.topic === 'poll') {
                if (timer) clearTimeout(timer);
                timer = undefined;
                cycle().then(() => {
                    if (lastReport && failures === 0) node.log(RED._('artemis-events.log.polled', summary(lastReport)));
                    if (failures > 0) done(new Error(lastErrorText ?? 'poll failed'));
                    else done();
                }, done);
                return;
            }
            if (isRecord(m.payload) && ('from' in m.payload || 'to' in m.payload)) {
                const window = parseBackfill(m.payload, (v) => (typeof v === 'number' && Number.isFinite(v) ? v : parseOffsetTime(v)?.ms));
                if (typeof window === 'string') {
                    done(new Error(`${RED._('artemis-events.errors.backfill')}: ${window}`));
                    return;
                }
                status('grey', 'ring', 'artemis-events.status.backfilling');
                Promise.resolve()
                    .then(() => engine.backfill(client(), window.fromMs, window.toMs))
                    .then((report) => {
                        reportProblems(report);
                        health.count('backfilled', report.emitted);
                        const s = summary(report);
                        status('green', 'dot', 'artemis-events.status.backfilled', s);
                        node.log(RED._('artemis-events.log.backfilled', s));
                        done();
                    })
                    .catch((err: unknown) => {
                        const text = fail(err, 'back-fill');
                        done(new Error(text));
                    });
                return;
            }
            done(new Error(RED._('artemis-events.errors.input')));
        });

        function summary(r: BatchReport): Record<string, string> {
            return { from: r.from ?? '', to: r.to ?? '', count: String(r.emitted), duplicates: String(r.duplicates), skipped: String(r.skipped), problems: String(r.problems.length) };
        }

        node.on('close', (_removed: boolean, done: () => void) => {
            closing = true;
            if (timer) clearTimeout(timer);
            timer = undefined;
            abort?.abort();
            unregisterHealth(node.id);
            if (routePath) {
                const router = (RED.httpNode as unknown as { _router?: { stack: ExpressLayer[] } })._router;
                if (router) {
                    for (let i = router.stack.length - 1; i >= 0; i--) {
                        const layer = router.stack[i];
                        if (layer.route && layer.route.path === routePath && layer.route.methods?.post) router.stack.splice(i, 1);
                    }
                }
            }
            if (mode === 'push' && subscribed && server) {
                // Own client: the shared one is destroyed when the server config node closes (in parallel).
                const c = server.createClient();
                if (typeof c === 'string') {
                    done();
                    return;
                }
                const finish = setTimeout(() => {
                    c.destroy();
                    done();
                }, 5000);
                c.unsubscribe(types.types.length > 0 ? types.types : [196893, 198914])
                    .catch((err: unknown) => node.warn(RED._('artemis-events.warn.unsubscribe') + ': ' + errorMessage(err)))
                    .finally(() => {
                        clearTimeout(finish);
                        c.destroy();
                        done();
                    });
                return;
            }
            done();
        });

        if (!server) {
            node.status({ fill: 'red', shape: 'ring', text: RED._('artemis-events.errors.noServer') });
            return;
        }
        schedule(100);
    }

    RED.nodes.registerType('artemis-events', ArtemisEvents as unknown as Parameters<NodeAPI['nodes']['registerType']>[1], {
        credentials: { pushToken: { type: 'password' } },
    });
};
