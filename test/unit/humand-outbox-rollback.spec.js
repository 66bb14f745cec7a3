'use strict';
const should = require('should');
const { memoryStore } = require('../../dist/lib/context');
const { rules, meta, reply, fakeClient, isoIn, event, stored, makeOutbox, outboxSandbox } = require('./humand-outbox-fixtures');

/** A memory store whose writes number `failing` (1-based) reject. */
function flakyStore(failing) {
    const store = memoryStore();
    const set = store.set;
    let n = 0;
    store.writes = () => n;
    store.set = (k, v) => {
        n += 1;
        return failing.includes(n) ? Promise.reject(new Error(`disk full (write ${n})`)) : set(k, v);
    };
    return store;
}

describe('humand outbox: a failed store write rolls back exactly its record (issue 13, case 5)', function () {
    const box = outboxSandbox();

    function gatedClient() {
        const gates = [];
        const client = fakeClient((call) => new Promise((resolve) => gates.push(() => resolve(reply(201, {})))));
        client.answer = () => gates.shift()();
        client.pending = () => gates.length > 0;
        return client;
    }

    it('the second write fails while the head is in flight: the new record is refused, the head is delivered and reported', async function () {
        const store = flakyStore([2]);
        const client = gatedClient();
        const { d, results } = makeOutbox(box.outboxes, store, client);
        await d.enqueue(event('A', 1, isoIn(-120000), 'in'), meta, rules, '');
        await box.clock.tickAsync(5);
        client.calls.length.should.equal(1); // A1 in flight
        await d.enqueue(event('A', 2, isoIn(-60000), 'out'), meta, rules, '').should.be.rejectedWith(/disk full/);
        client.answer();
        await box.clock.tickAsync(50);
        results.map((r) => [r.item.id, r.kind]).should.eql([['t:A:1', 'delivered']]);
        client.calls.length.should.equal(1);
        d.stats().queued.should.equal(0);
        should(stored(store, 'A').q).be.undefined();
        stored(store, 'A').l.should.eql(['in', client.calls[0].body.now]);
    });

    it('the head\'s outcome cannot be stored: exactly the head is put back and tried again, the record behind it keeps its turn', async function () {
        const store = flakyStore([3]);
        const client = gatedClient();
        const { d, results } = makeOutbox(box.outboxes, store, client);
        await d.enqueue(event('A', 1, isoIn(-180000), 'in'), meta, rules, ''); // write 1
        await d.enqueue(event('A', 2, isoIn(-120000), 'out'), meta, rules, ''); // write 2
        await box.clock.tickAsync(5);
        client.answer(); // A1's outcome: write 3 fails
        await box.clock.tickAsync(5);
        results.length.should.equal(0); // not reported while not stored
        d.stats().queued.should.equal(2);
        d.stats().lastError.should.match(/disk full/);
        await box.clock.tickAsync(2000); // back-off of A1 (1.5 s), then A1 again
        client.calls.length.should.equal(2);
        client.answer();
        await box.clock.tickAsync(5);
        client.answer();
        await box.clock.tickAsync(5);
        results.map((r) => [r.item.id, r.kind, r.item.attempts]).should.eql([['t:A:1', 'delivered', 1], ['t:A:2', 'delivered', 0]]);
        client.calls.map((c) => c.action).should.eql(['in', 'in', 'out']);
        should(stored(store, 'A').q).be.undefined();
    });

    it('one failing bucket write carries the head\'s outcome and a new record: the new record is refused, the head is tried again', async function () {
        const store = flakyStore([4]);
        const client = gatedClient();
        const { d, results } = makeOutbox(box.outboxes, store, client);
        await d.enqueue(event('A', 1, isoIn(-180000), 'in'), meta, rules, ''); // write 1
        await d.enqueue(event('A', 2, isoIn(-120000), 'out'), meta, rules, ''); // write 2
        await box.clock.tickAsync(5);
        client.calls.length.should.equal(1); // A1 in flight
        // B's write (3) is held at its bucket read: A's next changes queue up behind it and share write 4.
        const get = store.get;
        let releaseGet;
        let reads = 0;
        store.get = (k) => {
            reads += 1;
            if (reads === 1) return get(k); // B's record
            store.get = get;
            return new Promise((resolve) => { releaseGet = () => resolve(get(k)); }); // B's bucket write
        };
        const b = d.enqueue(event('B', 1, isoIn(-60000), 'in'), meta, rules, '');
        await box.clock.tickAsync(0);
        should(releaseGet).be.a.Function();
        client.answer(); // A1's outcome waits for write 4
        await box.clock.tickAsync(0);
        const a3 = d.enqueue(event('A', 3, isoIn(-60000), 'in'), meta, rules, '').then(() => null, (err) => err);
        await box.clock.tickAsync(0);
        releaseGet();
        await b;
        (await a3).message.should.match(/disk full/);
        if (process.env.DBG) console.log('writes', store.writes(), results.map((r) => r.item.id), client.calls.map((c) => c.body.employeeId + c.action), d.stats());
        for (let i = 0; i < 5; i++) {
            await box.clock.tickAsync(2000);
            while (client.pending()) client.answer();
        }
        await box.clock.tickAsync(2000);
        results.map((r) => [r.item.id, r.kind]).sort().should.eql([['t:A:1', 'delivered'], ['t:A:2', 'delivered'], ['t:B:1', 'delivered']]);
        client.calls.filter((c) => c.body.employeeId === 'A').map((c) => c.action).should.eql(['in', 'in', 'out']);
        d.stats().queued.should.equal(0);
        should(stored(store, 'A').q).be.undefined();
        stored(store, 'A').r.should.not.containEql('t:A:3');
    });
});
