'use strict';
// artemis-server (config node): credentials, test-connection endpoint, redaction, TLS.
const fs = require('fs');
const path = require('path');
const should = require('should');
const sinon = require('sinon');
const { helper, node } = require('../helper');
const { createHikCentralSimulator } = require('../../sim/hikcentral');
const { PATHS } = require('../../dist/lib/artemis/client');

const artemisServer = node('artemis-server');
const KEY = 'ak-node-1';
const SECRET = 'sk-node-secret';
const CREDS = { s1: { appKey: KEY, appSecret: SECRET } };
const TLS = path.join(__dirname, '..', 'fixtures', 'tls');

describe('artemis-server', function () {
    let sim;
    let tlsSim;
    before(async function () {
        sim = createHikCentralSimulator({ appKey: KEY, appSecret: SECRET });
        await sim.listen(0);
        tlsSim = createHikCentralSimulator({ appKey: KEY, appSecret: SECRET, tls: { key: fs.readFileSync(path.join(TLS, 'server.key'), 'utf8'), cert: fs.readFileSync(path.join(TLS, 'server.pem'), 'utf8') } });
        await tlsSim.listen(0);
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
    const test = (body) => helper.request().post('/attendance-bridge/artemis-server/test').send(body).expect(200).then((r) => r.body);

    it('keeps AppKey and AppSecret only in credentials', async function () {
        await helper.load(artemisServer, [{ id: 's1', type: 'artemis-server', baseUrl: sim.baseUrl, timeout: 5 }], CREDS);
        const s1 = helper.getNode('s1');
        s1.credentials.should.have.properties({ appKey: KEY, appSecret: SECRET });
        s1.getClient().should.be.an.Object();
        should(s1.appSecret).be.undefined();
    });

    it('getClient is shared and destroyed on close; createClient gives a new client the caller owns', async function () {
        await helper.load(artemisServer, [{ id: 's1', type: 'artemis-server', baseUrl: sim.baseUrl, timeout: 5 }], CREDS);
        const s1 = helper.getNode('s1');
        const shared = s1.getClient();
        s1.getClient().should.equal(shared);
        const own = s1.createClient();
        own.should.not.equal(shared);
        s1.createClient().should.not.equal(own);
        const destroyed = sinon.spy(shared, 'destroy');
        const ownDestroyed = sinon.spy(own, 'destroy');
        await helper.unload();
        destroyed.calledOnce.should.be.true();
        ownDestroyed.called.should.be.false();
        own.destroy();
    });

    it('a flow saved by this release (version 1) and one saved before versioning (no version, version 0) work alike', async function () {
        await helper.load(artemisServer, [
            { id: 'v1', type: 'artemis-server', version: 1, name: '', baseUrl: sim.baseUrl, rejectUnauthorized: true, ca: '', timeout: 15 },
            { id: 'v0', type: 'artemis-server', version: 0, baseUrl: `${sim.baseUrl}/artemis` },
            { id: 'none', type: 'artemis-server', baseUrl: sim.baseUrl },
        ], { v1: CREDS.s1, v0: CREDS.s1, none: CREDS.s1 });
        const query = { startTime: '2024-01-01T00:00:00+00:00', endTime: '2024-01-02T00:00:00+00:00', eventType: 196893, doorIndexCodes: [], pageNo: 1, pageSize: 1 };
        for (const id of ['v1', 'v0', 'none']) {
            const client = helper.getNode(id).getClient();
            client.should.not.be.a.String();
            (await client.page(PATHS.doorEvents, query)).total.should.equal(0, id);
        }
    });

    it('reports missing credentials instead of building a client', async function () {
        await helper.load(artemisServer, [{ id: 's1', type: 'artemis-server', baseUrl: sim.baseUrl }], {});
        helper.getNode('s1').getClient().should.be.a.String().and.match(/noCredentials|AppKey/);
    });

    it('test connection succeeds with a signed call (unchanged password placeholders resolved)', async function () {
        await helper.load(artemisServer, [{ id: 's1', type: 'artemis-server', baseUrl: sim.baseUrl }], CREDS);
        const res = await test({ id: 's1', baseUrl: sim.baseUrl, timeout: 5, rejectUnauthorized: true, credentials: { appKey: '__PWRD__', appSecret: '__PWRD__' } });
        res.ok.should.be.true();
        res.message.should.match(/test\.ok|door-events/);
    });

    it('test connection reports a bad signature with the code, redacted', async function () {
        await helper.load(artemisServer, [{ id: 's1', type: 'artemis-server', baseUrl: sim.baseUrl }], {});
        const res = await test({ baseUrl: sim.baseUrl, timeout: 5, credentials: { appKey: KEY, appSecret: 'bad-secret-value' } });
        res.ok.should.be.false();
        res.message.should.match(/0x02401003/);
        res.message.should.not.match(new RegExp(KEY)).and.not.match(/bad-secret-value/).and.not.match(/x-ca-/);
        const unknown = await test({ baseUrl: sim.baseUrl, timeout: 5, credentials: { appKey: 'nobody', appSecret: 'x' } });
        unknown.message.should.match(/0x02401642/);
        const bad = await test({ baseUrl: 'ftp://x', credentials: { appKey: 'a', appSecret: 'b' } });
        bad.message.should.match(/badUrl|URL/);
    });

    it('TLS: self-signed rejected by default, accepted with the CA, or with verification explicitly off', async function () {
        await helper.load(artemisServer, [{ id: 's1', type: 'artemis-server', baseUrl: tlsSim.baseUrl }], {});
        const creds = { appKey: KEY, appSecret: SECRET };
        const strict = await test({ baseUrl: tlsSim.baseUrl, timeout: 5, rejectUnauthorized: true, credentials: creds });
        strict.ok.should.be.false();
        strict.message.should.match(/TLS/);
        const withCa = await test({ baseUrl: tlsSim.baseUrl, timeout: 5, rejectUnauthorized: true, ca: fs.readFileSync(path.join(TLS, 'ca.pem'), 'utf8'), credentials: creds });
        withCa.ok.should.be.true();
        const off = await test({ baseUrl: tlsSim.baseUrl, timeout: 5, rejectUnauthorized: false, credentials: creds });
        off.ok.should.be.true();
    });
});
