'use strict';
const should = require('should');
const { identityStatus, refreshErrorText } = require('../../dist/lib/identity/status');
const { clockTime } = require('../../dist/lib/time');

// Texts as "key{data}" so each spec sees which key and data were used.
const t = (key, data) => (data ? `${key}${JSON.stringify(data)}` : key);
const AT = Date.parse('2026-01-27T11:05:00Z');
const dir = { size: 3 };

describe('identity status', function () {
    it('a setup error wins over everything', function () {
        identityStatus({ setupError: 'no path', tableSize: 2, fallback: true }, t).should.eql({ fill: 'red', shape: 'ring', text: 'no path' });
    });

    it('green with its sources: table, directory (size and time), fallback', function () {
        const time = clockTime(AT);
        identityStatus({ tableSize: 2, fallback: true, directory: { state: { directory: dir, refreshedAt: AT }, failing: false } }, t).should.eql({
            fill: 'green',
            shape: 'dot',
            text: `identity-map.status.table{"count":"2"} · identity-map.status.directory{"count":"3","time":"${time}"} · identity-map.status.fallback`,
        });
        identityStatus({ tableSize: 1, fallback: false }, t).should.eql({ fill: 'green', shape: 'dot', text: 'identity-map.status.table{"count":"1"}' });
    });

    it('red with no source at all', function () {
        identityStatus({ tableSize: 0, fallback: false }, t).should.eql({ fill: 'red', shape: 'ring', text: 'identity-map.status.noSource' });
    });

    it('grey while the first directory load runs, with what there is already', function () {
        const loading = { state: {}, failing: false };
        identityStatus({ tableSize: 0, fallback: false, directory: loading }, t).should.eql({ fill: 'grey', shape: 'ring', text: 'identity-map.status.loading' });
        identityStatus({ tableSize: 0, fallback: true, directory: loading }, t).text.should.equal('identity-map.status.loading · identity-map.status.fallback');
    });

    it('red when the first load failed, yellow when a refresh failed with something kept (error cut at 60)', function () {
        const long = 'x'.repeat(100);
        identityStatus({ tableSize: 0, fallback: false, directory: { state: { lastError: long }, failing: true } }, t).should.eql({
            fill: 'red',
            shape: 'ring',
            text: `identity-map.status.failed{"error":"${'x'.repeat(60)}"}`,
        });
        const s = identityStatus({ tableSize: 0, fallback: false, directory: { state: { directory: dir, refreshedAt: AT, lastError: 'HTTP 503' }, failing: true } }, t);
        s.fill.should.equal('yellow');
        s.text.should.equal(`identity-map.status.refreshFailed{"error":"HTTP 503"} · identity-map.status.directoryFrom{"count":"3","time":"${clockTime(AT)}"}`);
    });

    it('the refresh error says which directory is kept, if any', function () {
        refreshErrorText('HTTP 503', undefined, t).should.equal('identity-map.errors.refresh{"error":"HTTP 503","kept":""}');
        refreshErrorText('HTTP 503', { directory: dir, refreshedAt: AT }, t).should.equal(
            `identity-map.errors.refresh{"error":"HTTP 503","kept":"identity-map.errors.kept{\\"count\\":\\"3\\",\\"time\\":\\"${clockTime(AT)}\\"}"}`,
        );
    });
});
