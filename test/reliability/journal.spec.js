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

const { MAP } = J;

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
        // The day's CSV has its row.
        const csv = await api.csv(day);
        csv.charCodeAt(0).should.equal(0xfeff);
        const row = csv.split('\r\n').find((l) => l.startsWith('000101;'));
        should.exist(row, 'the CSV row of the punch');
        row.should.containEql('delivered');
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
        (await api.parked()).map((p) => p.id).should.containEql(ev.id);

        // Replayed by message (msg.topic "replay" to identity-map); the admin API's replay is in the next cases.
        await J.input(stack, 'map', 'replay', { ids: [ev.id] });
        await waitFor(async () => (await humandRecords(stack, '000102')).length === 1, { what: 'the replayed punch in Humand' });
        (await api.replay({ ids: [ev.id] })).should.equal(0);
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
        (await api.replay({ reasonCode: 'employee-not-found' })).should.equal(1);
        await waitFor(async () => (await humandRecords(stack, '000150')).length === 1, { what: 'the replayed punch in Humand' });
        const after = await entryWhen(api, CARLA.code, ev.id, (e) => e.outcome === 'delivered');
        J.stepOf(after, 'replayed').attempt.should.equal(2);
        J.stepOf(after, 'sent').humand.status.should.equal(201);
        (await api.parked()).should.have.length(0);
    });

    it('an unknown employee under Humand\'s documented answers (a generic 400 INVALID_DATA) is parked as humand-rejected and replays after the employee exists', async function () {
        stack = await journalStack({ rows: [{ source: CARLA.code, target: '000150' }] });
        await stack.startNodeRed();
        const api = J.journalApi(stack);
        const ev = J.doorEvent('e2e:carla-d1', CARLA, 7, 'in');
        await J.input(stack, 'map', CARLA.id, ev);
        const parked = await parkedWhen(api, ev.id, 'humand-rejected');
        parked.employeeId.should.equal('000150');
        const before = await entryWhen(api, '000150', ev.id, (e) => e.outcome === 'parked');
        J.stepOf(before, 'sent').humand.should.containEql({ status: 400, code: 'INVALID_DATA' });
        (await stack.sim('humand', 'POST', '/__sim/users', { employeeInternalId: '000150' })).status.should.equal(201);
        (await api.replay({ employee: '000150' })).should.equal(1);
        await waitFor(async () => (await humandRecords(stack, '000150')).length === 1, { what: 'the replayed punch in Humand' });
        await entryWhen(api, CARLA.code, ev.id, (e) => e.outcome === 'delivered');
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
        (counts[0] + counts[1]).should.equal(1);
        more.should.eql([0, 0]);
        await waitFor(async () => (await humandRecords(stack, '000150')).length === 1, { what: 'the replayed punch in Humand' });
        await entryWhen(api, '000150', ev.id, (e) => e.outcome === 'delivered');
        // After delivery: again by id, by employee, by reason.
        const late = [await api.replay({ ids: [ev.id] }), await api.replay({ employee: '000150' }), await api.replay({ reasonCode: 'employee-not-found' })];
        late.should.eql([0, 0, 0]);
        // The same event coming in again from the source (a re-poll) is Humand's duplicate, not a record.
        await J.input(stack, 'map', CARLA.id, ev);
        await new Promise((r) => setTimeout(r, 2000));
        (await humandRecords(stack, '000150')).should.have.length(1);
        const entry = (await api.search('000150')).find((x) => x.id === ev.id);
        entry.steps.filter((s) => s.step === 'replayed').should.have.length(1);
        entry.steps.filter((s) => s.step === 'sent' && s.humand && s.humand.status === 201).should.have.length(1);
    });
    it('the journal survives a clean restart: stopped right after a delivery, the search finds every step and the parked record is still listed and replayable', async function () {
        // A long batch interval: a stop inside it must still write what is batched.
        stack = await journalStack({ rows: [{ source: ANA.code, target: '000101' }], journal: { flushMs: 3000 } });
        await stack.startNodeRed();
        const api = J.journalApi(stack);
        const bruno = J.doorEvent('e2e:bruno-r', BRUNO, 9, 'in');
        await J.input(stack, 'map', BRUNO.id, bruno);
        await parkedWhen(api, bruno.id, 'unmapped');
        const ana = [J.doorEvent('e2e:ana-r1', ANA, 20, 'in'), J.doorEvent('e2e:ana-r2', ANA, 5, 'out')];
        for (const ev of ana) await J.input(stack, 'map', ANA.id, ev);
        await waitFor(async () => (await humandRecords(stack, '000101')).length === 2, { what: 'both punches in Humand' });
        // Stopped at once (SIGTERM: Node-RED closes its flows), well inside the 3 s batch.
        await stack.killNodeRed('SIGTERM');
        const onDisk = J.storedEvents(J.journalDir(stack));
        for (const ev of ana) should(onDisk.get(ev.id) && onDisk.get(ev.id).sent).be.true(`the sent step of ${ev.id} written at the clean stop`);
        await stack.startNodeRed();
        for (const ev of ana) {
            const e = await entryWhen(api, '000101', ev.id, (x) => x.outcome === 'delivered');
            e.steps.map((x) => x.step).should.containDeep(['mapped', 'sent']);
        }
        (await api.search(BRUNO.code)).map((x) => x.id).should.containEql(bruno.id);
        const listed = (await api.parked()).find((p) => p.id === bruno.id);
        should(listed).be.ok();
        listed.reasonCode.should.equal('unmapped');
        // Its node took it again after the restart: a replay with the row deployed delivers it.
        const flow = await J.getFlow(stack);
        flow.find((n) => n.id === MAP).table = [{ source: ANA.code, target: '000101' }, { source: BRUNO.code, target: '000102' }];
        await J.deploy(stack, flow);
        (await api.replay({ employee: BRUNO.code })).should.equal(1);
        await waitFor(async () => (await humandRecords(stack, '000102')).length === 1, { what: 'the parked punch replayed after the restart' });
    });

    it('kill -9 during a burst loses at most the last batch interval (flushMs) of lines; a torn last line is skipped and does not swallow the next', async function () {
        const FLUSH_MS = 500;
        const people = 6;
        const each = 6;
        // Humand's window rate limit off: the re-sends after the restart (and their read-backs) need not wait a minute.
        stack = await journalStack({ people, journal: { flushMs: FLUSH_MS }, simArgs: { humand: ['--rate-limit', 'off'] } });
        const now = Date.now();
        const events = [];
        for (let i = 1; i <= people; i++) {
            const code = String(100 + i).padStart(6, '0');
            for (let k = 0; k < each; k++) {
                events.push({ person: { personId: String(i), personCode: code, personName: `Person ${i}` }, atMs: now - 50 * 60000 + i * 20000 + k * 8 * 60000, eventType: 196893, checkInAndOutType: k % 2 === 0 ? 1 : 2 });
            }
        }
        (await stack.sim('artemis', 'POST', '/__sim/events', events)).status.should.equal(200);
        await stack.sim('humand', 'POST', '/__sim/latency', { ms: 150 });
        await stack.startNodeRed();
        await waitFor(async () => (await stack.journal()).length >= 10, { what: 'the burst under way', intervalMs: 50 });
        // A fast machine delivers 10 records before the first batch is written: kill once lines are on disk.
        await waitFor(async () => J.dayFiles(J.journalDir(stack)).length > 0, { what: 'a first batch on disk', intervalMs: 20 });
        const killAt = Date.now();
        await stack.killNodeRed('SIGKILL');
        const atKill = await stack.journal();
        atKill.length.should.be.below(events.length);
        const dir = J.journalDir(stack);
        // What the kill left: every line whole except, at most, the last one of a file (a torn append).
        for (const f of J.dayFiles(dir)) {
            const bad = f.lines.filter((l) => !l.json);
            bad.length.should.be.belowOrEqual(1, f.file);
            if (bad.length) f.lines[f.lines.length - 1].should.equal(bad[0]);
        }
        // Every punch Humand held at the kill has its sent line, except those Humand took in the last batch interval.
        const stored = J.storedEvents(dir);
        const sentAt = new Map();
        for (const e of stored.values()) if (e.sent) sentAt.set(`${e.employeeId}|${Date.parse(e.time)}`, e.id);
        const missing = atKill.filter((r) => !sentAt.has(`${r.employeeInternalId}|${Date.parse(r.time)}`));
        const margin = 500; // the answer's way back, the outbox's bookkeeping, the write itself
        for (const r of missing) Date.parse(r.receivedAt).should.be.above(killAt - FLUSH_MS - margin, `record ${r.id} taken ${killAt - Date.parse(r.receivedAt)} ms before the kill has no sent line`);
        // A torn last line in every file of the day, as a kill in the middle of an append leaves it.
        const files = J.dayFiles(dir);
        files.length.should.be.above(0);
        for (const f of files) fs.appendFileSync(path.join(dir, f.file), '{"i":"hikcentral:torn","k":"hikcentral:1","a":17');
        await stack.sim('humand', 'POST', '/__sim/latency', { ms: 0 });
        await stack.startNodeRed();
        await waitFor(async () => (await stack.journal()).length >= events.length, { what: `${events.length} records`, timeoutMs: 60000 });
        const held = await stack.journal();
        held.length.should.equal(events.length);
        // After the restart every punch Humand holds has its sent line (re-sent ones as Humand's duplicate).
        const complete = await waitFor(async () => {
            const ev = J.storedEvents(dir);
            const keys = new Set([...ev.values()].filter((e) => e.sent).map((e) => `${e.employeeId}|${Date.parse(e.time)}`));
            return held.every((r) => keys.has(`${r.employeeInternalId}|${Date.parse(r.time)}`)) && ev;
        }, { what: 'a sent line for every record', timeoutMs: 30000 });
        complete.size.should.be.aboveOrEqual(events.length);
        // The torn lines: one per file, skipped; the line written after each is whole.
        let written = 0;
        for (const f of J.dayFiles(dir)) {
            const i = f.lines.findIndex((l) => l.text.includes('hikcentral:torn'));
            if (i === -1) continue;
            f.lines.filter((l) => !l.json).should.have.length(1, f.file);
            should(f.lines[i].json).be.undefined();
            if (i + 1 < f.lines.length) {
                should.exist(f.lines[i + 1].json, `${f.file}: the line after the torn one`);
                written++;
            }
        }
        written.should.be.above(0, 'lines written after a torn one');
        if (process.env.AB_E2E_VERBOSE) console.log(`  kill -9: ${atKill.length}/${events.length} in Humand, ${missing.length} without a sent line at the kill`);
        const api = J.journalApi(stack);
        const one = await entryWhen(api, '000101', [...complete.values()].find((e) => e.employeeId === '000101').id, (e) => e.steps.some((x) => x.step === 'sent'));
        one.person.code.should.equal('000101');
    });

    it('retention deletes day folders past retentionDays at start, and parked records parked before them are no longer listed', async function () {
        const dist = path.join(__dirname, '..', '..', 'dist', 'lib', 'journal');
        const { encodeLine } = require(path.join(dist, 'codec'));
        const { People } = require(path.join(dist, 'people'));
        const { bucketOf, bucketFile } = require(path.join(dist, 'disk'));
        const bucket = bucketFile(bucketOf('hikcentral:41'));
        const today = new Date().toISOString().slice(0, 10);
        const ago = (n) => new Date(Date.parse(`${today}T12:00:00Z`) - n * 86400000);
        const day = (n) => ago(n).toISOString().slice(0, 10);
        const evAt = (id, n) => ({ id, source: 'hikcentral', person: { id: '41', code: ANA.code, name: ANA.name }, time: `${day(n)}T09:00:00.000-03:00`, direction: 'in' });
        const item = (id, n) => ({ id, person: { id: '42', code: BRUNO.code }, time: `${day(n)}T09:00:00.000-03:00`, direction: 'in', reason: 'unmapped', reasonCode: 'unmapped', node: 'identity-map', nodeId: MAP, parkedAt: ago(n).toISOString(), attempt: 1, event: { ...evAt(id, n), person: { id: '42', code: BRUNO.code } } });
        let dir;
        stack = await journalStack({
            rows: [{ source: ANA.code, target: '000101' }],
            before: (s) => {
                dir = J.journalDir(s);
                for (const n of [100, 62, 61]) {
                    fs.mkdirSync(path.join(dir, day(n)), { recursive: true });
                    const line = encodeLine({ id: `old:${n}`, at: ago(n).getTime(), node: 'identity-map', step: 'mapped', outcome: 'delivered', employeeId: '000101', event: evAt(`old:${n}`, n) }, 'hikcentral:41');
                    fs.writeFileSync(path.join(dir, day(n), bucket), line + '\n');
                }
                // The people the search knows (written with the day lines, as the journal does).
                fs.writeFileSync(path.join(dir, 'people.jsonl'), JSON.stringify(new People().note('hikcentral:41', evAt('old:61', 61), '000101')) + '\n');
                fs.writeFileSync(path.join(dir, 'parked.jsonl'), [item('old:parked:100', 100), item('old:parked:10', 10)].map((i) => JSON.stringify({ op: 'park', item: i })).join('\n') + '\n');
            },
        });
        await stack.startNodeRed();
        const api = J.journalApi(stack);
        await waitFor(async () => {
            const h = await J.journalHealth(stack);
            return h && h.details && h.details.oldestDay === day(61);
        }, { what: `the journal open, oldest day ${day(61)}` });
        fs.existsSync(path.join(dir, day(100))).should.be.false();
        fs.existsSync(path.join(dir, day(62))).should.be.false();
        fs.existsSync(path.join(dir, day(61))).should.be.true();
        (await api.search('000101', day(70), today)).map((e) => e.id).should.eql(['old:61']);
        const listed = (await api.parked()).map((p) => p.id);
        listed.should.containEql('old:parked:10');
        listed.should.not.containEql('old:parked:100');
    });

    it('a journal folder that stops taking writes is reported (health lastError, one log warning) while punches still reach Humand; writing resumes with the kept lines', async function () {
        stack = await journalStack({ rows: [{ source: ANA.code, target: '000101' }, { source: BRUNO.code, target: '000102' }] });
        await stack.startNodeRed();
        const dir = J.journalDir(stack);
        const first = J.doorEvent('e2e:ana-w1', ANA, 30, 'in');
        await J.input(stack, 'map', ANA.id, first);
        await waitFor(async () => (J.storedEvents(dir).get(first.id) || {}).sent, { what: 'the first punch journaled' });
        const day = first.time.slice(0, 10);
        const dayDir = path.join(dir, day);
        const root = process.getuid && process.getuid() === 0;
        let restore;
        if (root) {
            // root writes through any mode: the day folder becomes a file, so its appends fail (ENOTDIR).
            const saved = path.join(stack.userDir, 'saved-day');
            fs.renameSync(dayDir, saved);
            fs.writeFileSync(dayDir, 'not a folder');
            restore = () => {
                fs.rmSync(dayDir);
                fs.renameSync(saved, dayDir);
            };
        } else {
            for (const p of [dayDir, ...fs.readdirSync(dayDir).map((f) => path.join(dayDir, f))]) fs.chmodSync(p, 0o555);
            fs.chmodSync(dir, 0o555);
            restore = () => {
                fs.chmodSync(dir, 0o755);
                for (const p of [dayDir, ...fs.readdirSync(dayDir).map((f) => path.join(dayDir, f))]) fs.chmodSync(p, 0o755);
            };
        }
        const during = [J.doorEvent('e2e:ana-w2', ANA, 20, 'out'), J.doorEvent('e2e:bruno-w1', BRUNO, 15, 'in'), J.doorEvent('e2e:bruno-w2', BRUNO, 10, 'out')];
        for (const ev of during) await J.input(stack, 'map', ev.person.id, ev);
        await waitFor(async () => (await stack.journal()).length === 4, { what: 'all four punches in Humand' });
        const h1 = await waitFor(async () => {
            const h = await J.journalHealth(stack);
            return h && h.lastError && h;
        }, { what: 'the journal\'s write error in the health report' });
        h1.lastError.should.match(root ? /ENOTDIR|EEXIST|not a directory/i : /EACCES|EPERM|read-only|permission/i);
        should(h1.failingSince).be.a.Number();
        // It tries again (every 5 s) and fails again: still one warning in the log.
        await waitFor(async () => (await J.journalHealth(stack)).lastErrorAt > h1.lastErrorAt, { what: 'a second failed write', timeoutMs: 15000 });
        const warnings = stack.logText().split('\n').filter((l) => /attendance journal: cannot write to/.test(l));
        warnings.should.have.length(1);
        warnings[0].should.match(/punches still flow/);
        (await stack.journal()).should.have.length(4);
        // Writable again: the lines kept meanwhile are written, the report clears.
        restore();
        await waitFor(async () => /attendance journal: writing to .* works again/.test(stack.logText()), { what: 'writing works again', timeoutMs: 15000 });
        const stored = J.storedEvents(dir);
        for (const ev of during) should(stored.get(ev.id) && stored.get(ev.id).sent).be.true(`${ev.id} journaled after the failure`);
        should((await J.journalHealth(stack)).failingSince).be.undefined();
    });

    it('no writable journal folder at start: memory mode with a start-up warning, punches still reach Humand', async function () {
        stack = await journalStack({
            rows: [{ source: ANA.code, target: '000101' }],
            journal: { dir: 'blocked/journal' },
            // `blocked` is a file: nobody (not even root) can make a folder under it.
            before: (s) => fs.writeFileSync(path.join(s.userDir, 'blocked'), 'a file, not a folder'),
        });
        await stack.startNodeRed();
        const ev = J.doorEvent('e2e:ana-m1', ANA, 12, 'in');
        await J.input(stack, 'map', ANA.id, ev);
        await waitFor(async () => (await humandRecords(stack, '000101')).length === 1, { what: 'the punch in Humand' });
        const log = stack.logText();
        log.should.match(/attendance journal: cannot write to .*blocked.*in memory only/);
        log.split('\n').filter((l) => /attendance journal:/.test(l)).should.have.length(1);
        const h = await J.journalHealth(stack);
        h.details.mode.should.equal('memory');
        h.lastError.should.match(/ENOTDIR|EEXIST|not a directory/i);
        fs.existsSync(path.join(stack.userDir, 'attendance-bridge')).should.be.false();
        // The search still answers from the memory window.
        const e = await entryWhen(J.journalApi(stack), ANA.code, ev.id, (x) => x.outcome === 'delivered');
        J.stepOf(e, 'sent').humand.status.should.equal(201);
    });
});
