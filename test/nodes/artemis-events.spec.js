'use strict';
// artemis-events (and artemis-server) in a real Node-RED runtime against the signature-checking simulator.
const fs = require('fs');
const path = require('path');
const should = require('should');
const axios = require('axios');
const sinon = require('sinon');
const { helper, node, deploy, useContextStores, resetContext, tmpDir, collect, until, Context } = require('../helper');
const { createHikCentralSimulator } = require('../../sim/hikcentral');

const artemisServer = node('artemis-server');
const artemisEventsModule = node('artemis-events');
// The test helper does not mount RED.httpNode on its server: capture it so push posts can reach the node.
let nodeRED;
function artemisEvents(RED) {
    nodeRED = RED;
    return artemisEventsModule(RED);
}
const KEY = 'ak-node-1';
const SECRET = 'sk-node-secret';
const MIN = 60000;

function flow(baseUrl, events = {}, server = {}) {
    return [
        { id: 'tab1', type: 'tab' },
        { id: 's1', type: 'artemis-server', baseUrl, timeout: 2, rejectUnauthorized: true, ca: '', ...server },
        { id: 'e1', z: 'tab1', type: 'artemis-events', server: 's1', interval: 60, overlap: 300, initialLookback: 10, pageSize: 50,
            eventTypes: '196893, 198914', eventTypeMode: 'auto', doors: '', overrides: [], timezone: 'America/Argentina/Buenos_Aires',
            store: '', mode: 'poll', wires: [['ok'], ['ko']], ...events },
        { id: 'ok', z: 'tab1', type: 'helper' },
        { id: 'ko', z: 'tab1', type: 'helper' },
        { id: 'c', z: 'tab1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', z: 'tab1', type: 'helper' },
    ];
}
const CREDS = { s1: { appKey: KEY, appSecret: SECRET } };

describe('artemis-events', function () {
    let sim;
    let baseUrl;
    before(async function () {
        await helper.startServer();
        helper._app.use((req, res, next) => (nodeRED ? nodeRED.httpNode(req, res, next) : next()));
    });
    after(async function () {
        await helper.stopServer();
    });
    beforeEach(async function () {
        sim = createHikCentralSimulator({ appKey: KEY, appSecret: SECRET });
        ({ baseUrl } = await sim.listen(0));
    });
    afterEach(async function () {
        await helper.unload();
        await resetContext();
        helper.settings({});
        await sim.close();
    });

    async function load(f, creds = CREDS) {
        await helper.load([artemisServer, artemisEvents], f, creds);
        const e1 = helper.getNode('e1');
        const statuses = [];
        const warnings = [];
        e1.on('call:status', (call) => statuses.push(call.args[0]));
        e1.on('call:warn', (call) => warnings.push(String(call.args[0])));
        return { e1, ok: collect(helper.getNode('ok')), ko: collect(helper.getNode('ko')), caught: collect(helper.getNode('caught')), statuses, warnings };
    }
    const doorPolls = () => sim.requests.filter((r) => r.path.endsWith('/door/events'));
    async function pollNow(e1) {
        const before = doorPolls().length;
        e1.receive({ topic: 'poll' });
        await until(() => doorPolls().length > before && e1.status.callCount >= 0);
        await new Promise((r) => setTimeout(r, 30));
    }

    it('polls, emits normalised events in time order with topic = personId, skips 197151 and door events without person', async function () {
        const p = sim.persons[4];
        sim.addEvent({ eventId: 'b', person: p, atMs: Date.now() - 2 * MIN, eventType: 198914 });
        sim.addEvent({ eventId: 'a', person: p, atMs: Date.now() - 5 * MIN });
        sim.addEvent({ eventId: 'f', person: p, atMs: Date.now() - 3 * MIN, eventType: 197151 });
        sim.addEvent({ eventId: 'n', personId: '0', atMs: Date.now() - 3 * MIN });
        sim.addEvent({ eventId: 'old', person: p, atMs: Date.now() - 30 * MIN });
        const { ok, ko, statuses } = await load(flow(baseUrl));
        await until(() => ok.length === 2);
        ok.map((m) => m.payload.id).should.deepEqual(['hikcentral:a', 'hikcentral:b']);
        const m = ok[0];
        m.topic.should.equal(p.personId);
        m.payload.should.have.properties({ source: 'hikcentral', direction: 'in' });
        m.payload.person.should.deepEqual({ id: p.personId, code: p.personCode, name: p.personName });
        m.payload.device.should.deepEqual({ id: '1', name: 'Main entrance' });
        m.payload.time.should.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000-03:00$/);
        m.payload.raw.eventId.should.equal('a');
        should(m.backfill).be.undefined();
        ko.length.should.equal(0);
        await until(() => statuses.some((s) => s.fill === 'green'));
        statuses.find((s) => s.fill === 'green').shape.should.equal('dot');
    });

    it('does not emit twice: overlap re-reads, late events, and manual polls', async function () {
        const { e1, ok } = await load(flow(baseUrl, { initialLookback: 0 }));
        await until(() => doorPolls().length === 1);
        sim.addEvent({ eventId: 'late', atMs: Date.now() - 2 * MIN }); // before the cursor, within the overlap
        await pollNow(e1);
        await until(() => ok.length === 1);
        await pollNow(e1);
        await pollNow(e1);
        ok.length.should.equal(1);
        ok[0].payload.id.should.equal('hikcentral:late');
    });

    it('applies the direction table (reader over door, ignore) and the door filter', async function () {
        const p = sim.persons[1];
        const [door1, door2] = sim.doors;
        sim.addEvent({ eventId: 'r-out', person: p, door: door1, reader: door1.readers[1], atMs: Date.now() - 4 * MIN }); // inAndOutType 0
        sim.addEvent({ eventId: 'r-in', person: p, door: door1, reader: door1.readers[0], atMs: Date.now() - 3 * MIN });
        sim.addEvent({ eventId: 'w', person: p, door: door2, reader: door2.readers[0], atMs: Date.now() - 2 * MIN });
        const overrides = [{ id: '1', action: 'out' }, { id: '1011', action: 'in' }, { id: '2', action: 'ignore' }];
        const { ok } = await load(flow(baseUrl, { overrides }));
        await until(() => ok.length === 2);
        ok.map((m) => [m.payload.id, m.payload.direction]).should.deepEqual([['hikcentral:r-out', 'out'], ['hikcentral:r-in', 'in']]);
    });

    it('sends malformed records to output 2 and still emits the valid ones of the page', async function () {
        sim.addEvent({ eventId: 'good', atMs: Date.now() - 3 * MIN });
        sim.addEvent({ raw: { eventId: 'nopid', eventType: 196893, eventTime: new Date().toISOString() }, atMs: Date.now() - 2 * MIN });
        sim.addEvent({ raw: { eventId: 'badtime', eventType: 196893, personId: '3', eventTime: '25/11/2026 08:00' }, atMs: Date.now() - MIN });
        const { ok, ko, statuses, warnings } = await load(flow(baseUrl));
        await until(() => ok.length === 1 && ko.length === 2);
        ko.map((m) => m.eventId).sort().should.deepEqual(['hikcentral:badtime', 'hikcentral:nopid']);
        ko[0].reason.should.be.a.String();
        ko[0].payload.should.be.an.Object();
        await until(() => statuses.some((s) => s.fill === 'yellow'));
        warnings.some((w) => /(problems|could not be used).*: (record has no personId|bad eventTime)/.test(w)).should.be.true();
    });

    for (const [label, fault, expect] of [
        ['an HTML 502 page', { kind: 'html502' }, /HTTP 502/],
        ['truncated JSON', { kind: 'truncated' }, /bad JSON/],
        ['a quota error code', { kind: 'code', code: '0x0240100b' }, /0x0240100b/],
    ]) {
        it(`reports ${label} in the status and to Catch, keeps the cursor, and recovers`, async function () {
            sim.setFaults({ ...fault, count: 1 });
            sim.addEvent({ eventId: 'x', atMs: Date.now() - MIN });
            const { e1, ok, caught, statuses } = await load(flow(baseUrl));
            await until(() => statuses.some((s) => s.fill === 'red'));
            statuses.find((s) => s.fill === 'red').text.should.match(expect);
            await until(() => caught.length === 1);
            caught[0].payload.should.have.property('error');
            const cursorKey = (await new Promise((r) => e1.context().global.keys((err, k) => r(k)))).find((k) => /_cursor$/.test(k));
            should(cursorKey).be.undefined(); // never advanced by the failed poll
            ok.length.should.equal(0);
            await pollNow(e1);
            await until(() => ok.length === 1);
            await until(() => statuses[statuses.length - 1].fill === 'green');
        });
    }

    it('times out on a slow server', async function () {
        sim.setFaults({ kind: 'slow', delayMs: 3000, count: 1 });
        const { statuses } = await load(flow(baseUrl, {}, { timeout: 0.3 }));
        await until(() => statuses.some((s) => s.fill === 'red'), { tries: 100000 });
        statuses.find((s) => s.fill === 'red').text.should.equal('timeout');
    });

    it('HTTPS: a self-signed server is refused by default (status TLS) and read with its CA', async function () {
        const TLS = path.join(__dirname, '..', 'fixtures', 'tls');
        const tlsSim = createHikCentralSimulator({ appKey: KEY, appSecret: SECRET, tls: { key: fs.readFileSync(path.join(TLS, 'server.key'), 'utf8'), cert: fs.readFileSync(path.join(TLS, 'server.pem'), 'utf8') } });
        const { baseUrl: tlsUrl } = await tlsSim.listen(0);
        try {
            tlsSim.addEvent({ eventId: 's', atMs: Date.now() - MIN });
            let t = await load(flow(tlsUrl));
            await until(() => t.statuses.some((s) => s.fill === 'red'));
            t.statuses.find((s) => s.fill === 'red').text.should.equal('TLS');
            await until(() => t.caught.length === 1);
            t.caught[0].payload.error.should.match(/certificate/);
            t.ok.length.should.equal(0);
            await helper.unload();
            t = await load(flow(tlsUrl, {}, { ca: fs.readFileSync(path.join(TLS, 'ca.pem'), 'utf8') }));
            await until(() => t.ok.length === 1);
            t.ok[0].payload.id.should.equal('hikcentral:s');
        } finally {
            await tlsSim.close();
        }
    });

    it('reports a wrong AppSecret with the code and never leaks key, secret or string-to-sign', async function () {
        const { caught, statuses } = await load(flow(baseUrl), { s1: { appKey: KEY, appSecret: 'not-the-secret' } });
        await until(() => caught.length === 1);
        statuses.find((s) => s.fill === 'red').text.should.equal('0x02401003');
        const text = JSON.stringify(caught[0]);
        text.should.not.match(new RegExp(KEY)).and.not.match(/not-the-secret/).and.not.match(/x-ca-timestamp/);
    });

    it('back-fills a window with only events not yet emitted, flagged msg.backfill', async function () {
        const day = 24 * 3600e3;
        sim.addEvent({ eventId: 'y1', atMs: Date.now() - 40 * day });
        sim.addEvent({ eventId: 'y2', atMs: Date.now() - 2 * day });
        sim.addEvent({ eventId: 'now', atMs: Date.now() - MIN });
        const { e1, ok } = await load(flow(baseUrl));
        await until(() => ok.length === 1);
        e1.receive({ payload: { from: new Date(Date.now() - 45 * day).toISOString(), to: new Date().toISOString() } });
        await until(() => ok.length === 3);
        ok.slice(1).map((m) => [m.payload.id, m.backfill]).should.deepEqual([['hikcentral:y1', true], ['hikcentral:y2', true]]);
        // two windows of ≤ 31 days
        doorPolls().slice(1).map((r) => r.body.startTime).length.should.equal(2);
        e1.receive({ payload: { from: Date.now() - 45 * day, to: Date.now() } });
        await new Promise((r) => setTimeout(r, 100));
        ok.length.should.equal(3);
    });

    it('a back-fill that finds events older than the overlap warns once with the count and the hint, counted in health (issue 13, case 15)', async function () {
        const { allHealth } = require('../../dist/lib/health');
        const now = Date.now();
        const iso = (ms) => new Date(ms).toISOString();
        sim.addEvent({ eventId: 'history', atMs: now - 90 * MIN });
        sim.addEvent({ eventId: 'late1', atMs: now - 30 * MIN });
        sim.addEvent({ eventId: 'late2', atMs: now - 20 * MIN });
        const { e1, ok, warnings } = await load(flow(baseUrl, { initialLookback: 0 }));
        // the polls have covered the last hour, the cursor is a minute ago (the first poll starts 100 ms after deploy)
        e1.context().global.set('attendanceBridge_artemis_e1_cursor', { v: 1, cursor: iso(now - MIN), since: iso(now - 60 * MIN) });
        await until(() => doorPolls().length === 1);
        e1.receive({ payload: { from: iso(now - 2 * 3600e3), to: iso(now) } });
        await until(() => ok.length === 3);
        await until(() => warnings.some((w) => /warn\.late/.test(w)));
        await new Promise((r) => setTimeout(r, 30));
        warnings.filter((w) => /warn\.late/.test(w)).should.have.length(1); // once for the back-fill
        allHealth().find((h) => h.id === 'e1').counts.late.should.equal(2); // late1, late2; not "history" (before the first poll)
        for (const lang of ['en-US', 'es-ES']) {
            const text = require(`../../nodes/artemis-events/locales/${lang}/artemis-events.json`)['artemis-events'].warn.late;
            text.should.match(/__count__/).and.match(/__overlap__/).and.match(/Overlap|Solapamiento/);
        }
    });

    it('rejects an invalid back-fill with an error', async function () {
        const { e1, caught } = await load(flow(baseUrl));
        e1.receive({ payload: { from: 'yesterday', to: 'today' } });
        await until(() => caught.length === 1);
        caught[0].error.message.should.match(/backfill|back-fill/).and.match(/ISO 8601/);
    });

    it('queries once per configured type when the server requires eventType', async function () {
        sim.setRequireEventType(true);
        sim.addEvent({ eventId: 'c', eventType: 198914, atMs: Date.now() - MIN });
        sim.addEvent({ eventId: 'f', eventType: 196893, atMs: Date.now() - 2 * MIN });
        const { ok } = await load(flow(baseUrl));
        await until(() => ok.length === 2);
        ok.map((m) => m.payload.id).should.deepEqual(['hikcentral:f', 'hikcentral:c']);
    });

    it('warns that 197151 is never attendance even when configured', async function () {
        sim.addEvent({ eventId: 'f', eventType: 197151, atMs: Date.now() - MIN });
        const { ok, warnings } = await load(flow(baseUrl, { eventTypes: '196893, 197151' }));
        await until(() => doorPolls().length === 1);
        await new Promise((r) => setTimeout(r, 50));
        warnings.some((w) => /197151/.test(w)).should.be.true();
        ok.length.should.equal(0);
    });

    it('pages through many pages', async function () {
        for (let i = 0; i < 230; i++) sim.addEvent({ atMs: Date.now() - 8 * MIN + i * 1000 });
        const { ok } = await load(flow(baseUrl, { pageSize: 50 }));
        await until(() => ok.length === 230);
        doorPolls().length.should.equal(5);
        const times = ok.map((m) => Date.parse(m.payload.time));
        times.should.deepEqual([...times].sort((a, b) => a - b));
    });

    it('keeps cursor and emitted ids across a restart (localfilesystem context)', async function () {
        const dir = tmpDir('ab-artemis-');
        const stores = { default: { module: 'localfilesystem', config: { dir, flushInterval: 0 } } };
        sim.addEvent({ eventId: 'a', atMs: Date.now() - MIN });
        async function start() {
            helper.settings({ contextStorage: stores, userDir: dir });
            await helper.load([artemisServer, artemisEvents], [{ id: 'tab0', type: 'tab' }, { id: 'pre', z: 'tab0', type: 'catch', wires: [] }], CREDS);
            await useContextStores(stores);
            await deploy(flow(baseUrl), 'full', CREDS);
            return { e1: helper.getNode('e1'), ok: collect(helper.getNode('ok')) };
        }
        let { ok } = await start();
        await until(() => ok.length === 1);
        await new Promise((r) => setTimeout(r, 100));
        await helper.unload();
        await Context.close();
        const files = fs.readdirSync(path.join(dir, 'context', 'global'));
        files.length.should.be.above(0);
        sim.addEvent({ eventId: 'b', atMs: Date.now() - 30000 });
        ({ ok } = await start());
        await until(() => ok.length === 1);
        await new Promise((r) => setTimeout(r, 100));
        ok.map((m) => m.payload.id).should.deepEqual(['hikcentral:b']);
    });

    it('push mode: subscribes, receives OnEventNotify, dedups against the safety poll, unsubscribes and removes the route on close', async function () {
        const nodeUrl = helper.url();
        const p = sim.persons[2];
        const { e1, ok } = await load(flow(baseUrl, { mode: 'push', pushBaseUrl: nodeUrl, pushPath: '/hik/events', safetyInterval: 600, initialLookback: 0 }));
        await until(() => Object.keys(sim.subscriptions).length === 2, { tries: 100000 });
        sim.subscriptions.should.deepEqual({ 196893: nodeUrl + '/hik/events', 198914: nodeUrl + '/hik/events' });
        await until(() => sim.requests.some((r) => r.path.endsWith('personList')));
        await new Promise((r) => setTimeout(r, 50));
        sim.addEvent({ eventId: 'p1', person: p, atMs: Date.now() - 1000 });
        sim.addEvent({ eventId: 'p2', person: p, eventType: 197151, atMs: Date.now() - 500 }); // not subscribed: never pushed
        sim.addEvent({ eventId: 'p3', personId: '0', atMs: Date.now() - 400 }); // pushed with ExtEventPersonNo "0": skipped
        await until(() => ok.length === 1, { tries: 100000 });
        ok[0].payload.id.should.equal('hikcentral:p1');
        ok[0].topic.should.equal(p.personId); // person number resolved through the person list
        ok[0].payload.person.code.should.equal(p.personCode);
        await until(() => sim.pushes.length === 2 && sim.pushes.every((x) => x.status === 200), { tries: 100000 });
        await pollNow(e1);
        ok.length.should.equal(1);
        // a bad body is refused
        const bad = await axios.post(nodeUrl + '/hik/events', { hello: 1 }, { validateStatus: () => true });
        bad.status.should.equal(400);
        await helper.unload();
        sim.subscriptions.should.deepEqual({});
        const gone = await axios.post(nodeUrl + '/hik/events', { method: 'OnEventNotify', params: { events: [] } }, { validateStatus: () => true });
        gone.status.should.equal(404);
    });

    it('push mode with a token: eventDest carries it, pushes without it are refused (403)', async function () {
        const nodeUrl = helper.url();
        const creds = { ...CREDS, e1: { pushToken: 'tok-123' } };
        const { ok } = await load(flow(baseUrl, { mode: 'push', pushBaseUrl: nodeUrl, pushPath: '/hik/tok', initialLookback: 0 }), creds);
        await until(() => Object.keys(sim.subscriptions).length === 2, { tries: 100000 });
        sim.subscriptions[196893].should.equal(nodeUrl + '/hik/tok?token=tok-123');
        const forged = { method: 'OnEventNotify', params: { ability: 'event_acs', events: [{ eventId: 'forged', eventType: 196893, happenTime: new Date().toISOString(), srcIndex: '1', data: { ExtEventPersonNo: '000101', ExtEventInOut: 1 } }] } };
        (await axios.post(nodeUrl + '/hik/tok', forged, { validateStatus: () => true })).status.should.equal(403);
        (await axios.post(nodeUrl + '/hik/tok?token=wrong', forged, { validateStatus: () => true })).status.should.equal(403);
        sim.addEvent({ eventId: 'real', atMs: Date.now() - 1000 });
        await until(() => ok.length === 1, { tries: 100000 });
        ok[0].payload.id.should.equal('hikcentral:real');
    });

    it('push mode without a token warns once that the endpoint is unauthenticated and shows a yellow status (issue 13, case 16)', async function () {
        const nodeUrl = helper.url();
        sim.addEvent({ eventId: 'q', atMs: Date.now() - MIN });
        const { ok, statuses, warnings } = await load(flow(baseUrl, { mode: 'push', pushBaseUrl: nodeUrl, pushPath: '/hik/open', initialLookback: 5 }));
        await until(() => ok.length === 1);
        await until(() => statuses.some((s) => s.fill === 'yellow' && /noToken/.test(s.text)));
        statuses.some((s) => s.fill === 'green').should.be.false();
        warnings.filter((w) => /warn\.noToken/.test(w)).should.have.length(1);
    });

    it('push mode with a token accepts it as a token header too, and never logs it (issue 13, case 16)', async function () {
        const nodeUrl = helper.url();
        const creds = { ...CREDS, e1: { pushToken: 'tok-hdr-9' } };
        const { e1, ok, warnings } = await load(flow(baseUrl, { mode: 'push', pushBaseUrl: nodeUrl, pushPath: '/hik/hdr', initialLookback: 0 }), creds);
        const logs = [];
        e1.on('call:log', (call) => logs.push(String(call.args[0])));
        await until(() => Object.keys(sim.subscriptions).length === 2, { tries: 100000 });
        const p = sim.persons[3];
        const push = { method: 'OnEventNotify', params: { ability: 'event_acs', events: [{ eventId: 'hdr', eventType: 196893, happenTime: new Date().toISOString(), srcIndex: '1', data: { personId: p.personId, personCode: p.personCode, checkInAndOutType: 1 } }] } };
        (await axios.post(nodeUrl + '/hik/hdr', push, { headers: { token: 'tok-hdr-9' }, validateStatus: () => true })).status.should.equal(200);
        await until(() => ok.length === 1);
        ok[0].payload.should.have.properties({ id: 'hikcentral:hdr', direction: 'in' });
        ok[0].topic.should.equal(p.personId);
        [...warnings, ...logs].join('\n').should.not.containEql('tok-hdr-9');
    });

    it('push mode: a refused subscription does not stop the safety poll; the next poll subscribes', async function () {
        sim.setFaults({ kind: 'code', code: '0x02401008', count: 1, path: '/artemis/api/eventService/v1/eventSubscriptionByEventTypes' });
        sim.addEvent({ eventId: 'q', atMs: Date.now() - MIN });
        const { e1, ok, statuses, warnings } = await load(flow(baseUrl, { mode: 'push', pushBaseUrl: helper.url(), pushPath: '/hik/ev2', safetyInterval: 600 }), { ...CREDS, e1: { pushToken: 'tok-ev2' } });
        await until(() => ok.length === 1);
        await until(() => statuses.some((s) => s.fill === 'yellow'));
        warnings.some((w) => /0x02401008/.test(w)).should.be.true();
        sim.subscriptions.should.deepEqual({});
        await pollNow(e1);
        await until(() => Object.keys(sim.subscriptions).length === 2);
        await until(() => statuses[statuses.length - 1].fill === 'green');
    });

    describe('versioned properties', function () {
        const { MIGRATIONS } = require('../../dist/nodes/artemis-events/migrations');
        const { migrate } = require('../../dist/lib/kit/migrate');

        for (const [label, props] of [['a flow written by this release (version 2)', { version: 2 }], ['a flow written by the previous release (version 1)', { version: 1 }], ['a flow without version', {}], ['a flow with version 0', { version: 0 }]]) {
            it(`${label} loads and polls the same way`, async function () {
                sim.addEvent({ eventId: 'v', atMs: Date.now() - MIN });
                const { ok, ko } = await load(flow(baseUrl, props));
                await until(() => ok.length === 1);
                ok[0].payload.id.should.equal('hikcentral:v');
                ko.length.should.equal(0);
                doorPolls()[0].body.pageSize.should.equal(50);
            });
        }

        it('a flow saved before versioning, without the properties added later, reads today\'s defaults', async function () {
            const old = flow(baseUrl).map((n) => (n.id === 'e1' ? { id: 'e1', z: 'tab1', type: 'artemis-events', server: 's1', wires: n.wires } : n));
            const { warnings } = await load(old);
            await until(() => doorPolls().length === 1);
            doorPolls()[0].body.pageSize.should.equal(200);
            warnings.some((w) => /197151|event types/.test(w)).should.be.false();
            migrate({ server: 's1' }, MIGRATIONS).config.should.deepEqual({
                server: 's1', version: 2, name: '', interval: 60, overlap: 300, initialLookback: 0, pageSize: 200, eventTypes: '196893, 198914',
                eventTypeMode: 'auto', doors: '', overrides: [], timezone: '', store: '', mode: 'poll', pushPath: '', pushBaseUrl: '', safetyInterval: 600,
            });
            migrate({ version: 2, interval: 5 }, MIGRATIONS).config.should.deepEqual({ version: 2, interval: 5 }); // this release's flow as it is
        });

        it('version 2 clamps a stored page size over 500 to 500 (issue 13, case 17)', async function () {
            migrate({ version: 1, pageSize: 1000 }, MIGRATIONS).config.should.deepEqual({ version: 2, pageSize: 500 });
            migrate({ version: 1, pageSize: '800' }, MIGRATIONS).config.pageSize.should.equal(500);
            migrate({ version: 1, pageSize: 300 }, MIGRATIONS).config.pageSize.should.equal(300);
            migrate({ pageSize: 1000 }, MIGRATIONS).config.pageSize.should.equal(500);
            for (let i = 0; i < 3; i++) sim.addEvent({ atMs: Date.now() - MIN + i * 1000 });
            const { ok } = await load(flow(baseUrl, { version: 1, pageSize: 1000 }));
            await until(() => ok.length === 3);
            doorPolls()[0].body.should.have.properties({ pageSize: 500, doorIndexCodes: [], sortField: 'SwipeTime', orderType: 0 });
        });
    });

    describe('timers and re-deploys', function () {
        let clock;
        afterEach(function () {
            if (clock) clock.restore();
            clock = undefined;
        });

        it('polls every `interval` seconds with a recursive timer, and backs off after repeated failures (fake timers)', async function () {
            clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
            const { ok } = await load(flow(baseUrl, { interval: 60 }));
            await clock.tickAsync(150);
            await until(() => doorPolls().length === 1);
            sim.addEvent({ eventId: 'later', atMs: Date.now() - 1000 });
            await clock.tickAsync(59000);
            doorPolls().length.should.equal(1);
            await clock.tickAsync(1000);
            await until(() => ok.length === 1);
            doorPolls().length.should.equal(2);
            // failures: first retry after one interval, then exponentially longer (base = interval, ±20 %)
            sim.setFaults({ kind: 'html502' });
            await clock.tickAsync(60000);
            await until(() => sim.requests.filter((r) => r.fault).length === 1);
            await clock.tickAsync(60000);
            await until(() => sim.requests.filter((r) => r.fault).length === 2);
            await clock.tickAsync(60000);
            for (let i = 0; i < 200; i++) await new Promise((r) => setImmediate(r)); // let any I/O happen
            sim.requests.filter((r) => r.fault).length.should.equal(2); // third attempt waits ~2 intervals
            sim.clearFaults();
            await clock.tickAsync(90000);
            await until(() => sim.requests.filter((r) => r.path.endsWith('door/events') && !r.fault).length === 3);
        });

        it('push mode keeps the safety poll running on its timer: an event whose push never arrived is still emitted (issue 13, case 17)', async function () {
            clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
            // HikCentral cannot reach the receiver (an unreachable eventDest): pushes fail, as while the receiver is down
            const { ok } = await load(flow(baseUrl, { mode: 'push', pushBaseUrl: 'http://127.0.0.1:9', pushPath: '/hik/gap', safetyInterval: 600, initialLookback: 0 }), { ...CREDS, e1: { pushToken: 'tok-gap' } });
            await clock.tickAsync(150);
            await until(() => doorPolls().length === 1 && Object.keys(sim.subscriptions).length === 2);
            sim.addEvent({ eventId: 'gap', atMs: Date.now() - 1000 });
            await until(() => sim.pushes.length === 1 && sim.pushes[0].error !== undefined);
            await clock.tickAsync(599000);
            doorPolls().length.should.equal(1);
            ok.length.should.equal(0);
            await clock.tickAsync(1000);
            await until(() => ok.length === 1);
            ok[0].payload.id.should.equal('hikcentral:gap');
            doorPolls().length.should.equal(2);
        });

        it('keeps its state across a re-deploy of the changed node (memory store)', async function () {
            sim.addEvent({ eventId: 'a', atMs: Date.now() - MIN });
            const f = flow(baseUrl);
            const { ok } = await load(f);
            await until(() => ok.length === 1);
            await new Promise((r) => setTimeout(r, 50));
            const changed = f.map((n) => (n.id === 'e1' ? { ...n, interval: 30, name: 'changed' } : n));
            await deploy(changed, 'nodes', CREDS);
            const ok2 = collect(helper.getNode('ok'));
            const e1 = helper.getNode('e1');
            e1.name.should.equal('changed');
            await until(() => doorPolls().length >= 2);
            await pollNow(e1);
            ok2.length.should.equal(0);
        });

        it('works with a localfilesystem store without cache (async-only context)', async function () {
            const dir = tmpDir('ab-artemis-nc-');
            const stores = { default: 'file', file: { module: 'localfilesystem', config: { dir, cache: false } } };
            helper.settings({ contextStorage: stores, userDir: dir });
            await helper.load([artemisServer, artemisEvents], [{ id: 'tab0', type: 'tab' }, { id: 'pre', z: 'tab0', type: 'catch', wires: [] }], CREDS);
            await useContextStores(stores);
            sim.addEvent({ eventId: 'a', atMs: Date.now() - MIN });
            await deploy(flow(baseUrl, { store: 'file' }), 'full', CREDS);
            const ok = collect(helper.getNode('ok'));
            await until(() => ok.length === 1);
            const e1 = helper.getNode('e1');
            await pollNow(e1);
            ok.length.should.equal(1);
            const file = fs.readFileSync(path.join(dir, 'context', 'global', 'global.json'), 'utf8');
            file.should.match(/attendanceBridge_artemis_e1_cursor/).and.match(/hikcentral:a/);
        });
    });
});
