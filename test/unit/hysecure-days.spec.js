'use strict';
const should = require('should');
const { DateTime } = require('luxon');
const { planEvents, eventId } = require('../../dist/lib/hysecure/days');
const { dayStart, reportDay, dayClosesAt } = require('../../dist/lib/hysecure/reportday');
const { validateRows } = require('../../dist/lib/hysecure/rows');
const { readReportTime } = require('../../dist/lib/hysecure/localtime');

const MIN = 60 * 1000;

function at(iso) {
    return DateTime.fromISO(iso, { setZone: true }).toMillis();
}

function plan(rows, opts) {
    const zone = opts.zone || 'America/Santiago';
    const startOfDay = opts.startOfDay || '00:00:00';
    const v = validateRows(rows, { zone, startOfDay });
    const emitted = new Set(opts.emitted || []);
    const p = planEvents(v.sessions, {
        zone,
        startOfDay,
        closeGraceMs: opts.closeGraceMs === undefined ? 30 * MIN : opts.closeGraceMs,
        nowMs: opts.now,
        isEmitted: (id) => emitted.has(id),
        deviceName: opts.deviceName,
    });
    p.validation = v;
    return p;
}

function row(user, login, logout, extra) {
    return Object.assign({ UserID: user, Realm: 'Remote', FirstLoginDateTime: login, LastLogoutDateTime: logout }, extra || {});
}

describe('hysecure day logic', function () {
    describe('in and out', function () {
        const rows = [row('000101', '2025-03-10 08:05:00', '2025-03-10 17:40:12')];

        it('emits "in" as soon as it is seen, "out" only after the day closed plus the grace', function () {
            let p = plan(rows, { now: at('2025-03-10T12:00:00-03:00') });
            p.events.map((e) => e.event.id).should.eql(['hysecure:000101:2025-03-10:in']);
            p.stats.open.should.equal(1);
            const ev = p.events[0].event;
            ev.should.eql({
                id: 'hysecure:000101:2025-03-10:in',
                source: 'hysecure',
                person: { id: '000101', code: '000101' },
                time: '2025-03-10T08:05:00.000-03:00',
                direction: 'in',
                device: { id: 'hysecure', name: 'Remote' },
                raw: rows[0],
            });
            // one ms before midnight + 30 min: still open
            p = plan(rows, { now: at('2025-03-11T00:29:59.999-03:00'), emitted: ['hysecure:000101:2025-03-10:in'] });
            p.events.should.have.length(0);
            p = plan(rows, { now: at('2025-03-11T00:30:00-03:00'), emitted: ['hysecure:000101:2025-03-10:in'] });
            p.events.map((e) => e.event.id).should.eql(['hysecure:000101:2025-03-10:out']);
            p.events[0].event.time.should.equal('2025-03-10T17:40:12.000-03:00');
            p.events[0].event.direction.should.equal('out');
        });

        it('emits both, in then out, when a closed day is first seen; nothing when both are remembered', function () {
            let p = plan(rows, { now: at('2025-03-12T10:00:00-03:00') });
            p.events.map((e) => e.event.direction).should.eql(['in', 'out']);
            p = plan(rows, { now: at('2025-03-12T10:00:00-03:00'), emitted: p.events.map((e) => e.event.id) });
            p.events.should.have.length(0);
        });

        it('a closed day without logout waits (still connected) and emits the out when the logout appears', function () {
            const open = [row('000102', '2025-03-10 08:00:00', null)];
            let p = plan(open, { now: at('2025-03-11T09:00:00-03:00'), emitted: [eventId('000102', '2025-03-10', 'in')] });
            p.events.should.have.length(0);
            p.stats.waitingLogout.should.equal(1);
            const later = [row('000102', '2025-03-10 08:00:00', '2025-03-11 01:15:00')];
            p = plan(later, { now: at('2025-03-11T09:00:00-03:00'), emitted: [eventId('000102', '2025-03-10', 'in')] });
            p.events.map((e) => e.event.time).should.eql(['2025-03-11T01:15:00.000-03:00']);
        });

        it('night shift with StartOfDay 12:00:00: login and logout on two dates make one report day', function () {
            const night = [row('000103', '2025-03-10 22:02:00', '2025-03-11 06:10:00')];
            const o = { startOfDay: '12:00:00' };
            let p = plan(night, Object.assign({ now: at('2025-03-11T07:00:00-03:00') }, o));
            p.events.map((e) => e.event.id).should.eql(['hysecure:000103:2025-03-10:in']);
            p = plan(night, Object.assign({ now: at('2025-03-11T12:29:00-03:00'), emitted: ['hysecure:000103:2025-03-10:in'] }, o));
            p.events.should.have.length(0);
            p = plan(night, Object.assign({ now: at('2025-03-11T12:30:00-03:00'), emitted: ['hysecure:000103:2025-03-10:in'] }, o));
            p.events.map((e) => [e.event.id, e.event.time]).should.eql([['hysecure:000103:2025-03-10:out', '2025-03-11T06:10:00.000-03:00']]);
        });

        it('orders events by time across users, "in" before "out" at the same instant', function () {
            const p = plan(
                [
                    row('b', '2025-03-10 09:00:00', '2025-03-10 18:00:00'),
                    row('a', '2025-03-10 08:00:00', '2025-03-10 09:00:00'),
                    row('c', '2025-03-10 07:00:00', '2025-03-10 12:00:00'),
                ],
                { now: at('2025-03-12T00:00:00-03:00') },
            );
            p.events.map((e) => e.event.id).should.eql([
                'hysecure:c:2025-03-10:in',
                'hysecure:a:2025-03-10:in',
                'hysecure:b:2025-03-10:in',
                'hysecure:a:2025-03-10:out',
                'hysecure:c:2025-03-10:out',
                'hysecure:b:2025-03-10:out',
            ]);
        });

        it('uses the server name for device.name when given, the Realm otherwise', function () {
            const p = plan(rows, { now: at('2025-03-10T12:00:00-03:00'), deviceName: 'VPN Santiago' });
            p.events[0].event.device.should.eql({ id: 'hysecure', name: 'VPN Santiago' });
            const q = plan([row('x', '2025-03-10 08:00:00', null, { Realm: undefined })], { now: at('2025-03-10T12:00:00-03:00') });
            q.events[0].event.device.should.eql({ id: 'hysecure' });
        });

        it('holds a login in the future (beyond 2 minutes) and a logout in the future, reporting both', function () {
            let p = plan([row('f', '2025-03-10 12:10:00', null)], { now: at('2025-03-10T12:00:00-03:00') });
            p.events.should.have.length(0);
            p.problems.map((x) => x.kind).should.eql(['future-login']);
            p = plan([row('f', '2025-03-10 12:01:00', null)], { now: at('2025-03-10T12:00:00-03:00') });
            p.events.should.have.length(1);
            // closed day whose logout is in the future: clock skew between gateway and Node-RED
            p = plan([row('g', '2025-03-10 08:00:00', '2025-03-11 09:00:00')], { now: at('2025-03-11T01:00:00-03:00'), emitted: ['hysecure:g:2025-03-10:in'] });
            p.events.should.have.length(0);
            p.problems.map((x) => x.kind).should.eql(['future-logout']);
        });
    });

    describe('DST: America/Santiago', function () {
        // 2025-04-06 00:00 -03 -> 2025-04-05 23:00 -04 (overlap 23:00-23:59 on the 5th)
        // 2025-09-07 00:00 -04 -> 01:00 -03 (gap 00:00-00:59 on the 7th)
        const zone = 'America/Santiago';

        it('a login in the gap moves forward by the gap; the day starts at the first real instant', function () {
            dayStart('2025-09-07', { zone, startOfDay: '00:00:00' }).toISO().should.equal('2025-09-07T01:00:00.000-03:00');
            const p = plan([row('s1', '2025-09-07 00:30:00', '2025-09-07 08:00:00')], { zone, now: at('2025-09-08T01:00:00-03:00') });
            p.events.map((e) => [e.event.id, e.event.time]).should.eql([
                ['hysecure:s1:2025-09-07:in', '2025-09-07T01:30:00.000-03:00'],
                ['hysecure:s1:2025-09-07:out', '2025-09-07T08:00:00.000-03:00'],
            ]);
        });

        it('a 23-hour day closes at the next local midnight plus grace', function () {
            dayClosesAt('2025-09-07', { zone, startOfDay: '00:00:00' }, 30 * MIN).should.equal(at('2025-09-08T00:30:00-03:00'));
            const o = { zone, startOfDay: '00:00:00' };
            (dayClosesAt('2025-09-07', o, 0) - dayStart('2025-09-07', o).toMillis()).should.equal(23 * 60 * MIN);
            (dayClosesAt('2025-09-06', o, 0) - dayStart('2025-09-06', o).toMillis()).should.equal(24 * 60 * MIN);
        });

        it('times in the overlap: login takes the first occurrence, logout the earliest one not before the login', function () {
            const p = plan([row('s2', '2025-04-05 23:30:00', '2025-04-05 23:10:00')], { zone, now: at('2025-04-07T00:00:00-04:00') });
            p.problems.should.have.length(0);
            p.events.map((e) => e.event.time).should.eql(['2025-04-05T23:30:00.000-03:00', '2025-04-05T23:10:00.000-04:00']);
            p.events.every((e) => e.day === '2025-04-05').should.be.true();
        });

        it('a 25-hour day: 2025-04-05 ends at 00:00 -04:00', function () {
            const o = { zone, startOfDay: '00:00:00' };
            (dayClosesAt('2025-04-05', o, 0) - dayStart('2025-04-05', o).toMillis()).should.equal(25 * 60 * MIN);
            reportDay(DateTime.fromISO('2025-04-06T03:30:00Z'), o).should.equal('2025-04-05'); // 23:30 -04:00, second pass
        });
    });

    describe('DST: Europe/Madrid', function () {
        // 2025-03-30 02:00 +01 -> 03:00 +02 (gap); 2025-10-26 03:00 +02 -> 02:00 +01 (overlap 02:00-02:59)
        const zone = 'Europe/Madrid';

        it('gap: 02:30 reads as 03:30 +02:00; a StartOfDay in the gap starts the day at the same shifted time', function () {
            readReportTime('2025-03-30 02:30:00', zone).kind.should.equal('gap');
            const p = plan([row('m1', '2025-03-30 02:30:00', null)], { zone, now: at('2025-03-30T12:00:00+02:00') });
            p.events[0].event.time.should.equal('2025-03-30T03:30:00.000+02:00');
            dayStart('2025-03-30', { zone, startOfDay: '02:30:00' }).toISO().should.equal('2025-03-30T03:30:00.000+02:00');
        });

        it('overlap: 02:30 is the first occurrence (+02:00), not luxon\'s default (+01:00)', function () {
            DateTime.fromSQL('2025-10-26 02:30:00', { zone }).offset.should.equal(60); // what luxon alone would do
            const r = readReportTime('2025-10-26 02:30:00', zone);
            r.kind.should.equal('overlap');
            r.candidates.map((c) => c.toISO()).should.eql(['2025-10-26T02:30:00.000+02:00', '2025-10-26T02:30:00.000+01:00']);
            const p = plan([row('m2', '2025-10-26 02:30:00', '2025-10-26 02:10:00')], { zone, now: at('2025-10-27T12:00:00+01:00') });
            p.events.map((e) => e.event.time).should.eql(['2025-10-26T02:30:00.000+02:00', '2025-10-26T02:10:00.000+01:00']);
        });

        it('StartOfDay inside the repeated hour starts the day at its first occurrence', function () {
            const o = { zone, startOfDay: '02:30:00' };
            dayStart('2025-10-26', o).toISO().should.equal('2025-10-26T02:30:00.000+02:00');
            // 02:15 +01:00 comes after the first 02:30 +02:00: same report day although its wall time is earlier
            reportDay(DateTime.fromISO('2025-10-26T02:15:00+01:00'), o).should.equal('2025-10-26');
            reportDay(DateTime.fromISO('2025-10-26T02:15:00+02:00'), o).should.equal('2025-10-25');
        });
    });

    describe('time order per person across report days (issue 13, case 12)', function () {
        const D = '2025-03-10';
        const IN_D = 'hysecure:000101:2025-03-10:in';
        const OUT_D = 'hysecure:000101:2025-03-10:out';
        const IN_D1 = 'hysecure:000101:2025-03-11:in';
        const rows = [
            row('000101', `${D} 09:00:00`, `${D} 18:00:00`),
            row('000101', '2025-03-11 00:05:00', null),
            row('000102', '2025-03-11 00:07:00', null),
        ];

        it('a later day\'s in waits while the earlier day is open; then out(D) before in(D+1)', function () {
            let p = plan(rows, { now: at('2025-03-11T00:10:00-03:00') });
            // 000102 has no earlier day: not held
            p.events.map((e) => e.event.id).should.eql([IN_D, 'hysecure:000102:2025-03-11:in']);
            p.held.map((h) => [h.id, h.day, h.blockedBy]).should.eql([[IN_D1, '2025-03-11', D]]);
            p.stats.held.should.equal(1);
            p = plan(rows, { now: at('2025-03-11T00:29:00-03:00'), emitted: [IN_D, 'hysecure:000102:2025-03-11:in'] });
            p.events.should.have.length(0);
            p.held.map((h) => h.id).should.eql([IN_D1]);
            p = plan(rows, { now: at('2025-03-11T00:30:00-03:00'), emitted: [IN_D, 'hysecure:000102:2025-03-11:in'] });
            p.events.map((e) => e.event.id).should.eql([OUT_D, IN_D1]);
            p.held.should.have.length(0);
        });

        it('a closed day without a logout is known absent: the later day is released; a logout seen later is not emitted after it', function () {
            const open = [row('000101', `${D} 09:00:00`, null), row('000101', '2025-03-11 08:00:00', null)];
            let p = plan(open, { now: at('2025-03-11T09:00:00-03:00'), emitted: [IN_D] });
            p.events.map((e) => e.event.id).should.eql([IN_D1]);
            p.stats.waitingLogout.should.equal(1);
            p.held.should.have.length(0);
            const later = [row('000101', `${D} 09:00:00`, `${D} 19:00:00`), row('000101', '2025-03-11 08:00:00', null)];
            p = plan(later, { now: at('2025-03-11T10:00:00-03:00'), emitted: [IN_D, IN_D1] });
            p.events.should.have.length(0);
            p.problems.map((x) => x.kind).should.eql(['late-logout']);
        });

        it('one person\'s days stay in day order even when the earlier out is later in time', function () {
            // a night session of D ends after the person's next day began (StartOfDay 00:00)
            const night = [row('000101', `${D} 22:00:00`, '2025-03-11 00:50:00', { Date: D }), row('000101', '2025-03-11 00:20:00', '2025-03-11 08:00:00')];
            const p = plan(night, { now: at('2025-03-12T01:00:00-03:00') });
            p.events.map((e) => e.event.id).should.eql([IN_D, OUT_D, IN_D1, 'hysecure:000101:2025-03-11:out']);
        });
    });
});
