'use strict';
const should = require('should');
const fs = require('fs');
const path = require('path');
const { HySecureClient, HySecureError } = require('../../dist/lib/hysecure/client');
const { createHySecureSimulator, reportDayOf } = require('../../sim/hysecure');

const CA = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'tls', 'ca.pem'), 'utf8');
const PASSWORD = 'S3cr3t-pa55';
const FILTERS = { startDate: '2025-03-09', endDate: '2025-03-10', userName: 'All Users', startOfDay: '00:00:00', requestDate: '2025-03-10 12:00:00' };
const SESSIONS = [
    { userId: '000101', login: '2025-03-10 08:00:00', logout: '2025-03-10 12:30:00' },
    { userId: '000101', login: '2025-03-10 13:10:00', logout: '2025-03-10 17:45:00' },
    { userId: '000102', userName: 'jperez', login: '2025-03-10 09:00:00', logout: null },
    { userId: '000103', login: '2025-03-08 09:00:00', logout: '2025-03-08 18:00:00' },
    { userId: '000104', login: '2025-03-10 23:59:00', logout: null },
];

async function rejects(promise) {
    try {
        await promise;
    } catch (err) {
        return err;
    }
    throw new Error('expected a rejection');
}

describe('hysecure client + simulator', function () {
    let t;
    let sim;
    let baseUrl;
    let client;
    beforeEach(async function () {
        t = Date.parse('2025-03-10T16:00:00Z'); // 13:00 in Santiago
        sim = createHySecureSimulator({ username: 'api', password: PASSWORD, timezone: 'America/Santiago', sessions: SESSIONS, now: () => t });
        ({ baseUrl } = await sim.listen(0));
        client = new HySecureClient({ baseUrl, timeoutMs: 2000, username: 'api', password: PASSWORD, now: () => t });
    });
    afterEach(async function () {
        client.destroy();
        await sim.close();
    });

    it('logs in and reads the report with the Filters object; rows per user and day as of now', async function () {
        const answer = await client.sessions(FILTERS);
        answer.statusMessage.should.equal('Success');
        answer.rows.should.eql([
            { UserID: '000101', Realm: 'Remote Workers', FirstLoginDateTime: '2025-03-10 08:00:00', LastLogoutDateTime: '2025-03-10 12:30:00' },
            { UserID: '000102', Realm: 'Remote Workers', FirstLoginDateTime: '2025-03-10 09:00:00', LastLogoutDateTime: null },
        ]);
        sim.requests.map((r) => r.path).should.eql(['/api/v1/auth/connect', '/api/v1/reporting/sessions']);
        sim.requests[1].filters.should.eql({ StartDate: '2025-03-09', EndDate: '2025-03-10', UserName: 'All Users', StartOfDay: '00:00:00', RequestDate: '2025-03-10 12:00:00' });
        // later: the user logged out after lunch and in again; the last logout moves
        t = Date.parse('2025-03-10T21:00:00Z');
        const later = await client.sessions(FILTERS);
        later.rows[0].LastLogoutDateTime.should.equal('2025-03-10 17:45:00');
    });

    it('filters one user by UserID or user name; "All Users" is the literal for everybody', async function () {
        (await client.sessions({ ...FILTERS, userName: 'jperez' })).rows.map((r) => r.UserID).should.eql(['000102']);
        (await client.sessions({ ...FILTERS, userName: '000101' })).rows.map((r) => r.UserID).should.eql(['000101']);
        (await client.sessions({ ...FILTERS, userName: 'nobody' })).rows.should.eql([]);
    });

    it('reuses a token for less than 2 minutes, never after; a new one after resetToken', async function () {
        await client.sessions(FILTERS);
        t += 100 * 1000;
        await client.sessions(FILTERS);
        sim.tokensIssued.should.equal(1);
        t += 10 * 1000; // 110 s: inside the safety margin, renewed
        await client.sessions(FILTERS);
        sim.tokensIssued.should.equal(2);
        client.resetToken();
        await client.sessions(FILTERS);
        sim.tokensIssued.should.equal(3);
        sim.requests.filter((r) => r.expired).should.have.length(0);
    });

    it('the simulator rejects a token older than 2 minutes', async function () {
        await client.sessions(FILTERS);
        const clockless = new HySecureClient({ baseUrl, timeoutMs: 2000, username: 'api', password: PASSWORD, now: () => 0 });
        await clockless.sessions(FILTERS);
        t += 120 * 1000;
        // clockless believes its token is fresh: the gateway says 401 (expired), the client logs in once more
        await clockless.sessions(FILTERS);
        sim.requests.filter((r) => r.expired).should.have.length(1);
        sim.tokensIssued.should.equal(3);
        clockless.destroy();
    });

    it('logs in again once on 401 and succeeds', async function () {
        await client.sessions(FILTERS);
        sim.expireTokens();
        (await client.sessions(FILTERS)).rows.should.have.length(2);
        sim.tokensIssued.should.equal(2);
    });

    it('a second 401 is an authentication error (only one re-authentication)', async function () {
        sim.setFaults([{ kind: '401', path: 'sessions', times: 5 }]);
        const err = await rejects(client.sessions(FILTERS));
        err.should.be.instanceOf(HySecureError);
        err.kind.should.equal('auth');
        err.status.should.equal(401);
        sim.tokensIssued.should.equal(2);
        sim.requests.filter((r) => r.path.endsWith('sessions')).should.have.length(2);
    });

    it('wrong password: login refused, the password never in the message', async function () {
        const bad = new HySecureClient({ baseUrl, timeoutMs: 2000, username: 'api', password: 'wrong-password-123', now: () => t });
        const err = await rejects(bad.sessions(FILTERS));
        err.kind.should.equal('auth');
        err.message.should.match(/login refused: HTTP 401/);
        err.message.should.not.match(/wrong-password-123/);
        bad.destroy();
    });

    it('classifies 500, an HTML page, statusCode != 200 envelopes, a missing token and an empty report', async function () {
        sim.setFaults([{ kind: '500', path: 'sessions' }]);
        let err = await rejects(client.sessions(FILTERS));
        [err.kind, err.message].should.eql(['http', 'report failed: HTTP 500 (statusCode 500: Internal Server Error)']);

        sim.setFaults([{ kind: 'html', path: 'sessions' }]);
        err = await rejects(client.sessions(FILTERS));
        err.kind.should.equal('format');
        err.message.should.equal('report failed: HTTP 503 with an HTML page ("HySecure - Service Unavailable")');

        client.resetToken(); // a new poll logs in again
        sim.setFaults([{ kind: 'html', path: 'connect', status: 200 }]);
        err = await rejects(client.sessions(FILTERS));
        err.message.should.match(/^login failed: HTTP 200 with an HTML page/);

        sim.setFaults([{ kind: 'status', path: 'sessions', statusCode: 503, statusMessage: 'Reporting DB down' }]);
        err = await rejects(client.sessions(FILTERS));
        [err.kind, err.message].should.eql(['status', 'report failed (statusCode 503: Reporting DB down)']);

        client.resetToken();
        sim.setFaults([{ kind: 'notoken', path: 'connect' }]);
        err = await rejects(client.sessions(FILTERS));
        err.message.should.match(/login answer has no token/);

        sim.setFaults([{ kind: 'empty', path: 'sessions' }]);
        (await client.sessions(FILTERS)).rows.should.eql([]);
    });

    it('times out on a slow gateway', async function () {
        const slow = new HySecureClient({ baseUrl, timeoutMs: 200, username: 'api', password: PASSWORD, now: () => t });
        sim.setFaults([{ kind: 'slow', path: 'sessions', delayMs: 1000 }]);
        const err = await rejects(slow.sessions(FILTERS));
        err.kind.should.equal('timeout');
        slow.destroy();
    });

    it('bad rows fault adds garbage rows next to the good ones', async function () {
        sim.setFaults([{ kind: 'badrows', path: 'sessions' }]);
        const rows = (await client.sessions(FILTERS)).rows;
        rows.length.should.be.above(4);
        rows.should.containEql('not an object');
    });

    it('buckets by StartOfDay in the report', function () {
        reportDayOf('2025-03-10 05:59:59', '06:00:00').should.equal('2025-03-09');
        reportDayOf('2025-03-10 06:00:00', '06:00:00').should.equal('2025-03-10');
        sim.report({ StartDate: '2025-03-09', EndDate: '2025-03-09', StartOfDay: '00:00:00', UserName: 'All Users' }).should.eql([]);
    });
});

describe('hysecure client over HTTPS', function () {
    let sim;
    let baseUrl;
    before(async function () {
        sim = createHySecureSimulator({ username: 'api', password: PASSWORD, tls: true });
        ({ baseUrl } = await sim.listen(0));
    });
    after(async function () {
        await sim.close();
    });

    it('verifies the certificate: rejected without the CA, accepted with it or with the explicit opt-out', async function () {
        baseUrl.should.startWith('https://127.0.0.1:');
        const noCa = new HySecureClient({ baseUrl, timeoutMs: 2000, username: 'api', password: PASSWORD });
        const err = await rejects(noCa.sessions(FILTERS));
        err.kind.should.equal('tls');
        noCa.destroy();
        const withCa = new HySecureClient({ baseUrl, timeoutMs: 2000, username: 'api', password: PASSWORD, ca: CA });
        (await withCa.sessions(FILTERS)).rows.should.eql([]);
        withCa.destroy();
        const optOut = new HySecureClient({ baseUrl, timeoutMs: 2000, username: 'api', password: PASSWORD, rejectUnauthorized: false });
        (await optOut.sessions(FILTERS)).rows.should.eql([]);
        optOut.destroy();
    });
});
