'use strict';
require('should');
const fs = require('fs');
const path = require('path');
const { tmpDir } = require('../helper');
const { JournalStore } = require('../../dist/lib/journal/store');

const NOW = Date.parse('2026-12-03T12:00:00Z');
const opts = (dir, over = {}) => ({ dir, retentionDays: 62, memoryLines: 100, pendingLimit: 1000, flushMs: 10_000, now: () => NOW, log: () => undefined, ...over });
const ev = (id, person, time, over = {}) => ({ id, source: 'artemis', person: { id: person, code: `C${person}`, name: `Person ${person}` }, time, direction: 'in', ...over });
const line = (e, step, over = {}) => ({ id: e.id, at: NOW, node: 'identity-map', step, event: e, ...over });

describe('journal store', function () {
    it('finds one person over several days, newest first, from written and not yet written lines', async function () {
        const dir = tmpDir();
        const s = await JournalStore.open(opts(dir));
        s.mode.should.equal('disk');
        const a1 = ev('a1', '1', '2026-12-01T08:00:00-03:00');
        const a2 = ev('a2', '1', '2026-12-02T08:00:00-03:00');
        const b1 = ev('b1', '2', '2026-12-02T08:00:00-03:00');
        s.write(line(a1, 'mapped', { employeeId: 'E1', outcome: 'pending' }), a1);
        s.write(line(b1, 'mapped', { employeeId: 'E2', outcome: 'pending' }), b1);
        await s.flush();
        s.write(line(a2, 'mapped', { employeeId: 'E1', outcome: 'pending' }), a2);
        s.write({ id: 'a1', at: NOW + 1, node: 'humand-clock', step: 'sent', outcome: 'delivered', employeeId: 'E1' }, a1);
        // a2 and a1's answer are still in memory (not flushed): found too.
        const found = await s.search('E1', '2026-11-01', '2026-12-03');
        found.map((e) => e.id).should.eql(['a2', 'a1']);
        found[1].outcome.should.equal('delivered');
        found[1].steps.map((x) => x.step).should.eql(['mapped', 'sent']);
        (await s.search('C2', '2026-11-01', '2026-12-03')).map((e) => e.id).should.eql(['b1']);
        (await s.search('person 1', '2026-12-02', '2026-12-02')).map((e) => e.id).should.eql(['a2']);
        (await s.search('nobody', '2026-11-01', '2026-12-03')).should.eql([]);
        await s.close();
        // Reopened: the people and the lines are read back from disk.
        const again = await JournalStore.open(opts(dir));
        (await again.search('E1', '2026-11-01', '2026-12-03')).map((e) => e.id).should.eql(['a2', 'a1']);
        await again.close();
    });

    it('finds lines while they are being written, each once', async function () {
        const s = await JournalStore.open(opts(tmpDir()));
        const a = ev('a1', '1', '2026-12-03T08:00:00-03:00');
        s.write(line(a, 'mapped', { employeeId: 'E1', outcome: 'pending' }), a);
        const writing = s.flush(); // the batch is in flight now
        const during = await s.search('E1', '2026-12-01', '2026-12-03');
        await writing;
        const after = await s.search('E1', '2026-12-01', '2026-12-03');
        during.map((e) => e.steps.length).should.eql([1]);
        after.map((e) => e.steps.length).should.eql([1]);
        await s.close();
    });

    it('a day as CSV: BOM, header, one row per event in time order, in chunks', async function () {
        const s = await JournalStore.open(opts(tmpDir(), { pendingLimit: 10_000 }));
        for (let i = 0; i < 2500; i++) {
            const e = ev(`e${i}`, String(i % 300), new Date(Date.parse('2026-12-02T11:00:00Z') - i * 1000).toISOString());
            s.write(line(e, 'mapped', { employeeId: `E${i % 300}`, outcome: 'pending' }), e);
        }
        await s.flush();
        const chunks = [];
        for await (const c of s.csv('2026-12-02')) chunks.push(c);
        chunks.length.should.be.above(3); // header + rows in chunks of 1,000
        const text = chunks.join('');
        text.charCodeAt(0).should.equal(0xfeff);
        const rows = text.slice(1).split('\r\n').filter(Boolean);
        rows[0].should.equal('employee;person;time;direction;source;device;outcome;reason');
        rows.length.should.equal(2501);
        rows[1].should.startWith('E99;Person 99 · C99;2026-12-02T10:18:21.000Z;in;artemis;;pending;'); // the earliest: e2499
        const times = rows.slice(1).map((r) => Date.parse(r.split(';')[2]));
        times.should.eql([...times].sort((x, y) => x - y));
        // A day with nothing: the header only.
        let empty = '';
        for await (const c of s.csv('2026-01-01')) empty += c;
        empty.should.equal('\ufeffemployee;person;time;direction;source;device;outcome;reason\r\n');
        await s.close();
    });

    it('deletes the days past the retention when it opens', async function () {
        const dir = tmpDir();
        for (const d of ['2026-10-02', '2026-10-03']) {
            fs.mkdirSync(path.join(dir, d));
            fs.writeFileSync(path.join(dir, d, '00.jsonl'), '\n');
        }
        const s = await JournalStore.open(opts(dir));
        // 62 days up to 2026-12-03: the first kept is 2026-10-03.
        s.cutoff().should.equal('2026-10-03');
        fs.existsSync(path.join(dir, '2026-10-02')).should.be.false();
        fs.existsSync(path.join(dir, '2026-10-03')).should.be.true();
        s.stats().oldestDay.should.equal('2026-10-03');
        await s.close();
    });

    it('keeps parked records over a restart; compacts the file when it loads', async function () {
        const dir = tmpDir();
        const s = await JournalStore.open(opts(dir));
        const item = (id) => ({ id, time: 't', direction: 'in', reason: 'r', reasonCode: 'unmapped', node: 'identity-map', nodeId: 'm1', parkedAt: '2026-12-03T12:00:00.000Z', attempt: 1, event: { id, time: 't', direction: 'in' } });
        for (let i = 0; i < 150; i++) {
            s.writeParked({ op: 'park', item: item(`p${i}`) });
            if (i > 0) s.writeParked({ op: 'unpark', id: `p${i}`, at: NOW });
        }
        await s.close();
        const again = await JournalStore.open(opts(dir));
        again.loadedParked.map((p) => p.id).should.eql(['p0']);
        fs.readFileSync(path.join(dir, 'parked.jsonl'), 'utf8').trim().split('\n').length.should.equal(1);
        await again.close();
    });

    it('without a writable folder: a bounded window in memory, and says why', async function () {
        const dir = tmpDir();
        fs.writeFileSync(path.join(dir, 'file'), 'x');
        const s = await JournalStore.open(opts(path.join(dir, 'file', 'journal'), { memoryLines: 3 }));
        s.mode.should.equal('memory');
        s.problem.should.match(/EEXIST|ENOTDIR/);
        for (let i = 0; i < 5; i++) {
            const e = ev(`m${i}`, '1', '2026-12-03T08:00:00Z');
            s.write(line(e, 'mapped'), e);
        }
        (await s.search('C1', '2026-12-01', '2026-12-03')).map((e) => e.id).should.eql(['m4', 'm3', 'm2']);
        const st = s.stats();
        st.mode.should.equal('memory');
        st.lastWriteError.should.match(/EEXIST|ENOTDIR/);
        st.bytes.should.be.above(0);
        let csv = '';
        for await (const c of s.csv('2026-12-03')) csv += c;
        csv.split('\r\n').filter(Boolean).length.should.equal(4);
        (await JournalStore.open(opts(undefined))).problem.should.equal('no directory');
    });
});
