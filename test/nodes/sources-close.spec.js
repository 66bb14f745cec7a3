'use strict';
// The sources on close (issue 13, case 14): a re-deploy in the middle of a poll stops the source before it
// emits more, and the source remembers (ids, cursor) only what it handed over; the next start emits the
// rest, once. Real Node-RED runtime, the simulators, fake timers (Date and the timers; the simulators'
// delays are timers too).
const should = require('should');
const sinon = require('sinon');
const { helper, node, deploy, useContextStores, resetContext, tmpDir, collect, until } = require('../helper');
const { createHikCentralSimulator } = require('../../sim/hikcentral');
const { createHySecureSimulator } = require('../../sim/hysecure');
const { CHUNK } = require('../../dist/lib/artemis/poll');

const artemisServer = node('artemis-server');
const artemisEvents = node('artemis-events');
const hysecureServer = node('hysecure-server');
const hysecureSessions = node('hysecure-sessions');

const MIN = 60000;
const TIMERS = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'];

/** Messages `n` sent on its first output (the spy of node-red-node-test-helper is on Node.prototype.send). */
function sentBy(spy, n) {
    const out = [];
    for (const call of spy.getCalls()) {
        if (call.thisValue !== n) continue;
        const first = Array.isArray(call.args[0]) ? call.args[0][0] : call.args[0];
        for (const m of Array.isArray(first) ? first : first ? [first] : []) out.push(m.payload.id);
    }
    return out;
}

async function turns(n = 50) {
    for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

describe('sources on close (issue 13, case 14)', function () {
    let clock;
    let sim;

    afterEach(async function () {
        if (clock) clock.restore();
        clock = undefined;
        await helper.unload();
        await resetContext();
        if (sim) await sim.close();
        sim = undefined;
    });

    describe('artemis-events', function () {
        const KEY = 'ak-close-1';
        const SECRET = 'sk-close-secret';
        const TOTAL = 2 * CHUNK + 200; // three slices

        function flow(baseUrl, interval) {
            return [
                { id: 'tab1', type: 'tab' },
                { id: 's1', type: 'artemis-server', baseUrl, timeout: 5, rejectUnauthorized: true, ca: '' },
                { id: 'e1', z: 'tab1', type: 'artemis-events', server: 's1', interval, overlap: 300, initialLookback: 30, pageSize: 200,
                    eventTypes: '196893', eventTypeMode: 'auto', doors: '', overrides: [], timezone: 'UTC', store: 'file', mode: 'poll', wires: [['ok'], []] },
                { id: 'ok', z: 'tab1', type: 'helper' },
            ];
        }

        it('a re-deploy during a sliced catch-up: no send after close, only the sent ids committed and no cursor; the next start emits the rest once', async function () {
            clock = sinon.useFakeTimers({ now: Date.parse('2026-03-02T12:00:00Z'), toFake: TIMERS });
            sim = createHikCentralSimulator({ appKey: KEY, appSecret: SECRET, now: () => Date.now() });
            const { baseUrl } = await sim.listen(0);
            const start = Date.now() - 20 * MIN;
            for (let i = 0; i < TOTAL; i++) sim.addEvent({ eventId: `c${String(i).padStart(5, '0')}`, person: sim.persons[i % sim.persons.length], atMs: start + i * 500 });

            const dir = tmpDir('ab-close-artemis-');
            const creds = { s1: { appKey: KEY, appSecret: SECRET } };
            await helper.load([artemisServer, artemisEvents], [{ id: 'tab1', type: 'tab' }], creds);
            await useContextStores({ default: { module: 'memory' }, file: { module: 'localfilesystem', config: { dir, flushInterval: 0 } } });
            await deploy(flow(baseUrl, 3600), 'full', creds);
            const sendSpy = helper.getNode('e1').send;
            const first = helper.getNode('e1');
            const received = collect(helper.getNode('ok'));
            // The re-deploy starts as the first event of the catch-up reaches the next node.
            let redeployed;
            helper.getNode('ok').on('input', () => {
                if (!redeployed) redeployed = deploy(flow(baseUrl, 3599), 'full', creds);
            });
            await clock.tickAsync(150);
            await until(() => redeployed);
            await redeployed;
            await turns();

            const sentBefore = sentBy(sendSpy, first);
            sentBefore.length.should.equal(CHUNK); // the slice on its way when the node closed, and nothing after
            received.length.should.be.belowOrEqual(CHUNK);
            // The next start: the first slice's ids are remembered, the cursor did not move, so the rest is emitted once.
            const second = helper.getNode('e1');
            second.should.not.equal(first);
            const stored = (key) => new Promise((resolve, reject) => second.context().global.get(key, 'file', (err, v) => (err ? reject(err) : resolve(v))));
            should(await stored('attendanceBridge_artemis_e1_cursor')).be.undefined();
            (await stored('attendanceBridge_artemis_e1_recent')).ids.should.eql(sentBefore);
            const received2 = collect(helper.getNode('ok'));
            await clock.tickAsync(150);
            await until(() => received2.length === TOTAL - CHUNK);
            await turns();
            const sentAfter = sentBy(sendSpy, second);
            sentAfter.length.should.equal(TOTAL - CHUNK);
            const all = sentBefore.concat(sentAfter);
            new Set(all).size.should.equal(TOTAL);
            sentAfter[0].should.equal(`hikcentral:c${String(CHUNK).padStart(5, '0')}`);
        });
    });

    describe('hysecure-sessions', function () {
        const USER = 'api-user';
        const PASSWORD = 'Pa55-w0rd-xyz';
        const ZONE = 'America/Santiago';
        const SESSIONS = [
            { userId: '000101', login: '2025-03-10 08:05:00', logout: '2025-03-10 12:30:00' },
            { userId: '000102', login: '2025-03-10 09:00:00', logout: '2025-03-10 18:00:00' },
        ];

        function flow(baseUrl, interval) {
            return [
                { id: 'tab1', type: 'tab' },
                { id: 's1', type: 'hysecure-server', name: '', baseUrl, timeout: 30, rejectUnauthorized: true, ca: '' },
                { id: 'h1', z: 'tab1', type: 'hysecure-sessions', server: 's1', interval, days: 2, userName: 'All Users',
                    startOfDay: '00:00:00', timezone: ZONE, closeGrace: 30, store: 'file', wires: [['out']] },
                { id: 'out', z: 'tab1', type: 'helper' },
            ];
        }

        it('a re-deploy while the report is on its way: nothing sent after close, nothing committed; the next start emits all once', async function () {
            clock = sinon.useFakeTimers({ now: Date.parse('2025-03-11T07:00:00-03:00'), toFake: TIMERS });
            sim = createHySecureSimulator({ username: USER, password: PASSWORD, timezone: ZONE, sessions: SESSIONS, now: () => Date.now() });
            const { baseUrl } = await sim.listen(0);
            sim.setFaults([{ kind: 'slow', path: 'sessions', delayMs: 5000, times: 1 }]);
            const dir = tmpDir('ab-close-hysecure-');
            const creds = { s1: { username: USER, password: PASSWORD } };
            await helper.load([hysecureServer, hysecureSessions], [{ id: 'tab1', type: 'tab' }], creds);
            await useContextStores({ default: { module: 'memory' }, file: { module: 'localfilesystem', config: { dir, flushInterval: 0 } } });
            await deploy(flow(baseUrl, 3600), 'full', creds);
            const first = helper.getNode('h1');
            const sendSpy = first.send;
            await clock.tickAsync(10);
            await until(() => sim.requests.some((r) => r.path.endsWith('sessions')));
            await deploy(flow(baseUrl, 3599), 'full', creds);
            const out = collect(helper.getNode('out'));
            await clock.tickAsync(6000); // the slow answer would arrive now, after the close
            await turns();
            sentBy(sendSpy, first).should.have.length(0);
            // the next start polls and emits everything, once
            await until(() => out.length === 4);
            out.map((m) => m.payload.id).should.eql([
                'hysecure:000101:2025-03-10:in',
                'hysecure:000102:2025-03-10:in',
                'hysecure:000101:2025-03-10:out',
                'hysecure:000102:2025-03-10:out',
            ]);
        });
    });
});
