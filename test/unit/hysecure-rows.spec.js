'use strict';
const should = require('should');
const { validateRows } = require('../../dist/lib/hysecure/rows');
const { readReportTime, parseWall, isDay, parseTimeOfDay } = require('../../dist/lib/hysecure/localtime');

const O = { zone: 'America/Santiago', startOfDay: '00:00:00' };

function row(user, login, logout, extra) {
    return Object.assign({ UserID: user, Realm: 'R', FirstLoginDateTime: login, LastLogoutDateTime: logout }, extra || {});
}

describe('hysecure rows', function () {
    it('accepts a good row and computes its report day', function () {
        const v = validateRows([row('000101', '2025-03-10 08:00:00', '2025-03-10 17:00:00')], O);
        v.rows.should.equal(1);
        v.problems.should.eql([]);
        v.sessions.should.have.length(1);
        const s = v.sessions[0];
        s.userId.should.equal('000101');
        s.day.should.equal('2025-03-10');
        s.login.toISO().should.equal('2025-03-10T08:00:00.000-03:00');
        s.logout.toISO().should.equal('2025-03-10T17:00:00.000-03:00');
        s.realm.should.equal('R');
    });

    it('treats a missing or null data list as no rows', function () {
        validateRows(undefined, O).should.eql({ sessions: [], problems: [], rows: 0 });
        validateRows(null, O).should.eql({ sessions: [], problems: [], rows: 0 });
        validateRows([], O).should.eql({ sessions: [], problems: [], rows: 0 });
    });

    it('skips rows that are not objects, have no UserID, or no / unreadable login; keeps the others', function () {
        const v = validateRows(
            [
                'text',
                null,
                row('', '2025-03-10 08:00:00', null),
                row(undefined, '2025-03-10 08:00:00', null),
                row('a', null, '2025-03-10 09:00:00'),
                row('b', '', null),
                row('c', 'yesterday', null),
                row('d', '2025-02-30 08:00:00', null),
                row('e', '2025-03-10 25:00:00', null),
                row('ok', '2025-03-10 08:00:00', null),
            ],
            O,
        );
        v.rows.should.equal(10);
        v.sessions.map((s) => s.userId).should.eql(['ok']);
        v.problems.map((p) => p.kind).should.eql(['not-object', 'not-object', 'no-user', 'no-user', 'no-login', 'no-login', 'bad-login', 'bad-login', 'bad-login']);
        v.problems[6].message.should.match(/c: unreadable FirstLoginDateTime "yesterday"/);
    });

    it('keeps the login but marks the logout unusable when it is unreadable or before the login', function () {
        const v = validateRows([row('a', '2025-03-10 08:00:00', 'soon'), row('b', '2025-03-10 08:00:00', '2025-03-10 07:59:59')], O);
        v.sessions.map((s) => [s.userId, s.logout, s.logoutProblem]).should.eql([
            ['a', null, 'bad-logout'],
            ['b', null, 'logout-before-login'],
        ]);
        v.problems.map((p) => p.kind).should.eql(['bad-logout', 'logout-before-login']);
    });

    it('merges duplicated rows of the same user and day (earliest login, latest logout) and reports them', function () {
        const v = validateRows(
            [
                row('a', '2025-03-10 09:00:00', '2025-03-10 12:00:00', { Realm: 'R1' }),
                row('a', '2025-03-10 08:00:00', '2025-03-10 11:00:00', { Realm: 'R2' }),
                row('a', '2025-03-10 08:00:00', '2025-03-10 11:00:00', { Realm: 'R2' }),
                row('a', '2025-03-11 08:00:00', null),
            ],
            O,
        );
        v.sessions.should.have.length(2);
        const s = v.sessions[0];
        s.login.toISO().should.equal('2025-03-10T08:00:00.000-03:00');
        s.logout.toISO().should.equal('2025-03-10T12:00:00.000-03:00');
        v.problems.map((p) => p.kind).should.eql(['duplicate', 'duplicate']);
    });

    it('a usable logout from a duplicate wins over an unreadable one', function () {
        const v = validateRows([row('a', '2025-03-10 08:00:00', 'garbage'), row('a', '2025-03-10 08:30:00', '2025-03-10 17:00:00')], O);
        v.sessions[0].logout.toISO().should.equal('2025-03-10T17:00:00.000-03:00');
        should(v.sessions[0].logoutProblem).be.undefined();
    });

    it('accepts numeric UserIDs as strings, a display name, and a report day stated by the row', function () {
        const v = validateRows([row(123, '2025-03-11 01:00:00', null, { UserName: 'Ana García', Date: '2025-03-10' })], O);
        v.sessions[0].userId.should.equal('123');
        v.sessions[0].name.should.equal('Ana García');
        v.sessions[0].day.should.equal('2025-03-10');
    });

    it('reads times with T, fractions and explicit offsets', function () {
        readReportTime('2025-03-10T08:00:00', O.zone).candidates[0].toISO().should.equal('2025-03-10T08:00:00.000-03:00');
        readReportTime('2025-03-10 08:00:00.5', O.zone).candidates[0].toISO().should.equal('2025-03-10T08:00:00.500-03:00');
        readReportTime('2025-03-10T11:00:00Z', O.zone).candidates[0].toISO().should.equal('2025-03-10T08:00:00.000-03:00');
        should(readReportTime(20250310, O.zone)).be.null();
        should(readReportTime('2025-03-10', O.zone)).be.null();
        should(parseWall('2025-13-01 00:00:00')).be.null();
        isDay('2025-02-29').should.be.false();
        isDay('2024-02-29').should.be.true();
        should(parseTimeOfDay('24:00:00')).be.null();
        parseTimeOfDay('6:00').should.eql({ hour: 6, minute: 0, second: 0 });
    });
});
