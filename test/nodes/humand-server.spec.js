'use strict';
const should = require('should');
const { helper, node } = require('../helper');
const { createHumandSimulator } = require('../../sim/humand');

const humandServer = node('humand-server');

describe('humand-server', function () {
    let sim;
    let baseUrl;
    before(async function () {
        sim = createHumandSimulator({ apiKeys: ['k-123'] });
        ({ baseUrl } = await sim.listen(0));
        await helper.startServer();
    });
    after(async function () {
        await sim.close();
        await helper.stopServer();
    });
    afterEach(async function () {
        await helper.unload();
    });

    it('loads with defaults and keeps the key only in credentials', async function () {
        await helper.load(humandServer, [{ id: 's1', type: 'humand-server', name: 'H' }], { s1: { apiKey: 'k-123' } });
        const s1 = helper.getNode('s1');
        s1.should.have.property('name', 'H');
        s1.credentials.should.have.property('apiKey', 'k-123');
        const client = s1.getClient();
        client.config.baseUrl.should.equal('https://api-prod.humand.co/public/api/v1');
        client.config.clockInPath.should.equal('/time-tracking/entries/clockIn');
    });

    it('a flow saved by this release (version 1) and one saved before versioning (no version, version 0) read alike', async function () {
        await helper.load(humandServer, [
            { id: 'v1', type: 'humand-server', version: 1, name: '', baseUrl: 'https://api-prod.humand.co/public/api/v1', clockInPath: '/time-tracking/entries/clockIn', clockOutPath: '/time-tracking/entries/clockOut', timeout: 15, rateLimit: 10, namespace: '' },
            { id: 'none', type: 'humand-server' },
            { id: 'v0', type: 'humand-server', version: 0 },
        ], { v1: { apiKey: 'k-123' }, none: { apiKey: 'k-123' }, v0: { apiKey: 'k-123' } });
        const configs = ['v1', 'none', 'v0'].map((id) => helper.getNode(id).getClient().config);
        configs[1].should.eql(configs[0]);
        configs[2].should.eql(configs[0]);
        helper.getNode('none').stateNamespace.should.equal(helper.getNode('v1').stateNamespace);
    });

    it('getClient shares one client; createClient gives a new one the caller owns', async function () {
        await helper.load(humandServer, [{ id: 's1', type: 'humand-server', baseUrl }], { s1: { apiKey: 'k-123' } });
        const s1 = helper.getNode('s1');
        s1.getClient().should.equal(s1.getClient());
        const own = s1.createClient();
        own.should.not.equal(s1.getClient());
        own.destroy();
    });

    it('test connection uses the dialog\'s clock paths and base URL like the node (one settings reader)', async function () {
        await helper.load(humandServer, [{ id: 's1', type: 'humand-server', baseUrl }], {});
        const res = await helper.request().post('/attendance-bridge/humand-server/test')
            .send({ baseUrl, clockInPath: '/in', clockOutPath: '/out', timeout: 5, credentials: { apiKey: 'k-123' } }).expect(200);
        res.body.ok.should.be.true();
    });

    it('reports a missing API key instead of building a client', async function () {
        await helper.load(humandServer, [{ id: 's1', type: 'humand-server', baseUrl }], {});
        helper.getNode('s1').getClient().should.be.a.String().and.match(/noKey|API key/);
    });

    it('test connection succeeds against the simulator and never echoes the key', async function () {
        await helper.load(humandServer, [{ id: 's1', type: 'humand-server', baseUrl }], { s1: { apiKey: 'k-123' } });
        const res = await helper.request().post('/attendance-bridge/humand-server/test')
            .send({ id: 's1', baseUrl, timeout: 5, credentials: { apiKey: '__PWRD__' } }).expect(200);
        res.body.ok.should.be.true();
        res.body.message.should.match(/users|test\.ok/);
    });

    it('test connection reports a wrong key as HTTP 401 without the key', async function () {
        await helper.load(humandServer, [{ id: 's1', type: 'humand-server', baseUrl }], {});
        const res = await helper.request().post('/attendance-bridge/humand-server/test')
            .send({ baseUrl, timeout: 5, credentials: { apiKey: 'wrong-secret-key' } }).expect(200);
        res.body.ok.should.be.false();
        res.body.message.should.match(/401/);
        res.body.message.should.not.match(/wrong-secret-key/);
    });

    it('test connection reports a refused connection', async function () {
        await helper.load(humandServer, [{ id: 's1', type: 'humand-server', baseUrl }], {});
        const res = await helper.request().post('/attendance-bridge/humand-server/test')
            .send({ baseUrl: 'http://127.0.0.1:1/public/api/v1', timeout: 2, credentials: { apiKey: 'x' } }).expect(200);
        res.body.ok.should.be.false();
        res.body.message.should.match(/refused/);
    });

    it('test connection rejects an invalid URL and a missing key', async function () {
        await helper.load(humandServer, [{ id: 's1', type: 'humand-server', baseUrl }], {});
        let res = await helper.request().post('/attendance-bridge/humand-server/test')
            .send({ baseUrl: 'ftp://x', credentials: { apiKey: 'x' } }).expect(200);
        res.body.ok.should.be.false();
        res.body.message.should.match(/URL|badUrl/);
        res.body = null;
        res = await helper.request().post('/attendance-bridge/humand-server/test')
            .send({ baseUrl, credentials: {} }).expect(200);
        res.body.ok.should.be.false();
        res.body.message.should.match(/API key|noKey/);
    });
});
