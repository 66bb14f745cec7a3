'use strict';
require('should');
const should = require('should');
const sinon = require('sinon');
const { RequestBudget, parseRateLimit } = require('../../dist/lib/humand/budget');

const ok = { status: 201, headers: {} };
function announced(remaining, reset, limit = 50, w = 60) {
    return { status: 201, headers: { 'RateLimit-Policy': `${limit};w=${w}`, RateLimit: `limit=${limit}, remaining=${remaining}, reset=${reset}` } };
}
function tooMany(retryAfter) {
    return { status: 429, headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter } };
}

describe('humand request budget', function () {
    let clock;
    let budgets;
    beforeEach(function () {
        clock = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
        budgets = [];
    });
    afterEach(function () {
        for (const b of budgets) b.close();
        clock.restore();
    });
    function make(options) {
        const b = new RequestBudget(options);
        budgets.push(b);
        return b;
    }
    /** Queues n takes; returns the list of start times (filled as they start) and the promises. */
    function queue(budget, n, priority = 'punch', onStart) {
        const started = [];
        const promises = [];
        for (let i = 0; i < n; i++) {
            const p = budget.take(priority).then(() => {
                started.push(Date.now());
                if (onStart) onStart(i);
            }, () => undefined);
            promises.push(p);
        }
        return started;
    }

    it('follows announced RateLimit headers exactly: 50 starts in the 60 s window, the 51st only after reset', async function () {
        const budget = make();
        await budget.take('punch');
        budget.observe(announced(49, 60));
        budget.stats().source.should.equal('announced');
        const started = queue(budget, 60);
        await clock.tickAsync(0);
        started.length.should.equal(49); // 1 + 49 = 50 in the window
        await clock.tickAsync(59999);
        started.length.should.equal(49);
        await clock.tickAsync(60000 + 1000 - 59999); // reset (+ the 1 s margin for a reset rounded to seconds)
        started.length.should.equal(60);
        started[49].should.be.aboveOrEqual(60000);
    });

    it('spends only what the window still allows when the key was used elsewhere, then the next window', async function () {
        const budget = make();
        await budget.take('punch');
        budget.observe(announced(3, 20));
        const started = queue(budget, 10, 'punch', () => budget.observe(announced(0, 20)));
        await clock.tickAsync(0);
        started.length.should.equal(3);
        await clock.tickAsync(21000);
        started.length.should.equal(10);
    });

    it('counts requests still in flight against the first announced window, and ignores answers from the window before', async function () {
        const budget = make({ startRate: 1000, ceiling: 1000 });
        queue(budget, 3);
        await clock.tickAsync(10);
        budget.release(); // one ended without an answer
        budget.observe(announced(5, 10)); // one more is still in flight: 5 - 1
        const started = queue(budget, 10);
        await clock.tickAsync(0);
        started.length.should.equal(4);
        await clock.tickAsync(11000); // our window rolled over: 50 again
        started.length.should.equal(10);
        budget.observe(announced(0, 0)); // an answer counted in the window before: ignored
        const more = queue(budget, 5);
        await clock.tickAsync(0);
        more.length.should.equal(5);
    });

    it('adapts again when answers stop announcing a window after it passed', async function () {
        const budget = make({ startRate: 5 });
        await budget.take('punch');
        budget.observe(announced(49, 60));
        await clock.tickAsync(30000);
        budget.observe(ok); // within the window: still announced
        budget.stats().source.should.equal('announced');
        await clock.tickAsync(32000);
        budget.observe(ok);
        const s = budget.stats();
        s.source.should.equal('adaptive');
        s.ratePerMinute.should.equal(50);
    });

    it('reads the IETF draft forms of RateLimit and RateLimit-Policy, case-insensitively, and ignores bad values', function () {
        parseRateLimit({ 'ratelimit-policy': '50;w=60', ratelimit: 'limit=50, remaining=45, reset=30' })
            .should.eql({ limit: 50, windowMs: 60000, remaining: 45, resetMs: 30000 });
        parseRateLimit({ 'RateLimit-Policy': '"default";q=100;w=10', RATELIMIT: '"default";r=7;t=4' })
            .should.eql({ limit: 100, windowMs: 10000, remaining: 7, resetMs: 4000 });
        parseRateLimit({ 'RateLimit-Limit': '20', 'RateLimit-Remaining': ['5'], 'RateLimit-Reset': '9' })
            .should.eql({ limit: 20, windowMs: undefined, remaining: 5, resetMs: 9000 });
        parseRateLimit({ 'RateLimit-Policy': '10;w=1, 50;w=60', RateLimit: 'limit=50, remaining=1, reset=2' }).limit.should.equal(50);
        should(parseRateLimit({ RateLimit: 'limit=50, remaining=abc, reset=30' })).be.undefined();
        should(parseRateLimit({ RateLimit: 'limit=50, remaining=-1, reset=30' })).be.undefined();
        should(parseRateLimit({ RateLimit: 'remaining=4' })).be.undefined();
        should(parseRateLimit({})).be.undefined();
        const parsed = parseRateLimit({ 'RateLimit-Policy': 'x;w=zz', RateLimit: 'limit=50, remaining=4, reset=3' });
        parsed.remaining.should.equal(4);
        should(parsed.windowMs).be.undefined();
    });

    it('rises without 429s where nothing is announced (additive increase up to the ceiling)', async function () {
        const budget = make({ startRate: 2, ceiling: 20 });
        const started = queue(budget, 400, 'punch', () => budget.observe(ok));
        await clock.tickAsync(1000);
        const firstSecond = started.length;
        firstSecond.should.be.within(2, 3);
        await clock.tickAsync(19000);
        const before = started.length;
        await clock.tickAsync(1000);
        (started.length - before).should.be.above(firstSecond * 3);
        (started.length - before).should.be.belowOrEqual(21);
        budget.stats().ratePerMinute.should.be.above(2 * 60 * 3);
        budget.stats().ratePerMinute.should.be.belowOrEqual(20 * 60);
        budget.stats().source.should.equal('adaptive');
    });

    it('halves on a 429, once per pause', async function () {
        const budget = make({ startRate: 8, ceiling: 20 });
        await budget.take('punch');
        budget.stats().ratePerMinute.should.equal(480);
        budget.observe(tooMany('2'));
        budget.stats().ratePerMinute.should.equal(240);
        budget.observe(tooMany('2')); // an answer to a request sent before the pause
        budget.stats().ratePerMinute.should.equal(240);
        await clock.tickAsync(2000);
        await budget.take('punch');
        budget.observe(tooMany('2'));
        budget.stats().ratePerMinute.should.equal(120);
        for (let i = 0; i < 10; i++) {
            await clock.tickAsync(6000);
            await budget.take('punch');
            budget.observe(tooMany('1'));
        }
        budget.stats().ratePerMinute.should.equal(budget.options.floor * 60);
    });

    it('honours Retry-After for every sender, including ones already waiting', async function () {
        const budget = make({ startRate: 10 });
        await budget.take('punch');
        const punches = queue(budget, 5);
        const reads = queue(budget, 2, 'read');
        budget.observe(tooMany('10'));
        const paused = budget.stats().pausedUntil;
        paused.should.equal(10000);
        const late = queue(budget, 1);
        await clock.tickAsync(9999);
        punches.length.should.equal(0);
        reads.length.should.equal(0);
        late.length.should.equal(0);
        await clock.tickAsync(5000);
        punches.length.should.equal(5);
        late.length.should.equal(1);
        reads.length.should.equal(2);
        punches[0].should.equal(10000);
        // no burst after the pause: spaced at the halved rate (5/s)
        (punches[1] - punches[0]).should.equal(200);
    });

    it('reads Retry-After as an HTTP date, caps it at one hour and pauses a few seconds when it is missing', async function () {
        const budget = make();
        budget.observe(tooMany(new Date(30000).toUTCString()));
        budget.stats().pausedUntil.should.equal(30000);
        await clock.tickAsync(30000);
        budget.observe(tooMany('999999'));
        budget.stats().pausedUntil.should.equal(30000 + 3600 * 1000);
        const b2 = make({ defaultRetryAfterMs: 5000 });
        b2.observe(tooMany());
        b2.stats().pausedUntil.should.equal(35000);
        const b3 = make();
        b3.observe(tooMany('soon'));
        b3.stats().pausedUntil.should.be.within(31000, 40000);
    });

    it('serves waiting punches before waiting reads; a read never delays a waiting punch', async function () {
        const budget = make({ mode: 'fixed', fixedRate: 1 });
        await budget.take('read');
        const order = [];
        const push = (name, prio) => budget.take(prio).then(() => order.push(name));
        push('r1', 'read');
        push('r2', 'read');
        push('p1', 'punch');
        push('p2', 'punch');
        push('r3', 'read');
        push('p3', 'punch');
        const s = budget.stats();
        s.waitingPunches.should.equal(3);
        s.waitingReads.should.equal(3);
        await clock.tickAsync(3000);
        order.should.eql(['p1', 'p2', 'p3']);
        push('p4', 'punch');
        await clock.tickAsync(3000);
        order.should.eql(['p1', 'p2', 'p3', 'p4', 'r1', 'r2']);
        await clock.tickAsync(1000);
        order.length.should.equal(7);
    });

    it('in an announced window, reads get only what punches leave, and leave a reserve to punches', async function () {
        const budget = make(); // readReserve 0.2: reads leave the last 10 of 50 to punches
        await budget.take('punch');
        budget.observe(announced(12, 30));
        const order = [];
        const push = (name, prio) => budget.take(prio).then(() => order.push(name));
        push('r1', 'read');
        push('r2', 'read');
        push('r3', 'read');
        await clock.tickAsync(0);
        order.should.eql(['r1', 'r2']);
        for (let i = 1; i <= 10; i++) push(`p${i}`, 'punch');
        push('p11', 'punch');
        await clock.tickAsync(0);
        order.slice(2).should.eql(['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9', 'p10']);
        await clock.tickAsync(31000);
        order.slice(12).should.eql(['p11', 'r3']);
    });

    it('never exceeds a fixed limit, even when headers announce more; headers announcing less still lower it', async function () {
        const budget = make({ mode: 'fixed', fixedRate: 2 });
        await budget.take('punch');
        budget.observe(announced(499, 60, 500, 60));
        const started = queue(budget, 100, 'punch', () => budget.observe(announced(400, 55, 500, 60)));
        await clock.tickAsync(10000);
        started.length.should.be.belowOrEqual(20);
        started.length.should.be.aboveOrEqual(19);
        for (let i = 1; i < started.length; i++) (started[i] - started[i - 1]).should.be.aboveOrEqual(500);
        budget.stats().source.should.equal('fixed');
        budget.stats().ratePerMinute.should.equal(120);

        const low = make({ mode: 'fixed', fixedRate: 10 });
        await low.take('punch');
        low.observe(announced(3, 60, 6, 60));
        low.stats().source.should.equal('announced');
        low.stats().ratePerMinute.should.equal(6);
        const few = queue(low, 10);
        await clock.tickAsync(30000);
        few.length.should.equal(3);
        low.observe(tooMany('100'));
        await clock.tickAsync(90000);
        few.length.should.equal(3);
        await clock.tickAsync(20000);
        few.length.should.equal(9);
    });

    it('recovers after an outage at the reduced rate, without a burst of the idle time', async function () {
        const budget = make({ startRate: 4, ceiling: 40, idleMs: 30000 });
        let answering = true;
        const started = queue(budget, 5000, 'punch', () => { if (answering) budget.observe(ok); });
        await clock.tickAsync(15000);
        const peak = budget.stats().ratePerMinute;
        peak.should.be.above(4 * 60 * 3);
        answering = false; // outage: requests go out, no answer comes back for two minutes
        await clock.tickAsync(120000);
        const reduced = budget.stats().ratePerMinute;
        reduced.should.be.belowOrEqual(peak / 2);
        answering = true;
        const count = started.length;
        await clock.tickAsync(1000);
        (started.length - count).should.be.belowOrEqual(Math.ceil(reduced / 60) + 1);
        await clock.tickAsync(10000);
        budget.stats().ratePerMinute.should.be.above(reduced);
    });

    it('after an idle time, starts spaced at the reduced rate instead of spending the idle time at once', async function () {
        const budget = make({ startRate: 4, ceiling: 40, idleMs: 30000 });
        const first = queue(budget, 200, 'punch', () => budget.observe(ok));
        await clock.tickAsync(10000);
        first.length.should.be.above(60);
        await clock.tickAsync(60000); // the queue drained long ago: idle
        const idle = budget.stats().ratePerMinute;
        const later = queue(budget, 50);
        await clock.tickAsync(1000);
        later.length.should.be.belowOrEqual(Math.ceil(idle / 60) + 1);
    });

    it('an aborted waiter rejects and frees its place', async function () {
        const budget = make({ mode: 'fixed', fixedRate: 1 });
        await budget.take('punch');
        const ac = new AbortController();
        const aborted = budget.take('punch', ac.signal);
        const started = queue(budget, 1);
        budget.stats().waitingPunches.should.equal(2);
        ac.abort();
        await aborted.should.be.rejectedWith({ name: 'AbortError' });
        budget.stats().waitingPunches.should.equal(1);
        await clock.tickAsync(1000);
        started.should.eql([1000]);
        await budget.take('read', ac.signal).should.be.rejectedWith({ name: 'AbortError' });
        budget.stats().waitingReads.should.equal(0);
    });

    it('close clears its timers and rejects waiters; a take after close rejects', async function () {
        const budget = make({ mode: 'fixed', fixedRate: 1 });
        await budget.take('punch');
        const w1 = budget.take('punch');
        const w2 = budget.take('read');
        clock.countTimers().should.equal(1);
        budget.close();
        clock.countTimers().should.equal(0);
        await w1.should.be.rejectedWith(/closed/);
        await w2.should.be.rejectedWith(/closed/);
        await budget.take('punch').should.be.rejectedWith(/closed/);
        budget.observe(tooMany('5'));
        clock.countTimers().should.equal(0);
    });

    it('takes the defaults for nonsense options, never lets reads starve, and does not believe a window beyond an hour', async function () {
        const budget = make({ startRate: NaN, ceiling: -1, floor: Infinity, fixedRate: NaN, idleMs: 0, readReserve: 5 });
        budget.options.should.containEql({ startRate: 10, ceiling: 100, floor: 0.2, fixedRate: 0, idleMs: 30000, readReserve: 1 });
        const started = queue(budget, 5);
        await clock.tickAsync(1000);
        started.should.eql([0, 100, 200, 300, 400]); // 10/s
        budget.observe(announced(5, 10 ** 9, 5, 10 ** 9));
        const reads = queue(budget, 2, 'read');
        await clock.tickAsync(0);
        reads.length.should.equal(0); // the whole window is reserved for punches, but for one
        await clock.tickAsync(3600 * 1000 + 1000);
        reads.length.should.equal(1);
    });

    it('states its rate, source, pause and the drain time of a backlog', async function () {
        const budget = make();
        await budget.take('punch');
        budget.observe(announced(49, 60));
        const s = budget.stats();
        s.ratePerMinute.should.equal(50);
        s.source.should.equal('announced');
        should(s.pausedUntil).be.undefined();
        budget.drainEstimateMs(0).should.equal(0);
        budget.drainEstimateMs(49).should.equal(0);
        // 312 queued: 49 now, then 50 per window: the 312th starts at the start of the 6th window after this one
        budget.drainEstimateMs(312).should.equal(61000 + 5 * 60000);
        const adaptive = make({ startRate: 10 });
        adaptive.drainEstimateMs(100).should.be.within(9000, 10000);
        adaptive.observe(tooMany('30'));
        adaptive.drainEstimateMs(100).should.be.within(30000 + 19000, 30000 + 20000);
        const fixed = make({ mode: 'fixed', fixedRate: 0 });
        should(fixed.stats().ratePerMinute).be.undefined();
        fixed.drainEstimateMs(100).should.equal(0);
    });
});
