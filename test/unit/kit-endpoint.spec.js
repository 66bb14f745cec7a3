'use strict';
// lib/kit/endpoint: base URL, timeout and TLS as every config node reads them.
const should = require('should');
const { readEndpoint, text } = require('../../dist/lib/kit/endpoint');

describe('kit endpoint', function () {
    it('reads base URL (trimmed), timeout in ms, TLS verified by default, a pasted CA as it is', function () {
        readEndpoint('x-server', { baseUrl: ' https://h/api ', timeout: '5', ca: 'PEM\n' }, 15).should.eql({ baseUrl: 'https://h/api', timeoutMs: 5000, rejectUnauthorized: true, ca: 'PEM\n' });
    });

    it('uses the default timeout for a missing, zero or unreadable one', function () {
        for (const timeout of [undefined, 0, '-3', 'soon']) readEndpoint('x-server', { baseUrl: 'http://h', timeout }, 30).timeoutMs.should.equal(30000);
    });

    it('turns verification off only when it is explicitly false', function () {
        readEndpoint('x-server', { baseUrl: 'http://h', rejectUnauthorized: false }, 1).rejectUnauthorized.should.be.false();
        readEndpoint('x-server', { baseUrl: 'http://h', rejectUnauthorized: 'false' }, 1).rejectUnauthorized.should.be.false();
        readEndpoint('x-server', { baseUrl: 'http://h', rejectUnauthorized: '' }, 1).rejectUnauthorized.should.be.true();
        should(readEndpoint('x-server', { baseUrl: 'http://h', ca: ' \n ' }, 1).ca).be.undefined();
    });

    it('names the problem with the config node type: no URL, or not an http(s) URL with the reason', function () {
        readEndpoint('x-server', { baseUrl: ' ' }, 1).should.eql({ problem: 'x-server.errors.noUrl' });
        readEndpoint('x-server', { baseUrl: 42 }, 1).should.eql({ problem: 'x-server.errors.noUrl' });
        const ftp = readEndpoint('x-server', { baseUrl: 'ftp://h' }, 1);
        ftp.problem.should.equal('x-server.errors.badUrl');
        ftp.data.reason.should.match(/http:\/\/ or https:\/\//);
        readEndpoint('x-server', { baseUrl: 'h:/x y' }, 1).problem.should.equal('x-server.errors.badUrl');
    });

    it('text: a string property, else empty', function () {
        text('a').should.equal('a');
        text(undefined).should.equal('');
        text(5).should.equal('');
    });
});
