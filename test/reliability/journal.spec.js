'use strict';
// The attendance journal end to end (issue 12): the packed package in a real Node-RED 5 process, the
// example flow against the simulators, a test tab that feeds identity-map / humand-clock over HTTP. The
// journal is read through its admin API and as files on disk; the Humand simulator's records are the judge
// of what reached Humand. (./journal.js is the SIMULATOR's journal; ./attendance-journal.js is ours.)
const fs = require('fs');
const path = require('path');
const should = require('should');
const { createStack, installPackage, waitFor } = require('./stack');
const { sinkOptions } = require('./journal');
const J = require('./attendance-journal');

const { MAP, CLOCK } = J;

/** A person HikCentral knows whose code is not an employee id (the search must tell them apart). */
const ANA = { id: '41', code: 'HIK-41', name: 'Ana Pérez' };
const BRUNO = { id: '42', code: 'HIK-42', name: 'Bruno Díaz' };
const CARLA = { id: '43', code: 'HIK-43', name: 'Carla Gómez' };

/**
 * A stack for the journal: `people` Humand employees 000101.., identity-map's table `rows`
 * ({source: person code, target: employee id}) before the directory, the test tab, the journal's settings.
 */
async function journalStack({ people = 4, rows = [], journal = {}, simArgs, artemisInterval = 2, before } = {}) {
    const stack = await createStack({
        people,
        flowOptions: { artemisInterval, hysecureInterval: 60 },
        settings: { attendanceBridge: { journal: { flushMs: 100, ...journal } } },
        simArgs,
        mapFlow: (flow) => {
            sinkOptions(flow);
            J.withTestInput(flow);
            flow.find((n) => n.id === MAP).table = rows;
            return flow;
        },
    });
    if (before) await before(stack);
    await stack.startSimulators();
    return stack;
}

/** The simulator's records of one employee. */
async function humandRecords(stack, employeeId) {
    return (await stack.journal()).filter((r) => r.employeeInternalId === employeeId);
}

/** The search's entry for event `id` once `ready(entry)` holds. */
function entryWhen(api, query, id, ready, what) {
    return waitFor(async () => {
        const e = (await api.search(query)).find((x) => x.id === id);
        return e && ready(e) ? e : undefined;
    }, { what: what || `journal entry ${id} for "${query}"`, timeoutMs: 30000 });
}

/** The parked record `id` once listed (with `reasonCode`). */
function parkedWhen(api, id, reasonCode) {
    return waitFor(async () => (await api.parked()).find((p) => p.id === id && (!reasonCode || p.reasonCode === reasonCode)),
        { what: `parked ${id} (${reasonCode})`, timeoutMs: 30000 });
}

describe('attendance journal end to end (real Node-RED, packed package, simulators)', function () {
    this.timeout(120000);
    let stack;

    before(function () {
        this.timeout(180000);
        installPackage();
    });
    afterEach(async function () {
        if (stack) await stack.stop();
        stack = undefined;
    });

    it('a normal punch from HikCentral: the journal holds its mapped and sent steps with Humand\'s status and entry id, delivered, found by employee id and by person code', async function () {
        stack = await journalStack({ rows: [{ source: ANA.code, target: '000101' }] });
        const atMs = Math.floor((Date.now() - 10 * 60000) / 1000) * 1000;
        const posted = await stack.sim('artemis', 'POST', '/__sim/events', [
            { eventId: 'jr-ana-1', person: { personId: ANA.id, personCode: ANA.code, personName: ANA.name }, atMs, eventType: 196893, checkInAndOutType: 1 },
        ]);
        posted.status.should.equal(200);
        await stack.startNodeRed();
        const api = J.journalApi(stack);
        const records = await waitFor(async () => {
            const r = await humandRecords(stack, '000101');
            return r.length === 1 && r;
        }, { what: 'the punch in Humand' });
        const id = 'hikcentral:jr-ana-1';
        const byEmployee = await entryWhen(api, '000101', id, (e) => e.outcome === 'delivered');
        byEmployee.source.should.equal('hikcentral');
        byEmployee.employeeId.should.equal('000101');
        byEmployee.person.should.containEql({ id: ANA.id, code: ANA.code });
        byEmployee.direction.should.equal('in');
        Date.parse(byEmployee.time).should.equal(atMs);
        const mapped = J.stepOf(byEmployee, 'mapped');
        should(mapped).be.ok();
        mapped.node.should.equal('identity-map');
        mapped.detail.should.match(/table/).and.match(/000101/);
        const sent = J.stepOf(byEmployee, 'sent');
        should(sent).be.ok();
        sent.node.should.equal('humand-clock');
        sent.humand.status.should.equal(201);
        sent.humand.entryId.should.equal(String(records[0].id));
        byEmployee.steps.map((s) => s.step).indexOf('mapped').should.be.below(byEmployee.steps.map((s) => s.step).indexOf('sent'));
        // The same event by the person's code (HikCentral's) and by a part of the name.
        const byCode = (await api.search(ANA.code)).find((x) => x.id === id);
        should(byCode).be.ok();
        byCode.outcome.should.equal('delivered');
        byCode.steps.length.should.equal(byEmployee.steps.length);
        (await api.search('000102')).filter((x) => x.id === id).should.have.length(0);
        // On disk: its lines are in the day folder of its own day.
        const day = byEmployee.time.slice(0, 10);
        const lines = J.storedLines(J.journalDir(stack)).filter((l) => l.i === id);
        lines.map((l) => l.s).should.containDeep(['mapped', 'sent']);
        J.dayFiles(J.journalDir(stack)).filter((f) => f.lines.some((l) => l.json && l.json.i === id)).every((f) => f.file.startsWith(day)).should.be.true();
    });

    it('an unmapped person is parked (unmapped), a table row is deployed, the replay reaches Humand exactly once: replayed, then delivered on attempt 2', async function () {
        stack = await journalStack({ rows: [{ source: ANA.code, target: '000101' }] });
        await stack.startNodeRed();
        const api = J.journalApi(stack);
        const ev = J.doorEvent('e2e:bruno-1', BRUNO, 8, 'in');
        await J.input(stack, 'map', BRUNO.id, ev);
        const parked = await parkedWhen(api, ev.id, 'unmapped');
        parked.node.should.equal('identity-map');
        parked.person.code.should.equal(BRUNO.code);
        should(parked.employeeId).be.undefined();
        const before = await entryWhen(api, BRUNO.code, ev.id, (e) => e.outcome === 'parked');
        J.stepOf(before, 'unmapped').node.should.equal('identity-map');
        (await stack.journal()).should.have.length(0);

        // The fix: a table row for Bruno, deployed through the admin API.
        const flow = await J.getFlow(stack);
        flow.find((n) => n.id === MAP).table = [{ source: ANA.code, target: '000101' }, { source: BRUNO.code, target: '000102' }];
        await J.deploy(stack, flow);
        await waitFor(async () => /Started modified nodes|Started flows/.test(stack.nodeRed.output.slice(-20).join('\n')), { what: 'the re-deploy' });
        (await api.parked()).map((p) => p.id).should.containEql(ev.id);

        const n = await api.replay({ ids: [ev.id] });
        if (n !== undefined) n.should.equal(1);
        await waitFor(async () => (await humandRecords(stack, '000102')).length === 1, { what: 'the replayed punch in Humand' });
        const after = await entryWhen(api, '000102', ev.id, (e) => e.outcome === 'delivered');
        // One event, two attempts: unmapped (1), then replayed, mapped and sent (2), in that order.
        const names = after.steps.map((s) => `${s.step}:${s.attempt}`);
        const at = (name) => names.indexOf(name);
        at('unmapped:1').should.be.aboveOrEqual(0);
        at('unmapped:1').should.be.below(at('replayed:2'));
        at('replayed:2').should.be.below(at('mapped:2'));
        at('mapped:2').should.be.below(at('sent:2'));
        const replayed = J.stepOf(after, 'replayed');
        should(replayed).be.ok();
        replayed.attempt.should.equal(2);
        const sent = J.stepOf(after, 'sent');
        sent.attempt.should.equal(2);
        sent.humand.status.should.equal(201);
        J.stepOf(after, 'unmapped').attempt.should.equal(1);
        (await api.parked()).map((p) => p.id).should.not.containEql(ev.id);
        // Exactly once in Humand, also a little later.
        await new Promise((r) => setTimeout(r, 1500));
        const recs = await humandRecords(stack, '000102');
        recs.should.have.length(1);
        recs[0].type.should.equal('START');
        Date.parse(recs[0].time).should.equal(Date.parse(ev.time));
        (await stack.sim('humand', 'GET', '/__sim/requests')).json.filter((r) => r.employeeId === '000102').should.have.length(1);
    });

    it('Humand "employee not found" is parked (employee-not-found), the employee created in Humand, the replay delivers it', async function () {
        // --errors legacy: Humand names the refusal (404 EMPLOYEE_NOT_FOUND); its documented generic 400 cannot say why.
        stack = await journalStack({ rows: [{ source: CARLA.code, target: '000150' }], simArgs: { humand: ['--errors', 'legacy'] } });
        await stack.startNodeRed();
        const api = J.journalApi(stack);
        const ev = J.doorEvent('e2e:carla-1', CARLA, 7, 'in');
        await J.input(stack, 'map', CARLA.id, ev);
        const parked = await parkedWhen(api, ev.id, 'employee-not-found');
        parked.node.should.equal('humand-clock');
        parked.employeeId.should.equal('000150');
        const before = await entryWhen(api, '000150', ev.id, (e) => e.outcome === 'parked');
        J.stepOf(before, 'sent').humand.should.containEql({ status: 404, code: 'EMPLOYEE_NOT_FOUND' });
        (await stack.journal()).should.have.length(0);

        (await stack.sim('humand', 'POST', '/__sim/users', { employeeInternalId: '000150', firstName: 'Carla', lastName: 'Gómez' })).status.should.equal(201);
        const n = await api.replay({ reasonCode: 'employee-not-found' });
        if (n !== undefined) n.should.equal(1);
        await waitFor(async () => (await humandRecords(stack, '000150')).length === 1, { what: 'the replayed punch in Humand' });
        const after = await entryWhen(api, CARLA.code, ev.id, (e) => e.outcome === 'delivered');
        J.stepOf(after, 'replayed').attempt.should.equal(2);
        J.stepOf(after, 'sent').humand.status.should.equal(201);
        (await api.parked()).should.have.length(0);
    });

    it('replaying twice never creates a second Humand record (same id again, by employee again, at once)', async function () {
        stack = await journalStack({ rows: [{ source: CARLA.code, target: '000150' }], simArgs: { humand: ['--errors', 'legacy'] } });
        await stack.startNodeRed();
        const api = J.journalApi(stack);
        const ev = J.doorEvent('e2e:carla-2', CARLA, 6, 'in');
        await J.input(stack, 'map', CARLA.id, ev);
        await parkedWhen(api, ev.id, 'employee-not-found');
        (await stack.sim('humand', 'POST', '/__sim/users', { employeeInternalId: '000150' })).status.should.equal(201);
        // Two replays of the same id at the same moment, then by employee and by code while it is on its way.
        const counts = await Promise.all([api.replay({ ids: [ev.id] }), api.replay({ ids: [ev.id] })]);
        const more = [await api.replay({ employee: '000150' }), await api.replay({ employee: CARLA.code })];
        if (counts[0] !== undefined) {
            (counts[0] + counts[1]).should.equal(1);
            more.should.eql([0, 0]);
        }
        await waitFor(async () => (await humandRecords(stack, '000150')).length === 1, { what: 'the replayed punch in Humand' });
        await entryWhen(api, '000150', ev.id, (e) => e.outcome === 'delivered');
        // After delivery: again by id, by employee, by reason.
        const late = [await api.replay({ ids: [ev.id] }), await api.replay({ employee: '000150' }), await api.replay({ reasonCode: 'employee-not-found' })];
        if (late[0] !== undefined) late.should.eql([0, 0, 0]);
        // The same event coming in again from the source (a re-poll) is Humand's duplicate, not a record.
        await J.input(stack, 'map', CARLA.id, ev);
        await new Promise((r) => setTimeout(r, 2000));
        (await humandRecords(stack, '000150')).should.have.length(1);
        const entry = (await api.search('000150')).find((x) => x.id === ev.id);
        entry.steps.filter((s) => s.step === 'replayed').should.have.length(1);
        entry.steps.filter((s) => s.step === 'sent' && s.humand && s.humand.status === 201).should.have.length(1);
    });
});
