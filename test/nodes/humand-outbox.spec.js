'use strict';
// One outbox per physical store and Humand tenant (issue 13, case 6): two humand-server config nodes.
const should = require('should');
const path = require('path');
const { helper, node, deploy, useContextStores, resetContext, tmpDir, collect, until } = require('../helper');
const { createHumandSimulator } = require('../../sim/humand');
const { HumandClient } = require(path.join(__dirname, '..', '..', 'dist', 'lib', 'humand', 'client'));
const { readHumandSettings } = require(path.join(__dirname, '..', '..', 'dist', 'lib', 'humand', 'settings'));

const humandServer = node('humand-server');
const humandClock = node('humand-clock');
const KEY = 'test-key-0001';
const USERS = ['00101', '00102', '00103', '00104', '00105', '__proto__', 'constructor'].map((emp, i) => ({ id: i + 1, employeeInternalId: emp, firstName: 'E', lastName: String(i), email: `e${i}@example.com`, status: 'ACTIVE', segmentations: [] }));

function ago(minutesAgo) {
    return new Date(Date.now() - minutesAgo * 60000 - 3 * 3600000).toISOString().replace('Z', '-03:00');
}
function evt(id, employeeId, minutesAgo, direction) {
    return { id, source: 'hikcentral', person: { id: 'p' + employeeId, name: 'E' }, time: ago(minutesAgo), direction, employeeId };
}

function flow(baseUrl, { store1 = '', store2 = '', server2 = {} } = {}) {
    return [
        { id: 'tab1', type: 'tab' },
        { id: 's1', type: 'humand-server', name: 'first', baseUrl, timeout: 2, rateLimit: 0 },
        { id: 's2', type: 'humand-server', name: 'copy', baseUrl, timeout: 2, rateLimit: 0, ...server2 },
        { id: 'c1', z: 'tab1', type: 'humand-clock', server: 's1', store: store1, debounce: 0, wires: [['ok'], ['ko']] },
        { id: 'c2', z: 'tab1', type: 'humand-clock', server: 's2', store: store2, debounce: 0, wires: [['ok'], ['ko']] },
        { id: 'ok', z: 'tab1', type: 'helper' },
        { id: 'ko', z: 'tab1', type: 'helper' },
        { id: 'catch1', z: 'tab1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', z: 'tab1', type: 'helper' },
    ];
}

describe('humand outbox: one per physical store and tenant (issue 13, case 6)', function () {
    this.timeout(15000);
    let sim;
    let baseUrl;
    let dir;
    // A new object each time: a deploy may change the credentials object it is given.
    const creds = () => ({ s1: { apiKey: KEY }, s2: { apiKey: KEY } });

    beforeEach(async function () {
        sim = createHumandSimulator({ apiKeys: [KEY, 'other-key-0002'], users: USERS });
        ({ baseUrl } = await sim.listen(0));
        dir = tmpDir('ab-outbox-');
    });
    afterEach(async function () {
        await helper.unload();
        await resetContext();
        helper.settings({});
        await sim.close();
    });

    async function load(f, stores, credentials = creds()) {
        helper.settings({ contextStorage: stores });
        await helper.load([humandServer, humandClock], [{ id: 'tab1', type: 'tab' }, { id: 'pre', z: 'tab1', type: 'catch', wires: [] }], credentials);
        await useContextStores(stores);
        await deploy(f, 'full', credentials);
        return { ok: collect(helper.getNode('ok')), ko: collect(helper.getNode('ko')), caught: collect(helper.getNode('caught')) };
    }
    const fileStores = () => ({ default: 'file', file: { module: 'localfilesystem', config: { dir, cache: false } } });

    it("two config nodes of one tenant, with stores '', 'default' and the default's alias, share one outbox: each punch once, in order", async function () {
        const { ok, ko } = await load(flow(baseUrl, { store1: '', store2: 'file' }), fileStores());
        const s1 = helper.getNode('s1');
        const s2 = helper.getNode('s2');
        const outbox = s1.getOutbox('', false, { concurrency: 1 });
        s2.getOutbox('file', false, { concurrency: 1 }).should.equal(outbox);
        s2.getOutbox('default', false, { concurrency: 1 }).should.equal(outbox);
        s1.getOutbox('', true, { concurrency: 1 }).should.not.equal(outbox); // dry run: its own keys
        // Both flows send for the same employees, interleaved.
        for (let i = 0; i < 6; i++) {
            const via = helper.getNode(i % 2 === 0 ? 'c1' : 'c2');
            via.receive({ payload: evt(`e${i}`, '00101', 60 - i * 5, null) });
            via.receive({ payload: evt(`f${i}`, '00102', 60 - i * 5, null) });
        }
        await until(() => ok.length + ko.length === 12, { ms: 8000 });
        ko.length.should.equal(0);
        for (const emp of ['00101', '00102']) {
            const entries = sim.journal.filter((r) => r.employeeInternalId === emp);
            entries.map((r) => r.type).should.eql(['START', 'END', 'START', 'END', 'START', 'END']);
        }
        sim.journal.length.should.equal(12);
        sim.requests.filter((r) => r.action).length.should.equal(12); // no request sent twice
    });

    it('the shared outbox stays while one of its config nodes remains, and closes with the last one', async function () {
        const f = flow(baseUrl);
        const { ok } = await load(f, fileStores());
        const outbox = helper.getNode('s2').getOutbox('', false, { concurrency: 1 });
        // Remove the first config node and its clock node (a "modified nodes" deploy): the copy keeps the outbox.
        await deploy(f.filter((n) => n.id !== 's1' && n.id !== 'c1'), 'nodes', creds());
        helper.getNode('s2').getOutbox('', false, { concurrency: 1 }).should.equal(outbox);
        helper.getNode('c2').receive({ payload: evt('x1', '00103', 5, 'in') });
        await until(() => ok.length === 1);
        sim.journal.length.should.equal(1);
        outbox.closed.should.be.false();
        // Closed with its last user.
        await helper.unload();
        outbox.closed.should.be.true();
    });

    it('a second config node with another API key on the same stored keys is refused with a clear error', async function () {
        const { ko } = await load(flow(baseUrl), fileStores(), { s1: { apiKey: KEY }, s2: { apiKey: 'other-key-0002' } });
        (() => helper.getNode('s2').getOutbox('', false, { concurrency: 1 })).should.throw(/State namespace|humand-server\.errors\.conflict/);
        // With its own namespace it gets its own outbox.
        await deploy(flow(baseUrl, { server2: { namespace: 'tenant-b' } }), 'full', { s1: { apiKey: KEY }, s2: { apiKey: 'other-key-0002' } });
        helper.getNode('s2').getOutbox('', false, { concurrency: 1 }).should.not.equal(helper.getNode('s1').getOutbox('', false, { concurrency: 1 }));
        ko.length.should.equal(0);
    });

    it('shows another sender in the stats when Humand already holds punches this instance accepted and never sent', async function () {
        const { ok, ko, caught } = await load(flow(baseUrl), fileStores());
        const other = new HumandClient(readHumandSettings({ baseUrl, timeout: 2 }, { apiKey: KEY }));
        const events = [1, 2, 3].map((n) => evt(`o${n}`, `0010${n}`, 10, 'in'));
        try {
            // "Another copy of the flows" sends them first.
            for (const e of events) (await other.clock('in', { employeeId: e.employeeId, now: e.time, comment: '' })).status.should.be.within(200, 299);
        } finally {
            other.destroy();
        }
        for (const e of events) helper.getNode('c1').receive({ payload: e });
        await until(() => ok.length + ko.length === 3, { ms: 8000 });
        caught.length.should.equal(0);
        sim.journal.length.should.equal(3); // the journal stays exact
        const stats = helper.getNode('s1').getOutbox('', false, { concurrency: 1 }).stats();
        stats.foreignDuplicates.should.equal(3);
        stats.otherSenderSuspected.should.be.true();
    });

    it('issue 13 case 4: events for employees __proto__ and constructor are stored in a file store and delivered after a restart', async function () {
        sim.setFaults({ kinds: ['503'] });
        let { ok } = await load(flow(baseUrl), fileStores());
        helper.getNode('c1').receive({ payload: evt('__proto__', '__proto__', 5, 'in') });
        helper.getNode('c1').receive({ payload: evt('constructor', 'constructor', 5, 'in') });
        await until(() => helper.getNode('s1').getOutbox('', false, { concurrency: 1 }).stats().waiting === 2);
        await helper.unload(); // the restart: the outbox is read back from the files
        sim.clearFaults();
        ({ ok } = await load(flow(baseUrl), fileStores()));
        const outbox = helper.getNode('s1').getOutbox('', false, { concurrency: 1 });
        await outbox.whenStarted();
        outbox.stats().queued.should.equal(2);
        outbox.retryNow();
        await until(() => ok.length === 2);
        sim.journal.map((r) => r.employeeInternalId).sort().should.eql(['__proto__', 'constructor']);
        outbox.state('__proto__').recent.should.eql(['__proto__']);
    });
});
