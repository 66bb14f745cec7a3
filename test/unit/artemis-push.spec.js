'use strict';
const should = require('should');
const { PassThrough } = require('stream');
const crypto = require('crypto');
const sinon = require('sinon');
const { registerPushRoute, pushHandler, readPushBody, MAX_PUSH_BYTES } = require('../../dist/lib/artemis/push');

/** The part of an Express app the receiver uses: post(path, handler), and a way to call a route. */
function fakeApp() {
    const routes = [];
    return {
        routes,
        post(path, handler) {
            routes.push({ path, handler });
        },
        /** Runs the routes of `path` in order like Express; resolves with what answered. */
        call(path, req = {}) {
            const res = fakeRes();
            const layers = routes.filter((r) => r.path === path);
            let i = 0;
            const next = () => {
                const layer = layers[i++];
                if (layer) layer.handler(req, res, next);
                else res.status(404).end();
            };
            next();
            return res;
        },
    };
}

function fakeRes() {
    const res = { statusCode: undefined, body: undefined, ended: false };
    res.status = (code) => ((res.statusCode = code), res);
    res.json = (body) => ((res.body = body), (res.ended = true), res);
    res.end = () => ((res.ended = true), res);
    return res;
}

const tick = () => new Promise((r) => setImmediate(r));
const NOTIFY = { method: 'OnEventNotify', params: { ability: 'event_acs', events: [{ eventId: 'e1' }, { eventId: 'e2' }] } };

describe('artemis push receiver', function () {
    describe('registerPushRoute', function () {
        it('registers a path once per app and dispatches to the current handler; removed → 404', function () {
            const app = fakeApp();
            const seen = [];
            const removeA = registerPushRoute(app, '/hik', (req, res) => (seen.push('a'), res.status(200).end()));
            app.call('/hik').statusCode.should.equal(200);
            removeA();
            app.call('/hik').statusCode.should.equal(404);
            const removeB = registerPushRoute(app, '/hik', (req, res) => (seen.push('b'), res.status(200).end()));
            app.routes.length.should.equal(1); // the re-deployed node reuses the route
            app.call('/hik').statusCode.should.equal(200);
            seen.should.deepEqual(['a', 'b']);
            removeA(); // a stale remover does not remove the new owner's handler
            app.call('/hik').statusCode.should.equal(200);
            removeB();
            app.call('/hik').statusCode.should.equal(404);
        });

        it('keeps apps and paths apart', function () {
            const one = fakeApp();
            const two = fakeApp();
            registerPushRoute(one, '/a', (req, res) => res.status(201).end());
            registerPushRoute(one, '/b', (req, res) => res.status(202).end());
            registerPushRoute(two, '/a', (req, res) => res.status(203).end());
            [one.call('/a').statusCode, one.call('/b').statusCode, two.call('/a').statusCode, two.call('/b').statusCode].should.deepEqual([201, 202, 203, 404]);
        });
    });

    describe('readPushBody', function () {
        it('uses a body a parser already read, parsing a JSON string', async function () {
            (await readPushBody({ body: { a: 1 } })).should.deepEqual({ a: 1 });
            (await readPushBody({ body: '{"b":2}' })).should.deepEqual({ b: 2 });
            should(await readPushBody({ body: 'not json' })).be.undefined();
        });

        it('reads the stream when no parser ran (no body, or an empty object on a readable request)', async function () {
            for (const body of [undefined, {}]) {
                const req = new PassThrough();
                req.body = body;
                const p = readPushBody(req);
                req.end(JSON.stringify(NOTIFY));
                (await p).should.deepEqual(NOTIFY);
            }
        });

        it('cuts a stream over the size limit (then not JSON) and rejects on a stream error', async function () {
            const big = new PassThrough();
            const p = readPushBody(big);
            big.write('{"x":"');
            big.write(Buffer.alloc(MAX_PUSH_BYTES, 'a'));
            big.end('"}');
            should(await p).be.undefined();
            const broken = new PassThrough();
            const q = readPushBody(broken);
            broken.emit('error', new Error('reset'));
            await q.should.be.rejectedWith('reset');
        });
    });

    describe('pushHandler', function () {
        function receiver(token = '') {
            const r = { token, refusals: [], accepted: [] };
            r.refused = (kind) => r.refusals.push(kind);
            r.accept = (events) => r.accepted.push(events);
            return r;
        }

        it('answers 200 {code "0"} and hands over the events of an OnEventNotify body', async function () {
            const r = receiver();
            const res = fakeRes();
            pushHandler(r)({ body: NOTIFY, query: {} }, res);
            await tick();
            res.statusCode.should.equal(200);
            res.body.should.deepEqual({ code: '0', msg: 'success' });
            r.accepted.should.deepEqual([NOTIFY.params.events]);
        });

        it('refuses a body that is not OnEventNotify (400) and counts it', async function () {
            const r = receiver();
            const res = fakeRes();
            pushHandler(r)({ body: { hello: 1 }, query: {} }, res);
            await tick();
            res.statusCode.should.equal(400);
            res.body.should.deepEqual({ code: '2', msg: 'expected an OnEventNotify body' });
            r.refusals.should.deepEqual(['badPushes']);
            r.accepted.should.have.length(0);
        });

        it('with a token: refuses a missing or wrong ?token= (403), accepts the right one', async function () {
            const r = receiver('tok-1');
            for (const query of [{}, { token: 'nope' }, undefined]) {
                const res = fakeRes();
                pushHandler(r)({ body: NOTIFY, query }, res);
                res.statusCode.should.equal(403);
                res.body.should.deepEqual({ code: '403', msg: 'forbidden' });
            }
            r.refusals.should.deepEqual(['refusedPushes', 'refusedPushes', 'refusedPushes']);
            const ok = fakeRes();
            pushHandler(r)({ body: NOTIFY, query: { token: 'tok-1' } }, ok);
            await tick();
            ok.statusCode.should.equal(200);
            r.accepted.should.have.length(1);
        });

        it('compares the token in constant time (timingSafeEqual on equal-length digests), from ?token= or a token header (issue 13, case 16)', async function () {
            const spy = sinon.spy(crypto, 'timingSafeEqual');
            try {
                const r = receiver('tok-1');
                for (const [query, headers, status] of [[{ token: 'tok-1' }, {}, 200], [{ token: 'tok-12' }, {}, 403], [{ token: 'tok-' }, {}, 403], [{}, { token: 'tok-1' }, 200], [{}, { token: 'nope' }, 403], [{ token: ['tok-1'] }, {}, 200], [{ token: { a: 1 } }, {}, 403]]) {
                    const before = spy.callCount;
                    const res = fakeRes();
                    pushHandler(r)({ body: NOTIFY, query, headers }, res);
                    await tick();
                    res.statusCode.should.equal(status, JSON.stringify([query, headers]));
                    spy.callCount.should.equal(before + 1);
                    const [a, b] = spy.lastCall.args;
                    a.length.should.equal(b.length);
                    // the answer never echoes a token
                    JSON.stringify(res.body || {}).should.not.match(/tok-|nope/);
                }
            } finally {
                spy.restore();
            }
        });

        it('answers 400 when the request stream fails', async function () {
            const req = new PassThrough();
            req.query = {};
            const res = fakeRes();
            pushHandler(receiver())(req, res);
            req.emit('error', new Error('reset'));
            await tick();
            res.statusCode.should.equal(400);
            res.ended.should.be.true();
        });
    });
});
