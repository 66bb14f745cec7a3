'use strict';
const should = require('should');
const { createHySecureSimulator, demoSessions } = require('../../sim/hysecure');
const { makePeople } = require('../../sim/people');

describe('hysecure simulator', function () {
    let sim;
    let base;
    let t;
    beforeEach(async function () {
        t = Date.parse('2025-03-10T15:00:00Z'); // 12:00 in Santiago
        sim = createHySecureSimulator({ username: 'u', password: 'p', timezone: 'America/Santiago', now: () => t });
        ({ baseUrl: base } = await sim.listen(0));
    });
    afterEach(async function () {
        await sim.close();
    });

    async function post(path, body, headers = {}) {
        const res = await fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
        const text = await res.text();
        let json;
        try {
            json = JSON.parse(text);
        } catch (e) {
            json = undefined;
        }
        return { status: res.status, json, text };
    }
    async function token() {
        return (await post('/api/v1/auth/connect', { username: 'u', password: 'p' })).json.token;
    }
    const FILTERS = { StartDate: '2025-03-10', EndDate: '2025-03-10', UserName: 'All Users', StartOfDay: '00:00:00', RequestDate: '2025-03-10 12:00:00' };

    it('checks credentials, the bearer token and its 2-minute lifetime', async function () {
        (await post('/api/v1/auth/connect', { username: 'u', password: 'x' })).status.should.equal(401);
        (await post('/api/v1/auth/connect', {})).status.should.equal(400);
        (await post('/api/v1/reporting/sessions', { Filters: FILTERS })).status.should.equal(401);
        const tk = await token();
        tk.should.match(/^[0-9a-f]{48}$/);
        const auth = { Authorization: `Bearer ${tk}` };
        (await post('/api/v1/reporting/sessions', { Filters: FILTERS }, auth)).json.should.containEql({ statusCode: 200, data: [] });
        t += 119999;
        (await post('/api/v1/reporting/sessions', { Filters: FILTERS }, auth)).status.should.equal(200);
        t += 1;
        const expired = await post('/api/v1/reporting/sessions', { Filters: FILTERS }, auth);
        expired.status.should.equal(401);
        expired.json.statusMessage.should.match(/expired/);
    });

    it('validates the Filters', async function () {
        const auth = { Authorization: `Bearer ${await token()}` };
        (await post('/api/v1/reporting/sessions', {}, auth)).status.should.equal(400);
        (await post('/api/v1/reporting/sessions', { Filters: { ...FILTERS, StartDate: '10/03/2025' } }, auth)).status.should.equal(400);
        (await post('/api/v1/reporting/sessions', { Filters: { ...FILTERS, StartDate: '2025-03-11' } }, auth)).status.should.equal(400);
    });

    it('control routes: sessions, faults, clock, token expiry, reset', async function () {
        (await post('/__sim/sessions', [{ userId: 'a', login: '2025-03-10 08:00:00', logout: '2025-03-10 11:00:00' }])).json.count.should.equal(1);
        const auth = { Authorization: `Bearer ${await token()}` };
        (await post('/api/v1/reporting/sessions', { Filters: FILTERS }, auth)).json.data.should.eql([
            { UserID: 'a', Realm: 'Remote Workers', FirstLoginDateTime: '2025-03-10 08:00:00', LastLogoutDateTime: '2025-03-10 11:00:00' },
        ]);
        (await post('/__sim/faults', [{ kind: 'nope' }])).status.should.equal(400);
        (await post('/__sim/faults', [{ kind: 'status', path: 'sessions' }])).status.should.equal(200);
        (await post('/api/v1/reporting/sessions', { Filters: FILTERS }, auth)).json.statusCode.should.equal(500);
        (await post('/__sim/faults', [{ kind: 'html' }])).status.should.equal(200);
        const html = await post('/api/v1/auth/connect', { username: 'u', password: 'p' });
        [html.status, /<title>/.test(html.text)].should.eql([503, true]);
        (await post('/__sim/clock', { advanceMs: 3 * 3600 * 1000 })).json.now.should.equal('2025-03-10T18:00:00.000Z');
        await post('/__sim/expire-tokens');
        (await post('/api/v1/reporting/sessions', { Filters: FILTERS }, auth)).status.should.equal(401);
        await post('/__sim/reset');
        sim.requests.should.have.length(0);
        sim.tokensIssued.should.equal(0);
        sim.now().should.equal(t);
    });

    it('demo sessions: deterministic remote workers of sim/people.js, weekdays only, login before logout', function () {
        const people = makePeople(40);
        const now = Date.parse('2025-03-12T20:00:00Z'); // a Wednesday
        const a = demoSessions(people, now, 'America/Santiago', 3, 1);
        a.should.eql(demoSessions(people, now, 'America/Santiago', 3, 1));
        a.length.should.be.above(20);
        const codes = new Set(people.filter((p) => p.active).map((p) => p.code));
        a.every((s) => codes.has(s.userId) && /^\d{6}$/.test(s.userId)).should.be.true();
        a.every((s) => s.login < s.logout).should.be.true();
        a.some((s) => s.login.startsWith('2025-03-09') || s.login.startsWith('2025-03-08')).should.be.false(); // weekend
    });
});
