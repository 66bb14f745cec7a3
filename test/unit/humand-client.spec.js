'use strict';
const should = require('should');
const http = require('http');
const { HumandClient, humandMessage, DEFAULT_CLOCK_IN_PATH } = require('../../dist/lib/humand/client');

const KEY = 'aGVsbG86d29ybGQ='; // sent verbatim, never re-encoded

describe('humand client', function () {
    let server;
    let baseUrl;
    let seen;
    let answer;
    const clients = [];
    before(async function () {
        server = http.createServer((req, res) => {
            let body = '';
            req.on('data', (c) => { body += c; });
            req.on('end', () => {
                seen.push({ method: req.method, url: req.url, headers: req.headers, body });
                const a = answer(req);
                if (a.hang) return;
                res.writeHead(a.status, { 'content-type': a.type || 'application/json' });
                res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
            });
        });
        await new Promise((r) => server.listen(0, '127.0.0.1', r));
        baseUrl = `http://127.0.0.1:${server.address().port}/public/api/v1/`;
    });
    beforeEach(function () {
        seen = [];
        answer = () => ({ status: 201, body: { id: 1 } });
    });
    afterEach(function () {
        while (clients.length) clients.pop().destroy();
    });
    after(async function () {
        server.closeAllConnections?.();
        await new Promise((r) => server.close(r));
    });

    function client(extra = {}) {
        const c = new HumandClient({ baseUrl, clockInPath: '', clockOutPath: 'custom/out', timeoutMs: 2000, apiKey: KEY, ...extra });
        clients.push(c);
        return c;
    }

    it('posts a clock record with the key verbatim as Basic and JSON headers, to the configured paths', async function () {
        const c = client();
        c.config.clockInPath.should.equal(DEFAULT_CLOCK_IN_PATH);
        c.config.clockOutPath.should.equal('/custom/out');
        const body = { employeeId: '00123', now: '2026-01-27T09:00:00-03:00', comment: 'c' };
        const res = await c.clock('in', body);
        res.status.should.equal(201);
        await c.clock('out', body);
        seen[0].method.should.equal('POST');
        seen[0].url.should.equal('/public/api/v1/time-tracking/entries/clockIn');
        seen[1].url.should.equal('/public/api/v1/custom/out');
        seen[0].headers.authorization.should.equal(`Basic ${KEY}`);
        seen[0].headers['content-type'].should.match(/^application\/json/);
        seen[0].headers.accept.should.equal('application/json');
        JSON.parse(seen[0].body).should.eql(body);
    });

    it('returns HTTP error statuses from clock instead of throwing', async function () {
        answer = () => ({ status: 422, body: { code: 'X', message: 'nope' } });
        const res = await client().clock('in', { employeeId: 'a', now: 'n', comment: '' });
        res.status.should.equal(422);
        humandMessage(res).should.equal('X: nope');
    });

    it('reads a users page with page and limit', async function () {
        answer = () => ({ status: 200, body: { count: '7', users: [{ id: 1, employeeInternalId: '00123' }, 'junk', null] } });
        const page = await client().users(2, 50);
        seen[0].method.should.equal('GET');
        seen[0].url.should.match(/^\/public\/api\/v1\/users\?/);
        const q = new URL(seen[0].url, 'http://x').searchParams;
        q.get('page').should.equal('2');
        q.get('limit').should.equal('50');
        seen[0].headers.authorization.should.equal(`Basic ${KEY}`);
        page.should.eql({ count: 7, users: [{ id: 1, employeeInternalId: '00123' }] });
    });

    it('counts the users when count is missing', async function () {
        answer = () => ({ status: 200, body: { users: [{ id: 1 }, { id: 2 }] } });
        (await client().users(1, 10)).count.should.equal(2);
    });

    it('throws secret-free messages for HTTP errors and unexpected shapes', async function () {
        answer = () => ({ status: 401, body: { code: 'UNAUTHORIZED', message: 'bad key' } });
        await client().users(1, 1).should.be.rejectedWith(/^Humand answered HTTP 401: UNAUTHORIZED: bad key$/);
        answer = () => ({ status: 500, type: 'text/html', body: '<html>oops</html>' });
        await client().users(1, 1).should.be.rejectedWith(/^Humand answered HTTP 500$/);
        answer = () => ({ status: 200, body: { count: 1, items: [] } });
        await client().users(1, 1).should.be.rejectedWith(/not the expected JSON/);
        answer = () => ({ status: 200, type: 'text/plain', body: 'not json' });
        const err = await client().users(1, 1).then(() => null, (e) => e);
        err.message.should.match(/not the expected JSON/);
        for (const e of [err.message, String(err.stack)]) e.should.not.containEql(KEY);
    });

    it('removes the key from every answer it returns: body, parsed JSON and headers (issue 13, case 9)', async function () {
        answer = (req) => ({ status: 400, body: { code: 'INVALID_DATA', message: `bad ${req.headers.authorization}`, metadata: { key: KEY } } });
        const res = await client().clock('in', { employeeId: 'a', now: 'n', comment: '' });
        JSON.stringify(res).should.not.containEql(KEY);
        res.json.should.eql({ code: 'INVALID_DATA', message: 'bad Basic ***', metadata: { key: '***' } });
        humandMessage(res).should.equal('INVALID_DATA: bad Basic ***');
        answer = (req) => ({ status: 401, body: { code: 'UNKNOWN_TOKEN', message: `Invalid credentials ${KEY}` } });
        const err = await client().users(1, 10).then(() => null, (e) => e);
        err.message.should.equal('Humand answered HTTP 401: UNKNOWN_TOKEN: Invalid credentials ***');
    });

    it('reads an employee\'s entries with the three filters, page and limit', async function () {
        answer = () => ({ status: 200, body: { limit: 50, page: 1, totalPages: 1, count: 0, items: [] } });
        const res = await client().entries({ employeeId: '00123', startDate: '2026-06-08', endDate: '2026-06-09', page: 1, limit: 50 });
        res.status.should.equal(200);
        const q = new URL(seen[0].url, 'http://x');
        q.pathname.should.equal('/public/api/v1/time-tracking/entries');
        Object.fromEntries(q.searchParams).should.eql({ employeeId: '00123', startDate: '2026-06-08', endDate: '2026-06-09', page: '1', limit: '50' });
        seen[0].headers.authorization.should.equal(`Basic ${KEY}`);
    });

    it('a timeout is a network failure (HttpFailure) without the key', async function () {
        answer = () => ({ hang: true });
        const err = await client({ timeoutMs: 200 }).clock('in', { employeeId: 'a', now: 'n', comment: '' }).then(() => null, (e) => e);
        should(err).not.be.null();
        err.name.should.equal('HttpFailure');
        err.message.should.not.containEql(KEY);
    });
});
