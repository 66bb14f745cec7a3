'use strict';
const should = require('should');
const sinon = require('sinon');
const fs = require('fs');
const path = require('path');
const { helper, node, deploy, useContextStores, resetContext, tmpDir, collect, until, Context } = require('../helper');
const { createHumandSimulator } = require('../../sim/humand');
const { ago, evt, flow } = require('./humand-clock-fixtures');

const humandServer = node('humand-server');
const humandClock = node('humand-clock');
const KEY = 'test-key-0001';

const USERS = [
    { id: 1, employeeInternalId: '00123', firstName: 'Ana', lastName: 'García', email: 'ana@example.com', status: 'ACTIVE', segmentations: [] },
    { id: 2, employeeInternalId: '00456', firstName: 'Luis', lastName: 'Pérez', email: 'luis@example.com', status: 'ACTIVE', segmentations: [] },
    { id: 3, employeeInternalId: '00789', firstName: 'Eva', lastName: 'Soto', email: 'eva@example.com', status: 'ACTIVE', segmentations: [] },
    { id: 4, employeeInternalId: 'retry', firstName: 'Rita', lastName: 'Retry', email: 'rita@example.com', status: 'ACTIVE', segmentations: [] },
];

describe('humand-clock', function () {
    let sim;
    let baseUrl;
    let clock;

    beforeEach(async function () {
        sim = createHumandSimulator({ apiKeys: [KEY], users: USERS });
        ({ baseUrl } = await sim.listen(0));
    });
    afterEach(async function () {
        if (clock) clock.restore();
        clock = undefined;
        await helper.unload();
        await resetContext();
        helper.settings({});
        await sim.close();
    });

    /** Waits (real I/O) until the outbox has an employee waiting on a back-off or hold timer. */
    async function waitingRetry(n = 1) {
        const server = helper.getNode('s1');
        await until(() => server.getOutbox('', false, { concurrency: 1 }).stats().waiting >= n);
    }

    async function load(f, creds = { s1: { apiKey: KEY } }, stores) {
        if (stores) {
            // Context stores must be in place before the nodes start (as in a real runtime).
            helper.settings({ contextStorage: stores });
            // (a catch node in the first flow makes the helper register the core catch type)
            await helper.load([humandServer, humandClock], [{ id: 'tab1', type: 'tab' }, { id: 'pre', z: 'tab1', type: 'catch', wires: [] }], creds);
            await useContextStores(stores);
            await deploy(f, 'full', creds);
        } else {
            await helper.load([humandServer, humandClock], f, creds);
        }
        return { c1: helper.getNode('c1'), ok: collect(helper.getNode('ok')), ko: collect(helper.getNode('ko')), caught: collect(helper.getNode('caught')) };
    }

    it('sends a clock-in with the employee id as text, the event time and the comment', async function () {
        const { c1, ok } = await load(flow(baseUrl));
        c1.receive({ payload: evt('hikcentral:1', '00123', 5, 'in'), topic: 'p00123' });
        await until(() => ok.length === 1);
        sim.journal.length.should.equal(1);
        const rec = sim.journal[0];
        rec.should.containEql({ type: 'START', employeeInternalId: '00123', comment: 'HikCentral · Main door' });
        rec.time.should.equal(ok[0].payload.time);
        ok[0].payload.humand.should.containEql({ action: 'in', status: 201 });
        ok[0].topic.should.equal('p00123');
    });

    it('a flow saved by this release (version 2), by version 1 and before versioning (no version) behave alike', async function () {
        const v1 = { version: 1, name: '', store: '', debounce: 0, futureTolerance: 120, nullDirection: 'toggle', sameDirection: 'send', concurrency: 4, comment: '{{source}} · {{device}}', dryRun: false };
        const v2 = { ...v1, version: 2, maxFuture: 24, newShiftAfter: 10 };
        const results = [];
        for (const props of [v2, v1, { version: undefined }, { version: 0 }]) {
            const { c1, ok } = await load(flow(baseUrl, props));
            c1.receive({ payload: evt('m:' + results.length, ['00123', '00456', '00789', 'retry'][results.length], 5) });
            await until(() => ok.length === 1);
            results.push({ humand: ok[0].payload.humand.action, comment: sim.journal[sim.journal.length - 1].comment, warned: c1.warn.args.some((a) => /newer/.test(String(a[0]))) });
            await helper.unload();
            await resetContext();
        }
        results.map((r) => r.comment).should.eql(['HikCentral · Main door', 'HikCentral · Main door', 'HikCentral · Main door', 'HikCentral · Main door']);
        results.map((r) => r.warned).should.eql([false, false, false, false]);
        results.map((r) => r.humand).should.eql(['in', 'in', 'in', 'in']);
    });

    it('alternates unknown directions and keeps per-employee order', async function () {
        const { c1, ok } = await load(flow(baseUrl));
        for (let i = 0; i < 4; i++) c1.receive({ payload: evt('e' + i, '00123', 40 - i * 10) });
        for (let i = 0; i < 2; i++) c1.receive({ payload: evt('f' + i, '00456', 40 - i * 10) });
        await until(() => ok.length === 6);
        sim.journal.filter((r) => r.employeeInternalId === '00123').map((r) => r.type).should.eql(['START', 'END', 'START', 'END']);
        sim.journal.filter((r) => r.employeeInternalId === '00456').map((r) => r.type).should.eql(['START', 'END']);
    });

    describe('bad input goes to output 2 with a reason, never a crash', function () {
        const cases = [
            ['a string payload', 'hello', /not an attendance event/],
            ['missing employeeId', { id: 'x', time: ago(1) }, /missing employeeId/],
            ['an unparseable time', { id: 'x', employeeId: '00123', time: '27/01/2026 08:00' }, /unparseable time/],
            ['a time without offset', { id: 'x', employeeId: '00123', time: '2026-01-27T08:00:00' }, /unparseable time/],
            ['missing time', { id: 'x', employeeId: '00123' }, /missing time/],
            ['an unknown direction value', { id: 'x', employeeId: '00123', time: ago(1), direction: 'sideways' }, /unknown direction value/],
            ['a prototype key as direction', { id: 'x', employeeId: '00123', time: ago(1), direction: 'constructor' }, /unknown direction value/],
        ];
        for (const [label, payload, reason] of cases) {
            it(label, async function () {
                const { c1, ok, ko } = await load(flow(baseUrl));
                c1.receive({ payload });
                await until(() => ko.length === 1);
                ko[0].reason.should.match(reason);
                ko[0].reasonCode.should.equal('invalid-input');
                ok.length.should.equal(0);
                sim.requests.length.should.equal(0);
            });
        }
    });

    it('a Humand rejection goes to output 2 with Humand\'s message and to Catch nodes', async function () {
        const { c1, ok, ko, caught } = await load(flow(baseUrl));
        c1.receive({ payload: evt('x1', '99999', 5, 'in') });
        await until(() => ko.length === 1 && caught.length === 1);
        ko[0].reason.should.match(/INVALID_DATA: The provided data is invalid/); // Humand's documented generic 400, read back
        ko[0].reasonCode.should.equal('humand-rejected');
        ko[0].humand.status.should.equal(400);
        caught[0].error.message.should.match(/INVALID_DATA/);
        ok.length.should.equal(0);
    });

    it('absorbs Humand\'s automatic clock-out: the rejected out corrects the state, the next event is an in', async function () {
        const { c1, ok, ko } = await load(flow(baseUrl));
        c1.receive({ payload: evt('a1', '00123', 50, 'in') });
        await until(() => ok.length === 1);
        sim.autoClockOut('00123', ago(45));
        c1.receive({ payload: evt('a2', '00123', 30) }); // we think: out; Humand: no open entry
        await until(() => ko.length === 1);
        ko[0].reason.should.match(/Humand's last entry is already END at .* \(AUTO_CLOSE\)/); // found by the read-back
        c1.receive({ payload: evt('a3', '00123', 20) });
        await until(() => ok.length === 2);
        ok[1].payload.humand.action.should.equal('in');
    });

    it('drops a duplicate event id and a repeat swipe within debounce', async function () {
        const { c1, ok, ko } = await load(flow(baseUrl, { debounce: 60 }));
        c1.receive({ payload: evt('d1', '00123', 10, 'in') });
        await until(() => ok.length === 1);
        c1.receive({ payload: evt('d1', '00123', 10, 'in') });
        c1.receive({ payload: { ...evt('d2', '00123', 9.5) } });
        await until(() => ko.length === 2);
        ko.map((m) => m.reasonCode).sort().should.eql(['debounce', 'duplicate']);
        sim.journal.length.should.equal(1);
    });

    it('treats Humand\'s duplicate answer as delivered', async function () {
        const { c1, ok } = await load(flow(baseUrl));
        const e = evt('z1', '00123', 10, 'in');
        c1.receive({ payload: e });
        await until(() => ok.length === 1);
        c1.receive({ payload: { ...e, id: 'z1-again-from-another-source' } });
        await until(() => ok.length === 2);
        ok[1].payload.humand.status.should.equal(400); // generic 400, the read-back finds the punch
        sim.journal.length.should.equal(1);
    });

    it('retries a 503 and a 429 with back-off (fake timers) and delivers once', async function () {
        const { c1, ok } = await load(flow(baseUrl));
        clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
        sim.setFaults({ count: 2, kinds: ['503', '429'], retryAfter: 20 });
        c1.receive({ payload: evt('r1', '00123', 5, 'in') });
        await waitingRetry();
        sim.requests[0].status.should.equal(503);
        await clock.tickAsync(2000);
        await until(() => sim.requests.length === 2);
        await waitingRetry();
        sim.requests[1].status.should.equal(429);
        await clock.tickAsync(15000);
        sim.requests.length.should.equal(2);
        await clock.tickAsync(6000);
        await until(() => ok.length === 1);
        sim.journal.length.should.equal(1);
    });

    it('retries after a timeout when Humand hangs', async function () {
        const { c1, ok } = await load(flow(baseUrl));
        clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
        sim.setFaults({ count: 1, kinds: ['hang'] });
        c1.receive({ payload: evt('h1', '00123', 5, 'in') });
        await until(() => sim.requests.length === 1);
        await clock.tickAsync(2100); // server timeout 2 s
        await waitingRetry();
        await clock.tickAsync(2000); // back-off
        await until(() => ok.length === 1);
        sim.journal.length.should.equal(1);
    });

    it('a malformed success body still counts as delivered; an HTML 502 is retried', async function () {
        const { c1, ok } = await load(flow(baseUrl));
        clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
        sim.setFaults({ count: 2, kinds: ['html502', 'malformed'] });
        c1.receive({ payload: evt('m1', '00123', 20, 'in') });
        c1.receive({ payload: evt('m2', '00456', 20, 'in') });
        await until(() => ok.length === 1);
        await waitingRetry();
        await clock.tickAsync(2000);
        await until(() => ok.length === 2);
        sim.journal.length.should.equal(2);
    });

    it('authentication failure: red status, nothing dropped, retried after the pause', async function () {
        const { c1, ok, ko } = await load(flow(baseUrl), { s1: { apiKey: 'wrong' } });
        c1.receive({ payload: evt('u1', '00123', 5, 'in') });
        await until(() => sim.requests.length === 1);
        await until(() => c1.status.args.some((a) => a[0].fill === 'red' && /authFailed|auth failed/.test(a[0].text)));
        ok.length.should.equal(0);
        ko.length.should.equal(0);
        const server = helper.getNode('s1');
        server.getOutbox('', false, { concurrency: 1 }).stats().queued.should.equal(1);
    });

    it('holds a future event until due and does not send it early', async function () {
        const { c1, ok } = await load(flow(baseUrl, { futureTolerance: 60 }));
        clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
        c1.receive({ payload: evt('f1', '00123', -10, 'in') }); // 10 minutes ahead
        await clock.tickAsync(9 * 60000);
        sim.requests.length.should.equal(0);
        await clock.tickAsync(61000);
        await until(() => ok.length === 1);
        sim.journal.length.should.equal(1);
    });

    it('issue 13 case 1: an event 3 days ahead is refused at once (too-far-ahead, output 2, Catch); the next punch is delivered', async function () {
        const { c1, ok, ko, caught } = await load(flow(baseUrl));
        c1.receive({ payload: evt('far1', '00123', -3 * 24 * 60, 'in') });
        await until(() => ko.length === 1 && caught.length === 1);
        ko[0].reasonCode.should.equal('too-far-ahead');
        ko[0].reason.should.match(/too far ahead: more than 24 h/);
        caught[0].error.message.should.match(/too far ahead/);
        c1.receive({ payload: evt('far2', '00123', 5, 'in') });
        await until(() => ok.length === 1);
        ok[0].payload.id.should.equal('far2');
        sim.journal.length.should.equal(1);
        helper.getNode('s1').getOutbox('', false, { concurrency: 1 }).stats().should.containEql({ queued: 0, waiting: 0 });
    });

    it('issue 13 case 1: maxFuture is configurable (hours): 2 h ahead is refused with maxFuture 1, held with the default', async function () {
        const { c1, ko } = await load(flow(baseUrl, { maxFuture: 1 }));
        c1.receive({ payload: evt('mf1', '00123', -120, 'in') });
        await until(() => ko.length === 1);
        ko[0].reasonCode.should.equal('too-far-ahead');
        ko[0].reason.should.match(/more than 1 h/);
    });

    it('issue 13 case 1: an out-of-range maxFuture or newShiftAfter is warned about at start and its default applies', async function () {
        const { c1, ko } = await load(flow(baseUrl, { maxFuture: 0, newShiftAfter: 'x' }));
        const warnings = c1.warn.args.map((a) => String(a[0]));
        warnings.some((t) => /badMaxFuture|Max\. ahead must be/.test(t)).should.be.true();
        warnings.some((t) => /badNewShiftAfter|New shift after must be/.test(t)).should.be.true();
        c1.receive({ payload: evt('mf2', '00123', -3 * 24 * 60, 'in') });
        await until(() => ko.length === 1);
        ko[0].reason.should.match(/more than 24 h/);
    });

    it('issue 13 case 10: "in" 08:00:00 then "out" 08:00:30 are both sent; a repeated "in" within debounce is dropped', async function () {
        const { c1, ok, ko } = await load(flow(baseUrl, { debounce: 60 }));
        const base = Date.now() - 60 * 60000;
        const at = (s) => new Date(base + s * 1000 - 3 * 3600000).toISOString().replace('Z', '-03:00');
        c1.receive({ payload: { ...evt('db1', '00123', 0, 'in'), time: at(0) } });
        c1.receive({ payload: { ...evt('db2', '00123', 0, 'in'), time: at(10) } });
        c1.receive({ payload: { ...evt('db3', '00123', 0, 'out'), time: at(30) } });
        await until(() => ok.length === 2 && ko.length === 1);
        ko[0].should.containEql({ reasonCode: 'debounce' });
        ko[0].payload.id.should.equal('db2');
        sim.journal.map((r) => r.type).should.eql(['START', 'END']);
    });

    it('issue 13 case 11: night shift at a door without direction: in 22:00, 06:00 → out, next 22:00 → in', async function () {
        const { c1, ok } = await load(flow(baseUrl));
        const day = (d, h) => `2026-01-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00-03:00`;
        const times = [day(20, 22), day(21, 6), day(21, 22), day(22, 6)];
        times.forEach((t, i) => c1.receive({ payload: { ...evt('ns' + i, '00123', 0), time: t } }));
        await until(() => ok.length === 4);
        sim.journal.map((r) => r.type).should.eql(['START', 'END', 'START', 'END']);
    });

    // (the stored state's namespace follows the base URL unless one is set: the URL fix keeps it here by an explicit one)
    const unusable = [
        ['without API key', {}, {}, '', /noKey|API key/i],
        ['with an invalid base URL', { baseUrl: 'ftp://humand.example', namespace: 'acme' }, { namespace: 'acme' }, KEY, /badUrl|URL/i],
        // no namespace: the state namespace follows the base URL, so the fixed URL's outbox takes the records over
        ['with an invalid base URL and no namespace', { baseUrl: 'ftp://humand.example' }, {}, KEY, /badUrl|URL/i],
    ];
    for (const [label, serverProps, fixedProps, apiKey, reason] of unusable) it(`issue 13 case 3: a humand-server ${label}: the event is stored (no error), status red, health says why; sent once the config is fixed and deployed`, async function () {
        const { c1, ok, ko, caught } = await load(flow(baseUrl, {}, serverProps), { s1: { apiKey } });
        c1.receive({ payload: evt('nk1', '00123', 5, 'in') });
        const server = helper.getNode('s1');
        await until(() => server.getOutbox('', false, { concurrency: 1 }).stats().queued === 1, { ms: 1000 });
        await until(() => server.getOutbox('', false, { concurrency: 1 }).stats().paused, { ms: 1000 });
        // (the test runtime's catalog gives keys without their data: the reason itself is checked in the health view)
        await until(() => c1.status.args.some((a) => a[0].fill === 'red' && /notSending|not sending/.test(a[0].text)), { ms: 1000 });
        caught.length.should.equal(0);
        c1.error.called.should.be.false();
        ok.length.should.equal(0);
        ko.length.should.equal(0);
        sim.requests.length.should.equal(0);
        const res = await helper.request().get('/attendance-bridge/health').expect(503);
        const entry = res.body.nodes.find((n) => n.id === 'c1');
        entry.queue.should.equal(1);
        entry.problem.should.match(reason);

        await deploy(flow(baseUrl, {}, fixedProps), 'full', { s1: { apiKey: KEY } });
        const delivered = collect(helper.getNode('ok'));
        await until(() => delivered.length === 1, { ms: 1500 });
        delivered[0].payload.id.should.equal('nk1');
        sim.journal.length.should.equal(1);
    });

    it('issue 13 case 3: records stored while the base URL was invalid join the fixed URL\'s state: its last action decides, known ids are not sent twice', async function () {
        const { c1, ok } = await load(flow(baseUrl));
        c1.receive({ payload: evt('ad1', '00123', 30, 'in') });
        await until(() => ok.length === 1);
        // the URL is broken by an edit: two punches are stored, one of them the same event again
        await deploy(flow(baseUrl, {}, { baseUrl: 'ftp://humand.example' }), 'full', { s1: { apiKey: KEY } });
        const broken = helper.getNode('c1');
        broken.receive({ payload: evt('ad1', '00123', 30, 'in') });
        broken.receive({ payload: evt('ad2', '00123', 5) });
        await until(() => helper.getNode('s1').getOutbox('', false, { concurrency: 1 }).stats().queued === 2, { ms: 1000 });
        sim.requests.length.should.equal(1);
        // fixed: the stored records are taken over; ad2 (no direction) follows the delivered "in"
        await deploy(flow(baseUrl), 'full', { s1: { apiKey: KEY } });
        const delivered = collect(helper.getNode('ok'));
        await until(() => delivered.length === 1, { ms: 1500 });
        delivered[0].payload.id.should.equal('ad2');
        delivered[0].payload.humand.action.should.equal('out');
        sim.journal.map((r) => r.type).should.eql(['START', 'END']);
        await new Promise((r) => setTimeout(r, 50));
        sim.requests.length.should.equal(2);
        helper.getNode('s1').getOutbox('', false, { concurrency: 1 }).stats().queued.should.equal(0);
    });

    it('issue 13 case 3: only a humand-clock without any humand-server refuses events (done with an error)', async function () {
        const f = flow(baseUrl).map((n) => (n.id === 'c1' ? { ...n, server: '' } : n));
        const { c1, caught } = await load(f);
        c1.receive({ payload: evt('ns1', '00123', 5, 'in') });
        await until(() => caught.length === 1);
        caught[0].error.message.should.match(/noServer|no Humand server/);
    });

    it('issue 13 case 7: an event whose employeeId and topic are "retry" is delivered as a punch; a bare "retry" is the command', async function () {
        const { c1, ok, ko } = await load(flow(baseUrl));
        c1.receive({ topic: 'retry', payload: evt('rt1', 'retry', 5, 'in') });
        await until(() => ok.length === 1);
        sim.requests.length.should.equal(1);
        sim.requests[0].employeeId.should.equal('retry');
        sim.journal.map((r) => r.employeeInternalId).should.eql(['retry']);
        // a bare command still works: it is not an event, nothing goes out
        c1.receive({ topic: 'retry' });
        c1.receive({ topic: 'retry', payload: 1700000000000 });
        await new Promise((r) => setImmediate(r));
        ok.length.should.equal(1);
        ko.length.should.equal(0);
    });

    it('dry run reports on output 1 and sends nothing', async function () {
        const { c1, ok } = await load(flow(baseUrl, { dryRun: true }));
        c1.receive({ payload: evt('y1', '00123', 5) });
        await until(() => ok.length === 1);
        ok[0].payload.humand.should.containEql({ action: 'in', status: 0 });
        sim.requests.length.should.equal(0);
    });

    it('warns at start-up when the context store is not persistent', async function () {
        const { c1 } = await load(flow(baseUrl));
        c1.warn.args.map((a) => String(a[0])).some((t) => /notPersistent|not persistent/.test(t)).should.be.true();
    });

    it('two humand-clock nodes share the state of an employee', async function () {
        const f = flow(baseUrl);
        f.push({ id: 'c2', z: 'tab1', type: 'humand-clock', server: 's1', debounce: 0, wires: [['ok'], ['ko']] });
        const { c1, ok } = await load(f);
        c1.receive({ payload: evt('s1', '00123', 30) });
        await until(() => ok.length === 1);
        helper.getNode('c2').receive({ payload: evt('s2', '00123', 20) });
        await until(() => ok.length === 2);
        sim.journal.map((r) => r.type).should.eql(['START', 'END']);
    });

    it('state survives a re-deploy of the changed node', async function () {
        const f = flow(baseUrl);
        const { c1, ok } = await load(f);
        c1.receive({ payload: evt('v1', '00123', 30) });
        await until(() => ok.length === 1);
        const changed = f.map((n) => (n.id === 'c1' ? { ...n, name: 'renamed', comment: 'Door {{device}}' } : n));
        await deploy(changed, 'nodes', { s1: { apiKey: KEY } });
        const c1b = helper.getNode('c1');
        c1b.should.not.equal(c1);
        c1b.name.should.equal('renamed');
        c1b.receive({ payload: evt('v2', '00123', 20) });
        await until(() => ok.length === 2);
        sim.journal.map((r) => r.type).should.eql(['START', 'END']);
        sim.journal[1].comment.should.equal('Door Main door');
    });

    for (const cache of [true, false]) {
        it(`restart with a file context store (cache ${cache}): state and outbox survive, nothing sent twice`, async function () {
            const dir = tmpDir();
            const stores = { file: { module: 'localfilesystem', config: { dir, cache, flushInterval: 0 } } };
            const f = flow(baseUrl, { store: 'file' });
            const e1 = evt('k1', '00123', 40);
            const e2 = evt('k2', '00123', 30);
            const e3 = evt('k3', '00123', 20);
            let t = await load(f, undefined, stores);
            t.c1.warn.args.map((a) => String(a[0])).some((x) => /notPersistent|not persistent/.test(x)).should.be.false();
            t.c1.receive({ payload: e1 });
            await until(() => t.ok.length === 1);
            // Humand is now slow to answer: the next record is in flight when Node-RED stops.
            sim.setFaults({ count: 1, kinds: ['hang'] });
            t.c1.receive({ payload: e2 });
            await until(() => sim.requests.length === 2);
            await helper.unload();
            await Context.close();
            fs.readdirSync(path.join(dir, 'context', 'global')).length.should.be.above(0);
            sim.journal.length.should.equal(1);

            t = await load(f, undefined, stores);
            // The outbox is re-sent at start-up, with the action decided before the restart.
            await until(() => t.ok.length === 1);
            t.ok[0].payload.id.should.equal('k2');
            t.c1.receive({ payload: e3 });
            await until(() => t.ok.length === 2);
            sim.journal.map((r) => [r.type, r.time]).should.eql([['START', e1.time], ['END', e2.time], ['START', e3.time]]);
        });
    }
});

describe('humand-clock against a misbehaving server', function () {
    const http = require('http');
    let server;
    let requests;
    afterEach(async function () {
        await helper.unload();
        await resetContext();
        if (server) await new Promise((r) => server.close(r));
        server = undefined;
    });

    /** A Humand stand-in: `answer(n, req, res)` handles the n-th clock request. */
    async function fakeHumand(answer) {
        requests = 0;
        server = http.createServer((req, res) => {
            req.resume();
            req.on('end', () => answer(++requests, req, res));
        });
        await new Promise((r) => server.listen(0, '127.0.0.1', r));
        return `http://127.0.0.1:${server.address().port}/public/api/v1`;
    }

    it('a 50 MB answer is cut off at the size limit, memory stays bounded, and the record is retried', async function () {
        this.timeout(30000);
        const chunk = Buffer.alloc(1024 * 1024, 'x');
        const baseUrl = await fakeHumand((n, req, res) => {
            if (n > 1) {
                res.writeHead(201, { 'Content-Type': 'application/json' });
                res.end(JSON.stringify({ id: 1 }));
                return;
            }
            res.writeHead(200, { 'Content-Type': 'application/json' });
            let sent = 0;
            const more = () => {
                while (sent < 50 && res.write(chunk)) sent++;
                if (sent >= 50) res.end();
                else res.once('drain', () => { sent++; more(); });
            };
            res.on('error', () => undefined);
            more();
        });
        await helper.load([humandServer, humandClock], flow(baseUrl), { s1: { apiKey: KEY } });
        const ok = collect(helper.getNode('ok'));
        const heapBefore = process.memoryUsage().heapUsed;
        helper.getNode('c1').receive({ payload: evt('big1', '00123', 5, 'in') });
        const d = helper.getNode('s1').getOutbox('', false, { concurrency: 1 });
        await until(() => d.stats().lastError, { ms: 20000 });
        d.stats().lastError.should.match(/larger than the allowed maximum/);
        (process.memoryUsage().heapUsed - heapBefore).should.be.below(120 * 1024 * 1024);
        d.retryNow();
        await until(() => ok.length === 1, { ms: 10000 });
        requests.should.equal(2);
    });

    it('a server that closes the connection without answering: retried, nothing lost', async function () {
        const baseUrl = await fakeHumand((n, req, res) => {
            if (n === 1) {
                req.socket.destroy();
                return;
            }
            res.writeHead(201, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify({ id: 2 }));
        });
        await helper.load([humandServer, humandClock], flow(baseUrl), { s1: { apiKey: KEY } });
        const ok = collect(helper.getNode('ok'));
        helper.getNode('c1').receive({ payload: evt('rst1', '00123', 5, 'in') });
        const d = helper.getNode('s1').getOutbox('', false, { concurrency: 1 });
        await until(() => d.stats().lastError);
        d.stats().lastError.should.match(/connection|socket|reset|network/i);
        d.retryNow();
        await until(() => ok.length === 1);
        requests.should.equal(2);
    });
});

describe('health endpoint', function () {
    let sim;
    let baseUrl;
    before(async function () {
        sim = createHumandSimulator({ apiKeys: [KEY], users: USERS });
        ({ baseUrl } = await sim.listen(0));
    });
    after(async function () {
        await sim.close();
    });
    afterEach(async function () {
        await helper.unload();
        await resetContext();
    });

    it('reports each node with counts, 200 when healthy and 503 when the outbox is paused; never a secret', async function () {
        await helper.load([humandServer, humandClock], flow(baseUrl), { s1: { apiKey: KEY } });
        const c1 = helper.getNode('c1');
        const ok = collect(helper.getNode('ok'));
        c1.receive({ payload: evt('hh1', '00123', 5, 'in') });
        await until(() => ok.length === 1);
        let res = await helper.request().get('/attendance-bridge/health').expect(200);
        res.body.status.should.equal('ok');
        const entry = res.body.nodes.find((n) => n.id === 'c1');
        entry.should.containEql({ type: 'humand-clock', queue: 0, healthy: true });
        entry.counts.delivered.should.equal(1);
        JSON.stringify(res.body).should.not.containEql(KEY);
        await helper.unload();

        await helper.load([humandServer, humandClock], flow(baseUrl), { s1: { apiKey: 'wrong-secret' } });
        helper.getNode('c1').receive({ payload: evt('hh2', '00456', 5, 'in') });
        const server = helper.getNode('s1');
        await until(() => server.getOutbox('', false, { concurrency: 1 }).stats().paused);
        res = await helper.request().get('/attendance-bridge/health').expect(503);
        res.body.status.should.equal('failing');
        res.body.nodes.find((n) => n.id === 'c1').problem.should.match(/paused: authentication failed \(HTTP 401\)/);
        JSON.stringify(res.body).should.not.containEql('wrong-secret');
        const retry = await helper.request().post('/attendance-bridge/retry').expect(200);
        retry.body.retried.should.be.aboveOrEqual(1);
    });
});
