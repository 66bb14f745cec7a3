'use strict';
const should = require('should');
const { memoryStore } = require('../../dist/lib/context');
const { EmittedIds } = require('../../dist/lib/hysecure/state');
const { currentRange, backfillRange, splitRange, pollOnce, commit, normaliseStartOfDay, requestDate, countProblems } = require('../../dist/lib/hysecure/poll');

describe('hysecure poll helpers', function () {
    const cfg = { zone: 'America/Santiago', startOfDay: '00:00:00', days: 2, closeGraceMs: 30 * 60000, userName: '' };

    it('polls today and `days` report days before it', function () {
        currentRange(Date.parse('2025-03-10T02:00:00Z'), cfg).should.eql({ startDate: '2025-03-07', endDate: '2025-03-09' });
        currentRange(Date.parse('2025-03-10T12:00:00Z'), Object.assign({}, cfg, { startOfDay: '10:00:00' })).should.eql({ startDate: '2025-03-07', endDate: '2025-03-09' });
        currentRange(Date.parse('2025-03-10T13:00:00Z'), Object.assign({}, cfg, { startOfDay: '10:00:00', days: 0 })).should.eql({ startDate: '2025-03-10', endDate: '2025-03-10' });
    });

    it('reads back-fill ranges and rejects bad ones', function () {
        const now = Date.parse('2025-03-10T12:00:00Z');
        backfillRange({ from: '2025-02-01', to: '2025-02-03' }, now, cfg).should.eql({ startDate: '2025-02-01', endDate: '2025-02-03' });
        backfillRange({ from: '2025-02-01T00:00:00-03:00' }, now, cfg).should.eql({ startDate: '2025-02-01', endDate: '2025-03-10' });
        backfillRange({ from: '2025-02-05', to: '2025-02-03' }, now, cfg).should.match(/after/);
        backfillRange({ from: 'x' }, now, cfg).should.be.a.String();
        backfillRange('2025-01-01', now, cfg).should.be.a.String();
    });

    it('splits long ranges', function () {
        splitRange({ startDate: '2025-01-01', endDate: '2025-03-01' }, 31).should.eql([
            { startDate: '2025-01-01', endDate: '2025-01-31' },
            { startDate: '2025-02-01', endDate: '2025-03-01' },
        ]);
        splitRange({ startDate: '2025-01-01', endDate: '2025-01-01' }, 31).should.eql([{ startDate: '2025-01-01', endDate: '2025-01-01' }]);
    });

    it('normalises StartOfDay and formats RequestDate in the zone', function () {
        normaliseStartOfDay('6:00').should.equal('06:00:00');
        normaliseStartOfDay('').should.equal('00:00:00');
        should(normaliseStartOfDay('25:00')).be.null();
        requestDate(Date.parse('2025-03-10T12:00:00Z'), 'America/Santiago').should.equal('2025-03-10 09:00:00');
    });

    it('pollOnce: a new token per poll, the filters, the plan; commit remembers the ids', async function () {
        const calls = [];
        let resets = 0;
        const source = {
            resetToken: () => resets++,
            sessions: async (filters) => {
                calls.push(filters);
                return { rows: [{ UserID: 'u1', Realm: 'R', FirstLoginDateTime: '2025-03-10 08:00:00', LastLogoutDateTime: null }, { UserID: 'u2' }] };
            },
        };
        const store = memoryStore();
        const emitted = new EmittedIds(store, 'p_');
        await emitted.load();
        const now = Date.parse('2025-03-10T12:00:00Z');
        const r = await pollOnce(source, emitted, Object.assign({}, cfg, { userName: '  ' }), now);
        resets.should.equal(1);
        calls.should.eql([{ startDate: '2025-03-08', endDate: '2025-03-10', userName: 'All Users', startOfDay: '00:00:00', requestDate: '2025-03-10 09:00:00' }]);
        r.rows.should.equal(2);
        r.events.map((e) => e.event.id).should.eql(['hysecure:u1:2025-03-10:in']);
        r.problems.map((p) => p.kind).should.eql(['no-login']);
        await commit(emitted, r.events, now, cfg);
        const again = await pollOnce(source, emitted, cfg, now + 60000);
        again.events.should.have.length(0);
        const reloaded = new EmittedIds(store, 'p_');
        await reloaded.load();
        reloaded.has('hysecure:u1:2025-03-10:in').should.be.true();
    });

    it('pollOnce splits a long back-fill into several requests with one user filter', async function () {
        const calls = [];
        const source = { resetToken() {}, sessions: async (f) => (calls.push(f), { rows: [] }) };
        const emitted = new EmittedIds(memoryStore(), 'p_');
        await pollOnce(source, emitted, Object.assign({}, cfg, { userName: 'jdoe', maxRangeDays: 10 }), Date.now(), { startDate: '2025-01-01', endDate: '2025-01-25' });
        calls.map((c) => [c.startDate, c.endDate, c.userName]).should.eql([
            ['2025-01-01', '2025-01-10', 'jdoe'],
            ['2025-01-11', '2025-01-20', 'jdoe'],
            ['2025-01-21', '2025-01-25', 'jdoe'],
        ]);
    });

    it('countProblems: bad rows apart from merged duplicates and times that wait', function () {
        const kinds = ['no-login', 'duplicate', 'future-login', 'future-logout', 'bad-logout', 'duplicate'];
        countProblems(kinds.map((kind) => ({ kind, message: kind }))).should.eql({ bad: 2, duplicates: 2 });
        countProblems([]).should.eql({ bad: 0, duplicates: 0 });
    });
});
