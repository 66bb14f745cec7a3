'use strict';
require('should');
const fs = require('fs');
const path = require('path');
const { tmpDir } = require('../helper');
const { Journal } = require('../../dist/lib/journal/service');

const NOW = Date.parse('2026-12-03T12:00:00Z');
function journal(dir = tmpDir(), over = {}) {
    let now = NOW;
    const logs = [];
    const j = new Journal({ dir, retentionDays: 62, memoryLines: 1000, pendingLimit: 10_000, flushMs: 10_000, now: () => now, log: (t) => logs.push(t), ...over });
    return { j, dir, logs, advance: (ms) => (now += ms) };
}
const ev = (id, person = '7', over = {}) => ({ id, source: 'artemis', person: { id: person, code: `C${person}`, name: `Person ${person}` }, time: '2026-12-03T08:00:00-03:00', direction: 'in', raw: { token: 'secret' }, ...over });
const IM = { type: 'identity-map', id: 'm1' };
const HC = { type: 'humand-clock', id: 'c1' };

describe('journal service', function () {
    it('writes the event with its first line only, never its raw part', async function () {
        const { j, dir } = journal();
        j.record(IM, 'mapped', ev('e1'), { detail: 'via table → E1', outcome: 'pending', employeeId: 'E1' });
        j.record(HC, 'sent', { ...ev('e1'), employeeId: 'E1' }, { outcome: 'delivered', humand: { status: 201, entryId: '9', request: 1 } });
        await j.flush();
        const day = path.join(dir, '2026-12-03');
        const text = fs.readdirSync(day).map((f) => fs.readFileSync(path.join(day, f), 'utf8')).join('');
        const lines = text.trim().split('\n').map((l) => JSON.parse(l));
        lines.length.should.equal(2);
        lines[0].should.have.property('ev');
        lines[1].should.not.have.property('ev');
        text.should.not.containEql('secret');
        const [entry] = await j.search('E1');
        entry.outcome.should.equal('delivered');
        entry.steps[1].humand.should.eql({ status: 201, entryId: '9', request: 1 });
        await j.close();
    });

    it('never throws, whatever it is given', function () {
        const { j } = journal();
        j.record(IM, 'mapped', null);
        j.record(IM, 'mapped', { id: 42, person: 'x', time: {} });
        j.record(IM, 'mapped', {});
        return j.close();
    });

    it('"onlyFirst" writes nothing for an event it already has', async function () {
        const { j } = journal();
        j.record(IM, 'mapped', ev('e1'), { outcome: 'pending', employeeId: 'E1' });
        j.record(HC, 'queued', ev('e1'), { outcome: 'pending', onlyFirst: true });
        j.record(HC, 'queued', ev('e2'), { outcome: 'pending', onlyFirst: true });
        (await j.search('C7')).map((e) => e.steps.map((s) => s.step).join()).sort().should.eql(['mapped', 'queued']);
        await j.close();
    });

    it('parks, lists, replays into the node where it stopped as a new attempt, once', async function () {
        const { j } = journal();
        const parkedAt = [];
        j.on('parked', (nodeId) => parkedAt.push(nodeId));
        j.record(IM, 'unmapped', ev('e1'), { detail: 'person 7 not in the table', park: { reasonCode: 'unmapped', topic: '7' } });
        j.parkedCount('m1').should.equal(1);
        j.parkedCount('c1').should.equal(0);
        const [item] = j.parked();
        item.should.containEql({ id: 'e1', reasonCode: 'unmapped', reason: 'person 7 not in the table', node: 'identity-map', nodeId: 'm1', attempt: 1, topic: '7' });
        item.event.should.not.have.property('raw');
        j.health().parkedByReason.should.eql({ unmapped: 1 });

        const replayed = [];
        j.registerTarget('m1', (it) => {
            replayed.push(it);
            // The node maps it now and sends it on: the line carries attempt 2.
            j.record(IM, 'mapped', it.event, { outcome: 'pending', employeeId: 'E7' });
        });
        (await j.replay({ ids: ['e1'] })).should.equal(1);
        (await j.replay({ ids: ['e1'] })).should.equal(0);
        replayed.length.should.equal(1);
        j.parked().should.eql([]);
        parkedAt.should.eql(['m1', 'm1']);
        j.record(HC, 'sent', { ...ev('e1'), employeeId: 'E7' }, { outcome: 'delivered' });
        const [entry] = await j.search('C7');
        entry.steps.map((s) => `${s.step}:${s.attempt}`).should.eql(['unmapped:1', 'replayed:2', 'mapped:2', 'sent:2']);
        entry.outcome.should.equal('delivered');
        await j.close();
    });

    it('replays by employee (id or person code) and by reason; a record whose node is not deployed stays parked', async function () {
        const { j } = journal();
        j.record(IM, 'unmapped', ev('a', '1'), { park: { reasonCode: 'unmapped' } });
        j.record(IM, 'unmapped', ev('b', '2'), { park: { reasonCode: 'inactive' } });
        j.record(HC, 'sent', ev('c', '3', { employeeId: 'E3' }), { park: { reasonCode: 'employee-not-found' } });
        j.record({ type: 'humand-clock', id: 'gone' }, 'sent', ev('d', '4', { employeeId: 'E4' }), { park: { reasonCode: 'employee-not-found' } });
        const got = [];
        j.registerTarget('m1', (it) => got.push(it.id));
        j.registerTarget('c1', (it) => got.push(it.id));
        (await j.replay({ employee: 'C1' })).should.equal(1);
        (await j.replay({ employee: 'E3' })).should.equal(1);
        (await j.replay({ reasonCode: 'employee-not-found' })).should.equal(0); // d's node is gone
        (await j.replay({ reasonCode: 'inactive' })).should.equal(1);
        got.should.eql(['a', 'c', 'b']);
        j.parked().map((i) => i.id).should.eql(['d']);
        await j.close();
    });

    it('a replay its node refuses is parked again', async function () {
        const { j } = journal();
        j.record(IM, 'unmapped', ev('a'), { park: { reasonCode: 'unmapped' } });
        j.registerTarget('m1', () => {
            throw new Error('boom');
        });
        (await j.replay({ ids: ['a'] })).should.equal(0);
        j.parked().map((i) => [i.id, i.attempt]).should.eql([['a', 2]]);
        j.parked()[0].reason.should.match(/replay failed: boom/);
        await j.close();
    });

    it('dismisses: gone from the list, the journal says so', async function () {
        const { j } = journal();
        j.record(IM, 'unmapped', ev('a'), { park: { reasonCode: 'unmapped' } });
        j.record(IM, 'unmapped', ev('b'), { park: { reasonCode: 'unmapped' } });
        (await j.dismiss({ reasonCode: 'unmapped' }, 'other-node')).should.equal(0);
        (await j.dismiss({ ids: ['a'] })).should.equal(1);
        j.parked().map((i) => i.id).should.eql(['b']);
        (await j.dismiss({ reasonCode: '*' }, 'm1')).should.equal(1);
        const entries = await j.search('C7');
        entries.map((e) => e.outcome).should.eql(['dismissed', 'dismissed']);
        await j.close();
    });

    it('parked records survive a restart; those parked before the retention are dropped as it opens', async function () {
        const dir = tmpDir();
        const first = journal(dir);
        first.j.record(IM, 'unmapped', ev('old'), { park: { reasonCode: 'unmapped' } });
        first.advance(10 * 86_400_000);
        first.j.record(IM, 'unmapped', ev('new', '8', { time: '2026-12-13T08:00:00-03:00' }), { park: { reasonCode: 'unmapped' } });
        await first.j.close();
        const again = journal(dir, { now: () => NOW + 10 * 86_400_000 });
        await again.j.opened;
        again.j.parked().map((i) => i.id).should.eql(['new', 'old']);
        await again.j.close();
        const later = journal(dir, { now: () => NOW + 70 * 86_400_000 });
        await later.j.opened;
        // Dropped when it opens, not with the first hourly sweep.
        later.j.parked().map((i) => i.id).should.eql(['new']);
        await later.j.close();
    });

    it('in memory when the folder cannot be written: a start-up warning, the steps and parks still work', async function () {
        const dir = tmpDir();
        fs.writeFileSync(path.join(dir, 'file'), 'x');
        const { j, logs } = journal(path.join(dir, 'file', 'journal'));
        j.record(IM, 'unmapped', ev('a'), { park: { reasonCode: 'unmapped' } });
        await j.opened;
        logs.length.should.equal(1);
        logs[0].should.match(/cannot write to .*in memory only/);
        j.health().mode.should.equal('memory');
        j.parked().length.should.equal(1);
        (await j.search('C7')).length.should.equal(1);
        await j.close();
    });

    it('reports a write failure in its health and goes on', async function () {
        const dir = tmpDir();
        const { j, logs } = journal(dir);
        await j.opened;
        fs.writeFileSync(path.join(dir, '2026-12-03'), 'not a folder');
        j.record(IM, 'mapped', ev('a'), { outcome: 'pending' });
        await j.flush();
        const h = j.health();
        h.lastWriteError.should.match(/EEXIST|ENOTDIR/);
        h.failingSince.should.equal(NOW);
        logs.some((l) => /cannot write/.test(l)).should.be.true();
        // Still searchable from memory.
        (await j.search('C7')).length.should.equal(1);
        await j.close();
    });
});
