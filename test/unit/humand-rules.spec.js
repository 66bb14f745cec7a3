'use strict';
const should = require('should');
const { decide, afterDelivered, afterDrift, rememberId, DEFAULT_RULES, RECENT_IDS } = require('../../dist/lib/humand/rules');

const NOW = Date.parse('2026-01-27T23:00:00-03:00');
const rules = { ...DEFAULT_RULES };
function ev(id, time, direction = null, backfill) {
    return { id, time, direction, backfill };
}
const fresh = () => ({ recent: [] });

describe('humand rules', function () {
    it('first event of an employee with unknown direction is a clock-in', function () {
        decide(ev('a', '2026-01-27T08:00:00-03:00'), fresh(), rules, NOW).should.eql({ kind: 'send', action: 'in' });
    });

    it('unknown direction toggles from the last action the same day', function () {
        const state = { recent: ['a'], last: { action: 'in', time: '2026-01-27T08:00:00-03:00', eventId: 'a' } };
        decide(ev('b', '2026-01-27T17:00:00-03:00'), state, rules, NOW).should.eql({ kind: 'send', action: 'out' });
        const outState = { recent: [], last: { action: 'out', time: '2026-01-27T09:00:00-03:00', eventId: 'b' } };
        decide(ev('c', '2026-01-27T10:00:00-03:00'), outState, rules, NOW).should.eql({ kind: 'send', action: 'in' });
    });

    it('unknown direction 24 h after an open in starts a new shift with in', function () {
        const state = { recent: [], last: { action: 'in', time: '2026-01-26T08:00:00-03:00', eventId: 'a' } };
        decide(ev('b', '2026-01-27T08:00:00-03:00'), state, rules, NOW).should.eql({ kind: 'send', action: 'in' });
    });

    it('unknown direction toggles by elapsed time, whatever the offsets and calendar days', function () {
        // 22:30 -03:00 is already the next day in UTC; 8.5 h after the in: its out.
        const state = { recent: [], last: { action: 'in', time: '2026-01-26T14:00:00-03:00', eventId: 'a' } };
        decide(ev('b', '2026-01-26T22:30:00-03:00'), state, rules, NOW).should.eql({ kind: 'send', action: 'out' });
    });

    it('unknown direction can be rejected by option', function () {
        const d = decide(ev('a', '2026-01-27T08:00:00-03:00'), fresh(), { ...rules, nullDirection: 'reject' }, NOW);
        d.kind.should.equal('reject');
        d.code.should.equal('unknown-direction');
    });

    it('drops a duplicate event id', function () {
        const d = decide(ev('a', '2026-01-27T08:00:00-03:00', 'in'), { recent: ['a'] }, rules, NOW);
        d.should.containEql({ kind: 'skip', code: 'duplicate' });
    });

    it('drops a repeat swipe within debounce, keeps one just after', function () {
        const state = { recent: [], last: { action: 'in', time: '2026-01-27T08:00:00-03:00', eventId: 'a' } };
        decide(ev('b', '2026-01-27T08:00:59-03:00'), state, rules, NOW).should.containEql({ kind: 'skip', code: 'debounce' });
        decide(ev('c', '2026-01-27T08:01:00-03:00'), state, rules, NOW).should.eql({ kind: 'send', action: 'out' });
        decide(ev('d', '2026-01-27T08:00:10-03:00'), state, { ...rules, debounceMs: 0 }, NOW).should.eql({ kind: 'send', action: 'out' });
    });

    it('same direction twice: send by default, drop by option', function () {
        const state = { recent: [], last: { action: 'in', time: '2026-01-27T08:00:00-03:00', eventId: 'a' } };
        decide(ev('b', '2026-01-27T09:00:00-03:00', 'in'), state, rules, NOW).should.eql({ kind: 'send', action: 'in' });
        decide(ev('b', '2026-01-27T09:00:00-03:00', 'in'), state, { ...rules, sameDirection: 'drop' }, NOW)
            .should.containEql({ kind: 'skip', code: 'same-direction' });
        decide(ev('c', '2026-01-27T09:00:00-03:00', 'out'), state, { ...rules, sameDirection: 'drop' }, NOW)
            .should.eql({ kind: 'send', action: 'out' });
    });

    it('rejects an event older than the last accepted one, unless back-filling', function () {
        const state = { recent: [], last: { action: 'out', time: '2026-01-27T10:00:00-03:00', eventId: 'a' } };
        decide(ev('b', '2026-01-27T09:00:00-03:00', 'in'), state, rules, NOW).should.containEql({ kind: 'reject', code: 'out-of-order' });
        decide(ev('b', '2026-01-27T09:00:00-03:00', 'in', true), state, rules, NOW).should.eql({ kind: 'send', action: 'in' });
    });

    it('compares instants across offsets (out of order in another zone)', function () {
        const state = { recent: [], last: { action: 'in', time: '2026-01-27T12:00:00Z', eventId: 'a' } };
        // 08:30 -03:00 = 11:30Z: older.
        decide(ev('b', '2026-01-27T08:30:00-03:00', 'out'), state, rules, NOW).kind.should.equal('reject');
    });

    it('holds an event beyond the future tolerance until its time', function () {
        const t = '2026-01-27T23:05:00-03:00';
        decide(ev('a', t, 'in'), fresh(), rules, NOW).should.eql({ kind: 'hold', untilMs: Date.parse(t), reason: 'event time is in the future: held until due' });
        decide(ev('a', '2026-01-27T23:01:59-03:00', 'in'), fresh(), rules, NOW).kind.should.equal('send');
    });

    it('issue 13 case 1: refuses an event further ahead than maxFuture (too-far-ahead), holds one within the bound', function () {
        // NOW is 2026-01-27T23:00-03:00; the default bound is 24 h.
        rules.maxFutureMs.should.equal(24 * 3600000);
        const far = decide(ev('a', '2026-01-30T23:00:00-03:00', 'in'), fresh(), rules, NOW);
        far.should.containEql({ kind: 'reject', code: 'too-far-ahead' });
        far.reason.should.match(/too far ahead/).and.match(/24 h/).and.match(/2026-01-30T23:00:00-03:00/);
        decide(ev('b', '2026-01-28T22:59:00-03:00', 'in'), fresh(), rules, NOW).kind.should.equal('hold');
        decide(ev('c', '2026-01-28T23:00:01-03:00', 'in'), fresh(), rules, NOW).code.should.equal('too-far-ahead');
        decide(ev('d', '2026-01-28T01:00:00-03:00', 'in'), fresh(), { ...rules, maxFutureMs: 3600000 }, NOW).code.should.equal('too-far-ahead');
        // A record stored by an older release has no maxFutureMs: the default bound applies.
        const stored = { debounceMs: 60000, futureToleranceMs: 120000, nullDirection: 'toggle', sameDirection: 'send' };
        decide(ev('e', '2026-01-30T23:00:00-03:00', 'in'), fresh(), stored, NOW).code.should.equal('too-far-ahead');
    });

    it('issue 13 case 10: debounce keeps an explicit opposite direction, drops a same or unknown direction', function () {
        const state = { recent: [], last: { action: 'in', time: '2026-01-27T08:00:00-03:00', eventId: 'a' } };
        decide(ev('b', '2026-01-27T08:00:30-03:00', 'out'), state, rules, NOW).should.eql({ kind: 'send', action: 'out' });
        decide(ev('c', '2026-01-27T08:00:30-03:00', 'in'), state, rules, NOW).should.containEql({ kind: 'skip', code: 'debounce' });
        decide(ev('d', '2026-01-27T08:00:30-03:00', null), state, rules, NOW).should.containEql({ kind: 'skip', code: 'debounce' });
    });

    it('issue 13 case 11: unknown direction across midnight: night shift in 22:00, out 06:00, next in 22:00', function () {
        let state = fresh();
        const e1 = ev('n1', '2026-01-25T22:00:00-03:00', 'in');
        decide(e1, state, rules, NOW).should.eql({ kind: 'send', action: 'in' });
        state = afterDelivered(state, e1, 'in');
        const e2 = ev('n2', '2026-01-26T06:00:00-03:00');
        decide(e2, state, rules, NOW).should.eql({ kind: 'send', action: 'out' });
        state = afterDelivered(state, e2, 'out');
        const e3 = ev('n3', '2026-01-26T22:00:00-03:00');
        decide(e3, state, rules, NOW).should.eql({ kind: 'send', action: 'in' });
        state = afterDelivered(state, e3, 'in');
        decide(ev('n4', '2026-01-27T06:00:00-03:00'), state, rules, NOW).should.eql({ kind: 'send', action: 'out' });
    });

    it('issue 13 case 11: a gap longer than newShiftAfter starts a new shift with in, a shorter one toggles', function () {
        rules.newShiftAfterMs.should.equal(10 * 3600000);
        const state = { recent: [], last: { action: 'in', time: '2026-01-27T08:00:00-03:00', eventId: 'a' } };
        decide(ev('b', '2026-01-27T18:00:00-03:00'), state, rules, NOW).should.eql({ kind: 'send', action: 'out' });
        decide(ev('c', '2026-01-27T18:00:01-03:00'), state, rules, NOW).should.eql({ kind: 'send', action: 'in' });
        decide(ev('d', '2026-01-27T12:00:00-03:00'), state, { ...rules, newShiftAfterMs: 3 * 3600000 }, NOW).should.eql({ kind: 'send', action: 'in' });
        // A record stored by an older release has no newShiftAfterMs: the default applies.
        const stored = { debounceMs: 60000, futureToleranceMs: 120000, nullDirection: 'toggle', sameDirection: 'send' };
        decide(ev('e', '2026-01-27T17:00:00-03:00'), state, stored, NOW).should.eql({ kind: 'send', action: 'out' });
    });

    it('rejects an invalid time', function () {
        decide(ev('a', 'yesterday', 'in'), fresh(), rules, NOW).should.containEql({ kind: 'reject', code: 'invalid-time' });
    });

    it('afterDelivered moves last forward only, and remembers the id', function () {
        let s = afterDelivered(fresh(), ev('a', '2026-01-27T08:00:00-03:00'), 'in');
        s.last.should.eql({ action: 'in', time: '2026-01-27T08:00:00-03:00', eventId: 'a' });
        s = afterDelivered(s, ev('old', '2026-01-26T08:00:00-03:00', 'out', true), 'out');
        s.last.eventId.should.equal('a');
        s.recent.should.eql(['a', 'old']);
    });

    it('afterDrift aligns the last action with what Humand has', function () {
        const state = { recent: [], last: { action: 'in', time: '2026-01-27T08:00:00-03:00', eventId: 'a' } };
        const s = afterDrift(state, ev('b', '2026-01-27T19:00:00-03:00'), 'out');
        s.last.should.eql({ action: 'out', time: '2026-01-27T19:00:00-03:00', eventId: 'b' });
        s.recent.should.containEql('b');
    });

    it('keeps the recent id list bounded', function () {
        let recent = [];
        for (let i = 0; i < RECENT_IDS + 20; i++) recent = rememberId(recent, 'id' + i);
        recent.length.should.equal(RECENT_IDS);
        recent[recent.length - 1].should.equal('id' + (RECENT_IDS + 19));
        recent.should.not.containEql('id0');
    });
});
