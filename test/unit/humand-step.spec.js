'use strict';
const should = require('should');
const { stepOfDecision, stepOfDryRun, stepOfOutcome } = require('../../dist/lib/humand/step');

const input = { id: 'e2', time: '2026-01-27T09:00:00-03:00', direction: null };
const state = { last: { action: 'in', time: '2026-01-27T08:00:00-03:00', eventId: 'e1' }, recent: ['e1'] };
const NOW = Date.parse('2026-01-27T09:00:05-03:00');
const delay = (n) => n * 1000;

describe('humand step', function () {
    it('a skip or reject decision ends the record and remembers its id, last unchanged', function () {
        const skip = stepOfDecision({ kind: 'skip', code: 'debounce', reason: 'r' }, state, input, 0);
        skip.should.eql({ kind: 'done', state: { last: state.last, recent: ['e1', 'e2'] }, result: { delivered: false, kind: 'skipped', code: 'debounce', reason: 'r' } });
        stepOfDecision({ kind: 'reject', code: 'out-of-order', reason: 'o' }, state, input, 0).result.kind.should.equal('rejected');
    });

    it('a hold waits for its time without counting an attempt; send carries the action', function () {
        stepOfDecision({ kind: 'hold', untilMs: 123, reason: 'x' }, state, input, 2).should.eql({ kind: 'wait', notBefore: 123, attempts: 2, held: true });
        stepOfDecision({ kind: 'send', action: 'out' }, state, input, 0).should.eql({ kind: 'send', action: 'out' });
    });

    it('a dry run counts as delivered and moves the state', function () {
        const s = stepOfDryRun(state, input, 'out', { b: 1 });
        s.state.last.should.eql({ action: 'out', time: input.time, eventId: 'e2' });
        s.result.should.eql({ delivered: true, kind: 'dry-run', humand: { action: 'out', status: 0, body: { b: 1 } } });
    });

    it('delivered and duplicate answers end the record as delivered', function () {
        const d = stepOfOutcome({ kind: 'delivered', duplicate: false, status: 201, body: 'b' }, state, input, 'out', 0, NOW, delay);
        d.kind.should.equal('done');
        d.state.last.action.should.equal('out');
        d.result.should.eql({ delivered: true, kind: 'delivered', humand: { action: 'out', status: 201, body: 'b' } });
        stepOfOutcome({ kind: 'delivered', duplicate: true, status: 409, body: 'b' }, state, input, 'out', 0, NOW, delay).result.kind.should.equal('duplicate');
    });

    it('a rejection ends the record without remembering its id (a deliberate re-send is accepted); with drift it aligns last with what Humand has', function () {
        const plain = stepOfOutcome({ kind: 'rejected', status: 422, message: 'no', body: {} }, state, input, 'in', 0, NOW, delay);
        plain.state.should.eql({ last: state.last, recent: ['e1'] });
        plain.result.should.containEql({ delivered: false, kind: 'rejected', code: 'humand-rejected', reason: 'Humand rejected the clock-in: no' });
        const drift = stepOfOutcome({ kind: 'rejected', status: 422, message: 'x', body: {}, drift: 'in' }, state, input, 'out', 0, NOW, delay);
        drift.state.last.should.eql({ action: 'in', time: input.time, eventId: 'e2' });
        drift.result.reason.should.equal('Humand rejected the clock-out: x');
        drift.state.recent.should.eql(['e1']);
    });

    it('a drift keeps every remembered id when the recent list is full (nothing is pushed out)', function () {
        const { RECENT_IDS } = require('../../dist/lib/humand/rules');
        const recent = Array.from({ length: RECENT_IDS }, (_, i) => `r${i}`);
        const full = { last: state.last, recent };
        const drift = stepOfOutcome({ kind: 'rejected', status: 422, message: 'x', body: {}, drift: 'in' }, full, input, 'out', 0, NOW, delay);
        drift.state.recent.should.eql(recent);
        drift.state.last.should.eql({ action: 'in', time: input.time, eventId: 'e2' });
    });

    it('auth pauses; future holds until after the event time; retry backs off and honours Retry-After', function () {
        stepOfOutcome({ kind: 'auth', status: 401, message: 'm' }, state, input, 'in', 0, NOW, delay).should.eql({ kind: 'pause', message: 'authentication failed (HTTP 401)' });
        const future = stepOfOutcome({ kind: 'future', status: 422, message: 'futuro', body: {} }, state, { ...input, time: '2026-01-27T10:00:00-03:00' }, 'in', 1, NOW, delay);
        future.should.eql({ kind: 'wait', attempts: 2, notBefore: Date.parse('2026-01-27T10:00:01-03:00'), held: true, lastError: 'Humand says the time is in the future: futuro' });
        stepOfOutcome({ kind: 'future', status: 422, message: 'f', body: {} }, state, input, 'in', 4, NOW, delay).notBefore.should.equal(NOW + 5000);
        const retry = stepOfOutcome({ kind: 'retry', status: 503, message: 'busy' }, state, input, 'in', 0, NOW, delay);
        retry.should.eql({ kind: 'wait', attempts: 1, notBefore: NOW + 1000, lastError: 'HTTP 503: busy' });
        should(retry.held).be.undefined();
        stepOfOutcome({ kind: 'retry', status: 429, message: 'slow', retryAfterMs: 30000 }, state, input, 'in', 0, NOW, delay).notBefore.should.equal(NOW + 30000);
        stepOfOutcome({ kind: 'retry', status: 0, message: 'ECONNRESET' }, state, input, 'in', 0, NOW, delay).lastError.should.equal('ECONNRESET');
    });
});
