'use strict';
// The Artemis signer against the published vectors, plus ordering and optional headers.
const crypto = require('crypto');
const should = require('should');
const { buildStringToSign, hmacSignature, signRequest, sortedQuery, signedHeaderNames, contentMd5 } = require('../../dist/lib/artemis/sign');

const KEY = '29666671';
const SECRET = 'empsl6pq4xx7cSy6gRXa';
const PATH = '/artemis/api/acs/v1/door/events';
const BASE = { Accept: '*/*', 'Content-Type': 'application/json' };

describe('artemis signer', function () {
    it('vector A: only x-ca-key signed', function () {
        const headers = { ...BASE, 'x-ca-key': KEY, 'x-ca-signature-headers': 'x-ca-key' };
        const sts = buildStringToSign({ method: 'POST', path: PATH, headers });
        sts.should.equal('POST\n*/*\napplication/json\nx-ca-key:29666671\n/artemis/api/acs/v1/door/events');
        hmacSignature(SECRET, sts).should.equal('Cx+vzo0zd6ZX3urjxcHvwvq4nWsqf0DUlOIwuoAppWc=');
    });

    it('vector B: key, nonce and timestamp signed (signRequest builds exactly the SDK headers)', function () {
        const signed = signRequest({
            appKey: KEY, appSecret: SECRET, method: 'post', path: PATH,
            nonce: 'b3b0c6a8-0000-4000-8000-000000000001', timestamp: 1700000000000,
        });
        signed.stringToSign.should.equal(
            'POST\n*/*\napplication/json\nx-ca-key:29666671\nx-ca-nonce:b3b0c6a8-0000-4000-8000-000000000001\nx-ca-timestamp:1700000000000\n/artemis/api/acs/v1/door/events');
        signed.signature.should.equal('FcpJR5HjkOWkd+rUrJP7GjlrCNkEpKInmC6CBA1OSfg=');
        signed.headers.should.have.properties({
            Accept: '*/*', 'Content-Type': 'application/json', 'x-ca-key': KEY,
            'x-ca-signature-headers': 'x-ca-key,x-ca-nonce,x-ca-timestamp',
            'x-ca-signature': 'FcpJR5HjkOWkd+rUrJP7GjlrCNkEpKInmC6CBA1OSfg=',
        });
        signed.headers.should.not.have.property('Content-MD5');
        signed.headers.should.not.have.property('Date');
    });

    it('is independent of header name case and insertion order; x-ca-* sorted lower-case', function () {
        const a = buildStringToSign({ method: 'POST', path: PATH, headers: { 'X-Ca-Timestamp': '1', 'X-CA-KEY': 'k', 'x-ca-nonce': 'n', 'content-type': 'application/json', ACCEPT: '*/*' } });
        a.should.equal('POST\n*/*\napplication/json\nx-ca-key:k\nx-ca-nonce:n\nx-ca-timestamp:1\n' + PATH);
    });

    it('signs only the headers listed in x-ca-signature-headers when given', function () {
        signedHeaderNames({ 'x-ca-key': 'k', 'x-ca-nonce': 'n', 'x-ca-signature-headers': 'x-ca-nonce, X-Ca-Key', 'x-ca-signature': 's' })
            .should.deepEqual(['x-ca-key', 'x-ca-nonce']);
        signedHeaderNames({ 'x-ca-key': 'k', 'x-ca-signature': 's', 'x-ca-timestamp': 't' }).should.deepEqual(['x-ca-key', 'x-ca-timestamp']);
    });

    it('appends sorted, raw query parameters', function () {
        sortedQuery({ b: '2', a: 'x y', c: '' }).should.equal('?a=x y&b=2&c');
        sortedQuery({}).should.equal('');
        const sts = buildStringToSign({ method: 'GET', path: '/artemis/api/x', headers: { 'x-ca-key': 'k' }, query: { z: 1, Z: 2, a: 'ä/é' } });
        sts.should.equal('GET\nx-ca-key:k\n/artemis/api/x?Z=2&a=ä/é&z=1');
    });

    it('adds Content-MD5 and Date lines only when those headers are sent, in SDK order', function () {
        const body = JSON.stringify({ pageNo: 1, pageSize: 10 });
        const md5 = crypto.createHash('md5').update(body).digest('base64');
        contentMd5(body).should.equal(md5);
        const withBoth = signRequest({ appKey: KEY, appSecret: SECRET, method: 'POST', path: PATH, body, withContentMd5: true,
            date: 'Tue, 14 Nov 2023 22:13:20 GMT', nonce: 'n', timestamp: 1 });
        withBoth.stringToSign.should.equal(`POST\n*/*\n${md5}\napplication/json\nTue, 14 Nov 2023 22:13:20 GMT\nx-ca-key:${KEY}\nx-ca-nonce:n\nx-ca-timestamp:1\n${PATH}`);
        withBoth.headers['Content-MD5'].should.equal(md5);
        const onlyDate = signRequest({ appKey: KEY, appSecret: SECRET, method: 'POST', path: PATH, date: 'D', nonce: 'n', timestamp: 1 });
        onlyDate.stringToSign.should.equal(`POST\n*/*\napplication/json\nD\nx-ca-key:${KEY}\nx-ca-nonce:n\nx-ca-timestamp:1\n${PATH}`);
        // no empty lines for absent headers (the Aliyun-style mistake)
        const none = buildStringToSign({ method: 'POST', path: PATH, headers: { 'x-ca-key': KEY } });
        none.should.equal(`POST\nx-ca-key:${KEY}\n${PATH}`);
        none.should.not.match(/\n\n/);
    });

    it('generates a fresh UUID v4 nonce and a ms timestamp by default', function () {
        const a = signRequest({ appKey: KEY, appSecret: SECRET, method: 'POST', path: PATH });
        const b = signRequest({ appKey: KEY, appSecret: SECRET, method: 'POST', path: PATH });
        a.headers['x-ca-nonce'].should.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        a.headers['x-ca-nonce'].should.not.equal(b.headers['x-ca-nonce']);
        Number(a.headers['x-ca-timestamp']).should.be.approximately(Date.now(), 5000);
        should(a.signature).not.equal(b.signature);
    });
});
