'use strict';
require('should');
const { memoryStore } = require('../../dist/lib/context');
const { EmittedIds, emittedPrefix } = require('../../dist/lib/hysecure/state');

const DAY = 24 * 3600 * 1000;

describe('hysecure emitted ids', function () {
    it('uses a context-safe key per node and day, and survives a reload', async function () {
        const store = memoryStore();
        const prefix = emittedPrefix('ab.12[3]');
        prefix.should.equal('attendanceBridge_hysecure_ab_2e_12_5b_3_5d__emitted_');
        const a = new EmittedIds(store, prefix);
        await a.load();
        a.add('2025-03-10', 'hysecure:x:2025-03-10:in', 1000);
        await a.save(1000, '2025-03-08');
        [...store.data.keys()].should.eql([prefix + '20250310']);
        const b = new EmittedIds(store, prefix);
        await b.load();
        b.has('hysecure:x:2025-03-10:in').should.be.true();
        b.has('hysecure:x:2025-03-10:out').should.be.false();
        b.size.should.equal(1);
    });

    it('drops days older than the look-back window once they are older than the margin', async function () {
        const store = memoryStore();
        const now = Date.parse('2025-03-20T12:00:00Z');
        const ids = new EmittedIds(store, 'p_');
        await ids.load();
        ids.add('2025-03-01', 'old', now - 10 * DAY);
        ids.add('2025-03-02', 'backfilled-recently', now - DAY);
        ids.add('2025-03-19', 'current', now);
        await ids.save(now, '2025-03-18');
        ids.dayList().should.eql(['2025-03-02', '2025-03-19']);
        [...store.data.keys()].sort().should.eql(['p_20250302', 'p_20250319']);
        await ids.save(now + 8 * DAY, '2025-03-18');
        ids.dayList().should.eql(['2025-03-19']);
    });

    it('ignores foreign and malformed keys', async function () {
        const store = memoryStore();
        await store.set('p_20250101', 'garbage');
        await store.set('p_notaday', { ids: ['x'] });
        await store.set('other', { ids: ['y'] });
        await store.set('p_20250102', { ids: ['z', 5], touched: 1 });
        const ids = new EmittedIds(store, 'p_');
        await ids.load();
        ids.size.should.equal(1);
        ids.has('z').should.be.true();
    });

    it('writes days with a format version and loads the layout before versioning ({ids, touched}, no v)', async function () {
        const store = memoryStore();
        await store.set('p_20250310', { ids: ['old-layout'], touched: 5 }); // as stored before versioning
        const ids = new EmittedIds(store, 'p_');
        await ids.load();
        ids.has('old-layout').should.be.true();
        ids.add('2025-03-11', 'new', 10);
        await ids.save(10, '2025-03-01');
        JSON.parse(store.data.get('p_20250311')).should.eql({ v: 1, ids: ['new'], touched: 10 });
        const again = new EmittedIds(store, 'p_');
        await again.load();
        again.has('new').should.be.true();
        again.has('old-layout').should.be.true();
    });
});
