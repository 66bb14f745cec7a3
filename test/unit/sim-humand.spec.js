'use strict';
// The Humand simulator (sim/humand.js) and the shared people (sim/people.js), over real loopback HTTP.
const path = require('path');
const { spawn } = require('child_process');
const should = require('should');
const sinon = require('sinon');
const axios = require('axios');
const { createHumandSimulator } = require('../../sim/humand');
const { makePeople, makeHumandUsers } = require('../../sim/people');

const KEY = 'test-key';
const NOW = Date.parse('2026-01-29T15:00:00.000Z'); // 12:00 in -03:00, after every time the tests send
const IN = '/time-tracking/entries/clockIn';
const OUT = '/time-tracking/entries/clockOut';
const ANA = '000101'; // makePeople: person 1 -> code 000101, active
const INACTIVE = '000113'; // person 13 is inactive

describe('sim/people', function () {
    it('makes deterministic people with zero-padded codes, ascii e-mails and every 13th inactive', function () {
        const a = makePeople(40);
        const b = makePeople(40);
        a.should.deepEqual(b);
        a.should.have.length(40);
        a[0].should.have.properties({ index: 1, code: '000101', active: true });
        a[22].code.should.equal('000123');
        makePeople(10).should.deepEqual(a.slice(0, 10)); // prefix-stable
        for (const p of a) {
            p.code.should.match(/^0\d{5}$/);
            p.email.should.match(/^[a-z0-9]+\.[a-z0-9]+@example\.com$/);
            p.userName.should.match(/^[a-z0-9]+$/);
            p.firstName.should.be.a.String().and.not.be.empty();
            p.lastName.should.be.a.String().and.not.be.empty();
            p.active.should.equal(p.index % 13 !== 0);
        }
        new Set(a.map((p) => p.email)).size.should.equal(40);
        new Set(a.map((p) => p.userName)).size.should.equal(40);
        makePeople(500).filter((p) => /[áéíóúñ]/i.test(p.firstName + p.lastName)).length.should.be.above(0);
    });

    it('builds Humand users from the people', function () {
        const users = makeHumandUsers(13);
        users[0].should.deepEqual({
            id: 1001,
            employeeInternalId: '000101',
            firstName: makePeople(1)[0].firstName,
            lastName: makePeople(1)[0].lastName,
            email: makePeople(1)[0].email,
            status: 'ACTIVE',
            segmentations: [],
        });
        users[12].should.have.properties({ id: 1013, employeeInternalId: '000113', status: 'INACTIVE' });
    });
});

describe('sim/humand', function () {
    this.timeout(3000);
    let sim;
    let base;
    let root;
    let clock;
    let child;

    async function start(options = {}) {
        // This spec pins the legacy answers (422 with a text per rule) and no rate limit; the documented
        // answers are in sim-humand-documented.spec.js.
        sim = createHumandSimulator({ apiKeys: [KEY], now: () => NOW, errors: 'legacy', rateLimit: false, ...options });
        const r = await sim.listen(0);
        base = r.baseUrl;
        root = r.url;
        return sim;
    }

    function request(method, url, { body, key = KEY, headers = {}, timeout = 2000, raw = false } = {}) {
        const h = { ...headers };
        if (key !== null && h.Authorization === undefined) h.Authorization = `Basic ${key}`;
        let data = body;
        if (body !== undefined && typeof body !== 'string') {
            data = JSON.stringify(body);
            if (h['Content-Type'] === undefined) h['Content-Type'] = 'application/json';
        }
        return axios.request({
            method,
            url,
            data,
            headers: h,
            timeout,
            maxRedirects: 0, // plain http: follow-redirects would add its own (faked) timers
            validateStatus: () => true,
            transformResponse: raw ? [(d) => d] : undefined,
            responseType: raw ? 'text' : 'json',
        });
    }
    const clockIn = (employeeId, now, { body, ...extra } = {}) =>
        request('POST', base + IN, { body: { employeeId, now, comment: 'test', ...body }, ...extra });
    const clockOut = (employeeId, now, { body, ...extra } = {}) =>
        request('POST', base + OUT, { body: { employeeId, now, comment: 'test', ...body }, ...extra });

    afterEach(async function () {
        if (clock) clock.restore();
        clock = undefined;
        if (sim) await sim.close();
        sim = undefined;
        if (child && child.exitCode === null) child.kill('SIGKILL');
        child = undefined;
    });

    describe('listen and close', function () {
        it('listens on a free port and gives the base URL', async function () {
            await start();
            base.should.match(/^http:\/\/127\.0\.0\.1:\d+\/public\/api\/v1$/);
            sim.baseUrl.should.equal(base);
            await sim.listen(0).should.be.rejectedWith(/already listening/);
        });

        it('closes twice without error', async function () {
            await start();
            await Promise.all([sim.close(), sim.close()]);
            await sim.close();
        });
    });

    describe('auth', function () {
        it('accepts only "Basic <key>" with the key verbatim and never echoes a wrong key', async function () {
            await start();
            const missing = await clockIn(ANA, '2026-01-27T08:00:00-03:00', { key: null });
            missing.status.should.equal(401);
            missing.data.should.deepEqual({ code: 'UNAUTHORIZED', message: 'Invalid API key' });

            const wrong = await clockIn(ANA, '2026-01-27T08:00:00-03:00', { key: 'wrong-secret-key' });
            wrong.status.should.equal(401);
            JSON.stringify(wrong.data).should.not.match(/wrong-secret-key/);
            JSON.stringify(wrong.headers).should.not.match(/wrong-secret-key/);

            const encoded = await clockIn(ANA, '2026-01-27T08:00:00-03:00', { key: Buffer.from(KEY).toString('base64') });
            encoded.status.should.equal(401); // the key is compared as sent, not base64-decoded
            const bearer = await clockIn(ANA, '2026-01-27T08:00:00-03:00', { headers: { Authorization: `Bearer ${KEY}` } });
            bearer.status.should.equal(401);
            const prefix = await clockIn(ANA, '2026-01-27T08:00:00-03:00', { key: KEY + 'x' });
            prefix.status.should.equal(401);

            sim.journal.should.have.length(0);
            const ok = await clockIn(ANA, '2026-01-27T08:00:00-03:00');
            ok.status.should.equal(201);

            const reqs = await request('GET', root + '/__sim/requests', { key: null, raw: true });
            reqs.data.should.not.match(/wrong-secret-key/);
            JSON.parse(reqs.data).map((r) => r.status).should.deepEqual([401, 401, 401, 401, 401, 201]);
        });

        it('protects the users list too', async function () {
            await start();
            (await request('GET', base + '/users', { key: 'nope' })).status.should.equal(401);
            (await request('GET', base + '/users')).status.should.equal(200);
        });

        it('accepts any of several keys', async function () {
            await start({ apiKeys: ['k1', 'MTIzNDU2Nzpzw6ljcmV0'] });
            (await clockIn(ANA, '2026-01-27T08:00:00-03:00', { key: 'k1' })).status.should.equal(201);
            (await clockOut(ANA, '2026-01-27T17:00:00-03:00', { key: 'MTIzNDU2Nzpzw6ljcmV0' })).status.should.equal(201);
        });
    });

    describe('request validation', function () {
        beforeEach(() => start());

        it('rejects a non-JSON content type, invalid JSON and non-object bodies with 400 BAD_REQUEST', async function () {
            const body = JSON.stringify({ employeeId: ANA, now: '2026-01-27T08:00:00-03:00' });
            const text = await request('POST', base + IN, { body, headers: { 'Content-Type': 'text/plain' } });
            text.status.should.equal(400);
            text.data.code.should.equal('BAD_REQUEST');
            const none = await request('POST', base + IN, { body, headers: { 'Content-Type': '' } });
            none.status.should.equal(400);
            const bad = await request('POST', base + IN, { body: '{"employeeId": "000101",', headers: { 'Content-Type': 'application/json' } });
            bad.status.should.equal(400);
            bad.data.should.have.properties({ code: 'BAD_REQUEST' });
            bad.data.message.should.be.a.String();
            (await request('POST', base + IN, { body: [ANA] })).data.code.should.equal('BAD_REQUEST');
            (await request('POST', base + IN, { body: 'null', headers: { 'Content-Type': 'application/json' } })).status.should.equal(400);
            const charset = await request('POST', base + IN, { body, headers: { 'Content-Type': 'application/json; charset=utf-8' } });
            charset.status.should.equal(201);
        });

        it('requires employeeId (a non-blank string) and now', async function () {
            for (const b of [
                { now: '2026-01-27T08:00:00-03:00' },
                { employeeId: '', now: '2026-01-27T08:00:00-03:00' },
                { employeeId: '   ', now: '2026-01-27T08:00:00-03:00' },
                { employeeId: null, now: '2026-01-27T08:00:00-03:00' },
                { employeeId: 101, now: '2026-01-27T08:00:00-03:00' },
                { employeeId: ANA },
                { employeeId: ANA, now: '' },
                { employeeId: ANA, now: ' ' },
                { employeeId: ANA, now: '2026-01-27T08:00:00-03:00', comment: 5 },
            ]) {
                const res = await request('POST', base + IN, { body: b });
                res.status.should.equal(400, JSON.stringify(b));
                res.data.code.should.equal('BAD_REQUEST');
            }
            sim.journal.should.have.length(0);
        });

        it('requires now as ISO 8601 with an offset or Z (400 INVALID_DATE)', async function () {
            for (const now of [
                '2026-01-27T08:00:00', // no offset
                '2026-01-27T08:00:00.000', // no offset
                '2026-01-27',
                '2026-01-27 08:00:00-03:00', // space instead of T
                '27/01/2026 08:00',
                '2026-02-30T08:00:00Z', // no such day
                '2026-01-27T24:00:00Z',
                '2026-01-27T08:00:00+25:00',
                'Tue, 27 Jan 2026 11:00:00 GMT',
                1769511600000,
            ]) {
                const res = await clockIn(ANA, now);
                res.status.should.equal(400, String(now));
                res.data.code.should.equal('INVALID_DATE');
            }
            sim.journal.should.have.length(0);
        });

        it('accepts the ISO 8601 variants with an offset', async function () {
            const times = [
                ['2026-01-20T08:00:00Z', '2026-01-20T17:00:00.123Z'],
                ['2026-01-21T08:00-03:00', '2026-01-21T17:00:00.123456-0300'],
                ['2026-01-22T08:00:00+05:30', '2026-01-22T17:00:00,5+05'],
            ];
            for (const [a, b] of times) {
                (await clockIn(ANA, a)).status.should.equal(201, a);
                (await clockOut(ANA, b)).status.should.equal(201, b);
            }
            sim.journal[1].timeMs.should.equal(Date.parse('2026-01-20T17:00:00.123Z'));
            sim.journal[2].timeMs.should.equal(Date.parse('2026-01-21T11:00:00Z'));
            sim.journal[3].timeMs.should.equal(Date.parse('2026-01-21T20:00:00.123Z'));
            sim.journal[5].timeMs.should.equal(Date.parse('2026-01-22T12:00:00.500Z'));
        });
    });

    describe('Humand rules', function () {
        it('answers 404 EMPLOYEE_NOT_FOUND comparing employee ids exactly (leading zeros count)', async function () {
            await start();
            for (const id of ['101', ' 000101', '000101 ', '0000101', 'ana']) {
                const res = await clockIn(id, '2026-01-27T08:00:00-03:00');
                res.status.should.equal(404, id);
                res.data.should.deepEqual({ code: 'EMPLOYEE_NOT_FOUND', message: 'Employee not found' });
            }
            (await clockIn(ANA, '2026-01-27T08:00:00-03:00')).status.should.equal(201);
        });

        it('answers 422 INACTIVE_EMPLOYEE for an inactive user', async function () {
            await start();
            const res = await clockIn(INACTIVE, '2026-01-27T08:00:00-03:00');
            res.status.should.equal(422);
            res.data.code.should.equal('INACTIVE_EMPLOYEE');
            sim.journal.should.have.length(0);
        });

        it('answers 422 FUTURE_ENTRY beyond futureToleranceMs, with the injected clock', async function () {
            await start();
            const future = await clockIn(ANA, new Date(NOW + 60001).toISOString());
            future.status.should.equal(422);
            future.data.should.deepEqual({ code: 'FUTURE_ENTRY', message: 'Cannot register an entry in the future' });
            (await clockIn(ANA, new Date(NOW + 60000).toISOString())).status.should.equal(201);
        });

        it('honours a custom futureToleranceMs and a moving clock', async function () {
            let t = NOW;
            await start({ futureToleranceMs: 0, now: () => t });
            (await clockIn(ANA, '2026-01-29T12:00:00.001-03:00')).data.code.should.equal('FUTURE_ENTRY');
            t += 1;
            (await clockIn(ANA, '2026-01-29T12:00:00.001-03:00')).status.should.equal(201);
        });

        it('answers 422 DUPLICATED_ENTRY for the same employee, type and instant, before alternation', async function () {
            await start();
            (await clockIn(ANA, '2026-01-27T08:00:00-03:00')).status.should.equal(201);
            // Same instant, other offset: a duplicate (not ENTRY_WITHOUT_EXIT).
            const dup = await clockIn(ANA, '2026-01-27T11:00:00.000Z');
            dup.status.should.equal(422);
            dup.data.should.deepEqual({ code: 'DUPLICATED_ENTRY', message: 'Entry already exists' });
            (await clockOut(ANA, '2026-01-27T11:30:00-03:00')).status.should.equal(201);
            // A re-send after the employee moved on (alternation would accept it) is still a duplicate.
            (await clockIn(ANA, '2026-01-27T08:00:00-03:00')).data.code.should.equal('DUPLICATED_ENTRY');
            (await clockOut(ANA, '2026-01-27T11:30:00-03:00')).data.code.should.equal('DUPLICATED_ENTRY');
            // Another employee at the same instant is not a duplicate.
            (await clockIn('000102', '2026-01-27T08:00:00-03:00')).status.should.equal(201);
            sim.journal.should.have.length(3);
        });

        it('enforces alternation: ENTRY_WITHOUT_EXIT, EXIT_WITHOUT_ENTRY, INVALID_TIME', async function () {
            await start();
            const first = await clockOut(ANA, '2026-01-27T07:00:00-03:00');
            first.status.should.equal(422);
            first.data.should.deepEqual({ code: 'EXIT_WITHOUT_ENTRY', message: 'The employee has no open entry' });
            (await clockIn(ANA, '2026-01-27T08:00:00-03:00')).status.should.equal(201);
            const again = await clockIn(ANA, '2026-01-27T09:00:00-03:00');
            again.status.should.equal(422);
            again.data.should.deepEqual({ code: 'ENTRY_WITHOUT_EXIT', message: 'The employee has an entry without exit' });
            const before = await clockOut(ANA, '2026-01-27T07:59:59.999-03:00');
            before.status.should.equal(422);
            before.data.should.deepEqual({ code: 'INVALID_TIME', message: 'Exit is before entry' });
            (await clockOut(ANA, '2026-01-27T08:00:00-03:00')).status.should.equal(201); // same instant is not "before"
            (await clockOut(ANA, '2026-01-27T10:00:00-03:00')).data.code.should.equal('EXIT_WITHOUT_ENTRY');
            (await clockIn(ANA, '2026-01-27T10:00:00-03:00')).status.should.equal(201);
            sim.journal.map((r) => r.type).should.deepEqual(['START', 'END', 'START']);
            sim.requests.map((r) => r.code).should.deepEqual([
                'EXIT_WITHOUT_ENTRY', null, 'ENTRY_WITHOUT_EXIT', 'INVALID_TIME', null, 'EXIT_WITHOUT_ENTRY', null,
            ]);
        });

        it('compares with the latest record by time, not by arrival', async function () {
            await start();
            (await clockIn(ANA, '2026-01-27T08:00:00-03:00')).status.should.equal(201);
            (await clockOut(ANA, '2026-01-27T17:00:00-03:00')).status.should.equal(201);
            // A back-filled earlier entry is accepted (latest is still the 17:00 END) ...
            (await clockIn(ANA, '2026-01-26T08:00:00-03:00')).status.should.equal(201);
            // ... and does not open the employee: latest by time is END.
            (await clockOut(ANA, '2026-01-26T17:00:00-03:00')).data.code.should.equal('EXIT_WITHOUT_ENTRY');
            (await clockIn(ANA, '2026-01-27T18:00:00-03:00')).status.should.equal(201);
        });

        it('answers 201 with Humand\'s record and journals it', async function () {
            await start();
            const res = await clockIn(ANA, '2026-01-27T08:12:45.123-03:00', { body: { comment: 'HikCentral · Main door' } });
            res.status.should.equal(201);
            res.headers['content-type'].should.match(/application\/json/);
            res.data.should.deepEqual({
                id: 70001,
                type: 'START',
                time: '2026-01-27T11:12:45.123Z',
                userId: 1001,
                employeeInternalId: ANA,
                summaryId: 9001,
                source: 'INTEGRATION',
                createdBy: 1,
                comment: 'HikCentral · Main door',
                siteId: null,
                location: null,
            });
            const out = await clockOut(ANA, '2026-01-27T17:00:00-03:00', { body: { comment: undefined } });
            out.data.should.have.properties({ id: 70002, type: 'END', summaryId: 9001, comment: null });
            (await clockIn(ANA, '2026-01-28T08:00:00-03:00')).data.summaryId.should.equal(9002);
            sim.journal.should.have.length(3);
            sim.journal[0].should.deepEqual({
                id: 70001,
                type: 'START',
                employeeInternalId: ANA,
                userId: 1001,
                time: '2026-01-27T08:12:45.123-03:00',
                timeMs: Date.parse('2026-01-27T11:12:45.123Z'),
                comment: 'HikCentral · Main door',
                source: 'INTEGRATION',
                summaryId: 9001,
                receivedAt: new Date(NOW).toISOString(),
            });
            sim.requests[0].should.have.properties({ action: 'clockIn', employeeId: ANA, now: '2026-01-27T08:12:45.123-03:00', status: 201, code: null, fault: null });
            sim.requests[1].should.have.properties({ action: 'clockOut', status: 201 });
        });

        it('uses configurable base and clock paths', async function () {
            await start({ basePath: '/api/', clockInPath: '/time-tracking/clock-in', clockOutPath: 'time-tracking/clock-out' });
            base.should.match(/\/api$/);
            (await request('POST', base + IN, { body: { employeeId: ANA, now: '2026-01-27T08:00:00Z' } })).status.should.equal(404);
            (await request('POST', base + '/time-tracking/clock-in', { body: { employeeId: ANA, now: '2026-01-27T08:00:00Z' } })).status.should.equal(201);
            (await request('POST', base + '/time-tracking/clock-out', { body: { employeeId: ANA, now: '2026-01-27T09:00:00Z' } })).status.should.equal(201);
            (await request('GET', base + '/users')).data.count.should.equal(40);
        });
    });

    describe('users', function () {
        it('pages users 1-based with limit default 10; limit outside 10–50 or a bad page is 400 INVALID_DATA (as Humand)', async function () {
            await start({ users: makeHumandUsers(150) });
            const p1 = await request('GET', base + '/users');
            p1.status.should.equal(200);
            p1.data.count.should.equal(150);
            p1.data.users.should.have.length(10);
            p1.data.users[0].should.deepEqual(makeHumandUsers(1)[0]);
            (await request('GET', base + '/users?page=2&limit=50')).data.users.map((u) => u.id).should.deepEqual(
                Array.from({ length: 50 }, (_, i) => 1051 + i),
            );
            (await request('GET', base + '/users?page=4&limit=50')).data.should.deepEqual({ count: 150, users: [] });
            (await request('GET', base + '/users?page=1&limit=10')).data.users.should.have.length(10);
            for (const q of ['limit=51', 'limit=1000', 'limit=9', 'limit=1', 'limit=0', 'limit=abc', 'page=0', 'page=-3', 'page=x']) {
                const bad = await request('GET', base + `/users?${q}`);
                bad.status.should.equal(400, q);
                bad.data.should.have.properties({ code: 'INVALID_DATA', message: 'The provided data is invalid' });
            }
            (await request('GET', base + '/users?page=&limit=10')).data.users[0].id.should.equal(1001);
            const all = [...(await request('GET', base + '/users?page=1&limit=50')).data.users, ...(await request('GET', base + '/users?page=2&limit=50')).data.users];
            all[12].should.have.properties({ employeeInternalId: '000113', status: 'INACTIVE' });
            for (const u of all) {
                u.id.should.be.a.Number();
                u.employeeInternalId.should.be.a.String();
                u.segmentations.should.deepEqual([]);
                Object.keys(u).sort().should.deepEqual(['email', 'employeeInternalId', 'firstName', 'id', 'lastName', 'segmentations', 'status']);
            }
        });

        it('gets one user by employeeInternalId', async function () {
            await start();
            (await request('GET', base + '/users/000101')).data.id.should.equal(1001);
            const missing = await request('GET', base + '/users/101');
            missing.status.should.equal(404);
            missing.data.code.should.equal('EMPLOYEE_NOT_FOUND');
        });

        it('answers unknown routes and methods with 404 JSON', async function () {
            await start();
            for (const [method, url] of [
                ['GET', base + IN],
                ['PUT', base + IN],
                ['POST', base + '/time-tracking/entries'],
                ['GET', root + '/nope'],
                ['POST', root + '/'],
                ['GET', root + '/__sim/nope'],
            ]) {
                const res = await request(method, url);
                res.status.should.equal(404, `${method} ${url}`);
                res.data.should.deepEqual({ code: 'NOT_FOUND', message: 'Not found' });
            }
        });
    });

    describe('faults', function () {
        it('503: not stored, then normal after count requests', async function () {
            await start();
            sim.setFaults({ count: 1, kinds: ['503'] });
            const res = await clockIn(ANA, '2026-01-27T08:00:00-03:00');
            res.status.should.equal(503);
            res.data.code.should.equal('SERVICE_UNAVAILABLE');
            sim.journal.should.have.length(0);
            (await clockIn(ANA, '2026-01-27T08:00:00-03:00')).status.should.equal(201);
            sim.requests.map((r) => [r.status, r.fault]).should.deepEqual([[503, '503'], [201, null]]);
        });

        it('429 with Retry-After, not stored', async function () {
            await start();
            sim.setFaults({ count: 1, kinds: ['429'], retryAfter: 2 });
            const res = await clockIn(ANA, '2026-01-27T08:00:00-03:00');
            res.status.should.equal(429);
            res.headers['retry-after'].should.equal('2');
            res.data.code.should.equal('TOO_MANY_REQUESTS');
            sim.journal.should.have.length(0);
        });

        it('html502: an HTML 502 page, not stored', async function () {
            await start();
            sim.setFaults({ count: 1, kinds: ['html502'] });
            const res = await clockIn(ANA, '2026-01-27T08:00:00-03:00', { raw: true });
            res.status.should.equal(502);
            res.headers['content-type'].should.match(/text\/html/);
            res.data.should.match(/<html>[\s\S]*502 Bad Gateway/);
            sim.journal.should.have.length(0);
        });

        it('reset: the socket is destroyed without an answer, not stored', async function () {
            await start();
            sim.setFaults({ count: 1, kinds: ['reset'] });
            const err = await clockIn(ANA, '2026-01-27T08:00:00-03:00').should.be.rejected();
            should(err.response).be.undefined();
            err.code.should.equalOneOf('ECONNRESET', 'EPIPE', 'ERR_BAD_RESPONSE');
            sim.journal.should.have.length(0);
            sim.requests[0].should.have.properties({ status: null, code: 'RESET', fault: 'reset' });
            (await clockIn(ANA, '2026-01-27T08:00:00-03:00')).status.should.equal(201);
        });

        it('malformed: stored per the rules, answered with truncated JSON and the real status', async function () {
            await start();
            sim.setFaults({ count: 2, kinds: ['malformed'] });
            const res = await clockIn(ANA, '2026-01-27T08:00:00-03:00', { raw: true });
            res.status.should.equal(201);
            res.data.should.have.length(10);
            (() => JSON.parse(res.data)).should.throw();
            sim.journal.should.have.length(1);
            const rejected = await clockIn(ANA, '2026-01-27T09:00:00-03:00', { raw: true });
            rejected.status.should.equal(422); // the rules still apply
            rejected.data.should.equal('{"code":"E');
            // The client's re-send after the broken answer is recognised as a duplicate.
            (await clockIn(ANA, '2026-01-27T08:00:00-03:00')).data.code.should.equal('DUPLICATED_ENTRY');
            sim.journal.should.have.length(1);
        });

        it('hang (hangMs 0): no answer, not stored; close() ends the held socket', async function () {
            await start();
            sim.setFaults({ count: 1, kinds: ['hang'] });
            const err = await clockIn(ANA, '2026-01-27T08:00:00-03:00', { timeout: 100 }).should.be.rejected();
            err.code.should.equal('ECONNABORTED');
            sim.journal.should.have.length(0);
            sim.requests[0].should.have.properties({ status: null, code: 'HANG', fault: 'hang' });

            sim.setFaults({ count: 1, kinds: ['hang'] });
            const pending = clockIn(ANA, '2026-01-27T08:00:00-03:00', { timeout: 0 }).then(
                () => 'answered',
                (e) => e.code || e.message,
            );
            while (sim.requests.length < 2) await new Promise((r) => setTimeout(r, 2));
            const t0 = Date.now();
            await sim.close();
            (Date.now() - t0).should.be.below(500);
            (await pending).should.not.equal('answered');
        });

        it('hang (hangMs > 0): answers normally after hangMs, storing the record even when the client gave up', async function () {
            await start();
            sim.setFaults({ count: 1, kinds: ['hang'], hangMs: 80 });
            const err = await clockIn(ANA, '2026-01-27T08:00:00-03:00', { timeout: 20 }).should.be.rejected();
            err.code.should.equal('ECONNABORTED');
            sim.journal.should.have.length(0);
            while (sim.journal.length === 0) await new Promise((r) => setTimeout(r, 5));
            sim.requests[0].should.have.properties({ status: 201, fault: 'hang' });
            (await clockIn(ANA, '2026-01-27T08:00:00-03:00')).data.code.should.equal('DUPLICATED_ENTRY');

            sim.setFaults({ count: 1, kinds: ['hang'], hangMs: 30 });
            const t0 = Date.now();
            const res = await clockOut(ANA, '2026-01-27T17:00:00-03:00');
            (Date.now() - t0).should.be.aboveOrEqual(25);
            res.status.should.equal(201);
        });

        it('hang is driven by fake timers', async function () {
            await start();
            clock = sinon.useFakeTimers({ now: NOW, toFake: ['setTimeout', 'clearTimeout'] });
            sim.setFaults({ count: 1, kinds: ['hang'], hangMs: 60000 });
            let answered;
            const p = clockIn(ANA, '2026-01-27T08:00:00-03:00', { timeout: 0 }).then((r) => (answered = r));
            while (clock.countTimers() === 0) await new Promise((r) => setImmediate(r));
            clock.tick(59999);
            for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
            should(answered).be.undefined();
            clock.tick(1);
            (await p).status.should.equal(201);
        });

        it('picks kinds round-robin and stops after count requests', async function () {
            await start();
            sim.setFaults({ count: 5, kinds: ['503', '429', 'html502'] });
            const statuses = [];
            for (let i = 0; i < 6; i++) statuses.push((await clockIn('nobody', '2026-01-27T08:00:00-03:00')).status);
            statuses.should.deepEqual([503, 429, 502, 503, 429, 404]);
        });

        it('applies a ratio with a seeded PRNG: same seed, same pattern', async function () {
            async function pattern(seed) {
                await start({ seed });
                sim.setFaults({ ratio: 0.5, kinds: ['503'] });
                const out = [];
                for (let i = 0; i < 30; i++) out.push((await clockIn('nobody', '2026-01-27T08:00:00-03:00')).status);
                // setFaults re-seeds: the pattern restarts.
                sim.setFaults({ ratio: 0.5, kinds: ['503'] });
                const again = [];
                for (let i = 0; i < 10; i++) again.push((await clockIn('nobody', '2026-01-27T08:00:00-03:00')).status);
                again.should.deepEqual(out.slice(0, 10));
                await sim.close();
                return out.map((s) => (s === 503 ? 'F' : '.')).join('');
            }
            const a = await pattern(7);
            const b = await pattern(7);
            a.should.equal(b);
            const faults = a.split('F').length - 1;
            faults.should.be.within(6, 24);
            const c = await pattern(8);
            c.should.not.equal(a);
        });

        it('ratio 0 never faults; faults never touch the users list; clearFaults stops them', async function () {
            await start();
            sim.setFaults({ ratio: 0, kinds: ['503'] });
            (await clockIn(ANA, '2026-01-27T08:00:00-03:00')).status.should.equal(201);
            sim.setFaults({ kinds: ['503'] }); // no ratio, no count: every clock request
            (await request('GET', base + '/users')).status.should.equal(200);
            (await clockOut(ANA, '2026-01-27T09:00:00-03:00')).status.should.equal(503);
            (await clockOut(ANA, '2026-01-27T09:00:00-03:00')).status.should.equal(503);
            sim.clearFaults();
            (await clockOut(ANA, '2026-01-27T09:00:00-03:00')).status.should.equal(201);
        });

        it('validates the fault spec', async function () {
            await start();
            (() => sim.setFaults({ kinds: ['boom'] })).should.throw(/unknown kind/);
            (() => sim.setFaults({ ratio: 2 })).should.throw(/ratio/);
            (() => sim.setFaults({ count: -1 })).should.throw(/count/);
            (() => sim.setFaults({ kinds: [] })).should.throw(/kinds/);
            sim.setFaults({ count: 0, kinds: ['503'] }); // nothing to do
            (await clockIn(ANA, '2026-01-27T08:00:00-03:00')).status.should.equal(201);
        });
    });

    describe('latency', function () {
        it('answers API requests after the latency, on (fake) timers; control routes are not delayed', async function () {
            await start();
            clock = sinon.useFakeTimers({ now: NOW, toFake: ['setTimeout', 'clearTimeout'] });
            sim.setLatency(500);
            let answered;
            const p = clockIn(ANA, '2026-01-27T08:00:00-03:00', { timeout: 0 }).then((r) => (answered = r));
            while (clock.countTimers() === 0) await new Promise((r) => setImmediate(r));
            clock.tick(499);
            for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
            should(answered).be.undefined();
            sim.journal.should.have.length(0); // processed when answered
            (await request('GET', root + '/__sim/journal', { key: null, timeout: 0 })).data.should.deepEqual([]);
            clock.tick(1);
            (await p).status.should.equal(201);
            sim.journal.should.have.length(1);

            const u = request('GET', base + '/users', { timeout: 0 });
            while (clock.countTimers() === 0) await new Promise((r) => setImmediate(r));
            clock.tick(500);
            (await u).status.should.equal(200);
        });

        it('delays with real timers and can be turned off', async function () {
            await start();
            sim.setLatency(40);
            let t0 = Date.now();
            (await clockIn(ANA, '2026-01-27T08:00:00-03:00')).status.should.equal(201);
            (Date.now() - t0).should.be.aboveOrEqual(35);
            sim.setLatency(0);
            t0 = Date.now();
            (await clockOut(ANA, '2026-01-27T09:00:00-03:00')).status.should.equal(201);
            (Date.now() - t0).should.be.below(35);
            (() => sim.setLatency(-1)).should.throw();
        });
    });

    describe('autoClockOut', function () {
        it('adds Humand\'s own END (AUTO_CLOSE), after which the bridge\'s clock-out is refused', async function () {
            await start();
            (await clockIn(ANA, '2026-01-27T08:00:00-03:00')).status.should.equal(201);
            const r = sim.autoClockOut(ANA, '2026-01-27T16:00:00-03:00');
            r.should.have.properties({ id: 70002, type: 'END', source: 'AUTO_CLOSE', employeeInternalId: ANA, comment: null, time: '2026-01-27T16:00:00-03:00' });
            sim.journal[1].should.deepEqual(r);
            (await clockOut(ANA, '2026-01-27T17:00:00-03:00')).data.code.should.equal('EXIT_WITHOUT_ENTRY');
            (await clockIn(ANA, '2026-01-28T08:00:00-03:00')).status.should.equal(201);
        });

        it('refuses when nothing is open, for unknown employees and bad times', async function () {
            await start();
            (() => sim.autoClockOut(ANA, '2026-01-27T16:00:00-03:00')).should.throw({ code: 'EXIT_WITHOUT_ENTRY', status: 422 });
            (() => sim.autoClockOut('101', '2026-01-27T16:00:00-03:00')).should.throw({ code: 'EMPLOYEE_NOT_FOUND', status: 404 });
            (await clockIn(ANA, '2026-01-27T08:00:00-03:00')).status.should.equal(201);
            (() => sim.autoClockOut(ANA, '2026-01-27T16:00:00')).should.throw({ code: 'INVALID_DATE', status: 400 });
            (() => sim.autoClockOut(ANA, '2026-01-27T07:00:00-03:00')).should.throw({ code: 'INVALID_TIME', status: 422 });
        });
    });

    describe('control routes', function () {
        it('creates an employee at run time: unknown before (404 EMPLOYEE_NOT_FOUND), clocked in after', async function () {
            await start();
            (await clockIn('NEW-1', '2026-01-27T08:00:00-03:00')).data.code.should.equal('EMPLOYEE_NOT_FOUND');
            const u = await request('POST', root + '/__sim/users', { key: null, body: { employeeInternalId: 'NEW-1', firstName: 'Nueva' } });
            u.status.should.equal(201);
            u.data.should.have.properties({ employeeInternalId: 'NEW-1', firstName: 'Nueva', status: 'ACTIVE' });
            (await request('POST', root + '/__sim/users', { key: null, body: { employeeInternalId: 'NEW-1' } })).status.should.equal(409);
            (await request('POST', root + '/__sim/users', { key: null, body: {} })).status.should.equal(400);
            (await clockIn('NEW-1', '2026-01-27T08:00:00-03:00')).status.should.equal(201);
        });

        it('drive faults, latency, auto clock-out, journal, requests and reset without auth', async function () {
            await start();
            const f = await request('POST', root + '/__sim/faults', { key: null, body: { count: 1, kinds: ['503'] } });
            f.status.should.equal(200);
            f.data.faults.should.have.properties({ count: 1, kinds: ['503'], ratio: 1 });
            (await clockIn(ANA, '2026-01-27T08:00:00-03:00')).status.should.equal(503);
            (await request('POST', root + '/__sim/faults', { key: null, body: { kinds: ['nope'] } })).status.should.equal(400);
            (await request('POST', root + '/__sim/faults', { key: null, body: '{x', headers: { 'Content-Type': 'application/json' } })).status.should.equal(400);
            (await request('POST', root + '/__sim/faults', { key: null, body: { kinds: ['429'] } })).status.should.equal(200);
            (await request('DELETE', root + '/__sim/faults', { key: null })).status.should.equal(200);
            (await clockIn(ANA, '2026-01-27T08:00:00-03:00')).status.should.equal(201);

            const a = await request('POST', root + '/__sim/auto-clock-out', { key: null, body: { employeeInternalId: ANA, time: '2026-01-27T16:00:00-03:00' } });
            a.status.should.equal(201);
            a.data.should.have.properties({ type: 'END', source: 'AUTO_CLOSE' });
            const a2 = await request('POST', root + '/__sim/auto-clock-out', { key: null, body: { employeeInternalId: ANA, time: '2026-01-27T17:00:00-03:00' } });
            a2.status.should.equal(422);
            a2.data.code.should.equal('EXIT_WITHOUT_ENTRY');

            const l = await request('POST', root + '/__sim/latency', { key: null, body: { ms: 30 } });
            l.data.should.deepEqual({ ok: true, ms: 30 });
            (await request('POST', root + '/__sim/latency', { key: null, body: { ms: 'x' } })).status.should.equal(400);
            (await request('GET', root + '/__sim/faults', { key: null })).data.latencyMs.should.equal(30);
            await request('POST', root + '/__sim/latency', { key: null, body: { ms: 0 } });

            const j = await request('GET', root + '/__sim/journal', { key: null });
            j.data.map((r) => `${r.type}/${r.source}`).should.deepEqual(['START/INTEGRATION', 'END/AUTO_CLOSE']);
            const q = await request('GET', root + '/__sim/requests', { key: null });
            q.data.map((r) => r.status).should.deepEqual([503, 201]);

            const journalRef = sim.journal;
            (await request('POST', root + '/__sim/reset', { key: null })).status.should.equal(200);
            sim.journal.should.equal(journalRef); // cleared in place
            sim.journal.should.have.length(0);
            sim.requests.should.have.length(0);
            (await request('GET', root + '/__sim/journal', { key: null, timeout: 0 })).data.should.deepEqual([]);
            (await clockIn(ANA, '2026-01-27T08:00:00-03:00')).data.id.should.equal(70001);
        });

        it('reset() clears journal, requests, faults and latency', async function () {
            await start();
            await clockIn(ANA, '2026-01-27T08:00:00-03:00');
            sim.setFaults({ kinds: ['503'] });
            sim.setLatency(1000);
            sim.reset();
            sim.journal.should.have.length(0);
            sim.requests.should.have.length(0);
            const res = await clockIn(ANA, '2026-01-27T08:00:00-03:00', { timeout: 500 });
            res.status.should.equal(201);
        });
    });

    describe('HTML page', function () {
        it('lists the last 50 records with counts, escaped, and refreshes every 5 s', async function () {
            await start();
            const evil = '<script>alert("x")</script> & \'co\'';
            (await clockIn(ANA, '2026-01-20T08:00:00-03:00', { body: { comment: evil } })).status.should.equal(201);
            // 60 more records for another employee: the evil one falls out of the last 50.
            for (let d = 1; d <= 30; d++) {
                const day = `2025-12-${String(d).padStart(2, '0')}`;
                (await clockIn('000102', `${day}T08:00:00Z`, { body: { comment: `in ${d}` } })).status.should.equal(201);
                (await clockOut('000102', `${day}T17:00:00Z`, { body: { comment: `out ${d}` } })).status.should.equal(201);
            }
            const res = await request('GET', root + '/', { key: null, raw: true });
            res.status.should.equal(200);
            res.headers['content-type'].should.match(/text\/html/);
            const html = res.data;
            html.should.match(/<title>Humand simulator<\/title>/);
            html.should.match(/<meta http-equiv="refresh" content="5">/);
            html.should.match(new RegExp(`Accepted records: <b>${sim.journal.length}</b>`));
            (html.match(/<tr><td>/g) || []).length.should.equal(50);
            html.should.match(/out 30/); // newest shown
            html.should.not.match(/>in 5</); // older than the last 50
            html.should.not.match(/<script>/);

            sim.reset();
            (await clockIn(ANA, '2026-01-20T08:00:00-03:00', { body: { comment: evil } })).status.should.equal(201);
            const page = (await request('GET', root + '/', { key: null, raw: true })).data;
            page.should.not.match(/<script>/);
            page.should.containEql('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;');
            page.should.match(/000101 /);
        });
    });

    describe('CLI', function () {
        it('starts, prints its base URL, serves, and stops on SIGTERM', async function () {
            child = spawn(process.execPath, [path.join(__dirname, '..', '..', 'sim', 'humand.js'), '--port', '0', '--users', '5', '--api-key', 'cli-key'], {
                stdio: ['ignore', 'pipe', 'pipe'],
            });
            const line = await new Promise((resolve, reject) => {
                let out = '';
                child.stdout.on('data', (d) => {
                    out += d;
                    if (out.includes('\n')) resolve(out.trim());
                });
                child.once('exit', (code) => reject(new Error(`exited ${code}`)));
            });
            line.should.match(/^humand-sim listening on http:\/\/127\.0\.0\.1:\d+\/public\/api\/v1$/);
            line.should.not.match(/cli-key/);
            const url = line.replace('humand-sim listening on ', '');
            const users = await request('GET', url + '/users', { key: 'cli-key' });
            users.data.count.should.equal(5);
            (await request('GET', url + '/users', { key: 'test-key' })).status.should.equal(401);
            const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
            child.kill('SIGTERM');
            (await exited).should.deepEqual({ code: 0, signal: null });
        });

        it('rejects unknown options', async function () {
            child = spawn(process.execPath, [path.join(__dirname, '..', '..', 'sim', 'humand.js'), '--bogus', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
            let err = '';
            child.stderr.on('data', (d) => (err += d));
            const code = await new Promise((resolve) => child.once('exit', resolve));
            code.should.equal(2);
            err.should.match(/unknown option --bogus/);
        });
    });
});
