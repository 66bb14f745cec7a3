'use strict';
// lib/kit/client-owner: a config node's getClient (shared, destroyed on close) and createClient (caller owns).
const should = require('should');
const { EventEmitter } = require('events');
const { connectionApi } = require('../../dist/lib/kit/client-owner');

function fakeClient() {
    return { destroyed: 0, destroy() { this.destroyed++; } };
}
function close(node) {
    return new Promise((resolve) => node.emit('close', false, resolve));
}

describe('kit client-owner (connectionApi)', function () {
    it('createClient builds a new client every time; getClient builds one and keeps it', function () {
        const node = new EventEmitter();
        const built = [];
        const api = connectionApi(node, () => { const c = fakeClient(); built.push(c); return c; });
        const a = api.createClient();
        const b = api.createClient();
        a.should.not.equal(b);
        const shared = api.getClient();
        api.getClient().should.equal(shared);
        built.should.have.length(3);
    });

    it('destroys the shared client on close (and only it), then builds a new one when asked again', async function () {
        const node = new EventEmitter();
        const api = connectionApi(node, fakeClient);
        const own = api.createClient();
        const shared = api.getClient();
        await close(node);
        shared.destroyed.should.equal(1);
        own.destroyed.should.equal(0);
        api.getClient().should.not.equal(shared);
    });

    it('passes on the reason when no client can be built, and tries again on the next call', async function () {
        const node = new EventEmitter();
        let reason = 'no URL';
        const api = connectionApi(node, () => reason || fakeClient());
        api.getClient().should.equal('no URL');
        api.createClient().should.equal('no URL');
        reason = '';
        const shared = api.getClient();
        shared.should.not.be.a.String();
        api.getClient().should.equal(shared);
        await close(node);
        shared.destroyed.should.equal(1);
    });

    it('closes cleanly when no client was ever built', async function () {
        const node = new EventEmitter();
        connectionApi(node, fakeClient);
        await close(node);
        should(node.listenerCount('close')).equal(1);
    });
});
