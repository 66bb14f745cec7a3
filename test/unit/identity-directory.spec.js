'use strict';
const should = require('should');
const { buildDirectory, compactUser, fetchAllUsers, toCache, fromCache } = require('../../dist/lib/identity/directory');

function user(i, extra = {}) {
    return { id: i, employeeInternalId: String(i).padStart(5, '0'), firstName: 'U' + i, lastName: 'L', email: `u${i}@example.com`, status: 'ACTIVE', ...extra };
}

/** A fake paged users API; records the pages asked. */
function fakeSource(users, { clamp = 100, countOverride } = {}) {
    const calls = [];
    return {
        calls,
        users: async (page, limit) => {
            calls.push({ page, limit });
            const size = Math.min(limit, clamp);
            return { count: countOverride ?? users.length, users: users.slice((page - 1) * size, page * size) };
        },
    };
}

describe('identity directory', function () {
    it('compacts users: ids as text, name joined, status other than ACTIVE is inactive, no employeeInternalId is left out', function () {
        compactUser(user(7)).should.eql({ id: '7', employeeInternalId: '00007', name: 'U7 L', email: 'u7@example.com', active: true });
        compactUser(user(8, { status: 'INACTIVE' })).active.should.be.false();
        compactUser(user(9, { status: undefined })).active.should.be.true();
        should(compactUser(user(10, { employeeInternalId: '' }))).be.null();
        should(compactUser({ id: 3 })).be.null();
    });

    it('pages through many pages of 50 until count users are read', async function () {
        const all = Array.from({ length: 523 }, (_, i) => user(i + 1));
        const src = fakeSource(all);
        const r = await fetchAllUsers(src);
        r.users.length.should.equal(523);
        src.calls.length.should.equal(11);
        src.calls.every((c) => c.limit === 50).should.be.true();
        src.calls.map((c) => c.page).should.eql([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    });

    it('asks pages Humand accepts: a page size outside 10–50 is brought into range (issue 13, case 18)', async function () {
        const all = Array.from({ length: 60 }, (_, i) => user(i + 1));
        const big = fakeSource(all);
        await fetchAllUsers(big, { pageSize: 100 });
        big.calls.every((c) => c.limit === 50).should.be.true();
        const small = fakeSource(all);
        await fetchAllUsers(small, { pageSize: 1 });
        small.calls.every((c) => c.limit === 10).should.be.true();
    });

    it('stops at an empty page even if count says more, and keeps reading when the server caps the page size', async function () {
        const all = Array.from({ length: 30 }, (_, i) => user(i + 1));
        const over = fakeSource(all, { countOverride: 999 });
        (await fetchAllUsers(over)).users.length.should.equal(30);
        over.calls.length.should.equal(2);
        const capped = fakeSource(all, { clamp: 10 });
        (await fetchAllUsers(capped)).users.length.should.equal(30);
        capped.calls.length.should.equal(3);
    });

    it('fails on a server that ignores the page parameter instead of looping', async function () {
        const src = { users: async () => ({ count: 100, users: [user(1), user(2)] }) };
        await fetchAllUsers(src).should.be.rejectedWith(/repeats page 1/);
    });

    it('propagates a failing page', async function () {
        let n = 0;
        const src = { users: async () => { if (++n === 2) throw new Error('Humand answered HTTP 503'); return { count: 100, users: [user(n)] }; } };
        await fetchAllUsers(src).should.be.rejectedWith(/503/);
    });

    it('keeps a user listed twice (list shifting while paging) once, and counts users without employeeInternalId', async function () {
        const pages = [[user(1), user(2)], [user(2), user(3), { id: 99, firstName: 'No id' }]];
        const src = { users: async (p) => ({ count: 5, users: pages[p - 1] ?? [] }) };
        const r = await fetchAllUsers(src);
        r.users.map((u) => u.id).should.eql(['1', '2', '3']);
        r.withoutEmployeeId.should.equal(1);
    });

    it('indexes by employeeInternalId, email or id, case- and space-insensitively', function () {
        const users = [user(1, { employeeInternalId: 'AB-001', email: 'Ana.Perez@Example.com' }), user(2)].map(compactUser);
        const byEid = buildDirectory(users, 'employeeInternalId');
        byEid.get(' ab-001 ').should.containEql({ kind: 'user' });
        byEid.get('ab-001').user.employeeInternalId.should.equal('AB-001');
        should(byEid.get('AB001')).be.undefined();
        buildDirectory(users, 'email').get('ana.perez@example.com ').user.id.should.equal('1');
        buildDirectory(users, 'id').get('2').user.employeeInternalId.should.equal('00002');
    });

    it('reports ambiguity when two active users share a key, and inactive matches', function () {
        const users = [
            user(1, { email: 'shared@example.com' }),
            user(2, { email: 'SHARED@example.com' }),
            user(3, { email: 'gone@example.com', status: 'INACTIVE' }),
            user(4, { email: 'back@example.com', status: 'INACTIVE' }),
            user(5, { email: 'back@example.com' }),
        ].map(compactUser);
        const d = buildDirectory(users, 'email');
        d.size.should.equal(3);
        d.inactive.should.equal(2);
        d.ambiguousKeys.should.equal(1);
        const amb = d.get('shared@example.com');
        amb.kind.should.equal('ambiguous');
        amb.users.map((u) => u.id).should.eql(['1', '2']);
        d.get('gone@example.com').kind.should.equal('inactive');
        d.get('back@example.com').should.containEql({ kind: 'user' });
        d.get('back@example.com').user.id.should.equal('5');
        d.byEmployeeId('00003').kind.should.equal('inactive');
    });

    it('caches compactly and reloads only for the same tenant', function () {
        const users = [user(1), user(2, { status: 'INACTIVE' })].map(compactUser);
        const c = JSON.parse(JSON.stringify(toCache(users, 'ns1', 1000)));
        fromCache(c, 'ns1').should.eql({ users, refreshedAt: 1000 });
        should(fromCache(c, 'other')).be.undefined();
        should(fromCache(undefined, 'ns1')).be.undefined();
        should(fromCache({ v: 2, ns: 'ns1' }, 'ns1')).be.undefined();
        fromCache({ ...c, users: [['1', '', 'x', '', 1], 'junk', ...c.users] }, 'ns1').users.length.should.equal(2);
    });

    it('reads the cache as stored by the first release (format v 1, written as JSON); other formats are not used', function () {
        const stored = JSON.parse('{"v":1,"ns":"ns1","refreshedAt":1769515200000,"users":[["7","000123","Ana García","ana@x.com",1],["8","000124","","",0]]}');
        fromCache(stored, 'ns1').should.eql({
            refreshedAt: 1769515200000,
            users: [
                { id: '7', employeeInternalId: '000123', name: 'Ana García', email: 'ana@x.com', active: true },
                { id: '8', employeeInternalId: '000124', name: '', email: '', active: false },
            ],
        });
        toCache(fromCache(stored, 'ns1').users, 'ns1', 1769515200000).should.eql(stored); // written back the same
        const { v, ...withoutVersion } = stored;
        v.should.equal(1);
        should(fromCache(withoutVersion, 'ns1')).be.undefined(); // never written: reloaded from Humand
        should(fromCache({ ...stored, v: 2 }, 'ns1')).be.undefined(); // a newer release's format: reloaded
    });
});
