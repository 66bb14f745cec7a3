'use strict';
// sim/humand.js in its default mode: the answers of Humand's API definition (docs/real-apis.md;
// issue 13, case 18). The legacy answers (422 with a text per rule) are pinned in sim-humand.spec.js.
const should = require('should');
const path = require('path');
const { spawn } = require('child_process');
const { createHumandSimulator } = require('../../sim/humand');

const KEY = 'doc-key';
const NOW = Date.parse('2026-06-09T15:00:00Z'); // 12:00 at -03:00
const USERS = [
    { id: 1, employeeInternalId: '00123', firstName: 'Ana', lastName: 'García', email: 'ana@example.com', status: 'ACTIVE' },
    { id: 2, employeeInternalId: '00456', firstName: 'Luis', lastName: 'Pérez', email: 'luis@example.com', status: 'ACTIVE' },
];
const INVALID = { code: 'INVALID_DATA', message: 'The provided data is invalid' };

describe('sim/humand documented mode (default)', function () {
    let sim;
    let base;
    let now;
    async function start(options = {}) {
        now = NOW;
        sim = createHumandSimulator({ apiKeys: [KEY], users: USERS, now: () => now, ...options });
        base = (await sim.listen(0)).baseUrl;
    }
    afterEach(async function () {
        if (sim) await sim.close();
        sim = undefined;
    });
    async function call(method, p, body, key = KEY) {
        const res = await fetch(base + p, {
            method,
            redirect: 'manual',
            headers: { ...(key ? { Authorization: `Basic ${key}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
            body: body ? JSON.stringify(body) : undefined,
        });
        const text = await res.text();
        let json;
        try { json = JSON.parse(text); } catch (e) { json = undefined; }
        return { status: res.status, headers: res.headers, text, json };
    }
    const clockIn = (employeeId, t) => call('POST', '/time-tracking/entries/clockIn', { employeeId, now: t, comment: 'c' });
    const clockOut = (employeeId, t) => call('POST', '/time-tracking/entries/clockOut', { employeeId, now: t, comment: 'c' });

    it('answers 201 with the created TimeTrackingEntry', async function () {
        await start();
        const r = await clockIn('00123', '2026-06-09T07:58:00.000-03:00');
        r.status.should.equal(201);
        r.json.should.have.properties({ id: 70001, userId: 1, employeeInternalId: '00123', type: 'START', source: 'INTEGRATION', referenceDate: '2026-06-09', time: '2026-06-09T07:58:00.000-03:00', comment: 'c' });
        r.json.should.have.properties(['date', 'site', 'coordinates', 'createdAt', 'updatedAt']);
    });

    it('answers every refused record with the generic 400 INVALID_DATA: duplicate, same type twice, future, unknown employee, bad body', async function () {
        await start();
        (await clockIn('00123', '2026-06-09T07:58:00-03:00')).status.should.equal(201);
        for (const r of [
            await clockIn('00123', '2026-06-09T07:58:00-03:00'), // duplicate
            await clockIn('00123', '2026-06-09T08:30:00-03:00'), // same type twice
            await clockOut('00123', '2026-06-09T13:00:00-03:00'), // future
            await clockOut('00456', '2026-06-09T09:00:00-03:00'), // no open entry
            await clockIn('99999', '2026-06-09T09:00:00-03:00'), // unknown employee
            await call('POST', '/time-tracking/entries/clockIn', { employeeId: '00456' }), // no time
        ]) {
            r.status.should.equal(400);
            r.json.should.have.properties(INVALID);
            r.json.should.have.property('metadata');
        }
        sim.journal.length.should.equal(1);
        sim.requests.map((r) => r.status).should.eql([201, 400, 400, 400, 400, 400, 400]);
    });

    it('answers 401 UNKNOWN_TOKEN "Invalid credentials" to a wrong key', async function () {
        await start();
        const bad = await call('GET', '/users', undefined, 'wrong');
        for (const x of [await call('POST', '/time-tracking/entries/clockIn', { employeeId: '00123', now: '2026-06-09T07:00:00-03:00' }, 'wrong'), bad]) {
            x.status.should.equal(401);
            x.json.should.have.properties({ code: 'UNKNOWN_TOKEN', message: 'Invalid credentials' });
        }
        sim.journal.length.should.equal(0);
    });

    it('carries RateLimit-Policy and RateLimit on every answer and answers 429 RATE_LIMIT_EXCEEDED with Retry-After past 50 per 60 s', async function () {
        await start();
        let r = await call('GET', '/users?limit=10');
        r.headers.get('ratelimit-policy').should.equal('50;w=60');
        r.headers.get('ratelimit').should.equal('limit=50, remaining=49, reset=60');
        for (let i = 0; i < 49; i++) r = await call('GET', '/users?limit=10');
        r.status.should.equal(200);
        r.headers.get('ratelimit').should.equal('limit=50, remaining=0, reset=60');
        now += 20000;
        r = await clockIn('00123', '2026-06-09T07:58:00-03:00');
        r.status.should.equal(429);
        r.json.should.have.properties({ code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit reached, please try again later' });
        r.headers.get('retry-after').should.equal('40');
        r.headers.get('ratelimit').should.equal('limit=50, remaining=0, reset=40');
        sim.journal.length.should.equal(0);
        sim.requests[0].should.containEql({ status: 429, code: 'RATE_LIMIT_EXCEEDED' });
        now += 40000; // a new window
        (await clockIn('00123', '2026-06-09T07:58:00-03:00')).status.should.equal(201);
    });

    it('the rate limit is configurable ({limit, windowMs}) or off (false), also per key', async function () {
        await start({ rateLimit: { limit: 2, windowMs: 1000 } });
        (await call('GET', '/users?limit=10')).status.should.equal(200);
        (await call('GET', '/users?limit=10')).headers.get('ratelimit-policy').should.equal('2;w=1');
        (await call('GET', '/users?limit=10')).status.should.equal(429);
        now += 1000;
        (await call('GET', '/users?limit=10')).status.should.equal(200);
        await sim.close();
        await start({ rateLimit: false });
        for (let i = 0; i < 60; i++) (await call('GET', '/users?limit=10')).status.should.equal(200);
        should((await call('GET', '/users?limit=10')).headers.get('ratelimit')).be.null();
        const { parseRateLimitArg } = require('../../sim/humand-reads');
        parseRateLimitArg('off').should.equal(false);
        parseRateLimitArg('500/60000').should.eql({ limit: 500, windowMs: 60000 });
        parseRateLimitArg('7').should.eql({ limit: 7, windowMs: 60000 });
        (() => parseRateLimitArg('x')).should.throw(/--rate-limit/);
    });

    it('lists an employee\'s entries with the three required filters and Humand\'s wrapper; limit 10–50', async function () {
        await start({ rateLimit: false });
        await clockIn('00123', '2026-06-08T22:00:00-03:00');
        await clockOut('00123', '2026-06-09T06:00:00-03:00');
        await clockIn('00456', '2026-06-09T07:00:00-03:00');
        let r = await call('GET', '/time-tracking/entries?employeeId=00123&startDate=2026-06-08&endDate=2026-06-09&page=1&limit=50');
        r.status.should.equal(200);
        r.json.should.have.properties({ limit: 50, page: 1, totalPages: 1, count: 2 });
        r.json.items.map((e) => `${e.type} ${e.time}`).should.eql(['START 2026-06-08T22:00:00-03:00', 'END 2026-06-09T06:00:00-03:00']);
        r.json.items[0].should.have.properties(['id', 'userId', 'employeeInternalId', 'date', 'referenceDate', 'source', 'createdAt']);
        r = await call('GET', '/time-tracking/entries?employeeId=00123&startDate=2026-06-09&endDate=2026-06-09');
        r.json.should.have.properties({ limit: 10, page: 1, count: 1 });
        for (const q of ['', 'employeeId=00123&startDate=2026-06-09', 'employeeId=00123&endDate=2026-06-09', 'startDate=2026-06-09&endDate=2026-06-09',
            'employeeId=00123&startDate=09/06/2026&endDate=2026-06-09', 'employeeId=00123&startDate=2026-06-09&endDate=2026-06-09&limit=51',
            'employeeId=00123&startDate=2026-06-09&endDate=2026-06-09&limit=5']) {
            r = await call('GET', `/time-tracking/entries?${q}`);
            r.status.should.equal(400, q);
            r.json.should.have.properties(INVALID);
        }
        sim.reads.length.should.equal(9);
    });

    it('pages day summaries with totalPages 1 and the page\'s count, as seen in production', async function () {
        await start({ rateLimit: false });
        await clockIn('00123', '2026-06-09T07:00:00-03:00');
        sim.autoClockOut('00123', '2026-06-09T11:00:00-03:00');
        const q = 'employeeIds=00123,00456&startDate=2026-06-01&endDate=2026-06-09';
        const p1 = await call('GET', `/time-tracking/day-summaries?${q}&page=1&limit=10`);
        p1.status.should.equal(200);
        p1.json.should.have.properties({ limit: 10, page: 1, totalPages: 1, count: 10 });
        const p2 = await call('GET', `/time-tracking/day-summaries?${q}&page=2&limit=10`);
        p2.json.should.have.properties({ page: 2, totalPages: 1, count: 8 });
        const day = [...p1.json.items, ...p2.json.items].find((s) => s.employeeId === '00123' && s.referenceDate === '2026-06-09');
        day.entries.map((e) => `${e.type}/${e.source}`).should.eql(['START/INTEGRATION', 'END/AUTO_CLOSE']);
        day.incidences.should.eql(['AUTO_CLOSE']);
        day.hours.worked.should.equal(4);
        day.should.have.properties(['id', 'date', 'userId', 'isWorkday', 'hasSchedule', 'weekday', 'categorizedHours', 'holidays', 'timeOffRequests', 'timeSlots']);
        (await call('GET', `/time-tracking/day-summaries?${q}&limit=60`)).status.should.equal(400);
        (await call('GET', '/time-tracking/day-summaries?startDate=2026-06-01&endDate=2026-06-09')).status.should.equal(400);
    });

    it('fault kinds maintenance (HTML 404 page) and redirect (302 to another URL), nothing stored', async function () {
        await start({ rateLimit: false });
        sim.setFaults({ kinds: ['maintenance', 'redirect'], count: 2 });
        const m = await clockIn('00123', '2026-06-09T07:00:00-03:00');
        m.status.should.equal(404);
        m.headers.get('content-type').should.match(/text\/html/);
        m.text.should.match(/maintenance/i);
        const r = await clockIn('00123', '2026-06-09T07:00:00-03:00');
        r.status.should.equal(302);
        r.headers.get('location').should.equal('https://humand-maintenance.example.invalid/public/api/v1/time-tracking/entries/clockIn');
        sim.journal.length.should.equal(0);
        sim.requests.map((x) => x.code).should.eql(['MAINTENANCE', 'REDIRECT']);
        (await clockIn('00123', '2026-06-09T07:00:00-03:00')).status.should.equal(201);
    });

    it('the command line takes --errors legacy and --rate-limit', async function () {
        this.timeout(10000);
        const child = spawn(process.execPath, [path.join(__dirname, '..', '..', 'sim', 'humand.js'), '--port', '0', '--users', '3', '--api-key', KEY, '--errors', 'legacy', '--rate-limit', '1/60000']);
        try {
            const line = await new Promise((resolve, reject) => {
                let out = '';
                child.stdout.on('data', (d) => { out += d; if (/listening on (\S+)/.test(out)) resolve(/listening on (\S+)/.exec(out)[1]); });
                child.on('exit', (code) => reject(new Error('exited ' + code)));
            });
            base = line;
            const first = await clockIn('000101', '2026-01-01T00:00:00-03:00');
            first.status.should.equal(201);
            first.json.should.have.property('summaryId'); // the legacy answer
            (await clockIn('000101', '2026-01-01T00:00:00-03:00')).status.should.equal(429);
        } finally {
            child.kill();
        }
        const bad = spawn(process.execPath, [path.join(__dirname, '..', '..', 'sim', 'humand.js'), '--errors', 'strict']);
        const code = await new Promise((r) => bad.on('exit', r));
        code.should.equal(2);
    });
});
