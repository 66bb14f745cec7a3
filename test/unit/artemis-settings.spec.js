'use strict';
// lib/artemis/settings: the one reader of artemis-server's properties, for the node and its Test-connection route.
const should = require('should');
const { readArtemisSettings, createArtemisClient } = require('../../dist/lib/artemis/settings');
const { ArtemisClient } = require('../../dist/lib/artemis/client');
const { isProblem } = require('../../dist/lib/kit/connection');

const CREDS = { appKey: ' ak-1 ', appSecret: ' sk-1 ' };

describe('artemis settings', function () {
    it('reads a flow as saved: trimmed URL and keys, seconds to ms, TLS verified, no CA', function () {
        const s = readArtemisSettings({ baseUrl: ' https://10.0.0.5 ', timeout: '20', rejectUnauthorized: true, ca: '' }, CREDS);
        s.should.eql({ baseUrl: 'https://10.0.0.5', timeoutMs: 20000, rejectUnauthorized: true, ca: undefined, appKey: 'ak-1', appSecret: 'sk-1' });
    });

    it('strips a trailing /artemis from the base URL (the client adds it to every path)', function () {
        readArtemisSettings({ baseUrl: 'https://hik.example:443/artemis/' }, CREDS).baseUrl.should.equal('https://hik.example:443');
        readArtemisSettings({ baseUrl: 'https://hik.example/ARTEMIS' }, CREDS).baseUrl.should.equal('https://hik.example');
    });

    it('defaults: 15 s timeout for a missing or non-positive one, verification on unless explicitly false', function () {
        readArtemisSettings({ baseUrl: 'http://h' }, CREDS).should.have.properties({ timeoutMs: 15000, rejectUnauthorized: true });
        readArtemisSettings({ baseUrl: 'http://h', timeout: 0 }, CREDS).timeoutMs.should.equal(15000);
        readArtemisSettings({ baseUrl: 'http://h', rejectUnauthorized: 'false' }, CREDS).rejectUnauthorized.should.be.false();
        readArtemisSettings({ baseUrl: 'http://h', rejectUnauthorized: false }, CREDS).rejectUnauthorized.should.be.false();
        readArtemisSettings({ baseUrl: 'http://h', rejectUnauthorized: 'maybe' }, CREDS).rejectUnauthorized.should.be.true();
    });

    it('keeps a pasted CA as it is', function () {
        const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
        readArtemisSettings({ baseUrl: 'https://h', ca }, CREDS).ca.should.equal(ca);
        should(readArtemisSettings({ baseUrl: 'https://h', ca: '  \n' }, CREDS).ca).be.undefined();
    });

    it('gives a catalog key (and data) instead of settings when something is missing or wrong', function () {
        readArtemisSettings({ baseUrl: '  ' }, CREDS).should.eql({ problem: 'artemis-server.errors.noUrl' });
        readArtemisSettings({}, CREDS).should.eql({ problem: 'artemis-server.errors.noUrl' });
        const bad = readArtemisSettings({ baseUrl: 'ftp://x' }, CREDS);
        isProblem(bad).should.be.true();
        bad.problem.should.equal('artemis-server.errors.badUrl');
        bad.data.reason.should.match(/http/);
        readArtemisSettings({ baseUrl: 'not a url' }, CREDS).problem.should.equal('artemis-server.errors.badUrl');
        readArtemisSettings({ baseUrl: 'https://h' }, { appKey: 'k', appSecret: ' ' }).should.eql({ problem: 'artemis-server.errors.noCredentials' });
        readArtemisSettings({ baseUrl: 'https://h' }, {}).should.eql({ problem: 'artemis-server.errors.noCredentials' });
    });

    it('a problem never carries a secret', function () {
        const p = readArtemisSettings({ baseUrl: 'ftp://sk-1' }, CREDS);
        JSON.stringify(p).should.not.containEql('ak-1');
    });

    it('builds a client from the settings', function () {
        const client = createArtemisClient(readArtemisSettings({ baseUrl: 'http://127.0.0.1:1' }, CREDS));
        client.should.be.instanceOf(ArtemisClient);
        client.destroy();
    });
});
