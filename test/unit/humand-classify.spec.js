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
    it('other 4xx with Humand\'s own JSON error are final without drift', function () {
        const o = classifyResponse('in', res(404, { code: 'EMPLOYEE_NOT_FOUND', message: 'Employee not found' }), NOW);
        o.should.containEql({ kind: 'rejected', status: 404 });
        should(o.drift).be.undefined();
    });

    describe('answers that are not Humand\'s verdict are retried (issue 13, case 2)', function () {
        const html = (status, headers = {}) => ({ status, headers: { 'content-type': 'text/html', ...headers }, text: '<html><body>Maintenance</body></html>', json: undefined });
        it('an HTML maintenance page (404), an HTML 422 and an unparsable body', function () {
            const o = classifyResponse('in', html(404), NOW);
            o.should.containEql({ kind: 'retry', status: 404 });
            o.message.should.match(/not Humand's answer \(an HTML page/);
            classifyResponse('in', html(422), NOW).kind.should.equal('retry');
            classifyResponse('in', { status: 400, headers: {}, text: '{"code":"INVALID_DA', json: undefined }, NOW).should.containEql({ kind: 'retry', status: 400 });
            classifyResponse('in', res(404, { error: 'not found' }), NOW).kind.should.equal('retry');
            classifyResponse('in', res(400, { code: 1, message: 'x' }), NOW).kind.should.equal('retry');
        });
        it('redirects 301/302/307/308 are retried, named with their target, never followed', function () {
            for (const status of [301, 302, 307, 308]) {
                const o = classifyResponse('in', html(status, { location: 'https://other.example/api' }), NOW);
                o.should.containEql({ kind: 'retry', status });
                o.message.should.match(/redirect to https:\/\/other\.example\/api \(not followed/);
            }
        });
        it('405, 407 and 413 are retried even with a JSON body', function () {
            for (const status of [405, 407, 413]) {
                classifyResponse('in', res(status, { code: 'X', message: 'proxy' }), NOW).should.containEql({ kind: 'retry', status });
                classifyResponse('in', html(status), NOW).kind.should.equal('retry');
            }
        });
        it('Humand\'s generic 400 INVALID_DATA asks for a read-back; so do 409/422 with an unknown text', function () {
            classifyResponse('in', res(400, { code: 'INVALID_DATA', message: 'The provided data is invalid', metadata: {} }), NOW)
                .should.containEql({ kind: 'verify', status: 400, message: 'INVALID_DATA: The provided data is invalid' });
            classifyResponse('out', res(422, { code: 'INACTIVE_EMPLOYEE', message: 'The employee is inactive' }), NOW).kind.should.equal('verify');
            classifyResponse('out', res(409, { code: 'CONFLICT', message: 'Conflict' }), NOW).kind.should.equal('verify');
        });
        it('legacy texts are still recognised first, without a read-back', function () {
            classifyResponse('in', res(400, { code: 'DUPLICATED_ENTRY', message: 'Entry already exists' }), NOW).should.containEql({ kind: 'delivered', duplicate: true });
            classifyResponse('in', res(422, { code: 'ENTRY_WITHOUT_EXIT', message: 'The employee has an entry without exit' }), NOW).should.containEql({ kind: 'rejected', drift: 'in' });
        });
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
