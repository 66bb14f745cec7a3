'use strict';
const should = require('should');
const { WarnOnce } = require('../../dist/lib/identity/warn-once');

const problem = (value, code = 'unmapped', detail = 'notFound') => ({ ok: false, code, detail, params: value === undefined ? {} : { value } });

describe('identity warn-once', function () {
    it('logs each distinct problem once per directory', function () {
        const w = new WarnOnce();
        w.first(problem('1'), 1000).should.be.true();
        w.first(problem('1'), 1000).should.be.false();
        w.first(problem('1', 'inactive', 'directoryInactive'), 1000).should.be.true(); // another code
        w.first(problem('2'), 1000).should.be.true();
        w.first(problem(undefined, 'invalid', 'notEvent'), 1000).should.be.true(); // no value: keyed by detail
        w.first(problem(undefined, 'invalid', 'notEvent'), 1000).should.be.false();
        w.first(problem(undefined, 'invalid', 'noValue'), 1000).should.be.true();
    });

    it('a new directory (another refresh time) logs them again', function () {
        const w = new WarnOnce();
        w.first(problem('1'), undefined).should.be.true();
        w.first(problem('1'), undefined).should.be.false();
        w.first(problem('1'), 1000).should.be.true();
        w.first(problem('1'), 2000).should.be.true();
        w.first(problem('1'), 2000).should.be.false();
    });

    it('logs at most `max` distinct problems per directory', function () {
        const d = new WarnOnce(); // 200 by default
        Array.from({ length: 201 }, (_, i) => d.first(problem(String(i)), 1)).filter(Boolean).length.should.equal(200);
        const w = new WarnOnce(3);
        ['a', 'b', 'c', 'd'].map((v) => w.first(problem(v), 1)).should.eql([true, true, true, false]);
        w.first(problem('d'), 2).should.be.true();
    });
});
