'use strict';
const should = require('should');
const { resolveIdentity, reasonText, lookupValue, lookupMessage } = require('../../dist/lib/identity/lookup');
const { buildTable } = require('../../dist/lib/identity/table');
const { buildDirectory, compactUser } = require('../../dist/lib/identity/directory');

const users = [
    { id: 1, employeeInternalId: '00123', firstName: 'Ana', lastName: 'García', email: 'ana@example.com', status: 'ACTIVE' },
    { id: 2, employeeInternalId: '00456', firstName: 'Luis', lastName: 'Pérez', email: 'shared@example.com', status: 'ACTIVE' },
    { id: 3, employeeInternalId: '00789', firstName: 'Eva', lastName: 'Soto', email: 'shared@example.com', status: 'ACTIVE' },
    { id: 4, employeeInternalId: '00999', firstName: 'Old', lastName: 'Timer', email: 'old@example.com', status: 'INACTIVE' },
].map(compactUser);

describe('identity lookup', function () {
    const directory = buildDirectory(users, 'employeeInternalId');
    const table = buildTable([
        { source: 'CARD-1', target: '00456' },
        { source: '00123', target: '00789' },
        { source: 'gone', target: '00999' },
        { source: 'twice', target: 'a' },
        { source: 'TWICE', target: 'b' },
        { source: 'unknown-to-humand', target: '55555' },
    ]);

    it('uses the table first (even when the directory also matches)', function () {
        resolveIdentity('00123', 'person.code', { table, directory, fallback: false }).should.eql({
            ok: true, employeeId: '00789', via: 'table', humandUser: { id: '3', name: 'Eva Soto' },
        });
        resolveIdentity('card-1', 'person.code', { table, fallback: false }).should.eql({ ok: true, employeeId: '00456', via: 'table' });
    });

    it('trusts a table target the directory does not know (the directory may be stale)', function () {
        resolveIdentity('unknown-to-humand', 'x', { table, directory, fallback: false }).should.eql({ ok: true, employeeId: '55555', via: 'table' });
    });

    it('then the directory, then the fallback, then unmapped', function () {
        resolveIdentity(' 00456 ', 'person.code', { directory, fallback: false }).should.containEql({ ok: true, employeeId: '00456', via: 'directory' });
        resolveIdentity('X9', 'person.code', { table, directory, fallback: true }).should.eql({ ok: true, employeeId: 'X9', via: 'fallback' });
        const r = resolveIdentity('X9', 'person.code', { table, directory, fallback: false });
        r.should.containEql({ ok: false, code: 'unmapped', detail: 'notFound' });
        reasonText(r).should.equal('no Humand employee for person.code "X9"');
    });

    it('the fallback passes the value unchanged (spaces and zeros)', function () {
        resolveIdentity(' 000123', 'c', { fallback: true }).employeeId.should.equal(' 000123');
    });

    it('never guesses: ambiguous directory keys and conflicting table rows', function () {
        const byEmail = buildDirectory(users, 'email');
        const r = resolveIdentity('Shared@Example.com', 'person.name', { directory: byEmail, fallback: true });
        r.should.containEql({ ok: false, code: 'ambiguous', detail: 'directoryAmbiguous' });
        reasonText(r).should.match(/2 active Humand users share email "Shared@Example.com": Luis Pérez \(00456\), Eva Soto \(00789\)/);
        const t = resolveIdentity('twice', 'c', { table, fallback: true });
        t.should.containEql({ ok: false, code: 'ambiguous', detail: 'tableConflict' });
        reasonText(t).should.match(/a, b/);
    });

    it('reports inactive users found by the directory or through a table target', function () {
        const r = resolveIdentity('00999', 'c', { directory, fallback: true });
        r.should.containEql({ ok: false, code: 'inactive', detail: 'directoryInactive' });
        reasonText(r).should.match(/Old Timer \(00999\).*inactive/);
        resolveIdentity('gone', 'c', { table, directory, fallback: true }).should.containEql({ code: 'inactive', detail: 'tableTargetInactive' });
    });

    it('rejects missing and non-id values as invalid', function () {
        for (const v of [undefined, null, '', '   ']) {
            resolveIdentity(v, 'person.code', { fallback: true }).should.containEql({ ok: false, code: 'invalid', detail: 'noValue' });
        }
        const r = resolveIdentity({ a: 1 }, 'person.code', { fallback: true });
        r.should.containEql({ ok: false, code: 'invalid', detail: 'badValue' });
        reasonText(r).should.equal('person.code is a object, not an id');
        resolveIdentity(NaN, 'x', { fallback: true }).code.should.equal('invalid');
    });

    it('keeps strings as they are and writes numbers in decimal', function () {
        lookupValue('000123').should.equal('000123');
        lookupValue(123).should.equal('123');
        should(lookupValue(true)).be.undefined();
        resolveIdentity(456, 'c', { fallback: true }).employeeId.should.equal('456');
    });

    it('looks up a message: the event person\'s field or a msg path; not an event or a bad path is invalid', function () {
        const sources = { table, directory, fallback: false };
        const person = { payload: { person: { id: '7', code: 'CARD-1', name: 'Ana' } } };
        const code = { lookup: 'person.code', lookupPath: '', fieldLabel: 'person.code' };
        lookupMessage(person, code, sources, () => should.fail()).should.containEql({ ok: true, employeeId: '00456', via: 'table' });
        lookupMessage({ payload: { person: 'x' } }, code, sources, () => undefined).should.containEql({ ok: false, code: 'invalid', detail: 'noValue' });
        lookupMessage({ payload: 'x' }, code, sources, () => undefined).should.eql({ ok: false, code: 'invalid', detail: 'notEvent', params: {} });
        lookupMessage({ payload: [] }, code, sources, () => undefined).should.containEql({ detail: 'notEvent' });
        const byPath = { lookup: 'msg', lookupPath: 'payload.raw.card', fieldLabel: 'msg.payload.raw.card' };
        const paths = [];
        const read = (p) => (paths.push(p), '00123');
        lookupMessage({ payload: {} }, byPath, sources, read).should.containEql({ ok: true, employeeId: '00789' });
        paths.should.eql(['payload.raw.card']);
        lookupMessage({ payload: {} }, byPath, sources, () => {
            throw new Error('bad path');
        }).should.eql({ ok: false, code: 'invalid', detail: 'badPath', params: { field: 'payload.raw.card', error: 'bad path' } });
    });
});
