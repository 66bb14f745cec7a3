'use strict';
const should = require('should');
const { PersonCache, PERSONS_MAX_AGE_MS } = require('../../dist/lib/artemis/persons');

const LIST = [
    { personId: '101', personCode: 'E-101', personName: 'Ana' },
    { personId: '102', jobNo: 'E-102', personGivenName: 'Luis', personFamilyName: 'Paz' },
];

describe('artemis person cache', function () {
    it('resolves by personId, then by personCode, once loaded', async function () {
        const cache = new PersonCache({ load: async () => LIST, onError: () => should.fail() });
        should(cache.resolve('101')).be.undefined();
        await cache.refresh();
        cache.resolve('101').should.deepEqual({ personId: '101', personCode: 'E-101', personName: 'Ana' });
        cache.resolve('E-102').should.deepEqual({ personId: '102', personCode: 'E-102', personName: 'Luis Paz' });
        should(cache.resolve('999')).be.undefined();
    });

    it('reloads at most once per maximum age, sharing one request between concurrent refreshes', async function () {
        let now = 0;
        let loads = 0;
        const cache = new PersonCache({ load: async () => (loads++, LIST), onError: () => undefined, now: () => now });
        await Promise.all([cache.refresh(), cache.refresh(), cache.refresh()]);
        loads.should.equal(1);
        now = PERSONS_MAX_AGE_MS - 1;
        await cache.refresh();
        loads.should.equal(1);
        now = PERSONS_MAX_AGE_MS;
        await cache.refresh();
        loads.should.equal(2);
    });

    it('a failed load never rejects, keeps the previous list, reports each distinct error once, and is retried', async function () {
        let now = 0;
        let answer = async () => LIST;
        const errors = [];
        const cache = new PersonCache({ load: () => answer(), onError: (t) => errors.push(t), now: () => now });
        await cache.refresh();
        now = 2 * PERSONS_MAX_AGE_MS;
        answer = async () => {
            throw new Error('HTTP 502');
        };
        await cache.refresh();
        await cache.refresh();
        errors.should.deepEqual(['HTTP 502']);
        cache.resolve('101').personId.should.equal('101');
        answer = async () => {
            throw new Error('timeout');
        };
        await cache.refresh();
        errors.should.deepEqual(['HTTP 502', 'timeout']);
        answer = () => {
            throw new Error('no server'); // a synchronous throw (no client) is caught too
        };
        await cache.refresh();
        errors.should.deepEqual(['HTTP 502', 'timeout', 'no server']);
    });
});
