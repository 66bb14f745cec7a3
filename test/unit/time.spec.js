'use strict';
const should = require('should');
const { DateTime } = require('luxon');
const { parseOffsetTime, formatIso, localDay, shortTime, isValidZone } = require('../../dist/lib/time');

describe('time helpers', function () {
    it('parses ISO times with an offset only, keeping the offset', function () {
        const p = parseOffsetTime('2026-01-27T08:12:45.123-03:00');
        p.ms.should.equal(Date.parse('2026-01-27T11:12:45.123Z'));
        p.dt.offset.should.equal(-180);
        parseOffsetTime('2026-01-27T08:12:45Z').ms.should.equal(Date.parse('2026-01-27T08:12:45Z'));
        parseOffsetTime(' 2026-01-27T08:12:45+0530 ').dt.offset.should.equal(330);
        should(parseOffsetTime('2026-01-27T08:12:45')).be.null(); // no offset: ambiguous
        should(parseOffsetTime('2026-01-27')).be.null();
        should(parseOffsetTime('2026-13-01T00:00:00Z')).be.null();
        should(parseOffsetTime(1769500000000)).be.null();
    });
    it('formats with milliseconds and the offset of the zone', function () {
        formatIso(DateTime.fromISO('2026-01-27T08:12:45-03:00', { setZone: true })).should.equal('2026-01-27T08:12:45.000-03:00');
        formatIso(DateTime.fromMillis(0, { zone: 'UTC' })).should.equal('1970-01-01T00:00:00.000Z');
    });
    it('gives the local day and HH:MM in the written offset, and validates zones', function () {
        const dt = parseOffsetTime('2026-01-27T22:30:00-03:00').dt;
        localDay(dt).should.equal('2026-01-27');
        shortTime(dt).should.equal('22:30');
        isValidZone('America/Argentina/Buenos_Aires').should.be.true();
        isValidZone('Mars/Olympus').should.be.false();
    });
});
