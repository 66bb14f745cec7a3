'use strict';
// The attendance journal through the real nodes (issue 12): identity-map → humand-clock → the Humand
// simulator, with the journal in a temporary folder.
require('should');
const sinon = require('sinon');
const fs = require('fs');
const path = require('path');
const { helper, node, deploy, resetContext, tmpDir, collect, until } = require('../helper');
const { createHumandSimulator } = require('../../sim/humand');
const { allHealth } = require('../../dist/lib/health');
const { journalOf } = require('../../dist/lib/journal/index');
const { ago } = require('./humand-clock-fixtures');

const humandServer = node('humand-server');
const humandClock = node('humand-clock');
const identityMap = node('identity-map');
const KEY = 'test-key-0001';
const USERS = [{ id: 1, employeeInternalId: '00123', firstName: 'Ana', lastName: 'García', email: 'ana@example.com', status: 'ACTIVE', segmentations: [] }];

const evt = (id, code, minutesAgo = 5, direction = 'in') => ({
    id,
    source: 'hikcentral',
    person: { id: 'p' + code, code, name: `Person ${code}` },
    time: ago(minutesAgo),
    direction,
    device: { id: '12', name: 'Main door' },
    raw: { secretish: 'not journaled' },
});

/** identity-map m1 (table) → humand-clock c1 → ok / ko; m1's second output → unmapped. */
function flow(baseUrl, table) {
    return [
        { id: 'tab1', type: 'tab' },
        { id: 's1', type: 'humand-server', baseUrl, timeout: 2, rateLimit: 0 },
        { id: 'm1', z: 'tab1', type: 'identity-map', lookup: 'person.code', table, fallback: false, wires: [['c1'], ['unmapped']] },
        { id: 'c1', z: 'tab1', type: 'humand-clock', server: 's1', debounce: 0, wires: [['ok'], ['ko']] },
        { id: 'ok', z: 'tab1', type: 'helper' },
        { id: 'ko', z: 'tab1', type: 'helper' },
        { id: 'unmapped', z: 'tab1', type: 'helper' },
    ];
}

describe('attendance journal (nodes)', function () {
    let sim;
    let baseUrl;
    let dir;
    let journal;
    const creds = { s1: { apiKey: KEY } };

    beforeEach(async function () {
        sim = createHumandSimulator({ apiKeys: [KEY], users: USERS.map((u) => ({ ...u })) });
        ({ baseUrl } = await sim.listen(0));
        dir = tmpDir('ab-journal-');
        const settings = { attendanceBridge: { journal: { dir, flushMs: 20 } } };
        helper.settings(settings);
        journal = journalOf({ settings, log: { warn: () => undefined } });
    });
    afterEach(async function () {
        await helper.unload();
        await resetContext();
        helper.settings({});
        await sim.close();
    });

    async function load(table) {
        await helper.load([humandServer, humandClock, identityMap], flow(baseUrl, table), creds);
        return { m1: helper.getNode('m1'), c1: helper.getNode('c1'), ok: collect(helper.getNode('ok')), ko: collect(helper.getNode('ko')), unmapped: collect(helper.getNode('unmapped')) };
    }
    const lastStatus = (n) => n.status.lastCall && n.status.lastCall.args[0];

    it("traces a normal punch from the source event to Humand's answer, found by employee id, person code and name", async function () {
        const { m1, ok } = await load([{ source: '000101', target: '00123' }]);
        m1.receive({ payload: evt('hik:1', '000101') });
        await until(() => ok.length === 1);
        const [byEmployee] = await journal.search('00123');
        byEmployee.should.containEql({ id: 'hik:1', source: 'hikcentral', employeeId: '00123', direction: 'in', outcome: 'delivered' });
        byEmployee.person.should.eql({ id: 'p000101', code: '000101', name: 'Person 000101' });
        byEmployee.device.should.eql({ id: '12', name: 'Main door' });
        byEmployee.steps.map((s) => `${s.node}:${s.step}`).should.eql(['identity-map:mapped', 'humand-clock:sent']);
        byEmployee.steps[0].detail.should.equal('via table → 00123');
        byEmployee.steps[1].humand.should.containEql({ status: 201, action: 'in', request: 1, entryId: String(sim.journal[0].id) });
        (await journal.search('000101')).map((e) => e.id).should.eql(['hik:1']);
        (await journal.search('person 000101')).map((e) => e.id).should.eql(['hik:1']);
        await journal.flush();
        const text = fs.readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.jsonl')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('');
        text.should.not.containEql('secretish');
        text.should.not.containEql(KEY);
    });

    it('parks an unmapped person; after the table row is added a replay (msg.topic "replay") delivers it exactly once', async function () {
        let { m1, unmapped } = await load([{ source: '000101', target: '00123' }]);
        m1.receive({ payload: evt('hik:2', '000102'), topic: 'p000102' });
        await until(() => unmapped.length === 1);
        journal.parked().map((i) => [i.id, i.reasonCode, i.node, i.nodeId]).should.eql([['hik:2', 'unmapped', 'identity-map', 'm1']]);
        await until(() => /identity-map.status.parked/.test(lastStatus(m1).text));
        allHealth().find((h) => h.id === 'm1').details.parked.should.equal(1);
        sim.journal.length.should.equal(0);

        // The fix: a table row for the person (a re-deploy), then the replay.
        await deploy(flow(baseUrl, [{ source: '000101', target: '00123' }, { source: '000102', target: '00123' }]), 'full', creds);
        m1 = helper.getNode('m1');
        const ok = collect(helper.getNode('ok'));
        m1.receive({ topic: 'replay', payload: { ids: ['hik:2'] } });
        await until(() => ok.length === 1);
        sim.journal.length.should.equal(1);
        journal.parked().should.eql([]);
        // Twice: nothing parked any more, and the same event sent again is Humand's duplicate rule's.
        m1.receive({ topic: 'replay', payload: { ids: ['hik:2'] } });
        (await journal.replay({ employee: '000102' })).should.equal(0);
        m1.receive({ payload: evt('hik:2', '000102') });
        const ko = collect(helper.getNode('ko'));
        await until(() => ko.length === 1);
        ko[0].reasonCode.should.equal('duplicate');
        sim.journal.length.should.equal(1);
        const [entry] = await journal.search('000102');
        entry.steps.map((s) => `${s.step}:${s.attempt}`).should.eql(['unmapped:1', 'replayed:2', 'mapped:2', 'sent:2', 'mapped:1', 'skipped:1']);
    });

    // Humand's documented answer to an unknown employee is its generic 400 INVALID_DATA (a read-back then shows
    // nothing held): parked as "humand-rejected" with Humand's text; an answer that says so is "employee-not-found".
    for (const [errors, reasonCode, status, code] of [
        ['legacy', 'employee-not-found', 404, 'EMPLOYEE_NOT_FOUND'],
        ['documented', 'humand-rejected', 400, 'INVALID_DATA'],
    ]) {
        it(`parks Humand's refusal of an unknown employee (${errors} answers: ${reasonCode}); once the employee exists in Humand the replay delivers it`, async function () {
            await sim.close();
            sim = createHumandSimulator({ apiKeys: [KEY], users: USERS.map((u) => ({ ...u })), errors });
            ({ baseUrl } = await sim.listen(0));
            const { m1, c1, ko } = await load([{ source: '000200', target: 'NEW-7' }]);
            m1.receive({ payload: evt('hik:3', '000200') });
            await until(() => ko.length === 1);
            const [item] = journal.parked();
            item.should.containEql({ id: 'hik:3', reasonCode, node: 'humand-clock', nodeId: 'c1', employeeId: 'NEW-7' });
            await until(() => /humand-clock.status.parked/.test(lastStatus(c1).text));
            const [before] = await journal.search('NEW-7');
            before.outcome.should.equal('parked');
            before.reasonCode.should.equal(reasonCode);
            before.steps[1].humand.should.containEql({ status, code });

            sim.addUser({ employeeInternalId: 'NEW-7', firstName: 'Nueva' });
            const ok = collect(helper.getNode('ok'));
            (await journal.replay({ reasonCode })).should.equal(1);
            await until(() => ok.length === 1);
            sim.journal.map((r) => r.employeeInternalId).should.eql(['NEW-7']);
            (await journal.replay({ ids: ['hik:3'] })).should.equal(0);
            const [after] = await journal.search('NEW-7');
            after.outcome.should.equal('delivered');
            after.steps.map((s) => `${s.step}:${s.attempt}`).should.eql(['mapped:1', 'sent:1', 'replayed:2', 'sent:2']);
            await until(() => !/parked/.test(lastStatus(c1).text));
        });
    }

    it('an event sent to humand-clock directly: queued, each retried answer with its request number, then delivered (fake timers)', async function () {
        const { c1, ok } = await load([]);
        const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
        try {
            sim.setFaults({ count: 1, kinds: ['503'] });
            c1.receive({ payload: { ...evt('hik:7', '000101'), employeeId: '00123' } });
            await until(() => sim.requests.length === 1);
            // Waiting on its back-off timer: the retry is journaled.
            await until(() => helper.getNode('s1').getOutbox('', false, { concurrency: 1 }).stats().waiting >= 1);
            await clock.tickAsync(2000);
            await until(() => ok.length === 1);
        } finally {
            clock.restore();
        }
        const [e] = await journal.search('00123');
        e.steps.map((x) => `${x.node}:${x.step}`).should.eql(['humand-clock:queued', 'humand-clock:retry', 'humand-clock:sent']);
        e.steps[1].humand.should.containEql({ status: 503, request: 1 });
        e.steps[1].detail.should.match(/HTTP 503.*next try/);
        e.steps[2].humand.should.containEql({ status: 201, request: 2 });
        e.outcome.should.equal('delivered');
    });

    it('parks a time too far ahead; msg.topic "dismiss" drops it, the journal says so', async function () {
        const { m1, c1, ko } = await load([{ source: '000101', target: '00123' }]);
        m1.receive({ payload: evt('hik:4', '000101', -48 * 60) });
        await until(() => ko.length === 1);
        journal.parked().map((i) => i.reasonCode).should.eql(['too-far-ahead']);
        c1.receive({ topic: 'dismiss', payload: {} });
        await until(() => journal.parked().length === 0);
        const day = ago(-48 * 60).slice(0, 10);
        (await journal.search('00123', day, day))[0].outcome.should.equal('dismissed');
    });

    it('a journal that cannot write is reported (health, log once) and punches still flow', async function () {
        const { m1, ok } = await load([{ source: '000101', target: '00123' }]);
        await journal.opened;
        // Where the day folder goes, a file: every append fails (for root too).
        const day = ago(5).slice(0, 10);
        fs.writeFileSync(path.join(dir, 'default', day), 'not a folder');
        m1.receive({ payload: evt('hik:5', '000101', 5) });
        m1.receive({ payload: evt('hik:6', '000101', 4, 'out') });
        await until(() => ok.length === 2);
        await journal.flush();
        sim.journal.length.should.equal(2);
        const h = allHealth().find((x) => x.id === 'attendance-journal');
        h.lastError.should.match(/EEXIST|ENOTDIR/);
        await until(() => /journalFailed/.test(lastStatus(m1).text));
        // The steps wait in memory and are still found.
        (await journal.search('00123')).length.should.equal(2);
    });
});
