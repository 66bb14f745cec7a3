'use strict';
const should = require('should');
const sinon = require('sinon');
const { DirectoryService } = require('../../dist/lib/identity/service');
const { memoryStore } = require('../../dist/lib/context');

const MIN = 60000;
function user(i, extra = {}) {
    return { id: i, employeeInternalId: String(i).padStart(5, '0'), firstName: 'U' + i, lastName: 'L', email: `u${i}@x.com`, status: 'ACTIVE', ...extra };
}
function source(users) {
    const s = {
        list: users,
        fail: undefined,
        calls: 0,
        async users(page, limit) {
            s.calls++;
            if (s.fail) throw new Error(s.fail);
            return { count: s.list.length, users: s.list.slice((page - 1) * limit, page * limit) };
        },
    };
    return s;
}

describe('identity directory service', function () {
    let clock;
    let services;
    beforeEach(function () {
        clock = sinon.useFakeTimers({ now: Date.parse('2026-01-27T12:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
        services = [];
    });
    afterEach(function () {
        services.forEach((s) => s.close());
        clock.restore();
    });
    function make(opts) {
        const s = new DirectoryService({ key: 'k', namespace: 'ns', field: 'employeeInternalId', refreshMs: 60 * MIN, ...opts });
        services.push(s);
        return s;
    }

    it('loads from Humand when there is no cache, saves the cache, refreshes on schedule', async function () {
        const store = memoryStore();
        const src = source([user(1), user(2)]);
        const s = make({ store, source: () => src });
        await s.ready;
        s.state().directory.size.should.equal(2);
        s.state().origin.should.equal('humand');
        const cached = await store.get('k');
        cached.should.containEql({ v: 1, ns: 'ns', refreshedAt: Date.now() });
        src.list = [user(1), user(2), user(3)];
        await clock.tickAsync(59 * MIN);
        s.state().directory.size.should.equal(2);
        await clock.tickAsync(1 * MIN);
        s.state().directory.size.should.equal(3);
        s.state().refreshes.should.equal(2);
    });

    it('a failed refresh keeps the last good directory and retries sooner, with back-off', async function () {
        const store = memoryStore();
        const src = source([user(1), user(2)]);
        const errors = [];
        const s = make({ store, source: () => src, onRefreshError: (m) => errors.push(m) });
        await s.ready;
        const at = s.state().refreshedAt;
        src.fail = 'Humand answered HTTP 503';
        await s.refresh().should.be.rejectedWith(/503/);
        s.state().directory.size.should.equal(2);
        s.state().refreshedAt.should.equal(at);
        s.failing.should.be.true();
        s.state().lastError.should.match(/503/);
        errors.should.eql(['Humand answered HTTP 503']);
        // retried within ~30 s (back-off base), not an hour later
        const calls = src.calls;
        await clock.tickAsync(40000);
        src.calls.should.equal(calls + 1);
        src.fail = undefined;
        await clock.tickAsync(2 * MIN);
        s.failing.should.be.false();
        s.state().directory.size.should.equal(2);
    });

    it('starts from a fresh cache without calling Humand, and refreshes when it gets old', async function () {
        const store = memoryStore();
        await store.set('k', { v: 1, ns: 'ns', refreshedAt: Date.now() - 50 * MIN, users: [['1', '00001', 'Ana', 'a@x', 1]] });
        const src = source([user(1), user(2)]);
        const s = make({ store, source: () => src });
        await s.ready;
        s.state().origin.should.equal('cache');
        s.state().directory.size.should.equal(1);
        src.calls.should.equal(0);
        await clock.tickAsync(10 * MIN);
        src.calls.should.be.above(0);
        s.state().directory.size.should.equal(2);
    });

    it('a stale cache is used at once while Humand is down (restart during an outage)', async function () {
        const store = memoryStore();
        await store.set('k', { v: 1, ns: 'ns', refreshedAt: Date.now() - 5 * 60 * MIN, users: [['1', '00001', 'Ana', 'a@x', 1]] });
        const s = make({ store, source: () => 'no API key' });
        await s.ready;
        s.state().directory.get('00001').kind.should.equal('user');
        await clock.tickAsync(0);
        s.failing.should.be.true();
        s.state().lastError.should.equal('no API key');
        s.state().directory.size.should.equal(1);
    });

    it('ignores a cache from another Humand tenant', async function () {
        const store = memoryStore();
        await store.set('k', { v: 1, ns: 'other', refreshedAt: Date.now(), users: [['1', '00001', 'Ana', 'a@x', 1]] });
        const s = make({ store, source: () => 'down' });
        await s.ready;
        should(s.state().directory).be.undefined();
        s.failing.should.be.true();
    });

    it('joins a refresh already running, and does nothing after close', async function () {
        const store = memoryStore();
        const src = source([user(1)]);
        const s = make({ store, source: () => src });
        await s.ready;
        const calls = src.calls;
        await Promise.all([s.refresh(), s.refresh()]);
        src.calls.should.equal(calls + 1);
        s.close();
        await s.refresh().should.be.rejectedWith(/closed/);
        await clock.tickAsync(120 * MIN);
        src.calls.should.equal(calls + 1);
    });

    it('reports a cache store that cannot be written but still serves the directory', async function () {
        const store = memoryStore();
        store.set = async () => { throw new Error('disk full'); };
        const cacheErrors = [];
        const s = make({ store, source: () => source([user(1)]), onCacheError: (m) => cacheErrors.push(m) });
        await s.ready;
        s.state().directory.size.should.equal(1);
        cacheErrors.should.eql(['disk full']);
    });

    it('tells the error callback whether a refresh() caller waits for the failed attempt', async function () {
        const store = memoryStore();
        const src = source([user(1)]);
        src.fail = 'down';
        const errors = [];
        const s = make({ store, source: () => src, onRefreshError: (m, asked) => errors.push([m, asked]) });
        await s.ready;
        errors.should.eql([['down', false]]); // the first load: nobody waits
        await s.refresh().should.be.rejectedWith('down');
        errors[1].should.eql(['down', true]);
        await clock.tickAsync(60 * MIN); // the back-off retries on its own
        errors.length.should.be.above(2);
        errors.slice(2).every(([, asked]) => asked === false).should.be.true();
        // a refresh() that joins a scheduled attempt already running is told too
        let release;
        src.users = async () => {
            await new Promise((r) => (release = r));
            throw new Error('slow down');
        };
        const before = errors.length;
        await clock.tickAsync(60 * MIN);
        should(release).be.a.Function();
        const joined = s.refresh();
        release();
        await joined.should.be.rejectedWith('slow down');
        errors[before].should.eql(['slow down', true]);
    });
});
