'use strict';
const should = require('should');
const sinon = require('sinon');
const { KeyScheduler, timerDelay } = require('../../dist/lib/humand/outbox/scheduler');

describe('humand outbox scheduler', function () {
    let clock;
    let schedulers;
    beforeEach(function () {
        clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
        schedulers = [];
    });
    afterEach(async function () {
        for (const s of schedulers) await s.close();
        clock.restore();
    });

    /** A scheduler whose runs last `ms` (fake time) and are recorded; `release` early when `early`. */
    function make(options = {}) {
        const log = [];
        const errors = [];
        const after = [];
        let changes = 0;
        const s = new KeyScheduler({
            concurrency: options.concurrency ?? 1,
            now: () => Date.now(),
            run: (key, signal, release) => {
                log.push({ key, at: Date.now() });
                if (options.fail) return Promise.reject(new Error('boom ' + key));
                if (options.early) release();
                return new Promise((resolve) => {
                    const t = setTimeout(resolve, options.ms ?? 100);
                    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); });
                });
            },
            onError: (key, err) => errors.push([key, err.message]),
            afterRun: (key) => { after.push(key); if (options.afterRun) options.afterRun(key, s); },
            onChange: () => { changes++; },
        });
        schedulers.push(s);
        return { s, log, errors, after, changes: () => changes };
    }

    it('computes the timer delay in one place, capped at the longest Node.js timer', function () {
        timerDelay(undefined, 5).should.equal(0);
        timerDelay(1500, 1000).should.equal(500);
        timerDelay(500, 1000).should.be.below(1);
        timerDelay(1000 + 40 * 86400000, 1000).should.equal(2 ** 31 - 1);
    });

    it('runs keys in FIFO order up to the concurrency, one run per key at a time', async function () {
        const { s, log } = make({ concurrency: 2 });
        for (const k of ['a', 'b', 'c', 'a']) s.add(k);
        s.start();
        log.map((r) => r.key).should.eql(['a', 'b']);
        s.inFlight.should.equal(2);
        s.isBusy('c').should.be.true();
        await clock.tickAsync(100);
        log.map((r) => r.key).should.eql(['a', 'b', 'c']);
        await clock.tickAsync(100);
        s.inFlight.should.equal(0);
        s.isBusy('a').should.be.false();
    });

    it('a run that releases its slot lets another key start while it goes on', async function () {
        const { s, log } = make({ concurrency: 1, early: true });
        s.add('a');
        s.add('b');
        s.start();
        log.map((r) => r.key).should.eql(['a', 'b']);
        s.inFlight.should.equal(0);
        s.isBusy('a').should.be.true();
        s.add('a'); // running: not ready twice
        await clock.tickAsync(100);
        log.length.should.equal(2);
    });

    it('schedule waits until the time, reports it and replaces an earlier timer', async function () {
        const { s, log, changes } = make();
        s.schedule('a', Date.now() + 1000);
        s.schedule('a', Date.now() + 500);
        s.waiting.should.equal(1);
        s.nextDueAt().should.equal(Date.now() + 500);
        s.add('a'); // waiting for its time: not ready
        s.start();
        log.length.should.equal(0);
        await clock.tickAsync(499);
        log.length.should.equal(0);
        await clock.tickAsync(1);
        log.map((r) => r.key).should.eql(['a']);
        s.waiting.should.equal(0);
        should(s.nextDueAt()).be.undefined();
        changes().should.be.above(0);
    });

    it('pause stops new runs until it ends; retryNow ends the pause and every wait', async function () {
        const { s, log } = make();
        s.pause(10_000, 'auth');
        s.pause(1, 'ignored while paused');
        s.paused.should.eql({ until: Date.now() + 10_000, message: 'auth' });
        s.add('a');
        s.start();
        await clock.tickAsync(9_999);
        log.length.should.equal(0);
        await clock.tickAsync(1);
        log.length.should.equal(1);
        should(s.paused).be.undefined();

        s.pause(60_000, 'again');
        s.schedule('b', Date.now() + 60_000);
        const seen = [];
        s.retryNow((k) => seen.push(k));
        seen.should.eql(['b']);
        should(s.paused).be.undefined();
        await clock.tickAsync(200);
        log.map((r) => r.key).should.eql(['a', 'b']);
    });

    it('reports a failed run and calls afterRun after every run', async function () {
        const { s, errors, after } = make({ fail: true });
        s.add('x');
        s.start();
        await clock.tickAsync(0);
        errors.should.eql([['x', 'boom x']]);
        after.should.eql(['x']);
        s.inFlight.should.equal(0);
    });

    it('afterRun may schedule the key again (a retry later)', async function () {
        let again = 1;
        const { s, log } = make({ ms: 10, afterRun: (k, sch) => { if (again-- > 0) sch.schedule(k, Date.now() + 1000); } });
        s.add('a');
        s.start();
        await clock.tickAsync(10);
        s.waiting.should.equal(1);
        await clock.tickAsync(1000);
        log.length.should.equal(2);
    });

    it('close aborts runs, clears timers and starts nothing more', async function () {
        const { s, log, after } = make({ ms: 100_000 });
        s.add('a');
        s.start();
        s.schedule('b', Date.now() + 100);
        s.pause(1000, 'p');
        await s.close();
        after.length.should.equal(0);
        s.waiting.should.equal(0);
        s.add('c');
        s.start();
        s.schedule('d', undefined);
        await clock.tickAsync(5000);
        log.map((r) => r.key).should.eql(['a']);
        clock.countTimers().should.equal(0);
    });

    it('setConcurrency starts more ready keys at once', function () {
        const { s, log } = make({ concurrency: 1 });
        for (const k of ['a', 'b', 'c']) s.add(k);
        s.start();
        log.length.should.equal(1);
        s.setConcurrency(3);
        s.concurrency.should.equal(3);
        log.length.should.equal(3);
        s.setConcurrency(0);
        s.concurrency.should.equal(1);
    });
});
