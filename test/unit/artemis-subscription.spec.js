'use strict';
const should = require('should');
const sinon = require('sinon');
const { pushDestination, maskedDestination, PushSubscription, UNSUBSCRIBE_TIMEOUT_MS } = require('../../dist/lib/artemis/subscription');

describe('artemis push subscription', function () {
    it('builds eventDest from the public URL, httpNodeRoot, the path and the token', function () {
        pushDestination(' http://nr:1880/ ', '/', '/hik/events', '').should.equal('http://nr:1880/hik/events');
        pushDestination('http://nr:1880', '/red/', '/hik', 'a b').should.equal('http://nr:1880/red/hik?token=a%20b');
        maskedDestination('http://nr/hik?token=secret').should.equal('http://nr/hik?token=***');
    });

    it('subscribes once; a refusal is warned once per reason and never rejects', async function () {
        const refusals = [];
        const failures = [];
        const calls = [];
        let answer = () => Promise.reject(new Error('0x02401008'));
        const client = { subscribe: (types, dest) => (calls.push([types, dest]), answer()) };
        const s = new PushSubscription([1, 2], 'http://nr/hik', (t) => refusals.push(t));
        (await s.ensure(() => client, (t) => failures.push(t))).should.be.false();
        (await s.ensure(() => client, (t) => failures.push(t))).should.be.false();
        s.subscribed.should.be.false();
        refusals.should.deepEqual(['0x02401008']);
        failures.should.deepEqual(['0x02401008', '0x02401008']);
        answer = () => Promise.resolve();
        (await s.ensure(() => client, () => undefined)).should.be.true();
        s.subscribed.should.be.true();
        (await s.ensure(() => client, () => undefined)).should.be.false();
        calls.length.should.equal(3);
        calls[2].should.deepEqual([[1, 2], 'http://nr/hik']);
        const noClient = new PushSubscription([1], 'd', (t) => refusals.push(t));
        (await noClient.ensure(() => {
            throw new Error('no server');
        }, () => undefined)).should.be.false();
        refusals.should.deepEqual(['0x02401008', 'no server']);
    });

    it('cancel unsubscribes and destroys its client, reports a failure, and gives up after the timeout', async function () {
        const errors = [];
        const s = new PushSubscription([1], 'd', () => undefined);
        let destroyed = 0;
        await s.cancel({ unsubscribe: async (types) => should(types).deepEqual([1]), destroy: () => destroyed++ }, (t) => errors.push(t));
        await s.cancel({ unsubscribe: async () => Promise.reject(new Error('HTTP 502')), destroy: () => destroyed++ }, (t) => errors.push(t));
        destroyed.should.equal(2);
        errors.should.deepEqual(['HTTP 502']);
        const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
        try {
            let done = false;
            const p = s.cancel({ unsubscribe: () => new Promise(() => undefined), destroy: () => destroyed++ }, () => undefined).then(() => (done = true));
            await clock.tickAsync(UNSUBSCRIBE_TIMEOUT_MS - 1);
            done.should.be.false();
            await clock.tickAsync(1);
            await p;
            destroyed.should.equal(3);
        } finally {
            clock.restore();
        }
    });

    it('keeps the push token out of every refusal and unsubscribe error text (issue 13, case 16)', async function () {
        const token = 'tok/sec ret+1';
        const dest = pushDestination('http://nr:1880', '/', '/hik', token);
        const texts = [];
        const s = new PushSubscription([1], dest, (t) => texts.push(t), token);
        const echo = () => Promise.reject(new Error(`eventDest ${dest} unreachable (token ${token})`));
        await s.ensure(() => ({ subscribe: echo }), (t) => texts.push(t));
        await s.cancel({ unsubscribe: echo, destroy: () => undefined }, (t) => texts.push(t), 1000);
        texts.should.have.length(3);
        for (const t of texts) {
            t.should.not.containEql(token).and.not.containEql(encodeURIComponent(token));
            t.should.containEql('***');
        }
    });
});
