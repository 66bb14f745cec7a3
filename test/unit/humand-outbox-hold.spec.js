'use strict';
const should = require('should');
const sinon = require('sinon');
const { memoryStore } = require('../../dist/lib/context');
const { T0, rules, meta, reply, fakeClient, isoIn, event, makeOutbox, outboxSandbox } = require('./humand-outbox-fixtures');

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

describe('humand outbox: held records and capped timers (issue 13, case 1)', function () {
    const box = outboxSandbox(['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date']);

    it('an event 3 days ahead for employee A does not delay A\'s earlier due punches nor B\'s', async function () {
        const client = fakeClient();
        const { d, results } = makeOutbox(box.outboxes, memoryStore(), client);
        await d.enqueue(event('A', 'far', isoIn(3 * DAY), 'in'), meta, rules, '');
        await box.clock.tickAsync(10);
        await d.enqueue(event('A', 1, isoIn(-60000), 'in'), meta, rules, '');
        await d.enqueue(event('B', 1, isoIn(-60000), 'in'), meta, rules, '');
        await d.enqueue(event('A', 2, isoIn(-30000), 'out'), meta, rules, '');
        await box.clock.tickAsync(1000);
        client.calls.map((c) => `${c.body.employeeId}:${c.action}`).sort().should.eql(['A:in', 'A:out', 'B:in']);
        results.filter((r) => r.delivered).map((r) => r.item.id).sort().should.eql(['t:A:1', 't:A:2', 't:B:1']);
        // The far one is still waiting (or refused by the rules' bound), never sent early.
        client.calls.some((c) => c.body.now === results.find((r) => r.item.id === 't:A:far')?.item.event.time).should.be.false();
    });

    it('a record later than a held one waits behind it; earlier ones go first, in time order', async function () {
        const client = fakeClient();
        const { d } = makeOutbox(box.outboxes, memoryStore(), client);
        await d.enqueue(event('A', 'h', isoIn(2 * HOUR), 'in'), meta, rules, '');
        await d.enqueue(event('A', 'later', isoIn(3 * HOUR), 'out'), meta, rules, '');
        await d.enqueue(event('A', 'now', isoIn(0), 'in'), meta, rules, '');
        await d.enqueue(event('A', 'soon', isoIn(HOUR), 'out'), meta, rules, '');
        await box.clock.tickAsync(1000);
        client.calls.map((c) => c.action).should.eql(['in']);
        await box.clock.tickAsync(HOUR);
        client.calls.map((c) => c.action).should.eql(['in', 'out']);
        await box.clock.tickAsync(HOUR);
        client.calls.map((c) => c.action).should.eql(['in', 'out', 'in']);
        await box.clock.tickAsync(HOUR);
        client.calls.map((c) => c.action).should.eql(['in', 'out', 'in', 'out']);
    });

    it('a retry wait (back-off) still blocks its employee, not the others', async function () {
        const client = fakeClient((call, n) => (n === 1 ? reply(503, 'down') : reply(201, {})));
        const { d } = makeOutbox(box.outboxes, memoryStore(), client, { backoff: { baseMs: 60000, maxMs: 60000, jitter: 0 } });
        await d.enqueue(event('A', 1, isoIn(-120000), 'in'), meta, rules, '');
        await box.clock.tickAsync(10);
        await d.enqueue(event('A', 2, isoIn(-90000), 'out'), meta, rules, ''); // due, but behind a head in back-off
        await d.enqueue(event('B', 1, isoIn(-60000), 'in'), meta, rules, '');
        await box.clock.tickAsync(1000);
        client.calls.map((c) => c.body.employeeId).should.eql(['A', 'B']);
        await box.clock.tickAsync(60000);
        client.calls.map((c) => c.body.employeeId).should.eql(['A', 'B', 'A', 'A']);
    });

    it('a wait beyond 2^31-1 ms (far-future hold, huge Retry-After) arms capped timers and does not re-run the head in a loop', async function () {
        const warn = sinon.spy(process, 'emitWarning');
        const timers = sinon.spy(global, 'setTimeout');
        try {
            const store = memoryStore();
            let writes = 0;
            const set = store.set;
            store.set = (k, v) => { writes += 1; return set(k, v); };
            const client = fakeClient((call) => (call.body.employeeId === 'R' ? reply(429, { code: 'RATE_LIMIT_EXCEEDED' }, { 'retry-after': String(400 * 24 * 3600) }) : reply(201, {})));
            const { d } = makeOutbox(box.outboxes, store, client);
            let runs = 0;
            const processHead = d.processHead.bind(d);
            d.processHead = (...args) => { runs += 1; return processHead(...args); };
            await d.enqueue(event('F', 1, isoIn(40 * DAY), 'in'), meta, { ...rules, maxFutureMs: 365 * DAY }, '');
            await d.enqueue(event('R', 1, isoIn(-60000), 'in'), meta, rules, '');
            await box.clock.tickAsync(50);
            const runs0 = runs;
            const writes0 = writes;
            await box.clock.tickAsync(1000);
            (runs - runs0).should.be.belowOrEqual(1);
            (writes - writes0).should.be.belowOrEqual(1);
            client.calls.filter((c) => c.body.employeeId === 'R').length.should.equal(1);
            timers.getCalls().every((c) => !(c.args[1] > 2 ** 31 - 1)).should.be.true();
            warn.getCalls().filter((c) => /TimeoutOverflow/.test(String(c.args[1]))).length.should.equal(0);
            // A Retry-After of 400 days is not honoured literally: the record is tried again within the cap.
            d.stats().nextRetryAt.should.be.belowOrEqual(Date.now() + HOUR);
        } finally {
            timers.restore();
            warn.restore();
        }
    });

    it('after a restart, a stored queue with a held head and due records behind it sends the due ones (v:1 layout)', async function () {
        const store = memoryStore();
        const { bucketOf } = require('../../dist/lib/humand/outbox');
        const base = { meta, rules, comment: '', attempts: 0, enqueuedAt: T0 };
        const q = [
            { ...base, id: 't:A:far', seq: 1, employeeId: 'A', event: event('A', 'far', isoIn(3 * DAY), 'in'), held: true, notBefore: T0 + 3 * DAY },
            { ...base, id: 't:A:1', seq: 2, employeeId: 'A', event: event('A', 1, isoIn(-60000), 'in') },
        ];
        await store.set(`ab_b${bucketOf('A')}`, JSON.stringify({ A: { v: 1, q } }));
        const client = fakeClient();
        const { d } = makeOutbox(box.outboxes, store, client);
        await d.whenStarted();
        await box.clock.tickAsync(100);
        client.calls.map((c) => c.body.now).should.eql([q[1].event.time]);
    });
});
