'use strict';
const should = require('should');
const sinon = require('sinon');
const { MAX_TIMER_MS, clampDelay, cappedTimeout } = require('../../dist/lib/kit/timer');

describe('kit timer (capped setTimeout)', function () {
    it('clamps every delay into 0..2^31-1 ms (NaN, negative and huge included)', function () {
        MAX_TIMER_MS.should.equal(2 ** 31 - 1);
        clampDelay(5).should.equal(5);
        clampDelay(-3).should.equal(0);
        clampDelay(NaN).should.equal(0);
        clampDelay(Infinity).should.equal(MAX_TIMER_MS);
        clampDelay(3 * 2 ** 31).should.equal(MAX_TIMER_MS);
    });

    it('a wait longer than 24.8 days is armed at the cap, without a TimeoutOverflowWarning (real timers)', function () {
        const warn = sinon.spy(process, 'emitWarning');
        try {
            const t = cappedTimeout(() => undefined, 40 * 24 * 3600 * 1000);
            clearTimeout(t);
            warn.getCalls().filter((c) => /TimeoutOverflow/.test(String(c.args[1] || c.args[0] && c.args[0].name))).length.should.equal(0);
        } finally {
            warn.restore();
        }
    });

    it('fires once at the capped delay under fake timers', async function () {
        const clock = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
        try {
            let fired = 0;
            cappedTimeout(() => { fired += 1; }, 10 * MAX_TIMER_MS);
            await clock.tickAsync(1000);
            fired.should.equal(0);
            await clock.tickAsync(MAX_TIMER_MS);
            fired.should.equal(1);
        } finally {
            clock.restore();
        }
    });
});
