'use strict';
// humand-clock against answers that are not (or not obviously) Humand's verdict: redaction of the key
// in whatever Humand echoes (issue 13, case 9), answers that are not Humand's own JSON error, and the
// read-back after a generic 400 (issue 13, case 2).
const should = require('should');
const http = require('http');
const { helper, node, resetContext, collect, until } = require('../helper');
const { allHealth } = require('../../dist/lib/health');
const { createHumandSimulator } = require('../../sim/humand');

const humandServer = node('humand-server');
const humandClock = node('humand-clock');
const KEY = 'SeCrEt-Humand-Key-0042';

const USERS = [
    { id: 1, employeeInternalId: '00123', firstName: 'Ana', lastName: 'García', email: 'ana@example.com', status: 'ACTIVE', segmentations: [] },
    { id: 2, employeeInternalId: '00456', firstName: 'Luis', lastName: 'Pérez', email: 'luis@example.com', status: 'ACTIVE', segmentations: [] },
];

/** ISO time `minutesAgo` before now, written with -03:00. */
function ago(minutesAgo, base = Date.now()) {
    return new Date(base - minutesAgo * 60000 - 3 * 3600000).toISOString().replace('Z', '-03:00');
}
function evt(id, employeeId, minutesAgo, direction = null) {
    return { id, source: 'hikcentral', person: { id: 'p' + employeeId, name: 'Ana' }, time: ago(minutesAgo), direction, device: { id: '12', name: 'Main door' }, employeeId };
}

function flow(baseUrl, clockProps = {}) {
    return [
        { id: 'tab1', type: 'tab' },
        { id: 's1', type: 'humand-server', baseUrl, timeout: 2, rateLimit: 0 },
        { id: 'c1', z: 'tab1', type: 'humand-clock', server: 's1', debounce: 0, wires: [['ok'], ['ko']], ...clockProps },
        { id: 'ok', z: 'tab1', type: 'helper' },
        { id: 'ko', z: 'tab1', type: 'helper' },
        { id: 'catch1', z: 'tab1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', z: 'tab1', type: 'helper' },
    ];
}

async function load(f, creds = { s1: { apiKey: KEY } }) {
    await helper.load([humandServer, humandClock], f, creds);
    return { c1: helper.getNode('c1'), ok: collect(helper.getNode('ok')), ko: collect(helper.getNode('ko')), caught: collect(helper.getNode('caught')) };
}

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
