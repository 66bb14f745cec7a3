'use strict';
const should = require('should');
const { memoryStore } = require('../../dist/lib/context');
const { bucketOf } = require('../../dist/lib/humand/outbox');
const { checkInput } = require('../../dist/lib/humand/input');
const { T0, rules, meta, fakeClient, hangingClient, gatedClient, isoIn, event, stored, makeOutbox, outboxSandbox } = require('./humand-outbox-fixtures');

describe('humand outbox: what a record stores, every string bounded (issue 13, case 8)', function () {
    const box = outboxSandbox();

    it('the stored record keeps what a re-send and the report need, not raw', async function () {
        const store = memoryStore();
        const client = hangingClient();
        const { d } = makeOutbox(box.outboxes, store, client);
        const raw = { notification: { events: [{ data: 'x'.repeat(5000) }] } };
        const e = { ...event('A', 1, isoIn(-60000), 'in'), device: { id: 'd1', name: 'Main door', extra: 'y'.repeat(1000) }, person: { id: 'p', code: 'c1', name: 'Ana', photo: 'z'.repeat(1000) }, raw };
        await d.enqueue(e, meta, rules, 'c'.repeat(900));
        const item = stored(store, 'A').q[0];
        should(item.event.raw).be.undefined();
        item.event.should.eql({ id: 't:A:1', source: 'hikcentral', person: { id: 'p', code: 'c1', name: 'Ana' }, time: e.time, direction: 'in', employeeId: 'A', device: { id: 'd1', name: 'Main door' } });
        item.comment.length.should.equal(500);
        store.data.get(`ab_b${bucketOf('A')}`).length.should.be.below(1500);
    });

    it('a stored record of format v:1 that still holds raw loads, is sent, and is written back without raw', async function () {
        const store = memoryStore();
        const raw = { big: 'x'.repeat(3000) };
        const item = { id: 't:A:1', seq: 1, employeeId: 'A', event: { ...event('A', 1, isoIn(-60000), 'in'), raw }, meta, rules, comment: 'c', attempts: 1, enqueuedAt: T0 };
        const item2 = { ...item, id: 't:A:2', seq: 2, event: { ...item.event, id: 't:A:2', time: isoIn(-30000), direction: 'out' } };
        await store.set(`ab_b${bucketOf('A')}`, JSON.stringify({ A: { v: 1, q: [item, item2] } }));
        const client = gatedClient();
        const { d, results } = makeOutbox(box.outboxes, store, client);
        await d.whenStarted();
        await box.clock.tickAsync(5);
        client.calls.map((c) => [c.action, c.body.now, c.body.comment]).should.eql([['in', item.event.time, 'c']]);
        client.answer();
        await box.clock.tickAsync(5);
        results.map((r) => r.item.id).should.eql(['t:A:1']);
        const left = stored(store, 'A').q;
        left.map((i) => i.id).should.eql(['t:A:2']);
        should(left[0].event.raw).be.undefined();
    });

    it('input: an event id over 200 or an employeeId over 64 characters is refused; names are cut to 200', function () {
        const base = { employeeId: 'E1', time: '2026-01-27T08:00:00-03:00', direction: 'in' };
        checkInput({ ...base, id: 'i'.repeat(200) }).ok.should.be.true();
        const longId = checkInput({ ...base, id: 'i'.repeat(201) });
        longId.ok.should.be.false();
        longId.reason.should.match(/event id.*201.*200/);
        checkInput({ ...base, employeeId: 'e'.repeat(64) }).ok.should.be.true();
        const longEmp = checkInput({ ...base, employeeId: 'e'.repeat(65) });
        longEmp.ok.should.be.false();
        longEmp.reason.should.match(/employeeId.*65.*64/);
        const named = checkInput({ ...base, person: { id: 'p'.repeat(300), name: 'n'.repeat(300), code: 'c'.repeat(300) }, device: { id: 'd', name: 'm'.repeat(300) }, source: 's'.repeat(300) });
        named.ok.should.be.true();
        named.event.person.name.length.should.equal(200);
        named.event.person.id.length.should.equal(200);
        named.event.person.code.length.should.equal(200);
        named.event.device.name.length.should.equal(200);
        named.event.source.length.should.be.belowOrEqual(64);
        named.event.id.length.should.be.belowOrEqual(200); // a derived id stays within the bound
    });
});
