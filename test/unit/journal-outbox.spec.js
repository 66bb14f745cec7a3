'use strict';
require('should');
const O = require('../../dist/lib/journal/outbox');

const item = (over = {}) => ({ id: 'e1', seq: 1, employeeId: 'E1', event: { id: 'e1', time: 't', direction: 'in' }, meta: { origin: 'c1', topic: 'E1' }, rules: {}, comment: '', attempts: 0, enqueuedAt: 0, ...over });

describe('journal outbox steps', function () {
    it('a delivery: Humand status, entry id and request number; a duplicate and a dry run say what they are', function () {
        const r = O.resultStep({ item: item({ attempts: 2 }), delivered: true, kind: 'delivered', humand: { action: 'out', status: 201, body: { id: 77, type: 'END' } } });
        r.step.should.equal('sent');
        r.info.outcome.should.equal('delivered');
        r.info.humand.should.eql({ request: 3, action: 'out', status: 201, entryId: '77' });
        r.info.detail.should.equal('clock-out: HTTP 201 accepted · entry 77');
        O.resultStep({ item: item(), delivered: true, kind: 'duplicate', humand: { action: 'in', status: 400, body: { code: 'DUPLICATE', message: 'already exists' } } }).info.should.containEql({ outcome: 'duplicate', detail: 'clock-in: HTTP 400 Humand already had it' });
        O.resultStep({ item: item(), delivered: true, kind: 'dry-run', humand: { action: 'in', status: 0, body: {} } }).info.outcome.should.equal('dry-run');
    });

    it('a rule skip or rejection is the answer, not parked', function () {
        const s = O.resultStep({ item: item(), delivered: false, kind: 'skipped', code: 'debounce', reason: 'repeat swipe' });
        s.should.eql({ step: 'skipped', info: { detail: 'repeat swipe', outcome: 'skipped', reasonCode: 'debounce', employeeId: 'E1' } });
        const o = O.resultStep({ item: item(), delivered: false, kind: 'rejected', code: 'out-of-order', reason: 'out of order' });
        o.info.should.containEql({ outcome: 'rejected', reasonCode: 'out-of-order' });
        o.info.should.not.have.property('park');
    });

    it('parks Humand "employee not found", another final Humand refusal and a time too far ahead, with the topic a replay needs', function () {
        const nf = O.resultStep({ item: item(), delivered: false, kind: 'rejected', code: 'humand-rejected', reason: 'Humand rejected the clock-in: Employee not found', humand: { action: 'in', status: 404, body: { code: 'EMPLOYEE_NOT_FOUND', message: 'Employee not found' } } });
        nf.step.should.equal('sent');
        nf.info.park.should.eql({ reasonCode: 'employee-not-found', topic: 'E1' });
        nf.info.humand.should.containEql({ status: 404, code: 'EMPLOYEE_NOT_FOUND' });
        O.resultStep({ item: item(), delivered: false, kind: 'rejected', code: 'humand-rejected', reason: 'x', humand: { status: 400, body: { code: 'INVALID_DATA', message: 'Invalid data' } } }).info.park.reasonCode.should.equal('humand-rejected');
        O.resultStep({ item: item(), delivered: false, kind: 'rejected', code: 'too-far-ahead', reason: 'too far ahead' }).info.park.reasonCode.should.equal('too-far-ahead');
        O.rejectionReason({ status: 400, message: 'El empleado no existe' }).should.equal('employee-not-found');
        O.rejectionReason(undefined).should.equal('humand-rejected');
    });

    it('a retry, a hold and a pause are pending steps with the answer that caused them', function () {
        const p = O.progressStep({ item: item({ attempts: 1 }), kind: 'retry', detail: 'HTTP 503: busy; next try …', status: 503, message: 'busy' });
        p.should.eql({ step: 'retry', info: { detail: 'HTTP 503: busy; next try …', outcome: 'pending', employeeId: 'E1', humand: { status: 503, request: 1, message: 'busy' } } });
        O.progressStep({ item: item(), kind: 'held', detail: 'held until …' }).info.should.not.have.property('humand');
        (O.humandAnswer(undefined, 1) === undefined).should.be.true();
        O.humandAnswer({ status: 201, body: { data: { id: 'x9' } } }, 1).entryId.should.equal('x9');
    });
});
