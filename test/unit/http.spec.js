'use strict';
// lib/http: the one HTTP client of the three servers, against a local HTTP and HTTPS server.
const should = require('should');
const fs = require('fs');
const path = require('path');
const http = require('http');
const https = require('https');
const {
    createHttpClient,
    HttpFailure,
    normaliseBaseUrl,
    validateBaseUrl,
    parseJson,
    redact,
    redactCredentials,
    retryAfterMs,
} = require('../../dist/lib/http');

const TLS = path.join(__dirname, '..', 'fixtures', 'tls');
const CA = fs.readFileSync(path.join(TLS, 'ca.pem'), 'utf8');
const SECRET = 'p4ss-w0rd-xyz';

/** The error a promise rejects with (fails the test when it resolves). */
const failure = (promise) => promise.then(() => Promise.reject(new Error('expected a rejection')), (err) => err);

/** A server answering each request by `route(req, body, res)`; remembers what it received. */
function serve(route, tls) {
    const received = [];
    const sockets = new Set();
    const handler = (req, res) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            received.push({ method: req.method, url: req.url, headers: req.headers, body });
            route(req, body, res);
        });
    };
    const server = tls ? https.createServer({ key: fs.readFileSync(path.join(TLS, 'server.key')), cert: fs.readFileSync(path.join(TLS, 'server.pem')) }, handler) : http.createServer(handler);
    server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
    });
    return new Promise((resolve) => {
        server.listen(0, '127.0.0.1', () => {
            const url = `${tls ? 'https' : 'http'}://127.0.0.1:${server.address().port}`;
            resolve({
                url,
                received,
                close: () =>
                    new Promise((r) => {
                        for (const s of sockets) s.destroy();
                        server.close(() => r());
                    }),
            });
        });
    });
}

function json(res, status, body, headers = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'X-Custom-Header': 'Yes', ...headers });
    res.end(text);
}

describe('lib/http', function () {
    let server;
    let client;
    afterEach(async function () {
        if (client) client.destroy();
        client = undefined;
        if (server) await server.close();
        server = undefined;
    });

    describe('createHttpClient', function () {
        it('sends the JSON body and query parameters, and returns status, lower-case headers, text and parsed JSON', async function () {
            server = await serve((req, body, res) => json(res, 200, { echo: JSON.parse(body), url: req.url }));
            client = createHttpClient({ baseUrl: server.url + '/api///', timeoutMs: 2000 });
            const r = await client.request('POST', '/things', { body: { a: 1 }, params: { page: 2, q: 'x y' }, headers: { 'Content-Type': 'application/json', 'X-Key': 'k' } });
            r.status.should.equal(200);
            r.headers.should.have.property('x-custom-header', 'Yes');
            r.json.should.eql({ echo: { a: 1 }, url: '/api/things?page=2&q=x+y' });
            r.text.should.equal(JSON.stringify(r.json));
            server.received[0].headers.should.have.property('x-key', 'k');
            server.received[0].body.should.equal('{"a":1}');
        });

        it('never throws on an HTTP status: 500 and a redirect are answers (redirects are not followed)', async function () {
            server = await serve((req, body, res) => {
                if (req.url === '/fail') return json(res, 500, '<html>oops</html>');
                res.writeHead(302, { Location: '/elsewhere' });
                return res.end();
            });
            client = createHttpClient({ baseUrl: server.url, timeoutMs: 2000 });
            const failed = await client.request('GET', '/fail');
            failed.status.should.equal(500);
            failed.text.should.equal('<html>oops</html>');
            should(failed.json).be.undefined();
            const moved = await client.request('GET', '/move');
            moved.status.should.equal(302);
            moved.headers.location.should.equal('/elsewhere');
            server.received.map((r) => r.url).should.eql(['/fail', '/move']);
        });

        it('a server that does not answer in time fails as "timeout", naming the seconds', async function () {
            server = await serve(() => {
                /* never answers */
            });
            client = createHttpClient({ baseUrl: server.url, timeoutMs: 300 });
            const err = await failure(client.request('GET', '/slow'));
            err.should.be.instanceOf(HttpFailure);
            err.should.have.properties({ kind: 'timeout', code: 'ETIMEDOUT' });
            err.message.should.match(/timeout/);
        });

        it('a response over maxBodyBytes fails as "too-large"; one at the limit passes', async function () {
            server = await serve((req, body, res) => json(res, 200, 'x'.repeat(req.url === '/big' ? 2048 : 1024)));
            client = createHttpClient({ baseUrl: server.url, timeoutMs: 2000, maxBodyBytes: 1024 });
            (await client.request('GET', '/ok')).text.length.should.equal(1024);
            const err = await failure(client.request('GET', '/big'));
            err.should.be.instanceOf(HttpFailure);
            err.kind.should.equal('too-large');
        });

        it('refuses a certificate of an unknown CA by default ("tls"), accepts it with the CA or when verification is explicitly off', async function () {
            server = await serve((req, body, res) => json(res, 200, { ok: true }), true);
            client = createHttpClient({ baseUrl: server.url, timeoutMs: 2000 });
            const err = await failure(client.request('GET', '/'));
            err.should.be.instanceOf(HttpFailure);
            err.kind.should.equal('tls');
            err.message.should.match(/CA certificate/);
            client.destroy();
            client = createHttpClient({ baseUrl: server.url, timeoutMs: 2000, ca: CA });
            (await client.request('GET', '/')).json.should.eql({ ok: true });
            client.destroy();
            client = createHttpClient({ baseUrl: server.url, timeoutMs: 2000, rejectUnauthorized: false });
            (await client.request('GET', '/')).json.should.eql({ ok: true });
        });

        it('a closed port fails as "network" (connection refused); an aborted request as "aborted"', async function () {
            server = await serve(() => {
                /* never answers */
            });
            const closedUrl = server.url;
            client = createHttpClient({ baseUrl: closedUrl, timeoutMs: 5000 });
            const controller = new AbortController();
            const pending = failure(client.request('GET', '/wait', { signal: controller.signal }));
            setTimeout(() => controller.abort(), 50);
            (await pending).kind.should.equal('aborted');
            await server.close();
            server = undefined;
            const err = await failure(client.request('GET', '/'));
            err.should.have.properties({ kind: 'network', code: 'ECONNREFUSED' });
            err.message.should.equal('connection refused (ECONNREFUSED)');
        });

        it('failure messages carry no secret that was sent', async function () {
            server = await serve(() => {
                /* never answers */
            });
            client = createHttpClient({ baseUrl: server.url, timeoutMs: 200 });
            const err = await failure(client.request('POST', `/login?key=${SECRET}`, { headers: { Authorization: `Basic ${SECRET}` }, body: { password: SECRET } }));
            err.message.should.not.containEql(SECRET);
            JSON.stringify(err).should.not.containEql(SECRET);
        });
    });

    describe('helpers', function () {
        it('redact replaces every occurrence of each secret of 3 characters or more', function () {
            redact(`key=${SECRET}&again=${SECRET}`, [SECRET, undefined]).should.equal('key=***&again=***');
            redact('ab abc', ['ab', 'abc']).should.equal('ab ***');
            redact('nothing here', []).should.equal('nothing here');
        });

        it('redactCredentials removes a key as sent, JSON-escaped and URL-encoded, and any Authorization value (issue 13, case 9)', function () {
            const key = 'a"b/c+d=e-0042';
            const text = `k=${key} j=${JSON.stringify(key)} u=${encodeURIComponent(key)} {"Authorization":"Basic other-secret-1"} authorization: Bearer tok.en-123 Basic abcdefgh12`;
            const out = redactCredentials(text, [key]);
            out.should.not.containEql(key);
            out.should.not.containEql(encodeURIComponent(key));
            out.should.not.containEql('other-secret-1');
            out.should.not.containEql('tok.en-123');
            out.should.not.containEql('abcdefgh12');
            out.should.containEql('"Authorization":"Basic ***"');
            redactCredentials('The provided data is invalid', [key]).should.equal('The provided data is invalid');
        });

        it('normaliseBaseUrl trims spaces and trailing slashes; validateBaseUrl accepts http(s) only', function () {
            normaliseBaseUrl('  https://h.example/api//  ').should.equal('https://h.example/api');
            should(validateBaseUrl('https://h.example')).be.null();
            should(validateBaseUrl('http://127.0.0.1:8080/x')).be.null();
            validateBaseUrl('ftp://h.example').should.match(/http:\/\/ or https:\/\//);
            validateBaseUrl('not a url').should.equal('not a valid URL');
        });

        it('parseJson: undefined for blank or invalid text', function () {
            should(parseJson('')).be.undefined();
            should(parseJson('  ')).be.undefined();
            should(parseJson('{bad')).be.undefined();
            parseJson('[1]').should.eql([1]);
        });

        it('retryAfterMs reads seconds or an HTTP date, never negative', function () {
            const now = Date.parse('2025-03-10T12:00:00Z');
            retryAfterMs('2.5', now).should.equal(2500);
            retryAfterMs('Mon, 10 Mar 2025 12:00:30 GMT', now).should.equal(30000);
            retryAfterMs('Mon, 10 Mar 2025 11:00:00 GMT', now).should.equal(0);
            should(retryAfterMs(undefined, now)).be.undefined();
            should(retryAfterMs('soon', now)).be.undefined();
        });
    });
});
