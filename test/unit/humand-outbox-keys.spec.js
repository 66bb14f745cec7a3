'use strict';
const should = require('should');
const { memoryStore } = require('../../dist/lib/context');
const { parseBucket } = require('../../dist/lib/humand/outbox/format');
const { HttpFailure } = require('../../dist/lib/http');
const { rules, meta, reply, fakeClient, isoIn, stored, makeOutbox, outboxSandbox } = require('./humand-outbox-fixtures');

const SPECIAL = ['__proto__', 'constructor', 'hasOwnProperty', 'toString'];

describe('humand outbox: ids that are special object keys (issue 13, case 4)', function () {
    const box = outboxSandbox();

    it('an accepted event for employee __proto__ (and constructor, hasOwnProperty, toString) is stored and delivered after a restart', async function () {
        const store = memoryStore();
        const hang = fakeClient((call) => new Promise((resolve, reject) => {
            call.signal.addEventListener('abort', () => reject(new HttpFailure('aborted', 'request aborted')));
        }));
        const first = makeOutbox(box.outboxes, store, hang);
        for (const emp of SPECIAL) {
            (await first.d.enqueue({ id: emp, source: 'manual', person: { id: emp }, time: isoIn(-60000), direction: 'in', employeeId: emp }, meta, rules, '')).queued.should.be.true();
        }
        for (const emp of SPECIAL) {
            const s = stored(store, emp);
            should(s).be.an.Object();
            s.q.map((i) => i.id).should.eql([emp]);
        }
        await box.clock.tickAsync(10);
        hang.calls.length.should.equal(SPECIAL.length);
        await first.d.close(); // like a crash before any answer

        const client = fakeClient();
        const second = makeOutbox(box.outboxes, store, client);
        await second.d.whenStarted();
        await box.clock.tickAsync(20);
        client.calls.map((c) => c.body.employeeId).sort().should.eql([...SPECIAL].sort());
        second.results.map((r) => r.kind).should.eql(SPECIAL.map(() => 'delivered'));
        for (const emp of SPECIAL) {
            stored(store, emp).l[0].should.equal('in');
            second.d.state(emp).recent.should.eql([emp]);
        }
        // A re-sent event id is still recognised after the restart.
        (await second.d.enqueue({ id: '__proto__', source: 'manual', person: { id: '__proto__' }, time: isoIn(-60000), direction: 'in', employeeId: '__proto__' }, meta, rules, '')).queued.should.be.false();
        Object.prototype.should.not.have.property('q');
    });

    it('a bucket is read into a map that keeps __proto__ as an ordinary key', function () {
        const bucket = parseBucket('{"__proto__":{"v":1,"l":["in","x"]},"constructor":{"v":1}}');
        bucket.get('__proto__').should.eql({ v: 1, l: ['in', 'x'] });
        bucket.get('constructor').should.eql({ v: 1 });
        should(bucket.get('hasOwnProperty')).be.undefined();
        const { formatBucket } = require('../../dist/lib/humand/outbox/format');
        JSON.parse(formatBucket(bucket)).should.have.ownProperty('__proto__');
        should(formatBucket(new Map())).be.undefined();
        parseBucket('not json').size.should.equal(0);
        parseBucket(undefined).size.should.equal(0);
    });
});
