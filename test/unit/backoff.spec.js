'use strict';
const should = require('should');
const sinon = require('sinon');
const { backoffDelay, RateLimiter, DEFAULT_BACKOFF } = require('../../dist/lib/backoff');
const { retryAfterMs, redact } = require('../../dist/lib/http');

describe('back-off and rate limit', function () {
    it('grows exponentially, is capped, and jitters within bounds', function () {
        const opts = { baseMs: 1000, maxMs: 60000, jitter: 0.5 };
        backoffDelay(1, opts, () => 0).should.equal(500);
        backoffDelay(1, opts, () => 1).should.equal(1000);
        backoffDelay(3, opts, () => 1).should.equal(4000);
        backoffDelay(30, opts, () => 1).should.equal(60000);
        backoffDelay(30, opts, () => 0).should.equal(30000);
        for (let i = 0; i < 50; i++) {
            const d = backoffDelay(4, DEFAULT_BACKOFF);
            d.should.be.within(DEFAULT_BACKOFF.baseMs * 8 * 0.5, DEFAULT_BACKOFF.baseMs * 8);
        }
    });

    it('parses Retry-After', function () {
        retryAfterMs('3', 0).should.equal(3000);
        retryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4000).should.equal(6000);
        should(retryAfterMs('soon', 0)).be.undefined();
        should(retryAfterMs(undefined, 0)).be.undefined();
    });

    it('redacts secrets from texts', function () {
        redact('key=abc123 sign=abc123', ['abc123']).should.equal('key=*** sign=***');
        redact('nothing', ['', undefined]).should.equal('nothing');
    });

    describe('RateLimiter', function () {
        let clock;
        beforeEach(function () { clock = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'Date'] }); });
        afterEach(function () { clock.restore(); });

        it('lets a burst through, then spaces requests at the rate', async function () {
            const limiter = new RateLimiter(2);
            const started = [];
            for (let i = 0; i < 6; i++) limiter.take().then(() => started.push(Date.now()));
            await clock.tickAsync(0);
            started.length.should.equal(2);
            await clock.tickAsync(500);
            started.length.should.equal(3);
            await clock.tickAsync(1500);
            started.length.should.equal(6);
            limiter.close();
        });

        it('is unlimited at 0 and releases waiters on close', async function () {
            const free = new RateLimiter(0);
            await free.take();
            await free.take();
            const limiter = new RateLimiter(1);
            await limiter.take();
            let released = false;
            limiter.take().then(() => { released = true; });
            limiter.close();
            await clock.tickAsync(0);
            released.should.be.true();
        });

        it('a very low rate waits at most 2^31-1 ms per timer and does not spin (no 1 ms re-arm loop)', async function () {
            const limiter = new RateLimiter(1e-9); // one request per ~31 years
            await limiter.take();
            const spy = sinon.spy(global, 'setTimeout');
            try {
                limiter.take();
                await clock.tickAsync(1000);
                spy.callCount.should.be.belowOrEqual(1);
                spy.getCalls().every((c) => c.args[1] <= 2 ** 31 - 1).should.be.true();
            } finally {
                spy.restore();
                limiter.close();
            }
        });
    });
});
