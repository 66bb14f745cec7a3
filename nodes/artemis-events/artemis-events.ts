/**
 * artemis-events: HikCentral door events as attendance events. A thin adapter: the polling, dedup and
 * normalisation live in lib/artemis (ArtemisEngine), the push receiver in lib/artemis/push, the person
 * list in lib/artemis/persons and the loop in lib/kit/poll-loop; this file wires them to the context,
 * status, health and the two outputs (1: events, 2: records that could not be used).
 */
import type { NodeAPI, NodeMessage, NodeMessageInFlow } from 'node-red';
import { DateTime } from 'luxon';
import { contextStore, NodeRedContext } from '../../lib/context';
import { HealthTracker } from '../../lib/health';
import { parseOffsetTime } from '../../lib/time';
import { errorMessage, isRecord } from '../../lib/types';
import { attachHealth } from '../../lib/kit/health';
import { migrateNodeConfig } from '../../lib/kit/migrate';
import { PollLoop } from '../../lib/kit/poll-loop';
import { NodeStatus } from '../../lib/kit/status';
import { checkStore } from '../../lib/kit/store';
import type { ArtemisClient } from '../../lib/artemis/client';
import { ArtemisError, THROTTLE_CODES } from '../../lib/artemis/errors';
import { pushToDoorRecord } from '../../lib/artemis/events';
import { readEventsOptions } from '../../lib/artemis/options';
import { PersonCache } from '../../lib/artemis/persons';
import { ArtemisEngine, BatchReport, parseBackfill } from '../../lib/artemis/poll';
import { pushHandler, registerPushRoute, PostApp } from '../../lib/artemis/push';
import { maskedDestination, pushDestination, PushSubscription } from '../../lib/artemis/subscription';
import { stateKeyPrefix } from '../../lib/artemis/state';
import type { ArtemisServerNode } from '../artemis-server/types';
import { MIGRATIONS } from './migrations';
import type { ArtemisEventsDef, ArtemisEventsNode } from './types';

const summary = (r: BatchReport): Record<string, string> => ({ from: r.from ?? '', to: r.to ?? '', count: String(r.emitted), duplicates: String(r.duplicates), skipped: String(r.skipped), problems: String(r.problems.length) });

export = function (RED: NodeAPI): void {
    function ArtemisEvents(this: ArtemisEventsNode, props: ArtemisEventsDef): void {
        RED.nodes.createNode(this, props);
        const node = this;
        const config = migrateNodeConfig(node, props as ArtemisEventsDef & Record<string, unknown>, MIGRATIONS);
        const server = RED.nodes.getNode(config.server) as ArtemisServerNode | null;
        const o = readEventsOptions(config, node.id);
        const mode = o.mode;
        const health = new HealthTracker();
        const status = new NodeStatus(node);
        const pushToken = ((node.credentials as { pushToken?: string } | undefined)?.pushToken ?? '').trim();
        const httpNodeRoot = String((RED.settings as unknown as { httpNodeRoot?: string }).httpNodeRoot ?? '/');
        const subscription = new PushSubscription(o.subscribedTypes, pushDestination(o.pushBaseUrl, httpNodeRoot, o.pushPath, pushToken), (text) => node.warn(`${RED._('artemis-events.warn.subscribe')}: ${text}`), pushToken);
        /** Push mode without a token: anyone who reaches the endpoint can post events (warned once, status yellow). */
        const unauthenticated = mode === 'push' && pushToken === '';
        let lastErrorText: string | undefined;
        let lastReport: BatchReport | undefined;
        let removeRoute: (() => void) | undefined;
        const say = (fill: 'grey' | 'green' | 'yellow', shape: 'dot' | 'ring', key: string, data: Record<string, string> = {}): void => status.set(fill, shape, RED._(key, data));
        say('grey', 'ring', 'artemis-events.status.starting');

        if (o.refusedTypes.length > 0) node.warn(`197151: ${RED._('artemis-events.warn.failedFace')}`);
        if (o.invalidTypes.length > 0) node.warn(RED._('artemis-events.warn.badTypes', { types: o.invalidTypes.join(', ') }));
        if (o.invalidOverrides.length > 0) node.warn(RED._('artemis-events.warn.badOverrides', { ids: o.invalidOverrides.join(', ') }));
        checkStore(RED, node, 'artemis-events', o.store);

        const engine = new ArtemisEngine({
            store: contextStore(node.context().global as unknown as NodeRedContext, o.store),
            keyPrefix: stateKeyPrefix(node.id),
            ...o.engine,
            emit: (events, backfill) => {
                for (const event of events) node.send([{ topic: event.person.id, payload: event, ...(backfill ? { backfill: true } : {}) } as NodeMessage, null]);
            },
        });
        function client(): ArtemisClient {
            if (!server) throw new ArtemisError('config', RED._('artemis-events.errors.noServer'), RED._('artemis-events.errors.noServer'));
            const c = server.getClient();
            if (typeof c === 'string') throw new ArtemisError('config', c, c);
            return c;
        }
        const persons = new PersonCache({ load: () => client().persons(), onError: (text) => node.warn(RED._('artemis-events.warn.persons') + ': ' + text) });

        function reportProblems(report: BatchReport): void {
            for (const p of report.problems) node.send([null, { topic: 'problem', payload: p.record, reason: p.reason, eventId: p.id } as NodeMessage]);
            if (report.problems.length > 0) node.warn(`${RED._('artemis-events.warn.problems', { count: String(report.problems.length) })}: ${report.problems[0].reason}`);
        }
        function account(report: BatchReport): void {
            health.success();
            for (const k of ['emitted', 'duplicates', 'skipped'] as const) health.count(k, report[k]);
            health.count('problems', report.problems.length);
            lastErrorText = undefined;
            lastReport = report;
            reportProblems(report);
            const data = { time: DateTime.now().toFormat('HH:mm:ss'), count: String(report.emitted), problems: String(report.problems.length) };
            if (report.problems.length > 0) say('yellow', 'ring', 'artemis-events.status.problems', data);
            else if (mode === 'push' && !subscription.subscribed) say('yellow', 'ring', 'artemis-events.status.notSubscribed', data);
            else if (unauthenticated) say('yellow', 'ring', 'artemis-events.status.noToken', data);
            else say('green', 'dot', mode === 'push' ? 'artemis-events.status.pushOk' : 'artemis-events.status.ok', data);
        }
        function fail(err: unknown, context: string): string {
            const text = err instanceof ArtemisError ? err.message : errorMessage(err);
            health.failure(text);
            health.count('failures');
            // The status shows the code itself (HikCentral code, "HTTP 502", "timeout", "TLS"): no translation needed.
            status.set('red', 'ring', err instanceof ArtemisError ? err.short : 'error');
            if (text !== lastErrorText) node.error(`${RED._('artemis-events.errors.poll')} (${context}): ${text}`, { topic: 'artemis-events', payload: { error: text, code: err instanceof ArtemisError ? err.short : 'error' } });
            lastErrorText = text;
            return text;
        }
        const loop = new PollLoop({
            intervalMs: o.pollEveryMs,
            async poll(signal) {
                if (mode === 'push' && subscription.subscribed) void persons.refresh();
                // A failed subscription must not stop the safety poll: warned once per reason, polled anyway.
                else if (mode === 'push' && (await subscription.ensure(client, (text) => health.failure(text)))) {
                    void persons.refresh();
                    node.log(RED._('artemis-events.log.subscribed', { dest: maskedDestination(subscription.destination) }));
                }
                account(await engine.poll(client(), signal));
            },
            onFailure: (err) => void fail(err, 'poll'),
            isThrottled: (err) => err instanceof ArtemisError && err.code !== undefined && THROTTLE_CODES.has(err.code.toLowerCase()),
        });
        attachHealth(node, () => ({ id: node.id, type: 'artemis-events', name: node.name || 'artemis-events', lastSuccess: health.lastSuccess, cursor: engine.state.cursorIso, lastError: health.lastError, lastErrorAt: health.lastErrorAt, failingSince: health.failingSince, counts: health.counts, details: { mode, subscribed: subscription.subscribed, recentIds: engine.state.recentCount, recentBound: engine.state.maxRecentIds, failures: loop.failures } }), () => loop.start(0));

        if (mode === 'push') {
            removeRoute = registerPushRoute(RED.httpNode as unknown as PostApp, o.pushPath, pushHandler({
                token: pushToken,
                refused: (kind) => health.count(kind),
                accept: (events) => {
                    persons.refresh()
                        .then(() => engine.push(events.map((e) => pushToDoorRecord(e, (no) => persons.resolve(no)))))
                        .then((report) => {
                            health.count('pushed', events.length);
                            account(report);
                        })
                        .catch((err: unknown) => fail(err, 'push'));
                },
            }));
            if (o.pushBaseUrl === '') node.warn(RED._('artemis-events.warn.noPushBase'));
            if (unauthenticated) node.warn(RED._('artemis-events.warn.noToken', { path: o.pushPath }));
        }

        node.on('input', (msg: NodeMessageInFlow, _send, done) => {
            if (msg.topic === 'poll') {
                loop.pollNow().then(() => {
                    if (lastReport) node.log(RED._('artemis-events.log.polled', summary(lastReport)));
                    done();
                }, (err: unknown) => done(new Error(lastErrorText ?? errorMessage(err))));
                return;
            }
            if (isRecord(msg.payload) && ('from' in msg.payload || 'to' in msg.payload)) {
                const window = parseBackfill(msg.payload, (v) => (typeof v === 'number' && Number.isFinite(v) ? v : parseOffsetTime(v)?.ms));
                if (typeof window === 'string') return done(new Error(`${RED._('artemis-events.errors.backfill')}: ${window}`));
                say('grey', 'ring', 'artemis-events.status.backfilling');
                loop.run((signal) => engine.backfill(client(), window.fromMs, window.toMs, signal)).then((report) => {
                    reportProblems(report);
                    health.count('backfilled', report.emitted);
                    if (report.late > 0) {
                        health.count('late', report.late);
                        node.warn(RED._('artemis-events.warn.late', { count: String(report.late), overlap: String(o.engine.overlapMs / 1000) }));
                    }
                    say('green', 'dot', 'artemis-events.status.backfilled', summary(report));
                    node.log(RED._('artemis-events.log.backfilled', summary(report)));
                    done();
                }, (err: unknown) => done(new Error(fail(err, 'back-fill'))));
                return;
            }
            done(new Error(RED._('artemis-events.errors.input')));
        });

        node.on('close', (_removed: boolean, done: () => void) => {
            status.close();
            removeRoute?.();
            const settled = loop.close();
            // Own client: the shared one is destroyed when the server config node closes (in parallel).
            const c = mode === 'push' && subscription.subscribed && server ? server.createClient() : undefined;
            const unsubscribed = c === undefined || typeof c === 'string' ? undefined : subscription.cancel(c, (text) => node.warn(RED._('artemis-events.warn.unsubscribe') + ': ' + text));
            void Promise.all([settled, unsubscribed]).then(() => done());
        });

        if (!server) return void status.set('red', 'ring', RED._('artemis-events.errors.noServer'));
        loop.start(100);
    }

    RED.nodes.registerType('artemis-events', ArtemisEvents as unknown as Parameters<NodeAPI['nodes']['registerType']>[1], {
        credentials: { pushToken: { type: 'password' } },
    });
};
