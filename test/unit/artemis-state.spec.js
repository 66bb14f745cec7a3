'use strict';
const should = require('should');
const { memoryStore } = require('../../dist/lib/context');
const { EventState, stateKeyPrefix } = require('../../dist/lib/artemis/state');

describe('artemis source state', function () {
    const prefix = stateKeyPrefix('n.1');

    it('uses a context-safe key prefix per node', function () {
        prefix.should.equal('attendanceBridge_artemis_n_2e_1_');
    });

    it('writes the cursor and the recent ids with a format version and reads them back', async function () {
        const store = memoryStore();
        const a = new EventState(store, prefix);
        await a.load();
        should(a.cursorMs).be.undefined();
        await a.commit(['x', 'y'], Date.parse('2026-01-27T12:00:00Z'));
        JSON.parse(store.data.get(prefix + 'cursor')).should.deepEqual({ v: 1, cursor: '2026-01-27T12:00:00.000Z' });
        JSON.parse(store.data.get(prefix + 'recent')).should.deepEqual({ v: 1, ids: ['x', 'y'] });
        const b = new EventState(store, prefix);
        await b.load();
        b.cursorIso.should.equal('2026-01-27T12:00:00.000Z');
        b.has('x').should.be.true();
        b.recentCount.should.equal(2);
    });

    it('loads the layout before versioning (bare ISO cursor, bare id array) and rewrites it versioned', async function () {
        const store = memoryStore();
        await store.set(prefix + 'cursor', '2026-01-27T09:00:00.000-03:00');
        await store.set(prefix + 'recent', ['hikcentral:a', 'hikcentral:b', 7]);
        const s = new EventState(store, prefix);
        await s.load();
        s.cursorMs.should.equal(Date.parse('2026-01-27T12:00:00Z'));
        s.has('hikcentral:a').should.be.true();
        s.recentCount.should.equal(2);
        await s.commit(['hikcentral:c'], Date.parse('2026-01-27T13:00:00Z'));
        JSON.parse(store.data.get(prefix + 'recent')).should.deepEqual({ v: 1, ids: ['hikcentral:a', 'hikcentral:b', 'hikcentral:c'] });
        JSON.parse(store.data.get(prefix + 'cursor')).v.should.equal(1);
    });

    it('ignores unreadable values and keeps the id list bounded', async function () {
        const store = memoryStore();
        await store.set(prefix + 'cursor', { v: 1, cursor: 'not a time' });
        await store.set(prefix + 'recent', { v: 1, ids: 'nope' });
        const s = new EventState(store, prefix, 2);
        await s.load();
        should(s.cursorMs).be.undefined();
        s.recentCount.should.equal(0);
        await s.commit(['a', 'b', 'c']);
        s.has('a').should.be.false();
        s.has('c').should.be.true();
        s.maxRecentIds.should.equal(2);
    });

    it('the id bound grows with raiseBound up to the cap and is at least the stored count at load (issue 13, case 15)', async function () {
        const store = memoryStore();
        const s = new EventState(store, prefix, 2, 5);
        await s.load();
        s.maxRecentIds.should.equal(2);
        s.raiseBound(4);
        s.raiseBound(3); // never lowered
        s.maxRecentIds.should.equal(4);
        s.raiseBound(100);
        s.maxRecentIds.should.equal(5);
        await s.commit(['a', 'b', 'c', 'd', 'e', 'f']);
        s.recentCount.should.equal(5);
        const t = new EventState(store, prefix, 2, 10);
        await t.load();
        t.recentCount.should.equal(5);
        t.has('b').should.be.true();
        t.maxRecentIds.should.equal(5);
    });

    it('stores where the polls started covering (since) with the cursor, once (issue 13, case 15)', async function () {
        const store = memoryStore();
        const s = new EventState(store, prefix);
        await s.load();
        s.markSince(Date.parse('2026-01-27T11:00:00Z'));
        s.markSince(Date.parse('2026-01-27T11:30:00Z'));
        await s.commit([], Date.parse('2026-01-27T12:00:00Z'));
        JSON.parse(store.data.get(prefix + 'cursor')).should.deepEqual({ v: 1, cursor: '2026-01-27T12:00:00.000Z', since: '2026-01-27T11:00:00.000Z' });
        const t = new EventState(store, prefix);
        await t.load();
        t.sinceMs.should.equal(Date.parse('2026-01-27T11:00:00Z'));
    });
});
