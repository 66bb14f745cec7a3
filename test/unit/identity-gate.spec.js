'use strict';
const should = require('should');
const sinon = require('sinon');
const { firstLoadGate } = require('../../dist/lib/identity/gate');

describe('identity first-load gate', function () {
    let clock;
    beforeEach(function () {
        clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    });
    afterEach(function () {
        clock.restore();
    });

    function watch(gate) {
        const w = { open: false };
        gate.opened.then(() => (w.open = true));
        return w;
    }

    it('is open at once without a directory', async function () {
        const w = watch(firstLoadGate(undefined, 30000));
        await clock.tickAsync(0);
        w.open.should.be.true();
    });

    it('opens when the first load ends, and clears its timer', async function () {
        let loaded;
        const w = watch(firstLoadGate(new Promise((r) => (loaded = r)), 30000));
        await clock.tickAsync(1000);
        w.open.should.be.false();
        loaded();
        await clock.tickAsync(0);
        w.open.should.be.true();
        clock.countTimers().should.equal(0);
    });

    it('opens after the wait when the first load takes longer', async function () {
        const w = watch(firstLoadGate(new Promise(() => undefined), 30000));
        await clock.tickAsync(29999);
        w.open.should.be.false();
        await clock.tickAsync(1);
        w.open.should.be.true();
    });

    it('opens (never rejects) when the first load fails', async function () {
        const w = watch(firstLoadGate(Promise.reject(new Error('boom')), 30000));
        await clock.tickAsync(0);
        w.open.should.be.true();
        clock.countTimers().should.equal(0);
    });

    it('close clears the timer: a gate still waiting stays shut', async function () {
        const gate = firstLoadGate(new Promise(() => undefined), 30000);
        const w = watch(gate);
        gate.close();
        clock.countTimers().should.equal(0);
        await clock.tickAsync(60000);
        w.open.should.be.false();
    });
});
