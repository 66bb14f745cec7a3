'use strict';
// humand-clock against answers that are not (or not obviously) Humand's verdict: redaction of the key
// in whatever Humand echoes (issue 13, case 9), answers that are not Humand's own JSON error, and the
// read-back after a generic 400 (issue 13, case 2).
const should = require('should');
const http = require('http');
const { helper, node, resetContext, collect, until } = require('../helper');
const { allHealth } = require('../../dist/lib/health');
const { createHumandSimulator } = require('../../sim/humand');
const { ago, evt, flow } = require('./humand-clock-fixtures');

const humandServer = node('humand-server');
const humandClock = node('humand-clock');
const KEY = 'SeCrEt-Humand-Key-0042';

const USERS = [
    { id: 1, employeeInternalId: '00123', firstName: 'Ana', lastName: 'García', email: 'ana@example.com', status: 'ACTIVE', segmentations: [] },
    { id: 2, employeeInternalId: '00456', firstName: 'Luis', lastName: 'Pérez', email: 'luis@example.com', status: 'ACTIVE', segmentations: [] },
];

async function load(f, creds = { s1: { apiKey: KEY } }) {
    await helper.load([humandServer, humandClock], f, creds);
    return { c1: helper.getNode('c1'), ok: collect(helper.getNode('ok')), ko: collect(helper.getNode('ko')), caught: collect(helper.getNode('caught')) };
}

const outbox = () => helper.getNode('s1').getOutbox('', false, { concurrency: 1 });
/** Clears the back-off of every waiting record (what the health view's "retry now" does). */
const retryNow = () => outbox().retryNow();

/** Everything a user can see of node c1 and the server s1: messages, Catch, status, logs, health. */
function visible(c1, ...msgs) {
    const s1 = helper.getNode('s1');
    const calls = [c1.error, c1.warn, c1.log, s1.log, s1.warn, s1.error, c1.status].filter(Boolean).map((spy) => spy.args);
    return JSON.stringify({ msgs, calls, health: allHealth() });
}

/** A scripted HTTP server: `answer(req, body)` returns {status, headers, body}. */
async function scripted(answer) {
    const seen = [];
    const server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c) => { body += c; });
        req.on('end', () => {
            seen.push({ method: req.method, url: req.url, body });
            const a = answer(req, body, seen.length);
            const text = typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
            res.writeHead(a.status, { 'content-type': typeof a.body === 'string' ? 'text/html' : 'application/json', ...(a.headers || {}) });
            res.end(text);
        });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    return {
        seen,
        baseUrl: `http://127.0.0.1:${server.address().port}/public/api/v1`,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
    };
}

describe('humand-clock: Humand answers (issue 13)', function () {
    let server;
    afterEach(async function () {
        await helper.unload();
        await resetContext();
        if (server) await server.close();
        server = undefined;
    });

    describe('case 2: only Humand\'s own JSON error is a verdict; a generic 400 is read back', function () {
        let sim;
        let baseUrl;
        beforeEach(async function () {
            sim = createHumandSimulator({ apiKeys: [KEY], users: USERS, rateLimit: false });
            ({ baseUrl } = await sim.listen(0));
        });
        afterEach(async function () {
            await sim.close();
        });
        const post = (path, body) => fetch(baseUrl + path, { method: 'POST', headers: { Authorization: `Basic ${KEY}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

        it('an HTML maintenance page (404) is retried with back-off and shown as the problem, then the punch is delivered', async function () {
            sim.setFaults({ kinds: ['maintenance'], count: 2 });
            const { c1, ok, ko, caught } = await load(flow(baseUrl));
            c1.receive({ payload: evt('m:1', '00123', 5, 'in') });
            await until(() => sim.requests.length === 1 && (allHealth().find((h) => h.id === 'c1') || {}).lastError);
            allHealth().find((h) => h.id === 'c1').lastError.should.match(/^HTTP 404: not Humand's answer \(an HTML page/);
            await until(() => c1.status.args.some((a) => a[0].fill === 'yellow'));
            ko.length.should.equal(0);
            retryNow(); // the operator's "retry now" while the maintenance lasts
            await until(() => sim.requests.length === 2 && outbox().stats().waiting === 1);
            retryNow();
            await until(() => ok.length === 1, { ms: 8000 });
            ko.length.should.equal(0);
            caught.length.should.equal(0);
            sim.journal.map((r) => r.type).should.eql(['START']);
            sim.requests.map((r) => r.status).should.eql([404, 404, 201]);
        });

        it('a redirect (302) is not followed, retried and named as the problem', async function () {
            sim.setFaults({ kinds: ['redirect'], count: 1 });
            const { c1, ok, ko } = await load(flow(baseUrl));
            c1.receive({ payload: evt('r:1', '00123', 5, 'in') });
            await until(() => (allHealth().find((h) => h.id === 'c1') || {}).lastError);
            allHealth().find((h) => h.id === 'c1').lastError.should.match(/^HTTP 302: redirect to https:\/\/humand-maintenance\.example\.invalid\/.*not followed/);
            await until(() => outbox().stats().waiting === 1);
            retryNow();
            await until(() => ok.length === 1, { ms: 8000 });
            ko.length.should.equal(0);
            sim.requests.map((r) => r.status).should.eql([302, 201]);
        });

        it('a re-send of a punch Humand already holds (generic 400) is read back and reported delivered, not rejected', async function () {
            const e = evt('crash:1', '00123', 5, 'in');
            (await post('/time-tracking/entries/clockIn', { employeeId: '00123', now: e.time, comment: 'before the crash' })).status.should.equal(201);
            const { c1, ok, ko, caught } = await load(flow(baseUrl));
            c1.receive({ payload: e });
            await until(() => ok.length + ko.length === 1);
            ko.length.should.equal(0);
            caught.length.should.equal(0);
            ok[0].payload.humand.should.containEql({ action: 'in', status: 400 });
            sim.journal.length.should.equal(1);
            sim.reads.length.should.equal(1);
            sim.reads[0].should.containEql({ path: '/time-tracking/entries', status: 200 });
            sim.reads[0].query.should.containEql({ employeeId: '00123', page: '1', limit: '50' });
        });

        it('Humand\'s automatic clock-out is recognised by the read-back as drift: the state is aligned and the next punch is right', async function () {
            const { c1, ok, ko } = await load(flow(baseUrl));
            c1.receive({ payload: evt('d:1', '00123', 60) });
            await until(() => ok.length === 1);
            sim.autoClockOut('00123', ago(50));
            c1.receive({ payload: evt('d:2', '00123', 40, 'out') });
            await until(() => ko.length === 1);
            ko[0].reason.should.match(/Humand's last entry is already END at .* \(AUTO_CLOSE\)/);
            c1.receive({ payload: evt('d:3', '00123', 30) }); // unknown direction: after the drift this is an "in"
            await until(() => ok.length === 2);
            sim.journal.map((r) => `${r.type}/${r.source}`).should.eql(['START/INTEGRATION', 'END/AUTO_CLOSE', 'START/INTEGRATION']);
        });

        it('a final rejection is not remembered: a later deliberate re-send of the same event goes to Humand again', async function () {
            const { c1, ok, ko } = await load(flow(baseUrl));
            const e = evt('x:1', 'nobody', 5, 'in'); // unknown to Humand: generic 400, nothing held
            c1.receive({ payload: e });
            await until(() => ko.length === 1);
            ko[0].should.containEql({ reasonCode: 'humand-rejected' });
            ko[0].reason.should.equal('Humand rejected the clock-in: INVALID_DATA: The provided data is invalid');
            c1.receive({ payload: e });
            await until(() => ko.length === 2);
            ko[1].should.containEql({ reasonCode: 'humand-rejected' });
            sim.requests.length.should.equal(2);
            ok.length.should.equal(0);
        });

        it('legacy 422 texts are still recognised without a read-back', async function () {
            await sim.close();
            sim = createHumandSimulator({ apiKeys: [KEY], users: USERS, rateLimit: false, errors: 'legacy' });
            ({ baseUrl } = await sim.listen(0));
            const { c1, ok, ko } = await load(flow(baseUrl));
            c1.receive({ payload: evt('l:1', '00123', 60, 'in') });
            await until(() => ok.length === 1);
            c1.receive({ payload: evt('l:2', '00123', 50, 'in') });
            await until(() => ko.length === 1);
            ko[0].reason.should.match(/ENTRY_WITHOUT_EXIT/);
            sim.requests.map((r) => r.status).should.eql([201, 422]);
            sim.reads.length.should.equal(0);
        });
    });

    describe('case 2: a read-back that fails is retried, not rejected', function () {
        it('the entries read answers 503 first: the record waits and is then found delivered', async function () {
            let reads = 0;
            server = await scripted((req) => {
                if (req.method === 'POST') return { status: 400, body: { code: 'INVALID_DATA', message: 'The provided data is invalid', metadata: {} } };
                reads += 1;
                if (reads === 1) return { status: 503, body: { code: 'UNKNOWN_ERROR', message: 'try later' } };
                const u = new URL(req.url, 'http://x');
                return { status: 200, body: { limit: 50, page: 1, totalPages: 1, count: 1, items: [{ id: 7, type: 'START', time: pending.time, source: 'INTEGRATION', employeeInternalId: u.searchParams.get('employeeId') }] } };
            });
            const pending = evt('rb:1', '00123', 5, 'in');
            const { c1, ok, ko } = await load(flow(server.baseUrl));
            c1.receive({ payload: pending });
            await until(() => (allHealth().find((h) => h.id === 'c1') || {}).lastError);
            allHealth().find((h) => h.id === 'c1').lastError.should.match(/HTTP 503: reading back Humand's entries failed: HTTP 503/);
            ko.length.should.equal(0);
            await until(() => outbox().stats().waiting === 1);
            retryNow();
            await until(() => ok.length === 1, { ms: 8000 });
            ko.length.should.equal(0);
            server.seen.filter((r) => r.method === 'GET').length.should.equal(2);
            server.seen.filter((r) => r.method === 'GET').every((r) => /employeeId=00123&startDate=\d{4}-\d{2}-\d{2}&endDate=\d{4}-\d{2}-\d{2}&page=1&limit=50/.test(r.url)).should.be.true();
        });
    });

    describe('case 9: the API key never leaves the client', function () {
        it('a Humand error body echoing the key and the Authorization header never shows the key (message, Catch, status, logs, health)', async function () {
            server = await scripted((req) => {
                const auth = req.headers.authorization;
                return {
                    status: 404,
                    headers: { 'x-echo': auth },
                    body: { code: 'EMPLOYEE_NOT_FOUND', message: `no employee for key ${KEY} (Authorization: ${auth})`, metadata: { authorization: auth, key: KEY } },
                };
            });
            const { c1, ko, caught } = await load(flow(server.baseUrl));
            c1.receive({ payload: evt('k:1', '00123', 5, 'in') });
            await until(() => ko.length === 1 && caught.length === 1);
            ko[0].reason.should.match(/EMPLOYEE_NOT_FOUND/);
            visible(c1, ko, caught).should.not.containEql(KEY);
            JSON.stringify(ko[0].humand.body).should.containEql('***');
        });

        it('a retried answer echoing the key shows the problem without the key in the health view', async function () {
            server = await scripted((req) => ({ status: 503, body: { code: 'UNKNOWN_ERROR', message: `down for Basic ${KEY}` } }));
            const { c1 } = await load(flow(server.baseUrl));
            c1.receive({ payload: evt('k:2', '00123', 5, 'in') });
            await until(() => (allHealth().find((h) => h.id === 'c1') || {}).lastError);
            const h = allHealth().find((x) => x.id === 'c1');
            h.lastError.should.match(/HTTP 503: UNKNOWN_ERROR/);
            visible(c1).should.not.containEql(KEY);
        });

        it('Test connection never shows the key a Humand error echoes', async function () {
            server = await scripted((req) => ({ status: 401, body: { code: 'UNKNOWN_TOKEN', message: `Invalid credentials: ${req.headers.authorization}` } }));
            await helper.startServer();
            try {
                await helper.load(humandServer, [{ id: 's1', type: 'humand-server', baseUrl: server.baseUrl }], {});
                const res = await helper.request().post('/attendance-bridge/humand-server/test')
                    .send({ baseUrl: server.baseUrl, timeout: 5, credentials: { apiKey: KEY } }).expect(200);
                res.body.ok.should.be.false();
                res.body.message.should.match(/401/).and.match(/UNKNOWN_TOKEN/);
                JSON.stringify(res.body).should.not.containEql(KEY);
            } finally {
                await helper.unload();
                await helper.stopServer();
            }
        });
    });
});
