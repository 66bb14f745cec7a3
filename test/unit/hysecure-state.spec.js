'use strict';
require('should');
const { memoryStore } = require('../../dist/lib/context');
const { EmittedIds, emittedPrefix, heldKey } = require('../../dist/lib/hysecure/state');

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

    it('keeps held events under their own key across a reload; a poll replaces those of its days; emitted or too old ones are dropped (issue 13, case 12)', async function () {
        const store = memoryStore();
        const key = heldKey('h.1');
        key.should.equal('attendanceBridge_hysecure_h_2e_1_held');
        const a = new EmittedIds(store, 'p_', key);
        await a.load();
        const h1 = { id: 'hysecure:u:2025-03-11:in', day: '2025-03-11', blockedBy: '2025-03-10', userId: 'u' };
        const h2 = { id: 'hysecure:v:2025-03-05:in', day: '2025-03-05', blockedBy: '2025-03-04', userId: 'v' };
        a.setHeld({ startDate: '2025-03-09', endDate: '2025-03-11' }, [h1]);
        a.setHeld({ startDate: '2025-03-05', endDate: '2025-03-05' }, [h2]);
        await a.save(Date.parse('2025-03-11T12:00:00Z'), '2025-03-01');
        JSON.parse(store.data.get(key)).should.eql({ v: 1, held: [h1, h2] });
        const b = new EmittedIds(store, 'p_', key);
        await b.load();
        b.heldBy(h1.id).should.equal('2025-03-10');
        b.dayList().should.eql([]); // the held key is not read as a day
        // a poll of 2025-03-09..11 that holds nothing releases h1; h2 (another day) stays
        b.setHeld({ startDate: '2025-03-09', endDate: '2025-03-11' }, []);
        b.heldList().should.eql([h2]);
        // a held event that got emitted, or whose day left the look-back, is dropped; none left: the key goes
        b.add('2025-03-05', h2.id, 1);
        await b.save(Date.parse('2025-03-11T12:00:00Z'), '2025-03-01');
        store.data.has(key).should.be.false();
        const c = new EmittedIds(store, 'p_', key);
        c.setHeld({ startDate: '2025-03-11', endDate: '2025-03-11' }, [h2]);
        await c.save(Date.parse('2025-03-11T12:00:00Z'), '2025-03-09');
        c.heldList().should.eql([]);
    });
});
