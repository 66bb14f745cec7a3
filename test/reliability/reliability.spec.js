'use strict';
// End-to-end reliability: the packed package in a real Node-RED 5 process, the example flow, the
// repository's simulators, a file context store; the Humand simulator's journal is the judge.
const should = require('should');
const fs = require('fs');
const path = require('path');
const { createStack, installPackage, waitFor } = require('./stack');
const { checkJournal, sinkOptions } = require('./journal');

const HIK_PEOPLE = 8; // people 1..8 pass HikCentral doors
const HYS_PEOPLE = [9, 10, 11, 12]; // people 9..12 work remotely (HySecure)
const EVENTS_EACH = 6;

/** Scripted door events: per person alternating entry/exit every 8 minutes, all in the last hour. */
function doorEvents(nowMs) {
    const list = [];
    for (let i = 1; i <= HIK_PEOPLE; i++) {
        for (let k = 0; k < EVENTS_EACH; k++) {
            list.push({
                person: { personId: String(i), personCode: String(100 + i).padStart(6, '0'), personName: `Person ${i}` },
                atMs: nowMs - 55 * 60000 + i * 30000 + k * 8 * 60000,
                eventType: k % 2 === 0 ? 196893 : 198914,
                inAndOutType: k % 2 === 0 ? 1 : 0,
            });
        }
    }
    return list;
}

/** Yesterday's VPN sessions (a closed day: one in and one out each), in the simulator's zone. */
function vpnSessions(nowMs, zone) {
    const { DateTime } = require('luxon');
    const day = DateTime.fromMillis(nowMs, { zone }).minus({ days: 1 }).toFormat('yyyy-MM-dd');
    return HYS_PEOPLE.map((i) => ({
        userId: String(100 + i).padStart(6, '0'), userName: `user${i}`, realm: 'Remote Workers',
        login: `${day} 08:0${i % 10}:00`, logout: `${day} 17:1${i % 10}:00`,
    }));
}

const EXPECTED = HIK_PEOPLE * EVENTS_EACH + HYS_PEOPLE.length * 2;

describe('reliability (real Node-RED, packed package, simulators)', function () {
    this.timeout(240000);
    let stack;

    before(function () {
        this.timeout(180000);
        installPackage();
    });
    afterEach(async function () {
        if (stack) await stack.stop();
        stack = undefined;
    });

    async function startStack() {
        stack = await createStack({ people: 12, flowOptions: { artemisInterval: 3, hysecureInterval: 5 }, mapFlow: sinkOptions });
        await stack.startSimulators();
        const now = Date.now();
        (await stack.sim('artemis', 'POST', '/__sim/events', doorEvents(now))).status.should.equal(200);
        (await stack.sim('hysecure', 'POST', '/__sim/sessions', vpnSessions(now, stack.zone))).status.should.equal(200);
        return stack;
    }

    it('crash: kill -9 with requests in flight, restart: every record exactly once, in order', async function () {
        await startStack();
        await stack.sim('humand', 'POST', '/__sim/latency', { ms: 300 });
        await stack.startNodeRed();
        await waitFor(async () => (await stack.journal()).length >= 12, { what: 'first records', timeoutMs: 60000 });
        await stack.killNodeRed('SIGKILL');
        const atCrash = (await stack.journal()).length;
        atCrash.should.be.below(EXPECTED);
        await stack.sim('humand', 'POST', '/__sim/latency', { ms: 0 });
        await stack.startNodeRed();
        await waitFor(async () => (await stack.journal()).length >= EXPECTED, { what: `${EXPECTED} records`, timeoutMs: 90000 });
        // Let any late re-send arrive, then judge.
        await new Promise((r) => setTimeout(r, 4000));
        const journal = await stack.journal();
        journal.length.should.equal(EXPECTED);
        checkJournal(journal).size.should.equal(HIK_PEOPLE + HYS_PEOPLE.length);
        const health = await stack.health();
        health.json.nodes.find((n) => n.type === 'humand-clock').queue.should.equal(0);
    });

    it('faults: Humand 503/429/hangs/bad bodies, HikCentral HTML and truncated pages, expiring tokens: all records once, no restart', async function () {
        await startStack();
        await stack.sim('humand', 'POST', '/__sim/faults', { ratio: 0.3, kinds: ['503', '429', 'hang', 'malformed', 'html502', 'reset'], retryAfter: 1, hangMs: 0 });
        await stack.sim('artemis', 'POST', '/__sim/faults', [{ kind: 'html502', count: 2 }, { kind: 'truncated', count: 2 }]);
        await stack.sim('hysecure', 'POST', '/__sim/faults', [{ kind: '500', count: 1 }]);
        await stack.startNodeRed();
        const pid = stack.nodeRed.pid;
        await waitFor(async () => (await stack.journal()).length >= EXPECTED / 2, { what: 'half of the records', timeoutMs: 90000 });
        await stack.sim('hysecure', 'POST', '/__sim/expire-tokens');
        await waitFor(async () => (await stack.journal()).length >= EXPECTED, { what: `${EXPECTED} records`, timeoutMs: 150000 });
        await stack.sim('humand', 'POST', '/__sim/faults', { count: 0 });
        await new Promise((r) => setTimeout(r, 3000));
        const journal = await stack.journal();
        journal.length.should.equal(EXPECTED);
        checkJournal(journal);
        should(stack.nodeRed.exited).be.undefined();
        stack.nodeRed.pid.should.equal(pid);
        const faulted = (await stack.sim('humand', 'GET', '/__sim/requests')).json.filter((r) => r.fault);
        faulted.length.should.be.above(0);

        // Secrets: never in the flow file, the log (debug and status messages go to the log here), or health.
        const secrets = [stack.env.AB_HUMAND_KEY, stack.env.AB_ARTEMIS_SECRET, stack.env.AB_HYSECURE_PASSWORD];
        const flowText = fs.readFileSync(path.join(stack.userDir, 'flows.json'), 'utf8');
        const logText = stack.logText();
        const healthText = (await stack.health()).text;
        for (const s of secrets) {
            flowText.should.not.containEql(s);
            logText.should.not.containEql(s);
            healthText.should.not.containEql(s);
        }
        logText.should.not.match(/Basic [A-Za-z0-9+/=]{6,}/);
        logText.should.not.match(/Bearer [A-Za-z0-9._-]{6,}/);
        logText.should.match(/delivered|in ·|out ·|humand/i);
    });

    it('re-deploy mid-stream keeps state; Humand\'s own automatic clock-out is absorbed', async function () {
        await startStack();
        await stack.sim('humand', 'POST', '/__sim/latency', { ms: 150 });
        await stack.startNodeRed();
        await waitFor(async () => (await stack.journal()).length >= 10, { what: 'first records', timeoutMs: 60000 });
        // Re-deploy only the changed humand-clock node through the admin API.
        const base = stack.urls.nodeRed;
        const { request } = require('./stack');
        const current = await request('GET', `${base}/flows`);
        const flows = current.json;
        flows.find((n) => n.type === 'humand-clock').name = 'renamed mid-stream';
        const res = await new Promise((resolve, reject) => {
            const http = require('http');
            const data = Buffer.from(JSON.stringify(flows));
            const req = http.request(`${base}/flows`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': data.length, 'Node-RED-Deployment-Type': 'nodes' } }, (r) => { r.resume(); r.on('end', () => resolve(r.statusCode)); });
            req.on('error', reject);
            req.end(data);
        });
        res.should.equal(204);
        await stack.sim('humand', 'POST', '/__sim/latency', { ms: 0 });
        await waitFor(async () => (await stack.journal()).length >= EXPECTED, { what: `${EXPECTED} records`, timeoutMs: 90000 });
        await new Promise((r) => setTimeout(r, 3000));
        const journal = await stack.journal();
        journal.length.should.equal(EXPECTED);
        checkJournal(journal);

        // Drift: person 1 enters; Humand then closes the entry by itself (automatic clock-out); the exit
        // swipe after that is refused (no open entry) and aligns the state; the next entry lands.
        // (Swipes are more than the 60 s debounce apart and within the 5 min overlap re-read.)
        const emp = '000101';
        const person = { personId: '1', personCode: emp, personName: 'Person 1' };
        const now = Date.now();
        const count = async () => (await stack.journal()).filter((r) => r.employeeInternalId === emp).length;
        await stack.sim('artemis', 'POST', '/__sim/events', [{ person, atMs: now - 240000, eventType: 196893, inAndOutType: 1 }]);
        await waitFor(async () => (await count()) === EVENTS_EACH + 1, { what: 'the entry', timeoutMs: 60000 });
        (await stack.sim('humand', 'POST', '/__sim/auto-clock-out', { employeeInternalId: emp, time: new Date(now - 200000).toISOString() })).status.should.be.within(200, 201);
        await stack.sim('artemis', 'POST', '/__sim/events', [
            { person, atMs: now - 160000, eventType: 196893, inAndOutType: 0 },
            { person, atMs: now - 80000, eventType: 196893, inAndOutType: 1 },
        ]);
        await waitFor(async () => (await count()) === EVENTS_EACH + 3, { what: 'the entry after the drift', timeoutMs: 60000 });
        const mine = (await stack.journal()).filter((r) => r.employeeInternalId === emp);
        mine.slice(-3).map((r) => [r.type, r.source]).should.eql([['START', 'INTEGRATION'], ['END', 'AUTO_CLOSE'], ['START', 'INTEGRATION']]);
    });
});
