'use strict';
const should = require('should');
const sinon = require('sinon');
const path = require('path');
const { helper, node, useContextStores, resetContext, tmpDir, collect, until, Context, nrModule } = require('../helper');
const { createHumandSimulator } = require('../../sim/humand');
const { makeHumandUsers } = require('../../sim/people');
const { allHealth } = require('../../dist/lib/health');

const humandServer = node('humand-server');
const identityMap = node('identity-map');
const KEY = 'test-key-0001';
// Core Catch and Status nodes of the Node-RED under test (the helper loads only the nodes it is given).
const coreDir = path.dirname(require.resolve('@node-red/nodes/core/common/25-catch.js', { paths: [path.dirname(require.resolve(nrModule))] }));
const catchNode = require(path.join(coreDir, '25-catch.js'));
const NODES = [humandServer, identityMap, catchNode];
/**
 * The last status m1 showed, from the spy the test helper puts on every node's status() during load
 * (so calls made before a spec could listen count too). The helper's RED._ returns message keys, so
 * texts are keys joined by " · ".
 */
function lastStatus() {
    const spy = helper._NodePrototype && helper._NodePrototype.status;
    if (!spy || typeof spy.getCalls !== 'function') return {};
    const calls = spy.getCalls().filter((c) => c.thisValue && c.thisValue.id === 'm1');
    return calls.length ? calls[calls.length - 1].args[0] : {};
}

/** Polls on real time (status updates are throttled by a real timer). */
async function waitFor(fn, ms = 3000) {
    const end = Date.now() + ms;
    for (;;) {
        const v = fn();
        if (v) return v;
        if (Date.now() > end) throw new Error('timed out waiting for ' + fn.toString());
        await new Promise((r) => setTimeout(r, 10));
    }
}

function evt(person, extra = {}) {
    return { id: 'hikcentral:' + Math.random().toString(36).slice(2), source: 'hikcentral', person, time: '2026-01-27T08:12:45.123-03:00', direction: 'in', ...extra };
}

function flow(mapProps = {}, baseUrl) {
    const f = [
        { id: 'tab1', type: 'tab' },
        { id: 'm1', z: 'tab1', type: 'identity-map', wires: [['ok'], ['ko']], ...mapProps },
        { id: 'ok', z: 'tab1', type: 'helper' },
        { id: 'ko', z: 'tab1', type: 'helper' },
        { id: 'catcher', z: 'tab1', type: 'catch', scope: ['m1'], uncaught: false, wires: [['caught']] },
        { id: 'caught', z: 'tab1', type: 'helper' },
    ];
    if (baseUrl !== undefined) {
        f.push({ id: 's1', type: 'humand-server', baseUrl, timeout: 2, rateLimit: 0 });
        f[1].server = 's1';
    }
    return f;
}

describe('identity-map', function () {
    let sim;
    let baseUrl;
    let clock;

    beforeEach(async function () {
        const users = makeHumandUsers(130);
        users.push(
            { id: 5001, employeeInternalId: 'X-1', firstName: 'Twin', lastName: 'One', email: 'twins@example.com', status: 'ACTIVE' },
            { id: 5002, employeeInternalId: 'X-2', firstName: 'Twin', lastName: 'Two', email: 'Twins@Example.com ', status: 'ACTIVE' },
        );
        sim = createHumandSimulator({ apiKeys: [KEY], users });
        ({ baseUrl } = await sim.listen(0));
    });
    afterEach(async function () {
        if (clock) clock.restore();
        clock = undefined;
        await helper.unload();
        await resetContext();
        await sim.close();
    });

    async function load(f, stores) {
        const creds = { s1: { apiKey: KEY } };
        if (stores) {
            await helper.load(NODES, [{ id: 'tab1', type: 'tab' }], creds);
            await useContextStores(stores);
            // (the restart specs need no Catch node)
            await helper.setFlows(f.filter((n) => n.type !== 'catch'), 'full', creds);
        } else {
            await helper.load(NODES, f, creds);
        }
        return {
            m1: helper.getNode('m1'),
            ok: collect(helper.getNode('ok')),
            ko: collect(helper.getNode('ko')),
            caught: helper.getNode('caught') ? collect(helper.getNode('caught')) : [],
        };
    }

    describe('table', function () {
        const table = [
            { source: '000123', target: '00123' },
            { source: 'CARD 77', target: '0042' },
            { source: 'dup', target: 'a' },
            { source: 'DUP', target: 'b' },
        ];

        it('maps by person.code, keeping leading zeros, case- and space-insensitively', async function () {
            const { m1, ok } = await load(flow({ table }));
            m1.receive({ payload: evt({ id: '9', code: '000123' }), topic: '9' });
            m1.receive({ payload: evt({ id: '9', code: '  card   77 ' }) });
            await until(() => ok.length === 2);
            ok[0].payload.employeeId.should.equal('00123');
            ok[0].payload.person.code.should.equal('000123');
            ok[0].topic.should.equal('00123');
            ok[0].identity.should.eql({ via: 'table' });
            ok[1].payload.employeeId.should.equal('0042');
            await waitFor(() => lastStatus().text === 'identity-map.status.table');
            lastStatus().fill.should.equal('green');
        });

        it('sends unknown, conflicting and invalid lookups to output 2 with reason and code', async function () {
            const { m1, ok, ko } = await load(flow({ table }));
            m1.receive({ payload: evt({ id: '1', code: '999' }) });
            m1.receive({ payload: evt({ id: '1', code: 'dup' }) });
            m1.receive({ payload: evt({ id: '1' }) });
            m1.receive({ payload: 'not an event' });
            await until(() => ko.length === 4);
            ko.map((m) => m.reasonCode).should.eql(['unmapped', 'ambiguous', 'invalid', 'invalid']);
            ko[0].reason.should.equal('no Humand employee for person.code "999"');
            ko[1].reason.should.match(/different employee ids: a, b/);
            ko[2].reason.should.equal('the event has no person.code');
            ko[3].reason.should.match(/not an attendance event/);
            ok.length.should.equal(0);
        });

        it('looks up person.id, person.name or any msg property', async function () {
            let h = await load(flow({ table, lookup: 'person.id' }));
            h.m1.receive({ payload: evt({ id: '000123', code: 'zzz' }) });
            await until(() => h.ok.length === 1);
            h.ok[0].payload.employeeId.should.equal('00123');
            await helper.unload();
            h = await load(flow({ table, lookup: 'person.name' }));
            h.m1.receive({ payload: evt({ id: '1', name: 'Card 77' }) });
            await until(() => h.ok.length === 1);
            h.ok[0].payload.employeeId.should.equal('0042');
            await helper.unload();
            h = await load(flow({ table, lookup: 'msg', lookupPath: 'payload.raw.cardNo' }));
            h.m1.receive({ payload: evt({ id: '1' }, { raw: { cardNo: '000123' } }) });
            h.m1.receive({ payload: evt({ id: '1' }, { raw: {} }) });
            await until(() => h.ok.length === 1 && h.ko.length === 1);
            h.ok[0].payload.employeeId.should.equal('00123');
            h.ko[0].reason.should.equal('the event has no msg.payload.raw.cardNo');
        });

        it('a msg property lookup without a path: red status, events to output 2 and Catch', async function () {
            const { m1, ko, caught } = await load(flow({ table, lookup: 'msg', lookupPath: ' ' }));
            lastStatus().should.containEql({ fill: 'red', text: 'identity-map.errors.noPath' });
            m1.receive({ payload: evt({ id: '1', code: '000123' }) });
            await waitFor(() => ko.length === 1 && caught.length === 1);
            ko[0].reasonCode.should.equal('invalid');
        });

        it('passes the source value through unchanged with the fallback', async function () {
            const { m1, ok } = await load(flow({ table, fallback: true }));
            m1.receive({ payload: evt({ id: '1', code: '000777' }) });
            await until(() => ok.length === 1);
            ok[0].payload.employeeId.should.equal('000777');
            ok[0].identity.should.eql({ via: 'fallback' });
        });

        it('is red with no mapping source at all', async function () {
            const { m1, ko } = await load(flow({}));
            await waitFor(() => lastStatus().fill === 'red');
            lastStatus().text.should.equal('identity-map.status.noSource');
            m1.receive({ payload: evt({ id: '1', code: '1' }) });
            await until(() => ko.length === 1);
            ko[0].reasonCode.should.equal('unmapped');
        });
    });

    describe('Humand directory', function () {
        it('reads every page (limit 50), maps active users, reports inactive ones', async function () {
            const { m1, ok, ko } = await load(flow({}, baseUrl));
            // Sent at once: the event waits for the first directory load.
            m1.receive({ payload: evt({ id: 'a', code: '000101' }) });
            m1.receive({ payload: evt({ id: 'b', code: '000229' }) }); // person 129: on the last page
            m1.receive({ payload: evt({ id: 'c', code: '000113' }) }); // person 13: inactive
            await waitFor(() => ok.length === 2 && ko.length === 1);
            ok[0].payload.employeeId.should.equal('000101');
            ok[0].identity.via.should.equal('directory');
            ok[0].identity.humandUser.id.should.equal('1001');
            ok[0].identity.humandUser.name.should.be.a.String().and.not.be.empty();
            ok[1].payload.employeeId.should.equal('000229');
            ko[0].reasonCode.should.equal('inactive');
            ko[0].reason.should.match(/000113.*inactive/);
            // 132 users, 10 inactive (13, 26, ... 130): 122 active
            // The inactive person's event is parked (the journal): the status says so.
            await waitFor(() => lastStatus().text === 'identity-map.status.directory · identity-map.status.parked');
            lastStatus().fill.should.equal('green');
            const h = allHealth().find((x) => x.id === 'm1');
            h.details.should.containEql({ directorySize: 122, inactive: 10, directoryFrom: 'humand', parked: 1 });
            h.counts.should.containEql({ mapped: 2, inactive: 1, directory: 2 });
        });

        it('matches by e-mail case-insensitively and detects ambiguity', async function () {
            const { m1, ok, ko } = await load(flow({ lookup: 'person.name', humandField: 'email' }, baseUrl));
            const someone = sim.users[0];
            m1.receive({ payload: evt({ id: 'a', name: someone.email.toUpperCase() }) });
            m1.receive({ payload: evt({ id: 'b', name: 'twins@example.com' }) });
            await waitFor(() => ok.length === 1 && ko.length === 1);
            ok[0].payload.employeeId.should.equal(someone.employeeInternalId);
            ko[0].reasonCode.should.equal('ambiguous');
            ko[0].reason.should.match(/2 active Humand users share email "twins@example.com": Twin One \(X-1\), Twin Two \(X-2\)/);
        });

        it('uses the table first, then the directory, then the fallback', async function () {
            const table = [{ source: '000101', target: '000102' }];
            const { m1, ok } = await load(flow({ table, fallback: true }, baseUrl));
            m1.receive({ payload: evt({ id: 'a', code: '000101' }) });
            m1.receive({ payload: evt({ id: 'b', code: '000103' }) });
            m1.receive({ payload: evt({ id: 'c', code: 'nobody' }) });
            await waitFor(() => ok.length === 3);
            ok.map((m) => [m.payload.employeeId, m.identity.via]).should.eql([
                ['000102', 'table'],
                ['000103', 'directory'],
                ['nobody', 'fallback'],
            ]);
            ok[0].identity.humandUser.id.should.equal('1002');
        });

        it('msg.topic "refresh" reloads now', async function () {
            const { m1, ok, ko } = await load(flow({}, baseUrl));
            m1.receive({ payload: evt({ id: 'a', code: 'NEW-1' }) });
            await waitFor(() => ko.length === 1);
            sim.users.push({ id: 9001, employeeInternalId: 'NEW-1', firstName: 'New', lastName: 'Hire', email: 'new@example.com', status: 'ACTIVE', segmentations: [] });
            m1.receive({ topic: 'refresh' });
            await waitFor(() => allHealth().find((x) => x.id === 'm1').details.directorySize === 123);
            m1.receive({ payload: evt({ id: 'a', code: 'new-1' }) });
            await waitFor(() => ok.length === 1);
            ok[0].payload.employeeId.should.equal('NEW-1');
        });

        it('a failed refresh keeps the last good directory: yellow status, error to Catch, events still mapped', async function () {
            const { m1, ok, caught } = await load(flow({}, baseUrl));
            m1.receive({ payload: evt({ id: 'a', code: '000101' }) });
            await waitFor(() => ok.length === 1);
            await sim.close();
            m1.receive({ topic: 'refresh' });
            await waitFor(() => caught.length >= 1);
            caught[0].error.message.should.match(/identity-map\.errors\.refresh/);
            caught[0].topic.should.equal('refresh');
            await new Promise((r) => setTimeout(r, 50));
            caught.length.should.equal(1); // reported once, with the refresh msg
            m1.receive({ payload: evt({ id: 'b', code: '000102' }) });
            await waitFor(() => ok.length === 2);
            ok[1].payload.employeeId.should.equal('000102');
            await waitFor(() => lastStatus().fill === 'yellow');
            lastStatus().text.should.equal('identity-map.status.refreshFailed · identity-map.status.directoryFrom');
            const h = allHealth().find((x) => x.id === 'm1');
            should(h.failingSince).be.a.Number();
            h.lastError.should.be.a.String();
        });

        it('is red and maps nothing while the first load fails (Humand down, no cache)', async function () {
            await sim.close();
            const { m1, ko, st, caught } = await load(flow({}, baseUrl));
            await waitFor(() => lastStatus().fill === 'red');
            lastStatus().text.should.equal('identity-map.status.failed');
            await waitFor(() => caught.length > 0);
            caught[0].error.message.should.match(/identity-map\.errors\.refresh/);
            m1.receive({ payload: evt({ id: 'a', code: '000101' }) });
            await waitFor(() => ko.length === 1);
            ko[0].reasonCode.should.equal('unmapped');
        });

        it('events wait for the first load at most 30 s, then are handled with what there is (fake timers)', async function () {
            clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date'], shouldAdvanceTime: true });
            sim.setLatency(10 * 60000);
            const f = flow({ table: [{ source: 'T1', target: '0001' }] }, baseUrl);
            f.find((n) => n.id === 's1').timeout = 600;
            const { m1, ok, ko } = await load(f);
            m1.receive({ payload: evt({ id: 'a', code: '000101' }) });
            m1.receive({ payload: evt({ id: 'b', code: 't1' }) });
            await clock.tickAsync(29000);
            ok.length.should.equal(0);
            ko.length.should.equal(0);
            await clock.tickAsync(1500);
            await until(() => ok.length === 1 && ko.length === 1);
            ko[0].reasonCode.should.equal('unmapped');
            ok[0].payload.employeeId.should.equal('0001');
            lastStatus().fill.should.equal('grey');
        });

        it('reports wrong credentials, HTML error pages and malformed JSON from /users without crashing', async function () {
            const http = require('http');
            const answers = [
                [502, 'text/html', '<html><body>502 Bad Gateway</body></html>'],
                [200, 'application/json', '{"count": 3, "users": [tru'],
            ];
            const server = http.createServer((req, res) => {
                const [status, type, body] = answers.shift() || [200, 'application/json', '{"count":0,"users":[]}'];
                res.writeHead(status, { 'Content-Type': type });
                res.end(body);
            });
            await new Promise((r) => server.listen(0, '127.0.0.1', r));
            try {
                const url = `http://127.0.0.1:${server.address().port}/public/api/v1`;
                const { m1, caught } = await load(flow({}, url));
                await waitFor(() => caught.length === 1);
                allHealth().find((x) => x.id === 'm1').lastError.should.match(/HTTP 502/);
                await waitFor(() => lastStatus().fill === 'red');
                m1.receive({ topic: 'refresh' });
                await waitFor(() => caught.length === 2);
                caught[1].error.message.should.match(/identity-map\.errors\.refresh/);
                allHealth().find((x) => x.id === 'm1').lastError.should.match(/not the expected JSON/);
                await helper.unload();
                const wrong = await helper.load(NODES, flow({}, baseUrl), { s1: { apiKey: 'wrong-key' } }).then(() => collect(helper.getNode('caught')));
                await waitFor(() => wrong.length === 1);
                allHealth().find((x) => x.id === 'm1').lastError.should.match(/HTTP 401/);
                allHealth().find((x) => x.id === 'm1').lastError.should.not.match(/wrong-key/);
            } finally {
                await new Promise((r) => server.close(r));
            }
        });

        it('reports a missing API key as the refresh error', async function () {
            await helper.load(NODES, flow({}, baseUrl), {});
            await waitFor(() => lastStatus().fill === 'red');
            lastStatus().text.should.equal('identity-map.status.failed');
            allHealth().find((x) => x.id === 'm1').lastError.should.equal('humand-server.errors.noKey');
        });

        it('refreshes on its own every `refresh` minutes (fake timers)', async function () {
            clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date'], shouldAdvanceTime: true });
            const { m1, ok, ko } = await load(flow({ refresh: 5 }, baseUrl));
            m1.receive({ payload: evt({ id: 'a', code: 'LATE-1' }) });
            await waitFor(() => ko.length === 1);
            sim.users.push({ id: 9002, employeeInternalId: 'LATE-1', firstName: 'Late', lastName: 'Hire', email: 'late@example.com', status: 'ACTIVE', segmentations: [] });
            await clock.tickAsync(4 * 60000);
            m1.receive({ payload: evt({ id: 'b', code: 'LATE-1' }) });
            await until(() => ko.length === 2);
            await clock.tickAsync(60000);
            await until(() => allHealth().find((x) => x.id === 'm1').details.directorySize === 123);
            m1.receive({ payload: evt({ id: 'c', code: 'LATE-1' }) });
            await until(() => ok.length === 1);
        });

        it('survives a re-deploy of the changed node with the default memory store, without reloading', async function () {
            const f = flow({}, baseUrl);
            const { m1, ok, caught } = await load(f);
            m1.receive({ payload: evt({ id: 'a', code: '000101' }) });
            await waitFor(() => ok.length === 1);
            await sim.close(); // a reload would now fail and reach Catch
            const changed = f.map((n) => (n.id === 'm1' ? { ...n, table: [{ source: 'T1', target: '0001' }] } : n));
            await helper.setFlows(changed, 'nodes', { s1: { apiKey: KEY } });
            const m1b = helper.getNode('m1');
            m1b.should.not.equal(m1);
            const okb = collect(helper.getNode('ok'));
            m1b.receive({ payload: evt({ id: 'b', code: '000102' }) });
            m1b.receive({ payload: evt({ id: 'c', code: 't1' }) });
            await waitFor(() => okb.length === 2);
            okb.map((m) => [m.payload.employeeId, m.identity.via]).should.eql([['000102', 'directory'], ['0001', 'table']]);
            const h = allHealth().find((x) => x.id === 'm1');
            h.details.directoryFrom.should.equal('cache');
            should(h.failingSince).be.undefined();
            await new Promise((r) => setTimeout(r, 50));
            caught.length.should.equal(0);
        });

        for (const [label, stores] of [
            ['localfilesystem with cache', (dir) => ({ default: { module: 'localfilesystem', config: { dir, flushInterval: 0 } } })],
            ['localfilesystem with cache: false', (dir) => ({ default: { module: 'localfilesystem', config: { dir, cache: false } } })],
        ]) {
            it(`restarts with the cached directory while Humand is down (${label})`, async function () {
                const dir = tmpDir('ab-identity-');
                let h = await load(flow({}, baseUrl), stores(dir));
                h.m1.receive({ payload: evt({ id: 'a', code: '000101' }) });
                await waitFor(() => h.ok.length === 1);
                await helper.unload();
                await Context.close();
                await sim.close();
                h = await load(flow({}, baseUrl), stores(dir));
                h.m1.receive({ payload: evt({ id: 'b', code: '000229' }) });
                await waitFor(() => h.ok.length === 1);
                h.ok[0].payload.employeeId.should.equal('000229');
                h.ok[0].identity.via.should.equal('directory');
                const health = allHealth().find((x) => x.id === 'm1');
                health.details.directoryFrom.should.equal('cache');
                await waitFor(() => lastStatus().text === 'identity-map.status.directory');
                health.details.directorySize.should.equal(122);
            });
        }
    });

    describe('versioned properties', function () {
        const table = [{ source: '000123', target: '00123' }];
        function versionsFlow(props) {
            const f = [{ id: 'tab1', type: 'tab' }, { id: 's1', type: 'humand-server', baseUrl, timeout: 2, rateLimit: 0 }];
            for (const [id, p] of Object.entries(props)) {
                f.push({ id, z: 'tab1', type: 'identity-map', server: 's1', table, wires: [[id + '-ok'], [id + '-ko']], ...p });
                f.push({ id: id + '-ok', z: 'tab1', type: 'helper' }, { id: id + '-ko', z: 'tab1', type: 'helper' });
            }
            return f;
        }

        it('a flow saved by this release (version 1) and one saved before versioning (no version, version 0) work alike', async function () {
            const v1 = { version: 1, name: '', lookup: 'person.code', lookupPath: '', humandField: 'employeeInternalId', refresh: 60, fallback: false, store: '' };
            const ids = ['v1', 'v0', 'none'];
            await helper.load(NODES, versionsFlow({ v1, v0: { version: 0 }, none: {} }), { s1: { apiKey: KEY } });
            const out = {};
            for (const id of ids) out[id] = { ok: collect(helper.getNode(id + '-ok')), ko: collect(helper.getNode(id + '-ko')) };
            for (const id of ids) {
                for (const code of ['000123', '000101', '000113', 'nobody']) helper.getNode(id).receive({ payload: evt({ id: 'p', code }) });
            }
            await waitFor(() => ids.every((id) => out[id].ok.length === 2 && out[id].ko.length === 2));
            for (const id of ids) {
                out[id].ok.map((m) => [m.payload.employeeId, m.identity.via]).should.eql([['00123', 'table'], ['000101', 'directory']], id);
                out[id].ko.map((m) => m.reasonCode).should.eql(['inactive', 'unmapped'], id);
                const h = allHealth().find((x) => x.id === id);
                h.details.should.containEql({ tableSize: 1, fallback: false, lookup: 'person.code', humandField: 'employeeInternalId', directorySize: 122 });
            }
        });

        it('reads a flow from a newer release as it is, with a warning', async function () {
            await helper.load(NODES, versionsFlow({ m1: { version: 99, lookup: 'person.id' } }), { s1: { apiKey: KEY } });
            const m1 = helper.getNode('m1');
            const warns = helper._NodePrototype.warn.getCalls().filter((c) => c.thisValue && c.thisValue.id === 'm1').map((c) => String(c.args[0]));
            warns.some((w) => /newer attendance-bridge/.test(w) && /99/.test(w)).should.be.true();
            const ok = collect(helper.getNode('m1-ok'));
            m1.receive({ payload: evt({ id: '000123', code: 'x' }) });
            await waitFor(() => ok.length === 1);
            ok[0].payload.employeeId.should.equal('00123');
        });
    });

    it('the editor CSV endpoint parses Spanish Excel files and validates them', async function () {
        await helper.load(NODES, flow({}));
        const res = await helper
            .request()
            .post('/attendance-bridge/identity-map/csv')
            .send({ text: '\uFEFFCódigo;Legajo\r\n000123;00123\r\n"Pérez; Ana";00456\r\n000123;00999\r\n' })
            .expect(200);
        res.body.ok.should.be.true();
        res.body.separator.should.equal(';');
        res.body.header.should.be.true();
        res.body.entries.should.eql([
            { source: '000123', target: '00123' },
            { source: 'Pérez; Ana', target: '00456' },
            { source: '000123', target: '00999' },
        ]);
        res.body.issues.should.eql([{ row: 2, kind: 'conflict', source: '000123', firstRow: 0 }]);
    });
});
