'use strict';
const should = require('should');
const sinon = require('sinon');
const { Outbox, bucketOf } = require('../../dist/lib/humand/outbox');

/** What the store holds for one employee (employees live in bucket keys, each a JSON string). */
function stored(store, emp) {
    const raw = store.data.get(`ab_b${bucketOf(emp)}`);
    return raw === undefined ? undefined : JSON.parse(JSON.parse(raw))[emp];
}
const { RateLimiter } = require('../../dist/lib/backoff');
const { memoryStore } = require('../../dist/lib/context');
const { HttpFailure } = require('../../dist/lib/http');

const { T0, rules, reply, fakeClient } = require('./humand-outbox-fixtures');

function event(emp, n, minutes, direction = null) {
    return { id: `t:${emp}:${n}`, source: 'hikcentral', person: { id: emp, name: 'P' + emp }, time: iso(minutes), direction, employeeId: emp };
}
// ISO time T0 + minutes, written with -03:00.
function iso(minutes) {
    const d = new Date(T0 + minutes * 60000 - 3 * 3600000);
    return d.toISOString().replace('Z', '-03:00');
}

describe('humand outbox', function () {
    let clock;
    let outboxes;
    beforeEach(function () {
        clock = sinon.useFakeTimers({ now: T0 + 3600000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
        outboxes = [];
    });
    afterEach(async function () {
        for (const d of outboxes) await d.close();
        clock.restore();
    });

    function make(store, client, extra = {}) {
        const d = new Outbox({
            store,
            keyPrefix: 'ab_',
            client: () => client,
            limiter: new RateLimiter(0),
            dryRun: false,
            concurrency: 4,
            random: () => 0.5,
            ...extra,
        });
        const results = [];
        d.attach('n1', (r) => results.push(r));
        outboxes.push(d);
        return { d, results };
    }
    const meta = { origin: 'n1' };

    it('sends one employee strictly in order, alternating unknown directions', async function () {
        const client = fakeClient();
        const { d, results } = make(memoryStore(), client);
        for (let i = 0; i < 4; i++) await d.enqueue(event('A', i, 10 * i), meta, rules, 'c');
        await clock.tickAsync(10);
        client.calls.map((c) => c.action).should.eql(['in', 'out', 'in', 'out']);
        client.calls.map((c) => c.body.now).should.eql([iso(0), iso(10), iso(20), iso(30)]);
        results.map((r) => r.kind).should.eql(['delivered', 'delivered', 'delivered', 'delivered']);
        d.state('A').last.action.should.equal('out');
    });

    it('never has two requests in flight for one employee, and runs employees in parallel up to concurrency', async function () {
        let inFlight = {};
        let maxPerEmp = 0;
        let maxTotal = 0;
        const pending = [];
        const client = {
            calls: 0,
            clock(action, body) {
                this.calls++;
                inFlight[body.employeeId] = (inFlight[body.employeeId] || 0) + 1;
                maxPerEmp = Math.max(maxPerEmp, inFlight[body.employeeId]);
                maxTotal = Math.max(maxTotal, Object.values(inFlight).reduce((a, b) => a + b, 0));
                return new Promise((resolve) => setTimeout(() => {
                    inFlight[body.employeeId]--;
                    resolve(reply(201, { id: 1 }));
                }, 100));
            },
        };
        const { d, results } = make(memoryStore(), client, { concurrency: 3 });
        for (const emp of ['A', 'B', 'C', 'D', 'E']) {
            for (let i = 0; i < 3; i++) pending.push(d.enqueue(event(emp, i, 10 * i), meta, rules, ''));
        }
        await Promise.all(pending);
        await clock.tickAsync(2000);
        results.length.should.equal(15);
        maxPerEmp.should.equal(1);
        maxTotal.should.equal(3);
    });

    it('stores the event before the request starts, and the outcome after the answer', async function () {
        const store = memoryStore();
        let seen;
        const client = fakeClient((call) => {
            seen = stored(store, 'A');
            return reply(201, { id: 1 });
        });
        const { d } = make(store, client);
        await d.enqueue(event('A', 1, 0, 'in'), meta, rules, 'c');
        stored(store, 'A').q.length.should.equal(1);
        await clock.tickAsync(5);
        seen.q[0].should.containEql({ id: 't:A:1' });
        should(stored(store, 'A').q).be.undefined(); // an empty queue is not stored
        stored(store, 'A').l[0].should.equal('in');
    });

    it('retries 503 with back-off and honours Retry-After of a 429', async function () {
        const client = fakeClient((call, n) => {
            if (n === 1) return reply(503, '<html>down</html>');
            if (n === 2) return reply(429, { code: 'TOO_MANY' }, { 'retry-after': '30' });
            return reply(201, { id: 9 });
        });
        const { d, results } = make(memoryStore(), client);
        await d.enqueue(event('A', 1, 0, 'in'), meta, rules, '');
        await clock.tickAsync(5);
        client.calls.length.should.equal(1);
        d.stats().queued.should.equal(1);
        should(d.stats().nextRetryAt).be.a.Number();
        await clock.tickAsync(1500); // back-off 1: 2 s base, jitter 0.5 → 1.5 s
        client.calls.length.should.equal(2);
        await clock.tickAsync(29000);
        client.calls.length.should.equal(2); // Retry-After 30 s not over yet
        await clock.tickAsync(1100);
        client.calls.length.should.equal(3);
        results.map((r) => r.kind).should.eql(['delivered']);
        client.calls.every((c) => c.action === 'in').should.be.true();
    });

    it('retries timeouts and network errors without losing the event', async function () {
        const client = fakeClient((call, n) => {
            if (n === 1) throw new HttpFailure('timeout', 'no answer within 15 s (timeout)');
            if (n === 2) throw new HttpFailure('network', 'connection reset by the server (ECONNRESET)');
            return reply(201, {});
        });
        const { d, results } = make(memoryStore(), client);
        await d.enqueue(event('A', 1, 0), meta, rules, '');
        await clock.tickAsync(20000);
        client.calls.length.should.equal(3);
        results.length.should.equal(1);
        results[0].delivered.should.be.true();
    });

    it('pauses everything on 401 and drops nothing', async function () {
        const client = fakeClient((call, n) => (n <= 1 ? reply(401, { code: 'UNAUTHORIZED' }) : reply(201, {})));
        const { d, results } = make(memoryStore(), client, { authPauseMs: 60000 });
        await d.enqueue(event('A', 1, 0), meta, rules, '');
        await clock.tickAsync(10);
        d.stats().paused.message.should.match(/authentication failed \(HTTP 401\)/);
        await d.enqueue(event('B', 1, 0), meta, rules, '');
        await clock.tickAsync(10);
        const callsWhilePaused = client.calls.length;
        await clock.tickAsync(59000);
        client.calls.length.should.equal(callsWhilePaused);
        d.stats().queued.should.equal(2);
        await clock.tickAsync(2000);
        results.filter((r) => r.delivered).length.should.equal(2);
        should(d.stats().paused).be.undefined();
    });

    it('treats Humand duplicate as delivered and rejects other 4xx with the drift corrected', async function () {
        const client = fakeClient((call, n) => {
            if (n === 1) return reply(422, { code: 'DUPLICATED_ENTRY', message: 'Entry already exists' });
            if (n === 2) return reply(422, { code: 'EXIT_WITHOUT_ENTRY', message: 'The employee has no open entry' });
            return reply(201, {});
        });
        const { d, results } = make(memoryStore(), client);
        await d.enqueue(event('A', 1, 0, 'in'), meta, rules, '');
        await d.enqueue(event('A', 2, 20), meta, rules, ''); // toggles to out, Humand auto-closed: no open entry
        await d.enqueue(event('A', 3, 40), meta, rules, ''); // must now be an in, not another out
        await clock.tickAsync(10);
        results.map((r) => r.kind).should.eql(['duplicate', 'rejected', 'delivered']);
        results[1].reason.should.match(/no open entry/);
        results[1].humand.status.should.equal(422);
        client.calls.map((c) => c.action).should.eql(['in', 'out', 'in']);
    });

    it('holds a future event and sends it when due, never early', async function () {
        const client = fakeClient();
        const { d } = make(memoryStore(), client);
        const now = Date.now();
        const future = new Date(now + 10 * 60000 - 3 * 3600000).toISOString().replace('Z', '-03:00');
        await d.enqueue({ ...event('A', 1, 0, 'in'), time: future }, meta, rules, '');
        await clock.tickAsync(9 * 60000);
        client.calls.length.should.equal(0);
        d.stats().queued.should.equal(1);
        await clock.tickAsync(60000 + 10);
        client.calls.length.should.equal(1);
        client.calls[0].at.should.be.aboveOrEqual(now + 10 * 60000);
    });

    it('re-holds when Humand says future (clock skew) and retries after the event time', async function () {
        const client = fakeClient((call, n) => (n === 1 ? reply(422, { code: 'FUTURE_ENTRY', message: 'Cannot register an entry in the future' }) : reply(201, {})));
        const { d, results } = make(memoryStore(), client);
        await d.enqueue(event('A', 1, 0, 'in'), meta, rules, '');
        await clock.tickAsync(10);
        results.length.should.equal(0);
        await clock.tickAsync(5000);
        results.length.should.equal(1);
        results[0].delivered.should.be.true();
    });

    it('drops duplicates at enqueue and debounced repeats when their turn comes', async function () {
        const client = fakeClient();
        const { d, results } = make(memoryStore(), client);
        (await d.enqueue(event('A', 1, 0, 'in'), meta, { ...rules, debounceMs: 60000 }, '')).queued.should.be.true();
        (await d.enqueue(event('A', 1, 0, 'in'), meta, rules, '')).should.containEql({ queued: false, code: 'duplicate' });
        await d.enqueue({ ...event('A', 2, 0.5), id: 't:A:2' }, meta, { ...rules, debounceMs: 60000 }, '');
        await clock.tickAsync(10);
        results.map((r) => r.code || r.kind).should.eql(['delivered', 'debounce']);
        (await d.enqueue(event('A', 1, 0, 'in'), meta, rules, '')).queued.should.be.false();
    });

    it('after a restart re-sends what was not finally answered, with the same action', async function () {
        const store = memoryStore();
        // Never answers; like axios, gives up when the request is aborted.
        const hang = fakeClient((call) => new Promise((resolve, reject) => {
            call.signal.addEventListener('abort', () => reject(new HttpFailure('aborted', 'request aborted')));
        }));
        const first = make(store, hang);
        await first.d.enqueue(event('A', 1, 0), meta, rules, 'c1');
        await first.d.enqueue(event('A', 2, 30), meta, rules, 'c2');
        await clock.tickAsync(10);
        hang.calls.length.should.equal(1);
        hang.calls[0].action.should.equal('in');
        await first.d.close(); // like a crash: the in-flight request never got an answer
        hang.calls[0].signal.aborted.should.be.true();

        const client = fakeClient((call, n) => (n === 1 ? reply(422, { code: 'DUPLICATED_ENTRY', message: 'Entry already exists' }) : reply(201, {})));
        const second = make(store, client);
        await second.d.whenStarted();
        await clock.tickAsync(10);
        client.calls.map((c) => [c.action, c.body.comment]).should.eql([['in', 'c1'], ['out', 'c2']]);
        second.results.map((r) => r.kind).should.eql(['duplicate', 'delivered']);
    });

    it('refuses the event when the store cannot keep it', async function () {
        const store = memoryStore();
        const broken = { ...store, set: () => Promise.reject(new Error('disk full')) };
        const { d } = make(broken, fakeClient());
        await d.enqueue(event('A', 1, 0), meta, rules, '').should.be.rejectedWith(/disk full/);
        d.stats().queued.should.equal(0);
    });

    it('dry run decides and reports without sending', async function () {
        const client = fakeClient();
        const { d, results } = make(memoryStore(), client, { dryRun: true });
        await d.enqueue(event('A', 1, 0), meta, rules, '');
        await d.enqueue(event('A', 2, 30), meta, rules, '');
        await clock.tickAsync(10);
        client.calls.length.should.equal(0);
        results.map((r) => [r.kind, r.humand.action]).should.eql([['dry-run', 'in'], ['dry-run', 'out']]);
    });

    it('pauses with the reason when the client cannot be built (no API key)', async function () {
        const store = memoryStore();
        const d = new Outbox({ store, keyPrefix: 'ab_', client: () => 'No API key configured', limiter: new RateLimiter(0), dryRun: false, concurrency: 1 });
        outboxes.push(d);
        await d.enqueue(event('A', 1, 0), meta, rules, '');
        await clock.tickAsync(10);
        d.stats().paused.message.should.equal('No API key configured');
        d.stats().queued.should.equal(1);
    });

    it('retryNow clears back-off', async function () {
        const client = fakeClient((call, n) => (n === 1 ? reply(500, {}) : reply(201, {})));
        const { d, results } = make(memoryStore(), client, { backoff: { baseMs: 600000, maxMs: 600000, jitter: 0 } });
        await d.enqueue(event('A', 1, 0), meta, rules, '');
        await clock.tickAsync(10);
        results.length.should.equal(0);
        d.retryNow();
        await clock.tickAsync(10);
        results.length.should.equal(1);
    });

    it('keeps only the busy and recently used employees in memory, and reads the others back from the store', async function () {
        const store = memoryStore();
        const client = fakeClient();
        const { d, results } = make(store, client, { concurrency: 16, idleCache: 20 });
        const n = 70;
        for (let i = 0; i < n; i++) await d.enqueue(event('E' + i, 1, 0, 'in'), meta, rules, '');
        await clock.tickAsync(50);
        results.length.should.equal(n);
        d.employees.records.size.should.be.belowOrEqual(20);
        should(d.state('E0')).be.undefined(); // evicted from memory, still in the store
        stored(store, 'E0').l[0].should.equal('in');
        // The evicted employee's next event toggles from the stored state, and a re-sent id is a duplicate.
        (await d.enqueue(event('E0', 1, 0, 'in'), meta, rules, '')).should.containEql({ queued: false, code: 'duplicate' });
        await d.enqueue({ ...event('E0', 2, 20), direction: null }, meta, rules, '');
        await clock.tickAsync(10);
        client.calls[client.calls.length - 1].should.containEql({ action: 'out' });
    });

    it('an event still lands when its idle employee is dropped from memory while the event is accepted', async function () {
        const store = memoryStore();
        const client = fakeClient();
        const { d, results } = make(store, client, { idleCache: 0 });
        await d.enqueue(event('A', 1, 0, 'in'), meta, rules, '');
        await clock.tickAsync(10);
        // Simulate the memory trim running between reading the employee and storing the event.
        const original = d.employees.recordFor.bind(d.employees);
        d.employees.recordFor = async (employeeId) => {
            const record = await original(employeeId);
            d.employees.records.delete(employeeId);
            return record;
        };
        (await d.enqueue(event('A', 2, 20), meta, rules, '')).queued.should.be.true();
        await clock.tickAsync(10);
        results.map((r) => r.kind).should.eql(['delivered', 'delivered']);
        client.calls.map((c) => c.action).should.eql(['in', 'out']);
        should(stored(store, 'A').q).be.undefined();
    });

    it('keeps ids with dots, brackets and leading zeros apart, spread over bucket keys', async function () {
        const store = memoryStore();
        const client = fakeClient();
        const { d } = make(store, client);
        const ids = ['a.b', 'a[b]', '00123', '123', 'x'];
        for (const id of ids) await d.enqueue(event(id, 1, 0, 'in'), meta, rules, '');
        await clock.tickAsync(10);
        client.calls.length.should.equal(ids.length);
        for (const id of ids) stored(store, id).l[0].should.equal('in');
        [...store.data.keys()].every((k) => /^ab_b\d+$/.test(k)).should.be.true();
        for (let i = 0; i < 1000; i++) bucketOf('emp' + i).should.be.within(0, 4095);
    });
});
