'use strict';
const should = require('should');
const sinon = require('sinon');
const { helper, node, useContextStores, resetContext, tmpDir, collect, until, Context } = require('../helper');
const { createHySecureSimulator } = require('../../sim/hysecure');
const { allHealth } = require('../../dist/lib/health');

const hysecureServer = node('hysecure-server');
const hysecureSessions = node('hysecure-sessions');
const USER = 'api-user';
const PASSWORD = 'Pa55-w0rd-xyz';
const ZONE = 'America/Santiago';

/** Deploys a flow and resolves once it started (listener in place before the deploy). */
async function deploy(flow, credentials) {
    const started = new Promise((resolve) => helper._events.once('flows:started', resolve));
    await helper._redNodes.setFlows(flow, credentials, 'full');
    await started;
}

function flow(baseUrl, props = {}, serverProps = {}) {
    return [
        { id: 'tab1', type: 'tab' },
        { id: 's1', type: 'hysecure-server', name: '', baseUrl, timeout: 2, rejectUnauthorized: true, ca: '', ...serverProps },
        {
            id: 'h1', z: 'tab1', type: 'hysecure-sessions', server: 's1', interval: 3600, days: 2, userName: 'All Users',
            startOfDay: '00:00:00', timezone: ZONE, closeGrace: 30, store: '', wires: [['out']], ...props,
        },
        { id: 'out', z: 'tab1', type: 'helper' },
        { id: 'catch1', z: 'tab1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', z: 'tab1', type: 'helper' },
    ];
}
const CREDS = { s1: { username: USER, password: PASSWORD } };

const SESSIONS = [
    { userId: '000101', login: '2025-03-10 08:05:00', logout: '2025-03-10 12:30:00' },
    { userId: '000101', login: '2025-03-10 13:10:00', logout: '2025-03-10 17:45:00' },
    { userId: '000102', login: '2025-03-10 09:00:00', logout: '2025-03-10 18:00:00' },
    { userId: '000103', login: '2025-03-10 22:00:00', logout: '2025-03-11 06:10:00' },
];

describe('hysecure-sessions', function () {
    let sim;
    let baseUrl;
    let clock;

    async function start(props, { sessions = SESSIONS, now = '2025-03-10T14:00:00-03:00', stores, creds = CREDS, serverProps, fakeTimers } = {}) {
        clock = sinon.useFakeTimers({ now: Date.parse(now), toFake: fakeTimers || ['Date'] });
        sim = createHySecureSimulator({ username: USER, password: PASSWORD, timezone: ZONE, sessions, now: () => Date.now() });
        ({ baseUrl } = await sim.listen(0));
        return load(props, { stores, creds, serverProps });
    }

    async function load(props, { stores, creds = CREDS, serverProps } = {}) {
        const f = flow(baseUrl, props, serverProps);
        // Deploy after loading an empty flow: the collectors are attached as soon as the flow started,
        // before the first poll (which starts on a 0 ms timer) can answer.
        // (the catch node in it makes the test helper register the core catch type)
        await helper.load([hysecureServer, hysecureSessions], [{ id: 'tab1', type: 'tab' }, { id: 'c0', z: 'tab1', type: 'catch', scope: null, wires: [] }], creds);
        if (stores) await useContextStores(stores);
        await deploy(f, creds);
        const h1 = helper.getNode('h1');
        return { h1, out: collect(helper.getNode('out')), caught: collect(helper.getNode('caught')) };
    }

    function setNow(iso) {
        clock.setSystemTime(Date.parse(iso));
    }

    async function poll(h1, n) {
        const before = sim.requests.filter((r) => r.path.endsWith('sessions')).length;
        h1.receive({ topic: 'poll' });
        await until(() => sim.requests.filter((r) => r.path.endsWith('sessions') && r.status !== undefined).length >= before + (n || 1));
        await until(() => h1.status.args.length > 0 && !/starting/.test(h1.status.lastCall.args[0].text));
        // let the node send and save
        for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    }

    afterEach(async function () {
        await helper.unload();
        await resetContext();
        if (clock) clock.restore();
        clock = undefined;
        if (sim) await sim.close();
        sim = undefined;
    });

    function lastStatus(h1) {
        return h1.status.lastCall.args[0];
    }

    it('polls on start: "in" events of the open day, the Filters sent, green status', async function () {
        const { h1, out } = await start();
        await until(() => out.length === 2);
        out.map((m) => m.payload.id).should.eql(['hysecure:000101:2025-03-10:in', 'hysecure:000102:2025-03-10:in']);
        out[0].topic.should.equal('000101');
        out[0].payload.should.eql({
            id: 'hysecure:000101:2025-03-10:in',
            source: 'hysecure',
            person: { id: '000101', code: '000101' },
            time: '2025-03-10T08:05:00.000-03:00',
            direction: 'in',
            device: { id: 'hysecure', name: 'Remote Workers' },
            // 13:10-17:45 is still open at 14:00: the day's last logout is not known yet
            raw: { UserID: '000101', Realm: 'Remote Workers', FirstLoginDateTime: '2025-03-10 08:05:00', LastLogoutDateTime: null },
        });
        should(out[0].backfill).be.undefined();
        const req = sim.requests.find((r) => r.path.endsWith('sessions'));
        req.filters.should.eql({ StartDate: '2025-03-08', EndDate: '2025-03-10', UserName: 'All Users', StartOfDay: '00:00:00', RequestDate: '2025-03-10 14:00:00' });
        await until(() => lastStatus(h1).fill === 'green');
        lastStatus(h1).shape.should.equal('dot');
    });

    it('open day vs closed day: "out" only after midnight + close grace; each id once', async function () {
        const { h1, out } = await start({ userName: '' });
        await until(() => out.length === 2);
        setNow('2025-03-10T23:00:00-03:00');
        await poll(h1);
        out.map((m) => m.payload.id).slice(2).should.eql(['hysecure:000103:2025-03-10:in']);
        setNow('2025-03-11T00:29:00-03:00');
        await poll(h1);
        out.should.have.length(3);
        setNow('2025-03-11T07:00:00-03:00');
        await poll(h1);
        out.slice(3).map((m) => [m.payload.id, m.payload.time]).should.eql([
            ['hysecure:000101:2025-03-10:out', '2025-03-10T17:45:00.000-03:00'],
            ['hysecure:000102:2025-03-10:out', '2025-03-10T18:00:00.000-03:00'],
            ['hysecure:000103:2025-03-10:out', '2025-03-11T06:10:00.000-03:00'],
        ]);
        await poll(h1);
        out.should.have.length(6);
        sim.requests.filter((r) => r.path.endsWith('sessions')).every((r) => r.filters.UserName === 'All Users').should.be.true();
    });

    it('StartOfDay 12:00:00: the night shift is one report day, closed at noon + grace', async function () {
        const { h1, out } = await start({ startOfDay: '12:00:00' }, { now: '2025-03-11T07:00:00-03:00', sessions: [SESSIONS[3]] });
        await until(() => out.length === 1);
        out[0].payload.id.should.equal('hysecure:000103:2025-03-10:in');
        sim.requests.find((r) => r.path.endsWith('sessions')).filters.StartOfDay.should.equal('12:00:00');
        setNow('2025-03-11T12:29:00-03:00');
        await poll(h1);
        out.should.have.length(1);
        setNow('2025-03-11T12:31:00-03:00');
        await poll(h1);
        out.slice(1).map((m) => [m.payload.id, m.payload.time]).should.eql([['hysecure:000103:2025-03-10:out', '2025-03-11T06:10:00.000-03:00']]);
    });

    it('a fresh token every poll; one re-authentication on 401', async function () {
        const { h1, out } = await start();
        await until(() => out.length === 2);
        sim.tokensIssued.should.equal(1);
        await poll(h1);
        sim.tokensIssued.should.equal(2);
        sim.setFaults([{ kind: '401', path: 'sessions' }]);
        await poll(h1, 2);
        sim.tokensIssued.should.equal(4);
        lastStatus(h1).fill.should.equal('green');
        sim.setFaults([{ kind: '401', path: 'sessions', times: 2 }]);
        h1.receive({ topic: 'poll' });
        await until(() => lastStatus(h1).fill === 'red');
        lastStatus(h1).text.should.match(/401/);
    });

    for (const cache of [true, false]) {
        it(`restart with a file context store (cache ${cache}): nothing emitted twice`, async function () {
            const dir = tmpDir('ab-hysecure-');
            const stores = { default: { module: 'localfilesystem', config: { dir, cache, flushInterval: 0 } } };
            let { out } = await start({}, { stores });
            await until(() => out.length === 2);
            await until(() => helper.getNode('h1').status.args.some((a) => a[0].fill === 'green'));
            await helper.unload();
            await Context.close();
            setNow('2025-03-11T07:00:00-03:00');
            ({ out } = await load({}, { stores }));
            await until(() => out.length === 4);
            out.map((m) => m.payload.id).should.eql([
                'hysecure:000101:2025-03-10:out',
                'hysecure:000102:2025-03-10:out',
                'hysecure:000103:2025-03-10:in',
                'hysecure:000103:2025-03-10:out',
            ]);
            await until(() => helper.getNode('h1').status.args.some((a) => a[0].fill === 'green'));
            await helper.unload();
            await Context.close();
            ({ out } = await load({}, { stores }));
            await until(() => helper.getNode('h1').status.args.some((a) => a[0].fill === 'green'));
            out.should.have.length(0);
        });
    }

    describe('a person\'s events in time order across report days (issue 13, case 12)', function () {
        const DAYS = [
            { userId: '000101', login: '2025-03-10 09:00:00', logout: '2025-03-10 18:00:00' },
            { userId: '000101', login: '2025-03-11 00:05:00', logout: null },
        ];
        const IN_D = 'hysecure:000101:2025-03-10:in';
        const OUT_D = 'hysecure:000101:2025-03-10:out';
        const IN_D1 = 'hysecure:000101:2025-03-11:in';

        it('a login on D+1 before D closes is held until out(D): emitted out(D), in(D+1); kept across a restart, once each', async function () {
            const dir = tmpDir('ab-hysecure-hold-');
            const stores = { default: { module: 'localfilesystem', config: { dir, cache: true, flushInterval: 0 } } };
            let { h1, out } = await start({}, { sessions: DAYS, now: '2025-03-11T00:10:00-03:00', stores });
            await until(() => h1.status.args.some((a) => a[0].fill === 'green'));
            for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
            out.map((m) => m.payload.id).should.eql([IN_D]);
            (allHealth().find((x) => x.id === 'h1') || {}).details.heldEvents.should.equal(1);
            // a back-fill of D+1 alone does not read D: the stored hold keeps in(D+1) back
            h1.receive({ payload: { from: '2025-03-11', to: '2025-03-11' } });
            await until(() => sim.requests.filter((r) => r.path.endsWith('sessions')).length === 2);
            for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
            out.map((m) => m.payload.id).should.eql([IN_D]);

            await helper.unload();
            await Context.close();
            setNow('2025-03-11T00:20:00-03:00');
            ({ h1, out } = await load({}, { stores }));
            await until(() => h1.status.args.some((a) => a[0].fill === 'green'));
            h1.receive({ payload: { from: '2025-03-11', to: '2025-03-11' } });
            await until(() => sim.requests.filter((r) => r.path.endsWith('sessions')).length === 4);
            for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
            out.should.have.length(0);

            setNow('2025-03-11T00:31:00-03:00');
            await poll(h1);
            out.map((m) => m.payload.id).should.eql([OUT_D, IN_D1]);

            await helper.unload();
            await Context.close();
            ({ h1, out } = await load({}, { stores }));
            await until(() => h1.status.args.some((a) => a[0].fill === 'green'));
            for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
            out.should.have.length(0);
        });
    });

    it('survives a re-deploy with the default memory store', async function () {
        const { out } = await start({}, { stores: { default: { module: 'memory' } } });
        await until(() => out.length === 2);
        await until(() => helper.getNode('h1').status.args.some((a) => a[0].fill === 'green'));
        const tokens = sim.tokensIssued;
        await deploy(flow(baseUrl, { interval: 3599 }), CREDS); // a changed node: stopped and started again
        const h1 = helper.getNode('h1');
        const out2 = collect(helper.getNode('out'));
        // the restarted node polled again (its health entry is new) ...
        await until(() => sim.tokensIssued === tokens + 1 && (allHealth().find((x) => x.id === 'h1') || {}).lastSuccess !== undefined);
        h1.should.be.ok();
        // ... and emitted nothing: the ids were remembered in global context
        for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
        out2.should.have.length(0);
    });

    describe('bad data', function () {
        it('bad rows are skipped and logged, the other users still emitted, status yellow', async function () {
            clock = sinon.useFakeTimers({ now: Date.parse('2025-03-10T14:00:00-03:00'), toFake: ['Date'] });
            sim = createHySecureSimulator({ username: USER, password: PASSWORD, timezone: ZONE, sessions: SESSIONS, now: () => Date.now() });
            ({ baseUrl } = await sim.listen(0));
            sim.setFaults([{ kind: 'badrows', path: 'sessions' }]);
            const { h1, out } = await load();
            await until(() => lastStatus(h1).fill === 'yellow');
            await until(() => out.length === 2);
            out.map((m) => m.payload.id).should.eql(['hysecure:000101:2025-03-10:in', 'hysecure:000102:2025-03-10:in']);
            const health = allHealth().find((x) => x.id === 'h1');
            health.details.badRows.should.equal(4); // null login, unparseable, no UserID, not an object
            health.counts.should.containEql({ in: 2, badRows: 4, duplicateRows: 1 });
            h1.warn.args.some((a) => /000101 2025-03-10: more than one row: merged/.test(String(a[0]))).should.be.true();
            const warnings = h1.warn.args.map((a) => String(a[0]));
            warnings.filter((w) => /bad-null-login|bad-unparseable|UserID|not an object/.test(w)).length.should.be.aboveOrEqual(4);
            out.every((m) => typeof m.payload.time === 'string' && /-03:00$/.test(m.payload.time)).should.be.true();
        });

        it('logout before login: the "in" only, reported', async function () {
            const { h1, out } = await start({}, { sessions: [{ userId: 'x1', login: '2025-03-09 17:00:00', logout: null }], now: '2025-03-11T12:00:00-03:00' });
            await until(() => out.length === 1);
            // replace the report with a corrupted one
            sim.setSessions([]);
            sim.setFaults([{ kind: 'badrows', path: 'sessions' }]);
            await poll(h1);
            await until(() => h1.warn.args.some((a) => /bad-backwards.*before login/.test(String(a[0]))));
            out.filter((m) => m.payload.person.id === 'bad-backwards').map((m) => m.payload.direction).should.eql(['in']);
        });

        const failures = [
            ['a statusCode other than 200', { kind: 'status', path: 'sessions', statusCode: 500, statusMessage: 'Reporting DB down' }, /statusCode 500: Reporting DB down/],
            ['an HTML error page', { kind: 'html', path: 'sessions' }, /HTML page/],
            ['HTTP 500', { kind: '500', path: 'sessions' }, /HTTP 500/],
            ['a login refused', { kind: '401', path: 'connect' }, /login refused: HTTP 401/],
        ];
        for (const [label, fault, reason] of failures) {
            it(`${label}: red status, an error for Catch nodes, nothing emitted, next poll fine`, async function () {
                clock = sinon.useFakeTimers({ now: Date.parse('2025-03-10T14:00:00-03:00'), toFake: ['Date'] });
                sim = createHySecureSimulator({ username: USER, password: PASSWORD, timezone: ZONE, sessions: SESSIONS, now: () => Date.now() });
                ({ baseUrl } = await sim.listen(0));
                sim.setFaults([fault]);
                const { h1, out, caught } = await load();
                await until(() => caught.length === 1);
                caught[0].error.message.should.match(reason);
                lastStatus(h1).fill.should.equal('red');
                out.should.have.length(0);
                await poll(h1);
                out.should.have.length(2);
                lastStatus(h1).fill.should.equal('green');
            });
        }

        it('an empty report: green, nothing emitted', async function () {
            const { h1, out } = await start({}, { sessions: [] });
            await until(() => h1.status.args.some((a) => a[0].fill === 'green'));
            out.should.have.length(0);
        });

        it('a slow gateway times out: red status', async function () {
            clock = sinon.useFakeTimers({ now: Date.parse('2025-03-10T14:00:00-03:00'), toFake: ['Date'] });
            sim = createHySecureSimulator({ username: USER, password: PASSWORD, timezone: ZONE, sessions: SESSIONS, now: () => Date.now() });
            ({ baseUrl } = await sim.listen(0));
            sim.setFaults([{ kind: 'slow', path: 'sessions', delayMs: 3000 }]);
            const { h1, caught } = await load({}, { serverProps: { timeout: 0.3 } });
            await until(() => caught.length === 1, { tries: 100000 });
            caught[0].error.message.should.match(/timeout/);
            lastStatus(h1).fill.should.equal('red');
        });
    });

    it('back-fills {from, to}: old days, msg.backfill, only ids not emitted before', async function () {
        const sessions = SESSIONS.concat([{ userId: '000104', login: '2025-02-20 08:00:00', logout: '2025-02-20 17:00:00' }]);
        const { h1, out } = await start({}, { sessions, now: '2025-03-11T07:00:00-03:00' });
        await until(() => out.length === 6);
        h1.receive({ payload: { from: '2025-02-01', to: '2025-03-10' } });
        await until(() => out.length === 8);
        out.slice(6).map((m) => [m.payload.id, m.backfill]).should.eql([
            ['hysecure:000104:2025-02-20:in', true],
            ['hysecure:000104:2025-02-20:out', true],
        ]);
        const req = sim.requests.filter((r) => r.path.endsWith('sessions')).pop();
        [req.filters.StartDate, req.filters.EndDate].should.eql(['2025-03-04', '2025-03-10']); // second chunk (31 days max)
        h1.receive({ payload: { from: '2025-02-01', to: '2025-03-10' } });
        await until(() => lastStatus(h1).fill === 'green' && /back-fill|backfilled|recuper/.test(lastStatus(h1).text));
        out.should.have.length(8);
    });

    it('any message without a range polls now; a bad back-fill range fails through done(err)', async function () {
        const { h1, out, caught } = await start();
        await until(() => out.length === 2);
        const tokens = sim.tokensIssued;
        h1.receive({ payload: Date.now() }); // an inject node's timestamp
        await until(() => sim.tokensIssued === tokens + 1);
        h1.receive({ payload: { from: '2025-03-05', to: '2025-03-01' } });
        h1.receive({ payload: { from: 'last week' } });
        await until(() => caught.length === 2);
        caught[0].error.message.should.match(/badRange|after/);
        sim.tokensIssued.should.equal(tokens + 1);
    });

    it('an invalid time zone: red status, no request', async function () {
        const { h1 } = await start({ timezone: 'Mars/Olympus' });
        lastStatus(h1).fill.should.equal('red');
        lastStatus(h1).text.should.match(/badZone|Mars\/Olympus/);
        await new Promise((r) => setTimeout(r, 50));
        sim.requests.should.have.length(0);
    });

    describe('settings that can never emit an out (issue 13, case 13)', function () {
        for (const [label, props, re] of [
            // (the test runtime shows catalog keys; the texts are checked in hysecure-sessions-editor.spec.js)
            ['Look back 0', { days: 0 }, /noLookBack|Look back 0/],
            ['Close grace 2880 min with Look back 2 days', { days: 2, closeGrace: 2880 }, /graceTooLong|Close grace 2880 min/],
            ['Close grace 1500 min with Look back 1 day', { days: 1, closeGrace: 1500 }, /graceTooLong|Close grace 1500 min/],
        ]) {
            it(`${label}: refused at runtime (red status, node.error once, no poll)`, async function () {
                const { h1 } = await start(props);
                lastStatus(h1).fill.should.equal('red');
                lastStatus(h1).text.should.match(re);
                await new Promise((r) => setTimeout(r, 50));
                sim.requests.should.have.length(0);
                h1.error.args.filter((a) => re.test(String(a[0]))).should.have.length(1);
            });
        }

        it('Close grace just under the look-back window is accepted', async function () {
            const { h1, out } = await start({ days: 1, closeGrace: 1439 });
            await until(() => out.length === 2);
            lastStatus(h1).fill.should.equal('green');
        });
    });

    it('Europe/Madrid: times with the +01:00 / +02:00 offset of their date', async function () {
        const sessions = [
            { userId: 'm1', login: '2025-03-28 09:00:00', logout: '2025-03-28 18:00:00' },
            { userId: 'm1', login: '2025-03-31 09:00:00', logout: '2025-03-31 18:00:00' },
        ];
        clock = sinon.useFakeTimers({ now: Date.parse('2025-04-01T10:00:00+02:00'), toFake: ['Date'] });
        sim = createHySecureSimulator({ username: USER, password: PASSWORD, timezone: 'Europe/Madrid', sessions, now: () => Date.now() });
        ({ baseUrl } = await sim.listen(0));
        const { out } = await load({ timezone: 'Europe/Madrid', days: 5 });
        await until(() => out.length === 4);
        out.map((m) => m.payload.time).should.eql([
            '2025-03-28T09:00:00.000+01:00',
            '2025-03-28T18:00:00.000+01:00',
            '2025-03-31T09:00:00.000+02:00',
            '2025-03-31T18:00:00.000+02:00',
        ]);
    });

    describe('versioned properties', function () {
        const { MIGRATIONS } = require('../../dist/nodes/hysecure-sessions/migrations');
        const { migrate } = require('../../dist/lib/kit/migrate');

        for (const [label, props] of [['a flow written by this release (version 1)', { version: 1 }], ['a flow without version', {}], ['a flow with version 0', { version: 0 }]]) {
            it(`${label} loads and polls the same way`, async function () {
                const { h1, out } = await start(props);
                await until(() => out.length === 2);
                out.map((m) => m.payload.id).should.eql(['hysecure:000101:2025-03-10:in', 'hysecure:000102:2025-03-10:in']);
                await until(() => lastStatus(h1).fill === 'green');
            });
        }

        it('a flow saved before versioning, without the properties added later, reads today\'s defaults', async function () {
            clock = sinon.useFakeTimers({ now: Date.parse('2025-03-10T14:00:00-03:00'), toFake: ['Date'] });
            sim = createHySecureSimulator({ username: USER, password: PASSWORD, timezone: ZONE, sessions: SESSIONS, now: () => Date.now() });
            ({ baseUrl } = await sim.listen(0));
            const old = flow(baseUrl).map((n) => (n.id === 'h1' ? { id: 'h1', z: 'tab1', type: 'hysecure-sessions', server: 's1', timezone: ZONE, wires: n.wires } : n));
            await helper.load([hysecureServer, hysecureSessions], [{ id: 'tab1', type: 'tab' }, { id: 'c0', z: 'tab1', type: 'catch', scope: null, wires: [] }], CREDS);
            await deploy(old, CREDS);
            const out = collect(helper.getNode('out'));
            await until(() => out.length === 2);
            const req = sim.requests.find((r) => r.path.endsWith('sessions'));
            req.filters.should.eql({ StartDate: '2025-03-08', EndDate: '2025-03-10', UserName: 'All Users', StartOfDay: '00:00:00', RequestDate: '2025-03-10 14:00:00' });
            migrate({ server: 's1' }, MIGRATIONS).config.should.eql({
                server: 's1', version: 1, name: '', interval: 300, days: 2, userName: 'All Users', startOfDay: '00:00:00', timezone: '', closeGrace: 30, store: '',
            });
        });
    });

    it('polls again every interval (fake timers)', async function () {
        const { h1, out } = await start({ interval: 60 }, { fakeTimers: ['Date', 'setTimeout', 'clearTimeout'] });
        await clock.tickAsync(0);
        await until(() => out.length === 2);
        await until(() => lastStatus(h1).fill === 'green');
        sim.tokensIssued.should.equal(1);
        setNow('2025-03-10T23:00:00-03:00');
        await clock.tickAsync(60 * 1000);
        await until(() => out.length === 3);
        sim.tokensIssued.should.equal(2);
    });

    it('never shows the password or a token in messages, status, warnings or errors', async function () {
        clock = sinon.useFakeTimers({ now: Date.parse('2025-03-11T07:00:00-03:00'), toFake: ['Date'] });
        sim = createHySecureSimulator({ username: USER, password: PASSWORD, timezone: ZONE, sessions: SESSIONS, now: () => Date.now() });
        ({ baseUrl } = await sim.listen(0));
        sim.setFaults([{ kind: 'badrows', path: 'sessions' }]);
        const { h1, out, caught } = await load();
        await until(() => out.length > 0);
        sim.setFaults([{ kind: '401', path: 'sessions', times: 2 }]);
        h1.receive({ topic: 'poll' });
        await until(() => caught.length === 1);
        const seen = JSON.stringify([out, caught, h1.status.args, h1.warn.args, h1.error.args, helper.log().args]);
        seen.should.not.containEql(PASSWORD);
        // the tokens the simulator issued
        const tokensRe = /[0-9a-f]{48}/;
        tokensRe.test(seen).should.be.false();
    });
});
