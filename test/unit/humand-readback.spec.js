'use strict';
const should = require('should');
const { verifyByReadBack, readEntries, decideFromEntries, readBackDays } = require('../../dist/lib/humand/readback');
const { HttpFailure } = require('../../dist/lib/http');

const NOW = Date.parse('2026-06-09T15:00:00Z');
const REFUSAL = { kind: 'verify', status: 400, message: 'INVALID_DATA: The provided data is invalid', body: { code: 'INVALID_DATA', message: 'The provided data is invalid', metadata: {} } };

function reply(status, json, headers = {}) {
    return { status, headers, text: JSON.stringify(json), json };
}
function entry(id, type, time, source = 'INTEGRATION') {
    return { id, userId: 1, employeeInternalId: '00123', date: time, referenceDate: time.slice(0, 10), type, source, site: null, coordinates: null, comment: null, time };
}
/** A fake entries source: `pages` is a list of answers (or a function of the query). */
function source(answer) {
    const calls = [];
    return {
        calls,
        async entries(query) {
            calls.push(query);
            return typeof answer === 'function' ? answer(query, calls.length) : answer;
        },
    };
}
function options(extra = {}) {
    const taken = { n: 0 };
    return { taken, opts: { take: async () => { taken.n += 1; }, now: () => NOW, ...extra } };
}

describe('humand read-back (issue 13, case 2)', function () {
    it('reads the event\'s local day and the day before, in the event\'s own offset', function () {
        readBackDays('2026-06-09T00:30:00-03:00').should.eql({ startDate: '2026-06-08', endDate: '2026-06-09' });
        readBackDays('2026-03-01T23:59:59+14:00').should.eql({ startDate: '2026-02-28', endDate: '2026-03-01' });
        should(readBackDays('not a time')).be.undefined();
    });

    it('our punch is there (same type, same second): delivered as a duplicate', async function () {
        const s = source(reply(200, { limit: 50, page: 1, totalPages: 1, count: 2, items: [entry(1, 'END', '2026-06-08T18:00:00-03:00'), entry(2, 'START', '2026-06-09T07:58:00.000-03:00')] }));
        const { taken, opts } = options();
        const o = await verifyByReadBack(s, { employeeId: '00123', now: '2026-06-09T07:58:00.456-03:00' }, 'in', REFUSAL, opts);
        o.should.containEql({ kind: 'delivered', duplicate: true, status: 400 });
        s.calls.should.eql([{ employeeId: '00123', startDate: '2026-06-08', endDate: '2026-06-09', page: 1, limit: 50 }]);
        taken.n.should.equal(1);
    });

    it('the same instant written in another offset is the same punch', async function () {
        const s = source(reply(200, { limit: 50, page: 1, totalPages: 1, count: 1, items: [entry(2, 'START', '2026-06-09T10:58:00.000Z')] }));
        const o = await verifyByReadBack(s, { employeeId: '00123', now: '2026-06-09T07:58:00-03:00' }, 'in', REFUSAL, options().opts);
        o.kind.should.equal('delivered');
    });

    it('the latest entry at or before ours is already of that type: drift, with Humand\'s message and what it holds', async function () {
        const s = source(reply(200, { limit: 50, page: 1, totalPages: 1, count: 2, items: [entry(1, 'START', '2026-06-09T08:00:00-03:00'), entry(2, 'END', '2026-06-09T16:00:00-03:00', 'AUTO_CLOSE')] }));
        const o = await verifyByReadBack(s, { employeeId: '00123', now: '2026-06-09T17:00:00-03:00' }, 'out', REFUSAL, options({ now: () => Date.parse('2026-06-09T21:00:00Z') }).opts);
        o.should.containEql({ kind: 'rejected', drift: 'out', status: 400 });
        o.message.should.match(/^INVALID_DATA: The provided data is invalid \(Humand's last entry is already END at 2026-06-09T16:00:00-03:00 \(AUTO_CLOSE\)\)$/);
    });

    it('otherwise rejected with Humand\'s message; entries after our instant do not count as drift', async function () {
        const s = source(reply(200, { limit: 50, page: 1, totalPages: 1, count: 2, items: [entry(1, 'END', '2026-06-09T06:00:00-03:00'), entry(2, 'START', '2026-06-09T09:00:00-03:00')] }));
        const o = await verifyByReadBack(s, { employeeId: '00123', now: '2026-06-09T08:00:00-03:00' }, 'in', REFUSAL, options().opts);
        o.should.containEql({ kind: 'rejected', message: REFUSAL.message });
        should(o.drift).be.undefined();
        decideFromEntries([], 'in', '2026-06-09T08:00:00-03:00').kind.should.equal('absent');
    });

    it('follows pages while a page is full, and while page < totalPages', async function () {
        const full = Array.from({ length: 50 }, (_, i) => entry(100 + i, i % 2 ? 'END' : 'START', `2026-06-08T${String(Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 10).padStart(2, '0')}:00-03:00`));
        const s = source((q) => {
            if (q.page === 1) return reply(200, { limit: 50, page: 1, totalPages: 1, count: 50, items: full }); // totalPages wrong, as seen in production
            if (q.page === 2) return reply(200, { limit: 50, page: 2, totalPages: 3, count: 1, items: [entry(1, 'START', '2026-06-09T07:00:00-03:00')] });
            return reply(200, { limit: 50, page: 3, totalPages: 3, count: 1, items: [entry(2, 'END', '2026-06-09T07:30:00-03:00')] });
        });
        const { taken, opts } = options();
        const r = await readEntries(s, '00123', { startDate: '2026-06-08', endDate: '2026-06-09' }, opts);
        r.entries.length.should.equal(52);
        s.calls.map((c) => c.page).should.eql([1, 2, 3]);
        taken.n.should.equal(3); // one rate-limiter token per request
    });

    it('a read-back that fails is retried later, never a rejection: network, 5xx, 429 with Retry-After, a malformed page', async function () {
        const rec = { employeeId: '00123', now: '2026-06-09T07:58:00-03:00' };
        let o = await verifyByReadBack({ entries: async () => { throw new HttpFailure('network', 'connection refused (ECONNREFUSED)'); } }, rec, 'in', REFUSAL, options().opts);
        o.should.containEql({ kind: 'retry', status: 0 });
        o.message.should.match(/reading back Humand's entries failed: connection refused/);
        o = await verifyByReadBack(source(reply(503, { code: 'UNKNOWN_ERROR', message: 'x' })), rec, 'in', REFUSAL, options().opts);
        o.should.containEql({ kind: 'retry', status: 503 });
        o = await verifyByReadBack(source(reply(429, { code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit reached' }, { 'retry-after': '12' })), rec, 'in', REFUSAL, options().opts);
        o.should.containEql({ kind: 'retry', status: 429, retryAfterMs: 12000 });
        o = await verifyByReadBack(source(reply(200, { count: 0, users: [] })), rec, 'in', REFUSAL, options().opts);
        o.kind.should.equal('retry');
        o = await verifyByReadBack(source(reply(401, { code: 'UNKNOWN_TOKEN', message: 'Invalid credentials' })), rec, 'in', REFUSAL, options().opts);
        o.kind.should.equal('auth');
        o = await verifyByReadBack({}, rec, 'in', REFUSAL, options().opts);
        o.kind.should.equal('retry');
    });

    it('a refused time still ahead of our clock waits for its time instead of reading back', async function () {
        const s = source(reply(200, { limit: 50, page: 1, totalPages: 1, count: 0, items: [] }));
        const o = await verifyByReadBack(s, { employeeId: '00123', now: '2026-06-09T12:00:30-03:00' }, 'in', REFUSAL, options().opts);
        o.kind.should.equal('future');
        s.calls.length.should.equal(0);
    });
});
