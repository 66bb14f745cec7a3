'use strict';
const should = require('should');
const { safeKey, isPersistentStore, storeExists, memoryStore, contextStore, resolveStoreName } = require('../../dist/lib/context');

describe('context helpers', function () {
    it('safeKey is injective and gives only letters, digits and "_"', function () {
        const ids = ['00123', 'a.b', 'a_2e_b', 'a[b]', 'ñandú', 'x y', '_', '', '😀', 'a-b'];
        const keys = ids.map(safeKey);
        new Set(keys).size.should.equal(ids.length);
        keys.forEach((k) => k.should.match(/^[A-Za-z0-9_]*$/));
    });
    it('judges whether a store is persistent from settings.contextStorage', function () {
        isPersistentStore(undefined, '').should.be.false();
        isPersistentStore({ default: { module: 'memory' } }, '').should.be.false();
        isPersistentStore({ default: { module: 'memory' }, file: { module: 'localfilesystem' } }, 'file').should.be.true();
        isPersistentStore({ default: 'file', file: { module: 'localfilesystem' } }, '').should.be.true();
        isPersistentStore({ file: { module: 'localfilesystem' } }, 'nope').should.be.true(); // falls back to the first = default
        isPersistentStore({ redis: { module: require('events') } }, 'redis').should.be.true();
        storeExists({ file: {} }, 'file').should.be.true();
        storeExists({ file: {} }, 'other').should.be.false();
        storeExists(undefined, '').should.be.true();
    });
    it('adapts a callback context to promises and reports store errors', async function () {
        const data = {};
        const ctx = {
            get: (k, s, cb) => cb(null, data[k]),
            set: (k, v, s, cb) => (k === 'bad' ? cb(new Error('disk full')) : ((data[k] = v), cb())),
            keys: (s, cb) => cb(null, Object.keys(data)),
        };
        const store = contextStore(ctx, ' file ');
        await store.set('a', 1);
        (await store.get('a')).should.equal(1);
        (await store.keys()).should.eql(['a']);
        await store.set('bad', 1).should.be.rejectedWith('disk full');
        const m = memoryStore();
        const v = { x: [1] };
        await m.set('k', v);
        v.x.push(2);
        (await m.get('k')).should.eql({ x: [1] }); // stored as a copy, like real stores
    });

    it('resolves a store setting to the physical store Node-RED uses (aliases, default, unknown names)', function () {
        const aliased = { default: 'file', file: { module: 'localfilesystem' }, mem: { module: 'memory' } };
        resolveStoreName(aliased, '').should.equal('file');
        resolveStoreName(aliased, 'default').should.equal('file');
        resolveStoreName(aliased, ' file ').should.equal('file');
        resolveStoreName(aliased, 'mem').should.equal('mem');
        resolveStoreName(aliased, 'nope').should.equal('file'); // Node-RED falls back to the default store
        resolveStoreName({ default: { module: 'memory' }, file: {} }, '').should.equal('default');
        resolveStoreName({ file: { module: 'localfilesystem' }, mem: {} }, '').should.equal('file'); // first listed
        resolveStoreName(undefined, '').should.equal('default');
        resolveStoreName({}, 'x').should.equal('default');
        resolveStoreName({ default: 'file', file: {} }, '__proto__').should.equal('file');
    });
});
