'use strict';
require('should');
const { DateTime } = require('luxon');
const { dayStart, reportDay, dayClosesAt } = require('../../dist/lib/hysecure/reportday');

const MIN = 60 * 1000;

function at(iso) {
    return DateTime.fromISO(iso, { setZone: true }).toMillis();
}

describe('hysecure report days', function () {
    it('midnight start: the calendar day in the zone', function () {
        const o = { zone: 'America/Santiago', startOfDay: '00:00:00' };
        reportDay(DateTime.fromISO('2025-03-11T02:59:59Z'), o).should.equal('2025-03-10'); // 23:59:59 -03:00
        reportDay(DateTime.fromISO('2025-03-11T03:00:00Z'), o).should.equal('2025-03-11');
    });

    it('StartOfDay 06:00:00: times before 06:00 belong to the previous day (night shift)', function () {
        const o = { zone: 'America/Santiago', startOfDay: '06:00:00' };
        dayStart('2025-03-11', o).toISO().should.equal('2025-03-11T06:00:00.000-03:00');
        reportDay(DateTime.fromISO('2025-03-11T05:59:59-03:00'), o).should.equal('2025-03-10');
        reportDay(DateTime.fromISO('2025-03-11T06:00:00-03:00'), o).should.equal('2025-03-11');
        dayClosesAt('2025-03-10', o, 30 * MIN).should.equal(at('2025-03-11T06:30:00-03:00'));
    });
});
