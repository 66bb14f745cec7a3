'use strict';
// Normalisation of HikCentral door events and pushed OnEventNotify events.
const should = require('should');
const ev = require('../../dist/lib/artemis/events');
const { splitWindows, formatRequestTime, MAX_WINDOW_MS } = require('../../dist/lib/artemis/window');

const OPTS = { eventTypes: [196893, 198914], doorIndexCodes: [], overrides: [] };
function rec(extra) {
    return {
        eventId: 'e1', eventType: 196893, eventTime: '2026-01-27T08:12:45-03:00', personId: '7', personName: 'Ana García',
        personCode: '000107', doorIndexCode: '1', doorName: 'Main entrance', inAndOutType: 1, readerDevIndexCode: '1011', ...extra,
    };
}

describe('artemis event normalisation', function () {
    it('builds an AttendanceEvent with person, device, raw and the offset kept', function () {
        const r = rec();
        const out = ev.normaliseDoorEvent(r, OPTS);
        out.kind.should.equal('event');
        out.event.should.deepEqual({
            id: 'hikcentral:e1', source: 'hikcentral', person: { id: '7', code: '000107', name: 'Ana García' },
            time: '2026-01-27T08:12:45.000-03:00', direction: 'in', device: { id: '1', name: 'Main entrance' }, raw: r,
        });
        out.ms.should.equal(Date.parse('2026-01-27T11:12:45Z'));
    });

    it('keeps each event\'s own offset, across DST and in other zones', function () {
        ev.normaliseDoorEvent(rec({ eventTime: '2026-10-25T02:30:00+01:00' }), OPTS).event.time.should.equal('2026-10-25T02:30:00.000+01:00');
        ev.normaliseDoorEvent(rec({ eventTime: '2026-10-25T02:30:00+02:00' }), OPTS).event.time.should.equal('2026-10-25T02:30:00.000+02:00');
        ev.normaliseDoorEvent(rec({ eventTime: '2024-09-20T17:58:14.8+08:00' }), OPTS).event.time.should.equal('2024-09-20T17:58:14.800+08:00');
        ev.normaliseDoorEvent(rec({ eventTime: '2026-01-27T11:12:45Z' }), OPTS).event.time.should.equal('2026-01-27T11:12:45.000Z');
    });

    it('maps inAndOutType 1 / 0 / other to in / out / null, numbers or strings', function () {
        ev.normaliseDoorEvent(rec({ inAndOutType: 0 }), OPTS).event.direction.should.equal('out');
        ev.normaliseDoorEvent(rec({ inAndOutType: '1' }), OPTS).event.direction.should.equal('in');
        should(ev.normaliseDoorEvent(rec({ inAndOutType: -1 }), OPTS).event.direction).be.null();
        should(ev.normaliseDoorEvent(rec({ inAndOutType: undefined }), OPTS).event.direction).be.null();
    });

    it('reads HCP\'s checkInAndOutType: 1, 4, 5 in; 2, 3, 6 out; 0 / missing unknown (issue 13, case 17)', function () {
        const hcp = (extra) => {
            const r = rec({ readerDevIndexCode: undefined, readerIndexCode: '1011', readerName: 'Lobby reader in', ...extra });
            delete r.inAndOutType;
            return r;
        };
        for (const t of [1, 4, 5, '1']) ev.normaliseDoorEvent(hcp({ checkInAndOutType: t }), OPTS).event.direction.should.equal('in', String(t));
        for (const t of [2, 3, 6, '6']) ev.normaliseDoorEvent(hcp({ checkInAndOutType: t }), OPTS).event.direction.should.equal('out', String(t));
        for (const t of [0, '0', 7, -1, undefined, null]) should(ev.normaliseDoorEvent(hcp({ checkInAndOutType: t }), OPTS).event.direction).be.null();
        // iSecure's field is still read where present; HCP's wins when it gives a direction
        ev.normaliseDoorEvent(rec({ inAndOutType: 0 }), OPTS).event.direction.should.equal('out');
        ev.normaliseDoorEvent(rec({ inAndOutType: 0, checkInAndOutType: 1 }), OPTS).event.direction.should.equal('in');
        ev.normaliseDoorEvent(rec({ inAndOutType: 1, checkInAndOutType: 0 }), OPTS).event.direction.should.equal('in');
    });

    it('matches reader overrides on HCP\'s readerIndexCode as well as iSecure\'s readerDevIndexCode (issue 13, case 17)', function () {
        const overrides = [{ id: '1', action: 'out' }, { id: '1011', action: 'in' }, { id: '2021', action: 'ignore' }];
        const hcp = (extra) => {
            const r = rec({ readerDevIndexCode: undefined, checkInAndOutType: 2, ...extra });
            delete r.inAndOutType;
            return r;
        };
        ev.normaliseDoorEvent(hcp({ readerIndexCode: '1011' }), { ...OPTS, overrides }).event.direction.should.equal('in');
        ev.normaliseDoorEvent(hcp({ readerIndexCode: '9' }), { ...OPTS, overrides }).event.direction.should.equal('out');
        ev.normaliseDoorEvent(hcp({ readerIndexCode: '2021', doorIndexCode: '3' }), { ...OPTS, overrides }).kind.should.equal('skip');
        ev.normaliseDoorEvent(rec({ readerDevIndexCode: '1011', inAndOutType: 0 }), { ...OPTS, overrides }).event.direction.should.equal('in');
    });

    it('maps HCP pushes: data.personId, personCode, cardNo, checkInAndOutType, readerIndexCode (issue 13, case 17)', function () {
        const body = { method: 'OnEventNotify', params: { ability: 'event_acs', events: [
            { eventId: 'h1', eventType: 196893, happenTime: '2026-01-27T08:00:00.000-03:00', srcIndex: '1', srcName: 'Main', srcType: 'door', status: 0,
                data: { personId: '7', personCode: '000107', cardNo: '', checkInAndOutType: 2, readerIndexCode: '1012', readerName: 'Lobby reader out', picUri: '' } },
            { eventId: 'h2', eventType: 196893, happenTime: '2026-01-27T08:00:01.000-03:00', srcIndex: '1', data: { personId: '', personCode: '', checkInAndOutType: 0 } },
        ] } };
        const list = ev.pushEvents(body);
        const idx = ev.indexPersons([{ personId: '7', personCode: '000107', personGivenName: 'Ana', personFamilyName: 'García' }]);
        const resolve = (no) => idx.byId.get(no) || idx.byCode.get(no);
        const out = ev.normaliseDoorEvent(ev.pushToDoorRecord(list[0], resolve), OPTS);
        out.event.should.have.properties({ id: 'hikcentral:h1', direction: 'out', time: '2026-01-27T08:00:00.000-03:00' });
        out.event.person.should.deepEqual({ id: '7', code: '000107', name: 'Ana García' });
        out.event.device.should.deepEqual({ id: '1', name: 'Main' });
        // without the person list: the push's own person id and code
        ev.normaliseDoorEvent(ev.pushToDoorRecord(list[0]), OPTS).event.person.should.deepEqual({ id: '7', code: '000107' });
        ev.normaliseDoorEvent(ev.pushToDoorRecord(list[1], resolve), OPTS).kind.should.equal('skip');
        // the reader override matches the pushed readerIndexCode
        ev.normaliseDoorEvent(ev.pushToDoorRecord(list[0]), { ...OPTS, overrides: [{ id: '1012', action: 'in' }] }).event.direction.should.equal('in');
    });

    it('applies overrides: reader before door; ignore skips', function () {
        const overrides = [{ id: '1', action: 'out' }, { id: '1011', action: 'in' }, { id: '2', action: 'ignore' }];
        ev.normaliseDoorEvent(rec({ inAndOutType: 0 }), { ...OPTS, overrides }).event.direction.should.equal('in');
        ev.normaliseDoorEvent(rec({ readerDevIndexCode: '9' }), { ...OPTS, overrides }).event.direction.should.equal('out');
        ev.normaliseDoorEvent(rec({ doorIndexCode: '2', readerDevIndexCode: '9' }), { ...OPTS, overrides }).kind.should.equal('skip');
    });

    it('falls back to jobNo and to given/family names', function () {
        const out = ev.normaliseDoorEvent(rec({ personCode: undefined, jobNo: '000042', personName: undefined, personGivenName: 'Ana', personFamilyName: 'Sosa' }), OPTS);
        out.event.person.should.deepEqual({ id: '7', code: '000042', name: 'Ana Sosa' });
    });

    it('never counts 197151 (failed face), even when configured', function () {
        ev.normaliseDoorEvent(rec({ eventType: 197151 }), { ...OPTS, eventTypes: [197151, 196893] }).kind.should.equal('skip');
        const parsed = ev.parseEventTypes('196893, 197151 198914;x');
        parsed.types.should.deepEqual([196893, 198914]);
        parsed.refused.should.deepEqual([197151]);
        parsed.invalid.should.deepEqual(['x']);
    });

    it('filters event types and doors', function () {
        ev.normaliseDoorEvent(rec({ eventType: 197634 }), OPTS).kind.should.equal('skip');
        ev.normaliseDoorEvent(rec(), { ...OPTS, doorIndexCodes: ['2'] }).kind.should.equal('skip');
        ev.normaliseDoorEvent(rec(), { ...OPTS, doorIndexCodes: ['1', '2'] }).kind.should.equal('event');
    });

    it('skips door events without a person and reports malformed records', function () {
        for (const personId of ['', '0', '-1', null]) ev.normaliseDoorEvent(rec({ personId }), OPTS).kind.should.equal('skip');
        const noField = rec();
        delete noField.personId;
        ev.normaliseDoorEvent(noField, OPTS).should.have.properties({ kind: 'problem', id: 'hikcentral:e1' });
        ev.normaliseDoorEvent(rec({ eventTime: '2026-01-27 08:12:45' }), OPTS).kind.should.equal('problem');
        ev.normaliseDoorEvent(rec({ eventTime: '2026-02-30T08:00:00-03:00' }), OPTS).kind.should.equal('problem');
        ev.normaliseDoorEvent(rec({ eventId: undefined }), OPTS).kind.should.equal('problem');
        ev.normaliseDoorEvent('garbage', OPTS).kind.should.equal('problem');
    });

    it('maps pushed OnEventNotify events, resolving the person number through the person list', function () {
        const body = { method: 'OnEventNotify', params: { ability: 'event_acs', events: [
            { eventId: 'p1', eventType: 198914, happenTime: '2026-01-27T08:00:00.000-03:00', srcIndex: '1', srcName: 'Main', srcType: 'door',
                data: { ExtEventPersonNo: '000107', ExtEventInOut: 0, ExtEventReaderID: '1012', ExtEventCardNo: '1000007' } },
            { eventId: 'p2', eventType: 198914, happenTime: '2026-01-27T08:00:01.000-03:00', srcIndex: '1', data: { ExtEventPersonNo: '0' } },
        ] } };
        const list = ev.pushEvents(body);
        list.should.have.length(2);
        should(ev.pushEvents({ method: 'x' })).be.null();
        const idx = ev.indexPersons([{ personId: '7', personCode: '000107', personGivenName: 'Ana', personFamilyName: 'García' }, { nope: 1 }]);
        const resolve = (no) => idx.byId.get(no) || idx.byCode.get(no);
        const out = ev.normaliseDoorEvent(ev.pushToDoorRecord(list[0], resolve), OPTS);
        out.event.should.have.properties({ id: 'hikcentral:p1', direction: 'out', time: '2026-01-27T08:00:00.000-03:00' });
        out.event.person.should.deepEqual({ id: '7', code: '000107', name: 'Ana García' });
        out.event.device.should.deepEqual({ id: '1', name: 'Main' });
        ev.normaliseDoorEvent(ev.pushToDoorRecord(list[1], resolve), OPTS).kind.should.equal('skip');
        // unknown person number: the number is both id and code
        const unknown = ev.normaliseDoorEvent(ev.pushToDoorRecord(list[0], () => undefined), OPTS);
        unknown.event.person.should.deepEqual({ id: '000107', code: '000107' });
    });

    it('ids named like object keys work as persons, overrides and push persons (issue 13, case 4)', function () {
        for (const id of ['__proto__', 'constructor', 'toString']) {
            const overrides = ev.parseOverrides([{ id, action: 'out' }]).overrides;
            ev.normaliseDoorEvent(rec({ readerIndexCode: id, inAndOutType: 1, personId: id, eventId: id }), { ...OPTS, overrides }).event.should.have.properties({ id: 'hikcentral:' + id, direction: 'out' });
            ev.normaliseDoorEvent(rec({ doorIndexCode: id }), { ...OPTS, overrides: [] }).event.device.id.should.equal(id);
            const idx = ev.indexPersons([{ personId: id, personCode: id, personName: 'X' }]);
            idx.byId.get(id).should.deepEqual({ personId: id, personCode: id, personName: 'X' });
            should(ev.indexPersons([]).byId.get(id)).be.undefined();
            const pushed = ev.pushToDoorRecord({ eventId: 'p', eventType: 196893, happenTime: '2026-01-27T08:00:00-03:00', srcIndex: '1', data: JSON.parse(`{"ExtEventPersonNo": "${id}"}`) }, (no) => idx.byCode.get(no));
            ev.normaliseDoorEvent(pushed, OPTS).event.person.id.should.equal(id);
            // a push without person fields is a problem, whatever the prototype says
            ev.normaliseDoorEvent(ev.pushToDoorRecord({ eventId: 'q', eventType: 196893, happenTime: '2026-01-27T08:00:00-03:00' }), OPTS).kind.should.equal('problem');
        }
    });

    it('parses override rows and code lists', function () {
        const p = ev.parseOverrides([{ id: ' 1 ', action: 'IN' }, { id: '2', action: 'sideways' }, { id: '', action: 'in' }, 'x']);
        p.overrides.should.deepEqual([{ id: '1', action: 'in' }]);
        p.invalid.should.deepEqual(['2']);
        ev.parseCodeList('1, 2 2;3').should.deepEqual(['1', '2', '3']);
    });
});

describe('artemis query windows', function () {
    it('splits ranges into windows of at most 31 days', function () {
        const day = 24 * 3600 * 1000;
        splitWindows(0, 70 * day).should.deepEqual([[0, 31 * day], [31 * day, 62 * day], [62 * day, 70 * day]]);
        splitWindows(0, 31 * day).should.have.length(1);
        splitWindows(5, 5).should.deepEqual([]);
        for (const [a, b] of splitWindows(0, 400 * day)) (b - a).should.be.belowOrEqual(MAX_WINDOW_MS);
    });

    it('formats request times with seconds and offset', function () {
        formatRequestTime(Date.parse('2026-01-27T11:12:45.678Z'), 'America/Argentina/Buenos_Aires').should.equal('2026-01-27T08:12:45-03:00');
        formatRequestTime(0, 'UTC').should.equal('1970-01-01T00:00:00+00:00');
        // across a DST change the offset follows the zone
        formatRequestTime(Date.parse('2026-03-29T00:30:00Z'), 'Europe/Madrid').should.equal('2026-03-29T01:30:00+01:00');
        formatRequestTime(Date.parse('2026-03-29T01:30:00Z'), 'Europe/Madrid').should.equal('2026-03-29T03:30:00+02:00');
        // an invalid zone falls back to the host zone instead of failing
        formatRequestTime(0, 'Not/AZone').should.match(/^19(69|70)-\d{2}-\d{2}T\d{2}:00:00[+-]\d{2}:\d{2}$/);
    });
});
