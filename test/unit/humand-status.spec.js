'use strict';
const should = require('should');
const { clockStatus, clockHealth, resultMessage } = require('../../dist/lib/humand/status');
const { HealthTracker } = require('../../dist/lib/health');

const NOW = 1_000_000;
const idle = { queued: 0, inFlight: 0, waiting: 0, delivered: 0, skipped: 0, failed: 0 };

describe('humand status', function () {
    it('maps outbox stats to fill, shape and catalog key', function () {
        clockStatus(idle, NOW).should.eql({ fill: 'green', shape: 'ring', key: 'ready' });
        clockStatus({ ...idle, queued: 2, paused: { until: NOW + 1, message: 'auth' } }, NOW).should.eql({ fill: 'red', shape: 'ring', key: 'authFailed', data: { queued: '2' } });
        clockStatus({ ...idle, queued: 3, nextRetryAt: NOW + 4500 }, NOW).should.eql({ fill: 'yellow', shape: 'ring', key: 'retry', data: { queued: '3', secs: '5' } });
        clockStatus({ ...idle, queued: 3, nextRetryAt: NOW - 10 }, NOW).data.secs.should.equal('0');
        clockStatus({ ...idle, queued: 3, nextRetryAt: NOW + 4500, inFlight: 1 }, NOW).should.eql({ fill: 'blue', shape: 'dot', key: 'sending', data: { queued: '3' } });
    });

    it('shows the last delivered record as text', function () {
        const s = clockStatus({ ...idle, last: { action: 'in', name: 'Ana', time: '2026-01-27T09:05:00-03:00' } }, NOW);
        s.should.containEql({ fill: 'green', shape: 'dot' });
        should(s.key).be.undefined();
        s.text.should.match(/^in · Ana · 09:05/);
        clockStatus({ ...idle, last: { action: 'out', name: 'B', time: 'bad' } }, NOW).text.should.equal('out · B · ');
    });

    it('health: a fatal problem or a pause reads as paused with its message', function () {
        const h = new HealthTracker();
        const info = clockHealth({ id: 'c1' }, { ...idle, queued: 1, lastError: 'x' }, h, undefined, false);
        info.should.containEql({ id: 'c1', type: 'humand-clock', name: 'humand-clock', queue: 1, paused: false, lastError: 'x' });
        info.details.should.eql({ dryRun: false, inFlight: 0 });
        clockHealth({ id: 'c1', name: 'N' }, undefined, h, 'no server', true).should.containEql({ name: 'N', queue: 0, paused: true, lastError: 'no server' });
        clockHealth({ id: 'c1' }, { ...idle, paused: { until: 1, message: 'auth failed' } }, h, undefined, false).lastError.should.equal('auth failed');
    });

    it('result messages: delivered to output 0 with Humand\'s answer, the others to output 1 with the reason', function () {
        const item = { id: 'e', employeeId: 'A', event: { id: 'e', time: 't' }, meta: { origin: 'c1', msgid: 'm1', backfill: true } };
        const ok = resultMessage({ item, delivered: true, kind: 'delivered', humand: { action: 'in', status: 201 } });
        ok.output.should.equal(0);
        ok.msg.should.containEql({ topic: 'A', _msgid: 'm1', backfill: true });
        ok.msg.payload.humand.should.eql({ action: 'in', status: 201 });
        should(item.event.humand).be.undefined(); // the stored event is not changed
        const ko = resultMessage({ item: { ...item, meta: { origin: 'c1', topic: 'T' } }, delivered: false, kind: 'skipped', code: 'debounce', reason: 'r' });
        ko.output.should.equal(1);
        ko.msg.should.containEql({ topic: 'T', reason: 'r', reasonCode: 'debounce' });
        should(ko.msg._msgid).be.undefined();
    });
});
