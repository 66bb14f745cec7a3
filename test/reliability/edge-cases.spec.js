'use strict';
// End-to-end edge cases (issue 13): the packed package in a real Node-RED 5 process, the example flow,
// the simulators in their documented modes; the Humand simulator's journal is the judge.
const should = require('should');
const { DateTime } = require('luxon');
const { createStack, installPackage, waitFor } = require('./stack');
const { checkJournal, person, sinkOptions, sleep } = require('./journal');

const CLOCK = 'ab0node00000clk';
const HYSECURE = 'ab0node00000hys';
const ARTEMIS = 'ab0node00000art';

/** Door events for people `from..to`: alternating entry/exit every 8 minutes within the last hour. */
function doorEvents(nowMs, from, to, each = 4) {
    const list = [];
    for (let i = from; i <= to; i++) {
        for (let k = 0; k < each; k++) {
            list.push({
                person: person(i),
                atMs: nowMs - 50 * 60000 + i * 20000 + k * 8 * 60000,
                eventType: 196893,
                checkInAndOutType: k % 2 === 0 ? 1 : 2,
            });
        }
    }
    return list;
}

/** The humand-clock's health entry and its counts. */
async function clockHealth(stack) {
    const h = await stack.health();
    return h.json.nodes.find((n) => n.type === 'humand-clock');
}

function counted(entry, name) {
    return (entry && entry.counts && entry.counts[name]) || 0;
}

describe('edge cases end to end (real Node-RED, documented simulators)', function () {
    this.timeout(300000);
    let stack;

    before(function () {
        this.timeout(180000);
        installPackage();
    });
    afterEach(async function () {
        if (stack) await stack.stop();
        stack = undefined;
    });

    it('a punch dated days ahead is refused, one 2 h ahead is held: neither holds back anyone else, no timer overflow', async function () {
        const people = 6;
        stack = await createStack({
            people,
            flowOptions: { artemisInterval: 3, hysecureInterval: 30 },
            mapFlow: (flow) => {
                sinkOptions(flow);
                const tab = flow.find((n) => n.type === 'tab').id;
                flow.push(
                    { id: 'ab0e2e00000inj1', type: 'inject', z: tab, name: 'ahead', once: true, onceDelay: 0.5, repeat: '', topic: '', payload: '', payloadType: 'date', props: [{ p: 'payload' }], wires: [['ab0e2e00000fn01']], x: 100, y: 900 },
                    {
                        id: 'ab0e2e00000fn01', type: 'function', z: tab, name: 'punches ahead', outputs: 1, wires: [[CLOCK]], x: 300, y: 900,
                        func: [
                            'const iso = (ms) => new Date(ms).toISOString().replace("Z", "+00:00");',
                            'const now = Date.now();',
                            // person 1 (also at the doors): a reader clock 3 days ahead
                            'node.send({ topic: "000101", payload: { id: "e2e:ahead:3d", source: "e2e", person: { id: "1" }, employeeId: "000101", time: iso(now + 3 * 86400000), direction: "in" } });',
                            // person 6 (nothing else): 2 h ahead, within the bound: held until due
                            'node.send({ topic: "000106", payload: { id: "e2e:ahead:2h", source: "e2e", person: { id: "6" }, employeeId: "000106", time: iso(now + 2 * 3600000), direction: "in" } });',
                            'return null;',
                        ].join('\n'),
                    },
                );
                return flow;
            },
        });
        await stack.startSimulators();
        const now = Date.now();
        const events = doorEvents(now, 1, 5);
        (await stack.sim('artemis', 'POST', '/__sim/events', events)).status.should.equal(200);
        await stack.startNodeRed();
        await waitFor(async () => (await stack.journal()).length >= events.length, { what: `${events.length} door records`, timeoutMs: 90000 });
        await sleep(3000);
        const journal = await stack.journal();
        journal.length.should.equal(events.length);
        const byEmployee = checkJournal(journal);
        byEmployee.get('000101').length.should.equal(4);
        should(byEmployee.get('000106')).be.undefined();
        journal.filter((r) => Date.parse(r.time) > Date.now()).should.have.length(0);
        const clock = await clockHealth(stack);
        clock.queue.should.equal(1); // the 2 h punch, held
        counted(clock, 'failed').should.equal(1); // the 3-day punch, refused as too far ahead
        const log = stack.logText();
        log.should.not.match(/TimeoutOverflowWarning/);
        log.should.match(/too far ahead|too-far-ahead/i);
    });

    it('Humand answers an HTML maintenance page for 30 s: every record lands once, none given up', async function () {
        stack = await createStack({ people: 6, flowOptions: { artemisInterval: 3, hysecureInterval: 30 }, mapFlow: sinkOptions });
        await stack.startSimulators();
        const events = doorEvents(Date.now(), 1, 6);
        (await stack.sim('artemis', 'POST', '/__sim/events', events)).status.should.equal(200);
        (await stack.sim('humand', 'POST', '/__sim/faults', { ratio: 1, kinds: ['maintenance'] })).status.should.equal(200);
        await stack.startNodeRed();
        await waitFor(async () => (await stack.sim('humand', 'GET', '/__sim/requests')).json.filter((r) => r.fault === 'maintenance').length >= 3,
            { what: 'maintenance answers', timeoutMs: 60000 });
        await sleep(30000);
        (await stack.journal()).length.should.equal(0);
        (await stack.sim('humand', 'POST', '/__sim/faults', { count: 0 })).status.should.equal(200);
        await waitFor(async () => (await stack.journal()).length >= events.length, { what: `${events.length} records`, timeoutMs: 120000 });
        await sleep(3000);
        const journal = await stack.journal();
        journal.length.should.equal(events.length);
        checkJournal(journal);
        const clock = await clockHealth(stack);
        counted(clock, 'failed').should.equal(0);
        clock.queue.should.equal(0);
    });

    it('HySecure across a report-day boundary: yesterday\'s out reaches Humand before today\'s in', async function () {
        const zone = 'America/Argentina/Buenos_Aires';
        let local = DateTime.now().setZone(zone);
        const sinceMidnight = () => local.diff(local.startOf('day'), 'minutes').minutes;
        if (sinceMidnight() < 6) {
            await sleep((6 - sinceMidnight()) * 60000);
            local = DateTime.now().setZone(zone);
        }
        // Yesterday closes at today's start of day plus the grace: about a minute from now.
        const closeGrace = Math.ceil(sinceMidnight()) + 1;
        stack = await createStack({
            people: 3,
            flowOptions: { artemisInterval: 30, hysecureInterval: 5, timezone: zone },
            mapFlow: (flow) => {
                sinkOptions(flow);
                const n = flow.find((x) => x.id === HYSECURE);
                n.closeGrace = closeGrace;
                n.startOfDay = '00:00:00';
                n.days = 2;
                return flow;
            },
        });
        await stack.startSimulators();
        const yesterday = local.minus({ days: 1 }).toFormat('yyyy-MM-dd');
        const todayLogin = local.minus({ minutes: 3 }).toFormat('yyyy-MM-dd HH:mm:ss');
        const user = { userId: '000102', userName: 'user2', realm: 'Remote Workers' };
        (await stack.sim('hysecure', 'POST', '/__sim/sessions', [
            { ...user, login: `${yesterday} 09:00:00`, logout: `${yesterday} 18:00:00` },
            { ...user, login: todayLogin, logout: null },
        ])).status.should.equal(200);
        await stack.startNodeRed();
        await waitFor(async () => (await stack.journal()).length >= 3, { what: 'three records', timeoutMs: 180000 });
        await sleep(6000);
        const journal = await stack.journal();
        journal.map((r) => r.type).should.eql(['START', 'END', 'START']);
        journal.map((r) => Date.parse(r.time)).should.eql(journal.map((r) => Date.parse(r.time)).slice().sort((a, b) => a - b));
        checkJournal(journal);
        counted(await clockHealth(stack), 'failed').should.equal(0);
    });

    for (const mode of ['documented', 'legacy']) {
        it(`kill -9 with requests in flight against Humand's ${mode} answers: no punch reported not delivered while Humand holds it`, async function () {
            const people = 6;
            stack = await createStack({
                people,
                flowOptions: { artemisInterval: 3, hysecureInterval: 30 },
                mapFlow: sinkOptions,
                simArgs: mode === 'legacy' ? { humand: ['--errors', 'legacy'] } : {},
            });
            await stack.startSimulators();
            const events = doorEvents(Date.now(), 1, people, 6);
            (await stack.sim('artemis', 'POST', '/__sim/events', events)).status.should.equal(200);
            await stack.sim('humand', 'POST', '/__sim/latency', { ms: 300 });
            await stack.startNodeRed();
            await waitFor(async () => (await stack.journal()).length >= 8, { what: 'first records', timeoutMs: 60000 });
            await stack.killNodeRed('SIGKILL');
            (await stack.journal()).length.should.be.below(events.length);
            await stack.sim('humand', 'POST', '/__sim/latency', { ms: 0 });
            await stack.startNodeRed();
            await waitFor(async () => (await stack.journal()).length >= events.length, { what: `${events.length} records`, timeoutMs: 90000 });
            await waitFor(async () => (await clockHealth(stack)).queue === 0, { what: 'an empty outbox', timeoutMs: 60000 });
            await sleep(3000);
            const journal = await stack.journal();
            journal.length.should.equal(events.length);
            checkJournal(journal).size.should.equal(people);
            counted(await clockHealth(stack), 'failed').should.equal(0);
            stack.nodeRed.output.join('\n').should.not.match(/rejected|not delivered/i);
        });
    }

    it('HCP records: checkInAndOutType 0-6 and readerIndexCode overrides give the right punches', async function () {
        stack = await createStack({
            people: 3,
            flowOptions: { artemisInterval: 3, hysecureInterval: 30 },
            mapFlow: (flow) => {
                sinkOptions(flow);
                const n = flow.find((x) => x.id === ARTEMIS);
                // Reader 1011 (lobby in) is ignored, reader 1021 (no direction) is an exit reader.
                n.overrides = [{ id: '1011', action: 'ignore' }, { id: '1021', action: 'out' }];
                return flow;
            },
        });
        await stack.startSimulators();
        const now = Date.now();
        const at = (min) => now - 50 * 60000 + min * 60000;
        const p1 = person(1);
        const p2 = person(2);
        const events = [
            // person 1: check-in, break-out, break-in, check-out, overtime-in, overtime-out
            ...[1, 3, 4, 2, 5, 6].map((t, k) => ({ person: p1, atMs: at(k * 5), eventType: 196893, checkInAndOutType: t, readerIndexCode: '1012', door: '1' })),
            // person 2: in (unknown direction: first is in), a swipe on the ignored reader, an exit on the override reader
            { person: p2, atMs: at(1), eventType: 198914, checkInAndOutType: 0, readerIndexCode: '1012', door: '1' },
            { person: p2, atMs: at(10), eventType: 198914, checkInAndOutType: 1, readerIndexCode: '1011', door: '1' },
            { person: p2, atMs: at(20), eventType: 198914, checkInAndOutType: 0, readerIndexCode: '1021', door: '2' },
        ];
        (await stack.sim('artemis', 'POST', '/__sim/events', events)).status.should.equal(200);
        await stack.startNodeRed();
        await waitFor(async () => (await stack.journal()).length >= 8, { what: '8 records', timeoutMs: 90000 });
        await sleep(4000);
        const journal = await stack.journal();
        const byEmployee = checkJournal(journal);
        byEmployee.get('000101').map((r) => r.type).should.eql(['START', 'END', 'START', 'END', 'START', 'END']);
        byEmployee.get('000102').map((r) => [r.type, Date.parse(r.time)]).should.eql([['START', Math.floor(at(1) / 1000) * 1000], ['END', Math.floor(at(20) / 1000) * 1000]]);
        journal.length.should.equal(8);
    });
});
