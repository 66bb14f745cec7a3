'use strict';
const should = require('should');
const { heldForTime, placeOf, insertItem, ordered, removeItem } = require('../../dist/lib/humand/outbox/order');

const NOW = Date.parse('2026-01-27T12:00:00-03:00');
function at(min) {
    return new Date(NOW + min * 60000 - 3 * 3600000).toISOString().replace('Z', '-03:00');
}
function item(id, min, extra = {}) {
    return { id, seq: 0, employeeId: 'A', event: { id, time: at(min) }, meta: {}, rules: { futureToleranceMs: 120000 }, comment: '', attempts: 0, enqueuedAt: 0, ...extra };
}

describe('humand outbox order (where a record goes in its queue)', function () {
    it('a record is held for its time when never sent and later than now + tolerance, or marked held', function () {
        heldForTime(item('a', 60), NOW).should.be.true();
        heldForTime(item('a', 1), NOW).should.be.false(); // within the tolerance
        heldForTime(item('a', -5, { held: true }), NOW).should.be.true();
        heldForTime(item('a', 60, { action: 'in' }), NOW).should.be.false(); // sent once (Humand said future): keeps its place
    });

    it('goes in front of the first held record that is later, else at the end', function () {
        const q = [item('due', -10), item('h1', 60), item('h2', 120)];
        placeOf(q, item('n', 0), NOW).should.equal(1);
        placeOf(q, item('n', 90), NOW).should.equal(2);
        placeOf(q, item('n', 200), NOW).should.equal(3);
        placeOf(q, item('n', -20), NOW).should.equal(1); // never before a due record (FIFO among due ones)
        placeOf([item('retry', -10, { action: 'in', attempts: 2 })], item('n', -20), NOW).should.equal(1);
        placeOf(q, { ...item('n', 0), event: { time: 'bad' } }, NOW).should.equal(3);
    });

    it('orders a stored queue the same way and removes exactly one record by identity', function () {
        const h = item('h', 3 * 24 * 60, { held: true });
        const a = item('a', -1);
        const b = item('b', 0);
        ordered([h, a, b], NOW).map((i) => i.id).should.eql(['a', 'b', 'h']);
        const q = [a, b];
        insertItem(q, h, NOW).should.equal(2);
        removeItem(q, b).should.equal(1);
        q.map((i) => i.id).should.eql(['a', 'h']);
        removeItem(q, b).should.equal(-1);
    });
});
