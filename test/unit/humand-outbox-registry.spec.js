'use strict';
const should = require('should');
const { OutboxRegistry, OutboxConflict } = require('../../dist/lib/humand/outbox/registry');
const { ForeignDuplicates, FOREIGN_DUPLICATES_WINDOW_MS } = require('../../dist/lib/humand/outbox/senders');

function fakeOutbox() {
    return { closed: false, closeCalls: 0, close() { this.closeCalls += 1; this.closed = true; return Promise.resolve(); } };
}
function user(id, connection = 'c1', client = 'client-' + id) {
    return { id, label: 'node ' + id, connection, getClient: () => client, rateLimit: 5 };
}

describe('humand outbox registry (one outbox per store and tenant, issue 13 case 6)', function () {
    it('shares one outbox and limiter between users of the same connection, closes it with the last one', async function () {
        const reg = new OutboxRegistry();
        const made = [];
        const create = (shared) => { const o = fakeOutbox(); o.shared = shared; made.push(o); return o; };
        const a = reg.acquire('k', user('a'), create);
        const b = reg.acquire('k', user('b'), create);
        a.outbox.should.equal(b.outbox);
        a.shared.should.be.false();
        b.shared.should.be.true();
        made.length.should.equal(1);
        reg.acquire('k', user('a'), create).outbox.should.equal(a.outbox); // the same user again: one reference
        reg.users('k').should.equal(2);
        made[0].shared.client().should.equal('client-a');
        await reg.release('k', 'a');
        a.outbox.closed.should.be.false();
        made[0].shared.client().should.equal('client-b'); // the remaining user's client
        await reg.release('k', 'b');
        a.outbox.closed.should.be.true();
        reg.users('k').should.equal(0);
        await reg.release('k', 'b'); // twice: nothing more
        a.outbox.closeCalls.should.equal(1);
    });

    it('refuses another connection on the same stored keys', function () {
        const reg = new OutboxRegistry();
        reg.acquire('k', user('a', 'c1'), fakeOutbox);
        (() => reg.acquire('k', user('b', 'c2'), fakeOutbox)).should.throw(OutboxConflict, { other: 'node a' });
        reg.acquire('k2', user('b', 'c2'), fakeOutbox).shared.should.be.false();
    });

    it('a new outbox for a key whose last one is still closing starts after it closed', async function () {
        const reg = new OutboxRegistry();
        let finish;
        const slow = { close: () => new Promise((r) => { finish = r; }) };
        reg.acquire('k', user('a'), () => slow);
        const released = reg.release('k', 'a');
        let startAfter;
        reg.acquire('k', user('b'), (shared) => { startAfter = shared.startAfter; return fakeOutbox(); });
        let started = false;
        startAfter.then(() => { started = true; });
        await Promise.resolve();
        started.should.be.false();
        finish();
        await released;
        await startAfter;
        started.should.be.true();
    });
});

describe('humand outbox senders (another sender evidently active)', function () {
    it('suspects another sender at 3 foreign duplicates within the window, and forgets old ones', function () {
        let now = 0;
        const f = new ForeignDuplicates(() => now);
        f.add().should.be.false();
        f.add().should.be.false();
        f.suspected.should.be.false();
        f.add().should.be.true(); // the moment to log it
        f.suspected.should.be.true();
        f.count.should.equal(3);
        now += FOREIGN_DUPLICATES_WINDOW_MS + 1;
        f.suspected.should.be.false();
        f.count.should.equal(3);
    });
});

describe('humand outbox stats: foreign duplicates', function () {
    const { memoryStore } = require('../../dist/lib/context');
    const { bucketOf } = require('../../dist/lib/humand/outbox');
    const { T0, rules, meta, reply, fakeClient, isoIn, event, makeOutbox, outboxSandbox } = require('./humand-outbox-fixtures');
    const box = outboxSandbox();

    it('counts duplicates only for first attempts of records accepted here (not re-sends after a retry or a restart)', async function () {
        const store = memoryStore();
        const loaded = { id: 't:L:1', seq: 1, employeeId: 'L', event: event('L', 1, isoIn(-60000), 'in'), meta, rules, comment: '', attempts: 0, enqueuedAt: T0 };
        await store.set(`ab_b${bucketOf('L')}`, JSON.stringify({ L: { v: 1, q: [loaded] } }));
        const dup = reply(422, { code: 'DUPLICATED_ENTRY', message: 'Entry already exists' });
        const client = fakeClient((call) => {
            if (call.body.employeeId === 'R' && client.calls.filter((c) => c.body.employeeId === 'R').length === 1) return reply(503, 'down');
            return dup;
        });
        const { d, results } = makeOutbox(box.outboxes, store, client);
        await d.whenStarted();
        await d.enqueue(event('A', 1, isoIn(-60000), 'in'), meta, rules, '');
        await d.enqueue(event('R', 1, isoIn(-60000), 'in'), meta, rules, '');
        await box.clock.tickAsync(5000);
        results.map((r) => r.kind).should.eql(['duplicate', 'duplicate', 'duplicate']);
        d.stats().foreignDuplicates.should.equal(1); // A only: L was loaded (a re-send after a restart), R was a retry
        d.stats().otherSenderSuspected.should.be.false();
        for (const emp of ['B', 'C']) await d.enqueue(event(emp, 1, isoIn(-60000), 'in'), meta, rules, '');
        await box.clock.tickAsync(10);
        d.stats().should.containEql({ foreignDuplicates: 3, otherSenderSuspected: true });
    });
});
