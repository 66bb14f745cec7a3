'use strict';
const should = require('should');
const sinon = require('sinon');
const fs = require('fs');
const path = require('path');
const { helper, node } = require('../helper');
const { createHySecureSimulator } = require('../../sim/hysecure');

const hysecureServer = node('hysecure-server');
const CA = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'tls', 'ca.pem'), 'utf8');

describe('hysecure-server', function () {
    let sim;
    let tlsSim;
    let baseUrl;
    let tlsUrl;
    before(async function () {
        sim = createHySecureSimulator({ username: 'api', password: 'p4ss-w0rd' });
        ({ baseUrl } = await sim.listen(0));
        tlsSim = createHySecureSimulator({ username: 'api', password: 'p4ss-w0rd', tls: true });
        ({ baseUrl: tlsUrl } = await tlsSim.listen(0));
        await helper.startServer();
    });
    after(async function () {
        await sim.close();
        await tlsSim.close();
        await helper.stopServer();
    });
    afterEach(async function () {
        await helper.unload();
    });

    it('keeps the user name and password in credentials only and builds a client', async function () {
        await helper.load(hysecureServer, [{ id: 's1', type: 'hysecure-server', name: 'VPN', baseUrl, timeout: 5 }], { s1: { username: 'api', password: 'p4ss-w0rd' } });
        const s1 = helper.getNode('s1');
        s1.credentials.should.eql({ username: 'api', password: 'p4ss-w0rd' });
        s1.displayName.should.equal('VPN');
        const client = s1.createClient();
        client.should.not.be.a.String();
        await client.connect();
        client.tokensIssued.should.equal(1);
        client.destroy();
    });

    it('getClient is shared and destroyed on close; createClient gives a new client the caller owns', async function () {
        await helper.load(hysecureServer, [{ id: 's1', type: 'hysecure-server', baseUrl, timeout: 5 }], { s1: { username: 'api', password: 'p4ss-w0rd' } });
        const s1 = helper.getNode('s1');
        const shared = s1.getClient();
        shared.should.not.be.a.String();
        s1.getClient().should.equal(shared);
        const own = s1.createClient();
        own.should.not.equal(shared);
        const destroyed = sinon.spy(shared, 'destroy');
        const ownDestroyed = sinon.spy(own, 'destroy');
        await helper.unload();
        destroyed.calledOnce.should.be.true();
        ownDestroyed.called.should.be.false();
        own.destroy();
    });

    it('a flow saved by this release (version 1) and one saved before versioning (no version, version 0) work alike', async function () {
        const creds = { username: 'api', password: 'p4ss-w0rd' };
        await helper.load(hysecureServer, [
            { id: 'v1', type: 'hysecure-server', version: 1, name: 'VPN', baseUrl, rejectUnauthorized: true, ca: '', timeout: 30 },
            { id: 'v0', type: 'hysecure-server', version: 0, name: 'VPN', baseUrl },
            { id: 'none', type: 'hysecure-server', name: 'VPN', baseUrl },
        ], { v1: creds, v0: creds, none: creds });
        for (const id of ['v1', 'v0', 'none']) {
            const n = helper.getNode(id);
            n.displayName.should.equal('VPN');
            const client = n.createClient();
            client.should.not.be.a.String();
            await client.connect();
            client.tokensIssued.should.equal(1, id);
            client.destroy();
        }
    });

    it('reports a missing URL or missing credentials instead of building a client', async function () {
        await helper.load(hysecureServer, [{ id: 's1', type: 'hysecure-server', baseUrl }, { id: 's2', type: 'hysecure-server', baseUrl: '' }], { s1: { username: 'api' } });
        helper.getNode('s1').createClient().should.be.a.String();
        helper.getNode('s2').createClient().should.be.a.String();
    });

    it('test connection succeeds with the deployed password (placeholder) and never echoes it', async function () {
        await helper.load(hysecureServer, [{ id: 's1', type: 'hysecure-server', baseUrl }], { s1: { username: 'api', password: 'p4ss-w0rd' } });
        const res = await helper.request().post('/attendance-bridge/hysecure-server/test')
            .send({ id: 's1', baseUrl, timeout: 5, rejectUnauthorized: true, credentials: { username: 'api', password: '__PWRD__' } }).expect(200);
        res.body.ok.should.be.true();
        JSON.stringify(res.body).should.not.containEql('p4ss-w0rd');
    });

    it('test connection reports a wrong password as HTTP 401 without the password', async function () {
        await helper.load(hysecureServer, [{ id: 's1', type: 'hysecure-server', baseUrl }], {});
        const res = await helper.request().post('/attendance-bridge/hysecure-server/test')
            .send({ baseUrl, timeout: 5, credentials: { username: 'api', password: 'wrong-secret-pw' } }).expect(200);
        res.body.ok.should.be.false();
        res.body.message.should.match(/401/);
        res.body.message.should.not.match(/wrong-secret-pw/);
    });

    it('test connection: refused connection, invalid URL, missing credentials', async function () {
        await helper.load(hysecureServer, [{ id: 's1', type: 'hysecure-server', baseUrl }], {});
        let res = await helper.request().post('/attendance-bridge/hysecure-server/test')
            .send({ baseUrl: 'http://127.0.0.1:1', timeout: 2, credentials: { username: 'a', password: 'b' } }).expect(200);
        res.body.ok.should.be.false();
        res.body.message.should.match(/refused/);
        res = await helper.request().post('/attendance-bridge/hysecure-server/test')
            .send({ baseUrl: 'ftp://x', credentials: { username: 'a', password: 'b' } }).expect(200);
        res.body.ok.should.be.false();
        res = await helper.request().post('/attendance-bridge/hysecure-server/test')
            .send({ baseUrl, credentials: {} }).expect(200);
        res.body.ok.should.be.false();
    });

    it('test connection over HTTPS: TLS error without the CA, success with it or with the opt-out', async function () {
        await helper.load(hysecureServer, [{ id: 's1', type: 'hysecure-server', baseUrl: tlsUrl }], {});
        const creds = { username: 'api', password: 'p4ss-w0rd' };
        let res = await helper.request().post('/attendance-bridge/hysecure-server/test')
            .send({ baseUrl: tlsUrl, timeout: 5, rejectUnauthorized: true, credentials: creds }).expect(200);
        res.body.ok.should.be.false();
        res.body.message.should.match(/TLS certificate not accepted/);
        res = await helper.request().post('/attendance-bridge/hysecure-server/test')
            .send({ baseUrl: tlsUrl, timeout: 5, rejectUnauthorized: true, ca: CA, credentials: creds }).expect(200);
        res.body.ok.should.be.true();
        res = await helper.request().post('/attendance-bridge/hysecure-server/test')
            .send({ baseUrl: tlsUrl, timeout: 5, rejectUnauthorized: false, credentials: creds }).expect(200);
        res.body.ok.should.be.true();
    });
});
