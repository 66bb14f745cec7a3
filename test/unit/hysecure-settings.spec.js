'use strict';
// lib/hysecure/settings: the one reader of hysecure-server's properties, for the node and its Test-connection route.
const should = require('should');
const { readHySecureSettings, createHySecureClient } = require('../../dist/lib/hysecure/settings');
const { HySecureClient } = require('../../dist/lib/hysecure/client');
const { isProblem } = require('../../dist/lib/kit/connection');

const CREDS = { username: ' api ', password: ' p4ss ' };

describe('hysecure settings', function () {
    it('reads a flow as saved: trimmed URL and user name, the password as typed, seconds to ms', function () {
        const s = readHySecureSettings({ baseUrl: ' https://10.0.0.10 ', timeout: 5, rejectUnauthorized: true, ca: '' }, CREDS);
        s.should.eql({ baseUrl: 'https://10.0.0.10', timeoutMs: 5000, rejectUnauthorized: true, ca: undefined, username: 'api', password: ' p4ss ' });
    });

    it('defaults: 30 s timeout for a missing or non-positive one, verification on unless explicitly false', function () {
        readHySecureSettings({ baseUrl: 'http://h' }, CREDS).should.have.properties({ timeoutMs: 30000, rejectUnauthorized: true });
        readHySecureSettings({ baseUrl: 'http://h', timeout: '-1' }, CREDS).timeoutMs.should.equal(30000);
        readHySecureSettings({ baseUrl: 'http://h', rejectUnauthorized: 'false' }, CREDS).rejectUnauthorized.should.be.false();
        readHySecureSettings({ baseUrl: 'http://h', rejectUnauthorized: false }, CREDS).rejectUnauthorized.should.be.false();
    });

    it('keeps a pasted CA as it is; a blank one is no CA', function () {
        const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
        readHySecureSettings({ baseUrl: 'https://h', ca }, CREDS).ca.should.equal(ca);
        should(readHySecureSettings({ baseUrl: 'https://h', ca: ' ' }, CREDS).ca).be.undefined();
    });

    it('keeps the base URL path (no vendor suffix is stripped)', function () {
        readHySecureSettings({ baseUrl: 'https://gw/artemis' }, CREDS).baseUrl.should.equal('https://gw/artemis');
    });

    it('gives a catalog key (and data) instead of settings when something is missing or wrong', function () {
        readHySecureSettings({ baseUrl: '' }, CREDS).should.eql({ problem: 'hysecure-server.errors.noUrl' });
        const bad = readHySecureSettings({ baseUrl: 'ftp://x' }, CREDS);
        isProblem(bad).should.be.true();
        bad.problem.should.equal('hysecure-server.errors.badUrl');
        bad.data.reason.should.match(/http/);
        readHySecureSettings({ baseUrl: 'https://h' }, { username: ' ', password: 'x' }).should.eql({ problem: 'hysecure-server.errors.noCredentials' });
        readHySecureSettings({ baseUrl: 'https://h' }, { username: 'api' }).should.eql({ problem: 'hysecure-server.errors.noCredentials' });
    });

    it('builds a client from the settings', function () {
        const client = createHySecureClient(readHySecureSettings({ baseUrl: 'http://127.0.0.1:1' }, CREDS));
        client.should.be.instanceOf(HySecureClient);
        client.destroy();
    });
});
