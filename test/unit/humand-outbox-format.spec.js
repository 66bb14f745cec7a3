'use strict';
require('should');
const should = require('should');
const { snapshot, toRecord, parseBucket, bucketOf } = require('../../dist/lib/humand/outbox/format');
const { Outbox } = require('../../dist/lib/humand/outbox');
const { RateLimiter } = require('../../dist/lib/backoff');
const { memoryStore } = require('../../dist/lib/context');

const item = { id: 't:A:1', seq: 3, employeeId: 'A', event: { id: 't:A:1', time: '2026-01-27T09:00:00-03:00', direction: 'in' }, meta: { origin: 'n1' }, rules: {}, comment: '', attempts: 0, enqueuedAt: 1 };

describe('humand outbox format', function () {
    it('writes v: 1 with the last action, recent ids and queue', function () {
        const snap = snapshot({ last: { action: 'in', time: '2026-01-27T08:00:00-03:00', eventId: 'x' }, recent: ['x'], queue: [item] });
        snap.v.should.equal(1);
        snap.l.should.eql(['in', '2026-01-27T08:00:00-03:00']);
        snap.r.should.eql(['x']);
        snap.q[0].id.should.equal('t:A:1');
    });

    it('stores nothing for an empty employee (removed from its bucket)', function () {
        snapshot({ recent: [], queue: [] }).should.eql({});
    });

    it('reads a versioned record back as it was written', function () {
        const record = { last: { action: 'out', time: '2026-01-27T18:00:00-03:00', eventId: 'y' }, recent: ['x', 'y'], queue: [item] };
        toRecord(JSON.parse(JSON.stringify(snapshot(record)))).should.eql(record);
    });

    it('reads the unversioned layout shipped before v (written by hand)', function () {
        const old = { l: ['in', '2026-01-27T08:00:00-03:00'], r: ['a', 'b'], q: [item, { no: 'id' }] };
        const record = toRecord(old);
        record.last.should.eql({ action: 'in', time: '2026-01-27T08:00:00-03:00', eventId: 'b' });
        record.recent.should.eql(['a', 'b']);
        record.queue.length.should.equal(1);
        toRecord({ ...old, v: 1 }).should.eql(record);
        should(toRecord('nope')).be.undefined();
    });

    it('parses buckets defensively and spreads ids over BUCKETS', function () {
        [...parseBucket('')].should.eql([]);
        [...parseBucket('{bad')].should.eql([]);
        [...parseBucket('[1]')].should.eql([]);
        [...parseBucket(42)].should.eql([]);
        [...parseBucket('{"A":{}}')].should.eql([['A', {}]]);
        bucketOf('A').should.equal(bucketOf('A'));
        for (const id of ['A', 'B', '12345', '']) bucketOf(id).should.be.within(0, 4095);
    });

    it('an outbox loads and sends a queue stored in the unversioned layout', async function () {
        const store = memoryStore();
        const now = Date.parse('2026-01-27T12:00:00-03:00');
        const old = { A: { r: ['t:A:0'], q: [{ ...item, rules: { debounceMs: 0, futureToleranceMs: 120000, nullDirection: 'toggle', sameDirection: 'send' } }] } };
        await store.set(`ab_b${bucketOf('A')}`, JSON.stringify(old));
        const sent = [];
        const client = { clock: (action, body) => { sent.push([action, body.employeeId]); return Promise.resolve({ status: 201, headers: {}, text: '{}', json: {} }); } };
        const d = new Outbox({ store, keyPrefix: 'ab_', client: () => client, limiter: new RateLimiter(0), dryRun: false, concurrency: 1, now: () => now });
        const done = new Promise((resolve) => d.on('result', resolve));
        await d.whenStarted();
        const result = await done;
        result.kind.should.equal('delivered');
        sent.should.eql([['in', 'A']]);
        await d.close();
        const stored = JSON.parse(JSON.parse(store.data.get(`ab_b${bucketOf('A')}`))).A;
        stored.v.should.equal(1);
        stored.l[0].should.equal('in');
        should(stored.q).be.undefined();
    });
});
