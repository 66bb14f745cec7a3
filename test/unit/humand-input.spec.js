'use strict';
const should = require('should');
const { checkInput } = require('../../dist/lib/humand/input');
const { renderComment } = require('../../dist/lib/humand/comment');

describe('humand-clock input and comment', function () {
    it('accepts a full event and keeps employeeId as text', function () {
        const r = checkInput({ id: 'hikcentral:9', source: 'hikcentral', person: { id: 'p1', name: 'Ana' }, time: '2026-01-27T08:12:45.123-03:00', direction: 'in', employeeId: '00123', device: { id: '1', name: 'Door' }, raw: { x: 1 } });
        r.ok.should.be.true();
        r.event.should.containEql({ id: 'hikcentral:9', employeeId: '00123', direction: 'in', time: '2026-01-27T08:12:45.123-03:00' });
        r.event.raw.should.eql({ x: 1 });
    });
    it('derives a stable id when missing and normalises direction words', function () {
        const a = checkInput({ employeeId: 42, time: '2026-01-27T08:00:00Z', direction: 'Entrada' });
        const b = checkInput({ employeeId: '42', time: '2026-01-27T05:00:00-03:00', direction: 'IN' });
        a.ok.should.be.true();
        a.event.employeeId.should.equal('42');
        a.event.direction.should.equal('in');
        a.event.id.should.equal(b.event.id);
        checkInput({ employeeId: '1', time: '2026-01-27T08:00:00Z', direction: 'clock-out' }).event.direction.should.equal('out');
        should(checkInput({ employeeId: '1', time: '2026-01-27T08:00:00Z', direction: null }).event.direction).be.null();
    });
    it('rejects what cannot be sent, with a reason', function () {
        checkInput(null).reason.should.match(/not an attendance event/);
        checkInput([]).reason.should.match(/not an attendance event/);
        checkInput({ employeeId: '  ', time: '2026-01-27T08:00:00Z' }).reason.should.match(/empty/);
        checkInput({ employeeId: {}, time: '2026-01-27T08:00:00Z' }).reason.should.match(/missing employeeId/);
        checkInput({ employeeId: '1', time: '2026-02-30T08:00:00Z' }).reason.should.match(/unparseable/);
        checkInput({ employeeId: '1', time: 1769500000000 }).reason.should.match(/unparseable/);
        checkInput({ employeeId: '1', time: '2026-01-27T08:00:00Z', direction: 3 }).reason.should.match(/unknown direction/);
        checkInput({ employeeId: '1', time: '2026-01-27T08:00:00Z', direction: '__proto__' }).reason.should.match(/unknown direction/);
    });
    it('renders the comment template and drops dangling separators', function () {
        const e = { id: 'x', source: 'hikcentral', person: { id: 'p', name: 'Ana' }, time: '', direction: 'in', device: { id: '7', name: 'Main door' }, employeeId: '00123' };
        renderComment('{{source}} · {{device}}', e).should.equal('HikCentral · Main door');
        renderComment('{{source}} · {{device}}', { ...e, device: undefined }).should.equal('HikCentral');
        renderComment('{{source}} · {{device}}', { ...e, source: 'hysecure', device: { id: 'hysecure' } }).should.equal('HySecure · hysecure');
        renderComment('{{person}} ({{employeeId}}) {{direction}} {{nope}}', e).should.equal('Ana (00123) in');
        renderComment('x'.repeat(400), e).length.should.equal(250);
    });
});
