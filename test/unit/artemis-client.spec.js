'use strict';
// ArtemisClient and ArtemisEngine against the signature-checking HikCentral simulator over loopback HTTP(S).
const fs = require('fs');
const path = require('path');
const should = require('should');
const axios = require('axios');
const { createHikCentralSimulator } = require('../../sim/hikcentral');
const { ArtemisClient } = require('../../dist/lib/artemis/client');
const { ArtemisEngine } = require('../../dist/lib/artemis/poll');
const { stateKeyPrefix } = require('../../dist/lib/artemis/state');
const { formatRequestTime } = require('../../dist/lib/artemis/window');
const { memoryStore } = require('../../dist/lib/context');
const { signRequest } = require('../../dist/lib/artemis/sign');

const KEY = 'ak-test-123';
const SECRET = 'sk-secret-456';
const TLS = path.join(__dirname, '..', 'fixtures', 'tls');
const MIN = 60000;
const fmt = (ms) => formatRequestTime(ms, 'America/Argentina/Buenos_Aires');

describe('artemis client against the simulator', function () {
    let sim;
    let baseUrl;
    let client;
    beforeEach(async function () {
        sim = createHikCentralSimulator({ appKey: KEY, appSecret: SECRET });
        ({ baseUrl } = await sim.listen(0));
        client = new ArtemisClient({ baseUrl, timeoutMs: 2000, appKey: KEY, appSecret: SECRET });
    });
    afterEach(async function () {
        client.destroy();
        await sim.close();
    });
    const query = (extra) => ({ fromMs: Date.now() - 3600e3, toMs: Date.now() + 1000, eventTypes: [196893, 198914], doorIndexCodes: [], pageSize: 10, formatTime: fmt, ...extra });

    it('pages through many pages until total', async function () {
        for (let i = 0; i < 95; i++) sim.addEvent({ atMs: Date.now() - 30 * MIN + i * 1000 });
        const r = await client.doorEvents(query());
        r.records.should.have.length(95);
        r.pages.should.equal(10);
        new Set(r.records.map((x) => x.eventId)).size.should.equal(95);
        sim.requests.filter((q) => q.path.endsWith('door/events')).map((q) => q.body.pageNo).should.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('follows total when the server silently caps pageSize below the request (cap 100, asked 500) (issue 13, case 15)', async function () {
        sim.setPaging({ pageSizeCap: 100 });
        for (let i = 0; i < 350; i++) sim.addEvent({ atMs: Date.now() - 30 * MIN + i * 1000, push: false });
        for (const stream of [false, true]) {
            sim.requests.length = 0;
            const got = [];
            const r = await client.doorEvents(query({ pageSize: 500, ...(stream ? { onRecords: (list) => got.push(...list) } : {}) }));
            const records = stream ? got : r.records;
            records.should.have.length(350);
            new Set(records.map((x) => x.eventId)).size.should.equal(350);
            r.pages.should.equal(4);
            sim.requests.filter((q) => q.path.endsWith('door/events')).map((q) => [q.body.pageNo, q.body.pageSize]).should.deepEqual([[1, 500], [2, 500], [3, 500], [4, 500]]);
        }
    });

    it('a short last page ends the paging (total reached)', async function () {
        for (let i = 0; i < 15; i++) sim.addEvent({ atMs: Date.now() - 10 * MIN });
        const r = await client.doorEvents(query({ pageSize: 20 }));
        r.pages.should.equal(1);
        r.records.should.have.length(15);
    });

    it('always sends doorIndexCodes (empty = all doors, ≤ 10 per query) and asks in ascending order (issue 13, case 17)', async function () {
        for (let i = 0; i < 5; i++) sim.addEvent({ eventId: 'a' + i, atMs: Date.now() - (10 - i) * MIN });
        const r = await client.doorEvents(query());
        r.records.map((x) => x.eventId).should.deepEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
        const body = sim.requests.filter((q) => q.path.endsWith('door/events'))[0].body;
        body.should.have.properties({ doorIndexCodes: [], sortField: 'SwipeTime', orderType: 0 });
        const doors = Array.from({ length: 12 }, (_, i) => String(i + 1));
        await client.doorEvents(query({ doorIndexCodes: doors }));
        sim.requests.filter((q) => q.path.endsWith('door/events')).slice(1).map((q) => q.body.doorIndexCodes).should.deepEqual([doors.slice(0, 10), doors.slice(10)]);
        sim.requests.every((q) => q.code === '0').should.be.true();
    });

    it('treats both empty-result shapes (data: [] and data without list) as empty (issue 13, case 17)', async function () {
        for (const emptyShape of ['array', 'nolist']) {
            sim.setPaging({ emptyShape });
            const r = await client.doorEvents(query());
            r.records.should.have.length(0, emptyShape);
            r.pages.should.equal(1);
        }
    });

    it('halves the page size on 0x00072004 (response too long) down to 1, and keeps it (issue 13, case 17)', async function () {
        for (let i = 0; i < 9; i++) sim.addEvent({ eventId: 'h' + i, atMs: Date.now() - 20 * MIN + i * 1000 });
        sim.setPaging({ tooLongAbove: 2 });
        const r = await client.doorEvents(query({ pageSize: 10 }));
        r.records.map((x) => x.eventId).should.deepEqual(['h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8']);
        client.pageSizeLimit.should.equal(2);
        sim.requests.filter((q) => q.path.endsWith('door/events')).map((q) => q.body.pageSize).slice(0, 3).should.deepEqual([10, 5, 2]);
        sim.setPaging({ tooLongAbove: 0 });
        sim.requests.length = 0;
        await client.doorEvents(query({ pageSize: 10 }));
        sim.requests[0].body.pageSize.should.equal(2);
        // at 1 it gives up with the code
        const fresh = new ArtemisClient({ baseUrl, timeoutMs: 2000, appKey: KEY, appSecret: SECRET });
        sim.setFaults({ kind: 'code', code: '0x00072004', msg: 'response too long', path: '/artemis/api/acs/v1/door/events' });
        const err = await fresh.doorEvents(query({ pageSize: 4 })).catch((e) => e);
        fresh.destroy();
        err.should.have.properties({ kind: 'api', code: '0x00072004' });
        err.message.should.match(/page size/);
        fresh.pageSizeLimit.should.equal(1);
    });

    it('splits long ranges into ≤31-day windows (the simulator refuses longer ones)', async function () {
        const day = 24 * 3600e3;
        sim.addEvent({ atMs: Date.now() - 80 * day });
        sim.addEvent({ atMs: Date.now() - 40 * day });
        sim.addEvent({ atMs: Date.now() - 1 * day });
        const r = await client.doorEvents(query({ fromMs: Date.now() - 90 * day }));
        r.records.should.have.length(3);
        sim.requests.filter((q) => q.path.endsWith('door/events')).length.should.equal(3);
        sim.requests.every((q) => q.code === '0').should.be.true();
    });

    it('falls back to one query per configured type when eventType is required, merged by eventId', async function () {
        sim.setRequireEventType(true);
        sim.addEvent({ eventType: 196893, atMs: Date.now() - MIN });
        sim.addEvent({ eventType: 198914, atMs: Date.now() - MIN });
        sim.addEvent({ eventType: 197634, atMs: Date.now() - MIN });
        const r = await client.doorEvents(query());
        r.perType.should.be.true();
        r.records.map((x) => x.eventType).sort().should.deepEqual([196893, 198914]);
        client.requiresEventType.should.be.true();
        const bodies = sim.requests.filter((q) => q.path.endsWith('door/events')).map((q) => q.body && q.body.eventType);
        bodies.should.deepEqual([undefined, 196893, 198914]);
        // learnt: the next query goes per type directly
        await client.doorEvents(query());
        sim.requests.filter((q) => q.path.endsWith('door/events')).map((q) => q.body && q.body.eventType).slice(3).should.deepEqual([196893, 198914]);
    });

    it('reports a wrong AppSecret as 0x02401003 without AppKey, secret or string-to-sign', async function () {
        const bad = new ArtemisClient({ baseUrl, timeoutMs: 2000, appKey: KEY, appSecret: 'wrong-secret' });
        const err = await bad.doorEvents(query()).catch((e) => e);
        bad.destroy();
        err.should.have.properties({ kind: 'api', code: '0x02401003', short: '0x02401003' });
        err.message.should.not.match(new RegExp(KEY)).and.not.match(/wrong-secret/).and.not.match(/x-ca-nonce/).and.not.match(/door\/events/);
    });

    it('the simulator echoes AppKey and string-to-sign on a bad signature, like the real gateway', async function () {
        const signed = signRequest({ appKey: KEY, appSecret: 'nope', method: 'POST', path: '/artemis/api/resource/v1/person/personList' });
        const res = await axios.post(baseUrl + '/artemis/api/resource/v1/person/personList', '{}', { headers: signed.headers, transformResponse: (x) => x });
        res.status.should.equal(200);
        const body = JSON.parse(res.data);
        body.code.should.equal('0x02401003');
        body.msg.should.containEql(KEY).and.containEql(signed.stringToSign);
    });

    it('reports an unknown AppKey and clock skew', async function () {
        const unknown = new ArtemisClient({ baseUrl, timeoutMs: 2000, appKey: 'other', appSecret: SECRET });
        (await unknown.persons().catch((e) => e)).code.should.equal('0x02401642');
        unknown.destroy();
        const skewed = new ArtemisClient({ baseUrl, timeoutMs: 2000, appKey: KEY, appSecret: SECRET, now: () => Date.now() - 3600e3 });
        const err = await skewed.persons().catch((e) => e);
        skewed.destroy();
        err.code.should.equal('0x02401003');
        err.message.should.match(/clock/);
    });

    it('classifies HTML 502, truncated JSON, result codes, slowness and 404', async function () {
        sim.setFaults({ kind: 'html502', count: 1 });
        let err = await client.persons().catch((e) => e);
        err.should.have.properties({ kind: 'http', status: 502, short: 'HTTP 502' });
        sim.setFaults({ kind: 'truncated', count: 1 });
        err = await client.persons().catch((e) => e);
        err.should.have.properties({ kind: 'malformed' });
        err.message.should.match(/truncated/);
        sim.setFaults({ kind: 'code', code: '0x0240100b', count: 1 });
        err = await client.persons().catch((e) => e);
        err.should.have.properties({ kind: 'api', code: '0x0240100b' });
        err.message.should.match(/quota/);
        sim.setFaults({ kind: 'slow', delayMs: 800, count: 1 });
        const impatient = new ArtemisClient({ baseUrl, timeoutMs: 200, appKey: KEY, appSecret: SECRET });
        err = await impatient.persons().catch((e) => e);
        impatient.destroy();
        err.should.have.properties({ kind: 'transport', short: 'timeout' });
        err = await client.call('/artemis/api/nope', {}).catch((e) => e);
        err.should.have.properties({ kind: 'http', status: 404 });
        err.message.should.match(/OpenAPI/);
        (await client.persons()).should.have.length(40);
    });

    it('refuses a huge page with a hint instead of exhausting memory', async function () {
        for (let i = 0; i < 50; i++) sim.addEvent({ atMs: Date.now() - MIN });
        const small = new ArtemisClient({ baseUrl, timeoutMs: 2000, appKey: KEY, appSecret: SECRET, maxBodyBytes: 4000 });
        const err = await small.doorEvents(query({ pageSize: 50 })).catch((e) => e);
        small.destroy();
        err.should.have.properties({ kind: 'transport', short: 'too-large' });
        err.message.should.match(/page size/);
    });

    it('subscribes and unsubscribes', async function () {
        await client.subscribe([196893, 198914], 'http://127.0.0.1:1/hook');
        sim.subscriptions.should.deepEqual({ 196893: 'http://127.0.0.1:1/hook', 198914: 'http://127.0.0.1:1/hook' });
        await client.unsubscribe([196893, 198914]);
        sim.subscriptions.should.deepEqual({});
    });
});

describe('artemis client over HTTPS', function () {
    let sim;
    let baseUrl;
    before(async function () {
        sim = createHikCentralSimulator({ appKey: KEY, appSecret: SECRET, tls: { key: fs.readFileSync(path.join(TLS, 'server.key'), 'utf8'), cert: fs.readFileSync(path.join(TLS, 'server.pem'), 'utf8') } });
        ({ baseUrl } = await sim.listen(0));
    });
    after(() => sim.close());

    it('rejects the self-signed certificate by default, accepts it with ca, or when verification is explicitly off', async function () {
        baseUrl.should.startWith('https://');
        const strict = new ArtemisClient({ baseUrl, timeoutMs: 2000, appKey: KEY, appSecret: SECRET });
        const err = await strict.persons().catch((e) => e);
        strict.destroy();
        err.should.have.properties({ kind: 'transport', short: 'TLS' });
        const withCa = new ArtemisClient({ baseUrl, timeoutMs: 2000, appKey: KEY, appSecret: SECRET, ca: fs.readFileSync(path.join(TLS, 'ca.pem'), 'utf8') });
        (await withCa.persons()).should.have.length(40);
        withCa.destroy();
        const off = new ArtemisClient({ baseUrl, timeoutMs: 2000, appKey: KEY, appSecret: SECRET, rejectUnauthorized: false });
        (await off.persons()).should.have.length(40);
        off.destroy();
    });
});

describe('artemis engine: cursor, overlap, late events, dedup, back-fill', function () {
    let sim;
    let client;
    let store;
    let emitted;
    let t;
    const engine = (extra) =>
        new ArtemisEngine({
            store, keyPrefix: stateKeyPrefix('n.1'), normalise: { eventTypes: [196893, 198914], doorIndexCodes: [], overrides: [] },
            overlapMs: 5 * MIN, initialLookbackMs: 0, pageSize: 50, eventTypeMode: 'auto', formatTime: fmt, now: () => t,
            emit: (events, backfill) => emitted.push(...events.map((e) => ({ id: e.id, backfill, time: e.time }))), ...extra,
        });
    beforeEach(async function () {
        t = Date.parse('2026-01-27T12:00:00Z');
        sim = createHikCentralSimulator({ appKey: KEY, appSecret: SECRET, now: () => t, maxSkewMs: 1e13 });
        const { baseUrl } = await sim.listen(0);
        client = new ArtemisClient({ baseUrl, timeoutMs: 2000, appKey: KEY, appSecret: SECRET });
        store = memoryStore();
        emitted = [];
    });
    afterEach(async function () {
        client.destroy();
        await sim.close();
    });

    it('starts at now − initialLookback, moves the cursor, re-reads the overlap and catches late events once', async function () {
        const e = engine({ initialLookbackMs: 10 * MIN });
        sim.addEvent({ eventId: 'old', atMs: t - 20 * MIN });
        sim.addEvent({ eventId: 'a', atMs: t - 5 * MIN });
        let r = await e.poll(client);
        emitted.map((x) => x.id).should.deepEqual(['hikcentral:a']);
        r.cursor.should.equal('2026-01-27T12:00:00.000Z');
        JSON.parse(store.data.get('attendanceBridge_artemis_n_2e_1_cursor')).should.deepEqual({ v: 1, cursor: '2026-01-27T12:00:00.000Z', since: '2026-01-27T11:45:00.000Z' });
        sim.addEvent({ eventId: 'late', atMs: t - 2 * MIN, visibleAfterMs: 30000 }); // happened before the cursor, stored 30 s later
        t += 10000;
        r = await e.poll(client);
        r.emitted.should.equal(0); // not in HikCentral yet
        r.duplicates.should.equal(1); // "a" re-read in the overlap
        t += 50000;
        sim.addEvent({ eventId: 'b', atMs: t - 10000 });
        r = await e.poll(client);
        emitted.map((x) => x.id).should.deepEqual(['hikcentral:a', 'hikcentral:late', 'hikcentral:b']);
        t += MIN;
        r = await e.poll(client);
        r.emitted.should.equal(0);
        emitted.should.have.length(3);
        // time order within a batch
        sim.addEvent({ eventId: 'z2', atMs: t - 20000 });
        sim.addEvent({ eventId: 'z1', atMs: t - 40000 });
        t += MIN;
        await e.poll(client);
        emitted.slice(3).map((x) => x.id).should.deepEqual(['hikcentral:z1', 'hikcentral:z2']);
    });

    it('a failed poll keeps the cursor; the next poll catches up', async function () {
        const e = engine();
        await e.poll(client);
        const cursor = e.state.cursorIso;
        t += MIN;
        sim.addEvent({ eventId: 'x', atMs: t - 30000 });
        sim.setFaults({ kind: 'html502', count: 1 });
        await e.poll(client).should.be.rejectedWith(/HTTP 502/);
        e.state.cursorIso.should.equal(cursor);
        t += MIN;
        await e.poll(client);
        emitted.map((x) => x.id).should.deepEqual(['hikcentral:x']);
    });

    it('remembers emitted ids across a restart (new engine on the same store)', async function () {
        sim.addEvent({ eventId: 'a', atMs: t - MIN });
        await engine({ initialLookbackMs: 5 * MIN }).poll(client);
        t += 30000;
        await engine().poll(client);
        emitted.map((x) => x.id).should.deepEqual(['hikcentral:a']);
    });

    it('back-fills a window with only unseen ids, flagged, without moving the cursor', async function () {
        const e = engine();
        sim.addEvent({ eventId: 'y1', atMs: t - 3 * 3600e3 });
        sim.addEvent({ eventId: 'y2', atMs: t - 2 * 3600e3 });
        await e.poll(client);
        const cursor = e.state.cursorIso;
        await e.push([{ ...sim.events[0] }]);
        const r = await e.backfill(client, t - 4 * 3600e3, t - 3600e3);
        r.should.have.properties({ mode: 'backfill', emitted: 1, duplicates: 1 });
        emitted.should.deepEqual([{ id: 'hikcentral:y1', backfill: false, time: '2026-01-27T06:00:00.000-03:00' }, { id: 'hikcentral:y2', backfill: true, time: '2026-01-27T07:00:00.000-03:00' }]);
        e.state.cursorIso.should.equal(cursor);
    });

    it('reports malformed records one by one and still emits the valid ones of the page', async function () {
        const e = engine({ initialLookbackMs: 10 * MIN });
        sim.addEvent({ eventId: 'good1', atMs: t - 4 * MIN });
        sim.addEvent({ raw: { eventId: 'nop', eventType: 196893, eventTime: '2026-01-27T08:57:00-03:00', doorIndexCode: '1' }, atMs: t - 3 * MIN });
        sim.addEvent({ raw: { eventId: 'badtime', eventType: 196893, eventTime: 'yesterday', personId: '3' }, atMs: t - 2 * MIN });
        sim.addEvent({ raw: 'garbage', atMs: t - 2 * MIN });
        sim.addEvent({ eventId: 'door', personId: '0', atMs: t - 2 * MIN });
        sim.addEvent({ eventId: 'fail', eventType: 197151, atMs: t - 2 * MIN });
        sim.addEvent({ eventId: 'good2', atMs: t - MIN });
        const r = await e.poll(client);
        emitted.map((x) => x.id).should.deepEqual(['hikcentral:good1', 'hikcentral:good2']);
        r.problems.map((p) => p.reason).should.have.length(3);
        r.skipped.should.equal(2);
        r.received.should.equal(7);
        // the overlap re-reads them: reported once only
        t += MIN;
        const again = await e.poll(client);
        again.problems.should.have.length(0);
        again.duplicates.should.equal(5);
    });

    it('a poll loses nothing when the server caps pageSize: the cursor moves only past what was read (issue 13, case 15)', async function () {
        sim.setPaging({ pageSizeCap: 100 });
        for (let i = 0; i < 250; i++) sim.addEvent({ atMs: t - 9 * MIN + i * 1000, push: false });
        const r = await engine({ initialLookbackMs: 10 * MIN, pageSize: 500 }).poll(client);
        r.emitted.should.equal(250);
        emitted.should.have.length(250);
    });

    it('the recent-id bound grows to twice the events of the overlap window, up to a cap (issue 13, case 15)', async function () {
        // base bound 5 (20,000 in production); 8 events inside the 5-minute overlap
        const e = engine({ maxRecent: 5, maxRecentCap: 12, initialLookbackMs: 10 * MIN });
        for (let i = 0; i < 8; i++) sim.addEvent({ atMs: t - 4 * MIN + i * 1000, push: false });
        (await e.poll(client)).emitted.should.equal(8);
        e.state.maxRecentIds.should.equal(12); // 2 × 8 = 16, capped at 12
        JSON.parse(store.data.get('attendanceBridge_artemis_n_2e_1_recent')).ids.should.have.length(8);
        t += 30000;
        (await e.poll(client)).should.have.properties({ emitted: 0, duplicates: 8 }); // nothing re-emitted
        // a restart keeps every stored id (the bound is at least what was stored)
        const again = engine({ maxRecent: 5, initialLookbackMs: 10 * MIN });
        t += 30000;
        (await again.poll(client)).emitted.should.equal(0);
        again.state.maxRecentIds.should.be.aboveOrEqual(8);
        emitted.should.have.length(8);
    });

    it('a back-fill reports events older than the overlap as late, not history before the first poll (issue 13, case 15)', async function () {
        const e = engine({ initialLookbackMs: 0 });
        sim.addEvent({ eventId: 'history', atMs: t - 3 * 3600e3, push: false });
        await e.poll(client); // covers from t − 5 min on
        t += 30 * MIN;
        await e.poll(client);
        // reached HikCentral 25 minutes late: the overlap (5 min) had passed it
        sim.addEvent({ eventId: 'late1', atMs: t - 25 * MIN, push: false });
        sim.addEvent({ eventId: 'late2', atMs: t - 20 * MIN, push: false });
        sim.addEvent({ eventId: 'recent', atMs: t - 2 * MIN, push: false }); // within the overlap: the next poll takes it
        const r = await e.backfill(client, t - 4 * 3600e3, t);
        r.should.have.properties({ emitted: 4, late: 2 });
        (await e.poll(client)).late.should.equal(0);
    });

    it('event and person ids named like object keys are emitted once and remembered across a restart (issue 13, case 4)', async function () {
        const person = { personId: '__proto__', personCode: 'constructor', personName: 'Proto' };
        for (const id of ['__proto__', 'constructor', 'toString']) sim.addEvent({ eventId: id, person, atMs: t - MIN, push: false });
        await engine({ initialLookbackMs: 5 * MIN }).poll(client);
        emitted.map((x) => x.id).sort().should.deepEqual(['hikcentral:__proto__', 'hikcentral:constructor', 'hikcentral:toString']);
        JSON.parse(store.data.get('attendanceBridge_artemis_n_2e_1_recent')).ids.should.have.length(3);
        t += 30000;
        (await engine().poll(client)).should.have.properties({ emitted: 0, duplicates: 3 });
    });

    it('keeps the recent-id list bounded', async function () {
        const e = engine({ maxRecent: 5, maxRecentCap: 5, initialLookbackMs: 10 * MIN });
        for (let i = 0; i < 8; i++) sim.addEvent({ atMs: t - MIN });
        await e.poll(client);
        const recent = JSON.parse(store.data.get('attendanceBridge_artemis_n_2e_1_recent'));
        recent.v.should.equal(1);
        recent.ids.should.have.length(5);
    });
});
