'use strict';
const should = require('should');
const { classifyResponse } = require('../../dist/lib/humand/classify');

const NOW = Date.parse('2026-01-27T12:00:00Z');
function res(status, json, headers = {}) {
    const text = json === undefined ? '' : typeof json === 'string' ? json : JSON.stringify(json);
    let parsed;
    try { parsed = JSON.parse(text); } catch (e) { parsed = undefined; }
    return { status, headers, text, json: parsed };
}

describe('humand response classification', function () {
    it('2xx is delivered', function () {
        classifyResponse('in', res(201, { id: 1 }), NOW).should.containEql({ kind: 'delivered', duplicate: false, status: 201 });
        classifyResponse('in', res(200, '<html>ok'), NOW).kind.should.equal('delivered');
    });
    it('422 duplicate is delivered (idempotent)', function () {
        classifyResponse('in', res(422, { code: 'DUPLICATED_ENTRY', message: 'Entry already exists' }), NOW)
            .should.containEql({ kind: 'delivered', duplicate: true });
        classifyResponse('out', res(422, { message: 'El registro ya existe' }), NOW).kind.should.equal('delivered');
    });
    it('422 future is held', function () {
        classifyResponse('in', res(422, { code: 'FUTURE_ENTRY', message: 'Cannot register an entry in the future' }), NOW).kind.should.equal('future');
    });
    it('422 entry without exit reveals an open entry in Humand', function () {
        const o = classifyResponse('in', res(422, { code: 'ENTRY_WITHOUT_EXIT', message: 'The employee has an entry without exit' }), NOW);
        o.should.containEql({ kind: 'rejected', drift: 'in' });
        o.message.should.match(/entry without exit/);
    });
    it('422 no open entry reveals a closed state in Humand (automatic clock-out)', function () {
        classifyResponse('out', res(422, { code: 'EXIT_WITHOUT_ENTRY', message: 'The employee has no open entry' }), NOW)
            .should.containEql({ kind: 'rejected', drift: 'out' });
    });
    it('other 4xx are final without drift', function () {
        const o = classifyResponse('in', res(404, { code: 'EMPLOYEE_NOT_FOUND', message: 'Employee not found' }), NOW);
        o.should.containEql({ kind: 'rejected', status: 404 });
        should(o.drift).be.undefined();
        classifyResponse('in', res(422, '<html>bad</html>'), NOW).should.containEql({ kind: 'rejected', message: 'HTTP 422' });
    });
    it('401 and 403 are authentication failures', function () {
        classifyResponse('in', res(401, { code: 'UNAUTHORIZED' }), NOW).kind.should.equal('auth');
        classifyResponse('in', res(403, ''), NOW).kind.should.equal('auth');
    });
    it('429 and 5xx are retried, Retry-After in seconds or as a date', function () {
        classifyResponse('in', res(429, {}, { 'retry-after': '7' }), NOW).should.containEql({ kind: 'retry', retryAfterMs: 7000 });
        classifyResponse('in', res(503, '<html>down</html>', { 'retry-after': new Date(NOW + 30000).toUTCString() }), NOW)
            .should.containEql({ kind: 'retry', retryAfterMs: 30000 });
        const o = classifyResponse('in', res(502, '<html>bad gateway</html>'), NOW);
        o.kind.should.equal('retry');
        should(o.retryAfterMs).be.undefined();
    });
});
