'use strict';
require('should');
const { readEventsOptions } = require('../../dist/lib/artemis/options');

describe('artemis-events options', function () {
    it('reads the defaults of a flow without the properties', function () {
        const o = readEventsOptions({}, 'n1');
        o.mode.should.equal('poll');
        o.pollEveryMs.should.equal(60000);
        o.store.should.equal('');
        o.subscribedTypes.should.deepEqual([196893, 198914]);
        o.pushPath.should.equal('/attendance-bridge/artemis/n1');
        o.pushBaseUrl.should.equal('');
        o.engine.should.match({ overlapMs: 300000, initialLookbackMs: 0, pageSize: 200, eventTypeMode: 'auto' });
        o.engine.normalise.should.deepEqual({ eventTypes: [], doorIndexCodes: [], overrides: [] });
        o.engine.formatTime(Date.parse('2026-01-27T12:00:00Z')).should.be.a.String();
    });

    it('reads the editor texts, clamps numbers, and reports what it ignores', function () {
        const o = readEventsOptions(
            { mode: 'push', interval: '5', safetyInterval: '3', overlap: '60', initialLookback: '10', pageSize: '5000', eventTypes: '196893; 197151, x', eventTypeMode: 'perType', doors: '1, 2 2', overrides: [{ id: '1', action: 'out' }, { id: '2', action: 'sideways' }], timezone: ' America/Santiago ', store: ' file ', pushPath: 'hik', pushBaseUrl: ' http://nr:1880/ ' },
            'n1',
        );
        o.mode.should.equal('push');
        o.pollEveryMs.should.equal(600000); // the safety interval (at least 10 s) in push mode
        o.store.should.equal('file');
        o.subscribedTypes.should.deepEqual([196893]);
        o.refusedTypes.should.deepEqual([197151]);
        o.invalidTypes.should.deepEqual(['x']);
        o.invalidOverrides.should.deepEqual(['2']);
        o.pushPath.should.equal('/hik');
        o.pushBaseUrl.should.equal('http://nr:1880/');
        o.engine.should.match({ overlapMs: 60000, initialLookbackMs: 600000, pageSize: 500, eventTypeMode: 'perType' });
        o.engine.normalise.doorIndexCodes.should.deepEqual(['1', '2']);
        o.engine.formatTime(Date.parse('2026-01-27T12:00:00Z')).should.match(/-03:00$/);
        readEventsOptions({ interval: '5', pushPath: '/x' }, 'n').should.match({ pollEveryMs: 5000, pushPath: '/x' });
    });

    it('clamps the page size to HikCentral Professional\'s 1–500 (issue 13, case 17)', function () {
        readEventsOptions({ pageSize: 1000 }, 'n').engine.pageSize.should.equal(500);
        readEventsOptions({ pageSize: '501' }, 'n').engine.pageSize.should.equal(500);
        readEventsOptions({ pageSize: 500 }, 'n').engine.pageSize.should.equal(500);
        readEventsOptions({ pageSize: 0 }, 'n').engine.pageSize.should.equal(200);
        readEventsOptions({ pageSize: 1 }, 'n').engine.pageSize.should.equal(1);
    });
});
