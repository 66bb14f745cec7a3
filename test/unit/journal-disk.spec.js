'use strict';
require('should');
const fs = require('fs');
const path = require('path');
const sinon = require('sinon');
const { tmpDir } = require('../helper');
const D = require('../../dist/lib/journal/disk');

function files(dir, logs = []) {
    return new D.DiskFiles({ dir, flushMs: 50, pendingLimit: 10, now: () => 1000, log: (t) => logs.push(t) });
}

describe('journal disk files', function () {
    it('buckets a key stably into 0..15', function () {
        D.bucketOf('artemis:1').should.equal(D.bucketOf('artemis:1'));
        const seen = new Set();
        for (let i = 0; i < 500; i++) {
            const b = D.bucketOf(`artemis:${i}`);
            b.should.be.within(0, 15);
            seen.add(b);
        }
        seen.size.should.equal(16);
        D.bucketFile(3).should.equal('03.jsonl');
    });

    it('probes a folder: created when missing, the error when it cannot be written', async function () {
        const dir = tmpDir();
        (await D.probeDir(path.join(dir, 'a', 'b')) === undefined).should.be.true();
        fs.existsSync(path.join(dir, 'a', 'b')).should.be.true();
        fs.readdirSync(path.join(dir, 'a', 'b')).should.eql([]);
        fs.writeFileSync(path.join(dir, 'file'), 'x');
        (await D.probeDir(path.join(dir, 'file', 'journal'))).should.match(/EEXIST|ENOTDIR/);
    });

    it('appends lines in one write per file per batch, after flushMs (fake timers)', async function () {
        const dir = tmpDir();
        const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
        try {
            const f = files(dir);
            const spy = sinon.spy(fs.promises, 'appendFile');
            try {
                f.append('2026-12-03/01.jsonl', 'a');
                f.append('2026-12-03/01.jsonl', 'b');
                f.append('2026-12-03/02.jsonl', 'c');
                f.unwritten('2026-12-03/01.jsonl').should.eql(['a', 'b']);
                spy.callCount.should.equal(0);
                clock.tick(50);
                await f.flush();
                spy.callCount.should.equal(2);
            } finally {
                spy.restore();
            }
            fs.readFileSync(path.join(dir, '2026-12-03', '01.jsonl'), 'utf8').should.equal('a\nb\n');
            f.bytes.should.equal(6);
            f.oldestDay().should.equal('2026-12-03');
            f.unwritten('2026-12-03/01.jsonl').should.eql([]);
        } finally {
            clock.restore();
        }
    });

    it('a line torn by a crash does not swallow the next one', async function () {
        const dir = tmpDir();
        fs.mkdirSync(path.join(dir, '2026-12-03'));
        fs.writeFileSync(path.join(dir, '2026-12-03', '01.jsonl'), '{"i":"whole"}\n{"i":"to');
        const f = files(dir);
        f.append('2026-12-03/01.jsonl', '{"i":"next"}');
        await f.flush();
        fs.readFileSync(path.join(dir, '2026-12-03', '01.jsonl'), 'utf8').split('\n').should.eql(['{"i":"whole"}', '{"i":"to', '{"i":"next"}', '']);
    });

    it('a failed write is reported once, its lines kept and written when the disk works again', async function () {
        const dir = tmpDir();
        const logs = [];
        const f = files(dir, logs);
        // A file where the day folder should be: mkdir and append fail (also for root).
        fs.writeFileSync(path.join(dir, '2026-12-03'), 'not a folder');
        f.append('2026-12-03/01.jsonl', 'a');
        await f.flush();
        f.append('2026-12-03/01.jsonl', 'b');
        await f.flush();
        f.lastWriteError.should.match(/EEXIST|ENOTDIR/);
        f.failingSince.should.equal(1000);
        logs.length.should.equal(1);
        logs[0].should.match(/cannot write to .*punches still flow/);
        f.unwritten('2026-12-03/01.jsonl').should.eql(['a', 'b']);
        fs.unlinkSync(path.join(dir, '2026-12-03'));
        await f.flush();
        fs.readFileSync(path.join(dir, '2026-12-03', '01.jsonl'), 'utf8').should.equal('a\nb\n');
        (f.failingSince === undefined).should.be.true();
        f.lastWriteError.should.match(/EEXIST|ENOTDIR/); // the last error stays visible
        logs.length.should.equal(2);
        logs[1].should.match(/works again/);
        await f.close();
    });

    it('keeps at most pendingLimit lines while writing fails, giving up the oldest (counted)', async function () {
        const dir = tmpDir();
        const f = files(dir);
        fs.writeFileSync(path.join(dir, '2026-12-02'), 'x');
        for (let i = 0; i < 8; i++) f.append('2026-12-02/01.jsonl', `old${i}`);
        for (let i = 0; i < 8; i++) f.append('2026-12-03/01.jsonl', `new${i}`);
        f.droppedLines.should.equal(6);
        f.unwritten('2026-12-02/01.jsonl').should.eql(['old6', 'old7']);
        f.unwritten('2026-12-03/01.jsonl').length.should.equal(8);
        await f.close();
    });

    it('deletes the days before the cutoff and keeps the others', async function () {
        const dir = tmpDir();
        for (const d of ['2026-09-01', '2026-10-02', '2026-12-03']) {
            fs.mkdirSync(path.join(dir, d));
            fs.writeFileSync(path.join(dir, d, '00.jsonl'), '{}\n');
        }
        fs.writeFileSync(path.join(dir, 'people.jsonl'), '');
        const f = files(dir);
        await f.scan();
        f.bytes.should.equal(9);
        (await f.sweep('2026-10-02')).should.eql(['2026-09-01']);
        fs.readdirSync(dir).sort().should.eql(['2026-10-02', '2026-12-03', 'people.jsonl']);
        f.oldestDay().should.equal('2026-10-02');
        f.bytes.should.equal(6);
    });

    it('replaces a small file atomically', async function () {
        const dir = tmpDir();
        const f = files(dir);
        await f.rewrite('parked.jsonl', ['x', 'y']);
        (await f.read('parked.jsonl')).should.equal('x\ny\n');
        (await f.read('missing.jsonl')).should.equal('');
        fs.readdirSync(dir).should.eql(['parked.jsonl']);
    });
});
