'use strict';
const should = require('should');
const { readHumandSettings } = require('../../dist/lib/humand/settings');

describe('humand settings', function () {
    it('reads properties and the API key into the client configuration, with Humand defaults for blanks', function () {
        readHumandSettings({}, { apiKey: ' k ' }).should.eql({
            baseUrl: 'https://api-prod.humand.co/public/api/v1',
            clockInPath: '/time-tracking/entries/clockIn',
            clockOutPath: '/time-tracking/entries/clockOut',
            timeoutMs: 15000,
            apiKey: 'k',
        });
        const s = readHumandSettings({ baseUrl: ' http://h:1/api ', clockInPath: '/in', clockOutPath: '/out', timeout: '30' }, { apiKey: 'k' });
        s.should.containEql({ baseUrl: 'http://h:1/api', clockInPath: '/in', clockOutPath: '/out', timeoutMs: 30000 });
    });

    it('a timeout below 1 s is 1 s; an unreadable one is 15 s', function () {
        readHumandSettings({ timeout: 0 }, { apiKey: 'k' }).timeoutMs.should.equal(1000);
        readHumandSettings({ timeout: 'x' }, { apiKey: 'k' }).timeoutMs.should.equal(15000);
    });

    it('a bad URL or a missing key is a problem named by a catalog key, never the key itself', function () {
        const bad = readHumandSettings({ baseUrl: 'ftp://x' }, { apiKey: 'secret-1' });
        bad.problem.should.equal('humand-server.errors.badUrl');
        bad.data.reason.should.be.a.String();
        JSON.stringify(bad).should.not.match(/secret-1/);
        readHumandSettings({}, {}).should.eql({ problem: 'humand-server.errors.noKey' });
        readHumandSettings({}, { apiKey: '   ' }).should.eql({ problem: 'humand-server.errors.noKey' });
        readHumandSettings({}, { apiKey: 42 }).should.eql({ problem: 'humand-server.errors.noKey' });
    });
});
