'use strict';
const should = require('should');
const { registerHealth, unregisterHealth, healthReport, retryAll, HealthTracker } = require('../../dist/lib/health');
const { thresholdsFrom } = require('../../dist/lib/health-routes');

describe('health report', function () {
    const NOW = Date.parse('2026-11-25T12:00:00Z');
    afterEach(function () {
        for (const id of ['a', 'b', 'c']) unregisterHealth(id);
    });

    it('is ok with healthy nodes and lists them', function () {
        registerHealth('a', () => ({ id: 'a', type: 'artemis-events', name: 'A', lastSuccess: NOW - 1000, counts: { emitted: 3 } }));
        const r = healthReport(NOW);
        r.status.should.equal('ok');
        r.nodes.length.should.equal(1);
        r.nodes[0].should.containEql({ id: 'a', healthy: true });
    });

    it('fails when a node has been failing longer than the threshold, not before', function () {
        registerHealth('a', () => ({ id: 'a', type: 'artemis-events', name: 'A', failingSince: NOW - 5 * 60000, lastError: 'timeout', counts: {} }));
        healthReport(NOW).status.should.equal('ok');
        const r = healthReport(NOW, { failAfterMs: 60000, stuckAfterMs: 60000 });
        r.status.should.equal('failing');
        r.nodes[0].problem.should.match(/failing for 5 min: timeout/);
    });

    it('fails when an outbox is paused or stuck', function () {
        registerHealth('b', () => ({ id: 'b', type: 'humand-clock', name: 'B', queue: 2, paused: true, lastError: 'authentication failed (HTTP 401)', counts: {} }));
        healthReport(NOW).nodes[0].problem.should.match(/paused: authentication failed/);
        unregisterHealth('b');
        registerHealth('c', () => ({ id: 'c', type: 'humand-clock', name: 'C', queue: 1, oldestQueuedAt: NOW - 40 * 60000, counts: {} }));
        healthReport(NOW).nodes[0].problem.should.match(/stuck: oldest event waiting 40 min/);
        registerHealth('a', () => { throw new Error('broken provider'); });
        healthReport(NOW).nodes.length.should.equal(1);
    });

    it('retryAll calls every retry action', function () {
        let n = 0;
        registerHealth('a', () => ({ id: 'a', type: 'x', name: 'x', counts: {} }), () => { n++; });
        registerHealth('b', () => ({ id: 'b', type: 'x', name: 'x', counts: {} }));
        registerHealth('c', () => ({ id: 'c', type: 'x', name: 'x', counts: {} }), () => { throw new Error('x'); });
        retryAll().should.equal(1);
        n.should.equal(1);
    });

    it('reads thresholds from settings', function () {
        thresholdsFrom({ attendanceBridge: { healthFailAfterMinutes: 2, healthStuckAfterMinutes: 3 } }).should.eql({ failAfterMs: 120000, stuckAfterMs: 180000 });
        thresholdsFrom({}).failAfterMs.should.equal(600000);
    });

    it('HealthTracker keeps failingSince until a success', function () {
        let t = 1000;
        const h = new HealthTracker(() => t);
        h.failure('x');
        t = 2000;
        h.failure('y');
        h.failingSince.should.equal(1000);
        h.lastError.should.equal('y');
        h.success();
        should(h.failingSince).be.undefined();
        h.lastSuccess.should.equal(2000);
    });
});
