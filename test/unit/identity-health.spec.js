'use strict';
const should = require('should');
const { identityHealth } = require('../../dist/lib/identity/health');
const { HealthTracker } = require('../../dist/lib/health');

const base = { id: 'm1', tableSize: 2, fallback: false, lookup: 'person.code', humandField: 'email' };

describe('identity health', function () {
    it('a table-only node: its sources and the tracker\'s counts and times', function () {
        const tracker = new HealthTracker(() => 5000);
        tracker.success();
        tracker.count('mapped');
        const h = identityHealth({ ...base, tracker });
        h.should.eql({
            id: 'm1',
            type: 'identity-map',
            name: 'identity-map',
            lastSuccess: 5000,
            cursor: undefined,
            nextRetryAt: undefined,
            lastError: undefined,
            lastErrorAt: undefined,
            failingSince: undefined,
            counts: { mapped: 1 },
            details: { tableSize: 2, fallback: false, lookup: 'person.code', humandField: 'email' },
        });
        tracker.count('mapped');
        h.counts.mapped.should.equal(1); // a copy
    });

    it('with a directory: its size, age, origin and errors win over the tracker', function () {
        const tracker = new HealthTracker(() => 1);
        tracker.failure('tracked');
        const state = {
            directory: { size: 10, inactive: 2, ambiguousKeys: 1 },
            refreshedAt: Date.parse('2026-01-27T12:00:00Z'),
            origin: 'cache',
            lastSuccess: 900,
            nextRefreshAt: 2000,
            lastError: 'HTTP 503',
            lastErrorAt: 950,
            failingSince: 940,
            refreshing: false,
            refreshes: 1,
            failures: 1,
        };
        const h = identityHealth({ ...base, name: 'Badges', state, tracker });
        h.should.containEql({ name: 'Badges', lastSuccess: 900, cursor: '2026-01-27T12:00:00.000Z', nextRetryAt: 2000, lastError: 'HTTP 503', lastErrorAt: 950, failingSince: 940 });
        h.details.should.containEql({ directorySize: 10, inactive: 2, ambiguousKeys: 1, refreshedAt: '2026-01-27T12:00:00.000Z', directoryFrom: 'cache' });
        identityHealth({ ...base, setupError: 'no path', state, tracker }).lastError.should.equal('no path');
    });
});
