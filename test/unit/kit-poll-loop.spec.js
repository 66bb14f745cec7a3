'use strict';
const should = require('should');
const sinon = require('sinon');
const { PollLoop, retryDelay, MAX_RETRY_MS, ClosedError, isClosed } = require('../../dist/lib/kit/poll-loop');

const MIN = 60 * 1000;

/** A poll whose outcome the spec decides: each call waits until resolved or failed by the spec. */
function controlledPoll() {
    const calls = [];
    const poll = (signal) =>
        new Promise((resolve, reject) => {
            const call = { signal, resolve, reject };
            calls.push(call);
            signal.addEventListener('abort', () => reject(new Error('aborted')));
        });
    return { calls, poll };
}

describe('kit poll loop', function () {
    let clock;
    beforeEach(function () {
        clock = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    });
    afterEach(function () {
        clock.restore();
    });

    describe('retryDelay (one policy for every source)', function () {
        const half = () => 0.5;
        it('first failure: one interval, then exponential from the interval with ±20 % jitter, capped at 15 min', function () {
            retryDelay(1, MIN, false, half).should.equal(MIN);
            retryDelay(1, MIN, true, half).should.equal(MIN); // even when throttled
            retryDelay(2, MIN, false, () => 0).should.equal(0.8 * 2 * MIN);
            retryDelay(2, MIN, false, () => 1).should.equal(2 * MIN);
            retryDelay(3, MIN, false, () => 1).should.equal(4 * MIN);
            retryDelay(10, MIN, false, () => 1).should.equal(15 * MIN);
        });
        it('never shorter than the interval; doubled for throttling; never over 30 min', function () {
            retryDelay(2, 10 * 1000, false, () => 0).should.equal(16 * 1000);
            retryDelay(2, MIN, true, () => 1).should.equal(4 * MIN);
            retryDelay(10, MIN, true, () => 1).should.equal(MAX_RETRY_MS);
            retryDelay(5, 40 * MIN, false, () => 1).should.equal(MAX_RETRY_MS); // an interval above the cap
            retryDelay(2, 20 * MIN, false, () => 0).should.equal(20 * MIN);
        });
    });

    it('polls after the start delay, then every interval', async function () {
        let polls = 0;
        const loop = new PollLoop({ intervalMs: MIN, poll: async () => void polls++ });
        loop.start(100);
        await clock.tickAsync(99);
        polls.should.equal(0);
        await clock.tickAsync(1);
        polls.should.equal(1);
        await clock.tickAsync(MIN - 1);
        polls.should.equal(1);
        await clock.tickAsync(1);
        polls.should.equal(2);
        await loop.close();
        await clock.tickAsync(10 * MIN);
        polls.should.equal(2);
    });

    it('backs off after failures (first retry after one interval), reports each failure, resets on success', async function () {
        let fail = true;
        const times = [];
        const failures = [];
        const loop = new PollLoop({
            intervalMs: MIN,
            random: () => 1,
            poll: async () => {
                times.push(Date.now());
                if (fail) throw new Error('down');
            },
            onFailure: (err, n, manual) => failures.push([err.message, n, manual]),
        });
        loop.start(0);
        await clock.tickAsync(0);
        await clock.tickAsync(MIN); // 1st retry after one interval
        await clock.tickAsync(2 * MIN); // then 2 intervals
        await clock.tickAsync(4 * MIN); // then 4
        times.should.deepEqual([0, MIN, 3 * MIN, 7 * MIN]);
        failures.should.deepEqual([['down', 1, false], ['down', 2, false], ['down', 3, false], ['down', 4, false]]);
        loop.failures.should.equal(4);
        fail = false;
        await clock.tickAsync(8 * MIN);
        loop.failures.should.equal(0);
        await clock.tickAsync(MIN);
        times.should.deepEqual([0, MIN, 3 * MIN, 7 * MIN, 15 * MIN, 16 * MIN]);
        await loop.close();
    });

    it('doubles the back-off for throttling errors', async function () {
        const times = [];
        const loop = new PollLoop({
            intervalMs: MIN,
            random: () => 1,
            poll: async () => {
                times.push(Date.now());
                throw Object.assign(new Error('quota'), { throttle: true });
            },
            isThrottled: (err) => err.throttle === true,
        });
        loop.start(0);
        await clock.tickAsync(0);
        await clock.tickAsync(MIN + 4 * MIN);
        times.should.deepEqual([0, MIN, 5 * MIN]);
        await loop.close();
    });

    it('never overlaps: a manual poll and other work wait for the running poll', async function () {
        const { calls, poll } = controlledPoll();
        const loop = new PollLoop({ intervalMs: MIN, poll });
        loop.start(0);
        await clock.tickAsync(0);
        calls.length.should.equal(1);
        const manual = loop.pollNow();
        let ran = false;
        const other = loop.run(async () => {
            ran = true;
            return 42;
        });
        await clock.tickAsync(0);
        calls.length.should.equal(1);
        ran.should.be.false();
        calls[0].resolve();
        await clock.tickAsync(0);
        calls.length.should.equal(2); // the manual poll, after the first
        ran.should.be.false();
        calls[1].resolve();
        await manual;
        (await other).should.equal(42);
        ran.should.be.true();
        await loop.close();
    });

    it('a manual poll restarts the interval and rejects with the failure (reported as manual)', async function () {
        let fail = false;
        const seen = [];
        const times = [];
        const loop = new PollLoop({
            intervalMs: MIN,
            poll: async () => {
                times.push(Date.now());
                if (fail) throw new Error('boom');
            },
            onFailure: (err, n, manual) => seen.push(manual),
        });
        loop.start(MIN);
        await clock.tickAsync(30 * 1000);
        await loop.pollNow();
        await clock.tickAsync(MIN - 1);
        times.should.deepEqual([30 * 1000]);
        await clock.tickAsync(1);
        times.should.deepEqual([30 * 1000, 90 * 1000]);
        fail = true;
        await loop.pollNow().should.be.rejectedWith('boom');
        seen.should.deepEqual([true]);
        let custom = 0;
        fail = false;
        await loop.pollNow(async () => void custom++);
        custom.should.equal(1);
        loop.failures.should.equal(0);
        await loop.close();
    });

    it('other work does not change the schedule', async function () {
        let polls = 0;
        const loop = new PollLoop({ intervalMs: MIN, poll: async () => void polls++ });
        loop.start(MIN);
        await clock.tickAsync(30 * 1000);
        await loop.run(async () => undefined);
        await clock.tickAsync(30 * 1000);
        polls.should.equal(1);
        await loop.close();
    });

    it('close aborts the running poll, resolves once it settled, reports nothing and schedules nothing', async function () {
        const { calls, poll } = controlledPoll();
        const failures = [];
        const loop = new PollLoop({ intervalMs: MIN, poll, onFailure: () => failures.push(1) });
        loop.start(0);
        await clock.tickAsync(0);
        calls.length.should.equal(1);
        let closed = false;
        const closing = loop.close().then(() => (closed = true));
        loop.closing.should.be.true();
        calls[0].signal.aborted.should.be.true();
        await closing;
        closed.should.be.true();
        failures.should.have.length(0);
        await clock.tickAsync(10 * MIN);
        calls.length.should.equal(1);
        await loop.run(async () => 1).should.be.rejected();
        loop.start(0);
        await clock.tickAsync(MIN);
        calls.length.should.equal(1);
    });

    it('a source that stops on close (isClosed between slices, then ClosedError) is no failure (issue 13, case 14)', async function () {
        const failures = [];
        const slices = [];
        const loop = new PollLoop({
            intervalMs: MIN,
            async poll(signal) {
                for (let i = 0; i < 3; i++) {
                    if (isClosed(signal)) throw new ClosedError();
                    slices.push(i);
                    await new Promise((r) => setImmediate(r));
                }
            },
            onFailure: () => failures.push(1),
        });
        loop.start(0);
        await clock.tickAsync(0);
        slices.should.eql([0]);
        await loop.close();
        slices.should.eql([0]);
        failures.should.have.length(0);
        isClosed(undefined).should.be.false();
        new ClosedError().should.be.instanceOf(Error).and.have.property('name', 'ClosedError');
    });

    it('close waits for work that ignores the signal', async function () {
        let finish;
        const loop = new PollLoop({ intervalMs: MIN, poll: () => new Promise((r) => (finish = r)) });
        loop.start(0);
        await clock.tickAsync(0);
        let closed = false;
        const closing = loop.close().then(() => (closed = true));
        await clock.tickAsync(0);
        closed.should.be.false();
        finish();
        await closing;
        closed.should.be.true();
    });

    it('never arms a timer over the setTimeout limit', async function () {
        let polls = 0;
        const loop = new PollLoop({ intervalMs: 2 ** 40, poll: async () => void polls++ });
        loop.start(2 ** 40);
        await clock.tickAsync(2 ** 31 - 1);
        polls.should.equal(1);
        await loop.close();
        should(loop.failures).equal(0);
    });
});
