'use strict';
const should = require('should');
const { readClockOptions, MAX_FUTURE_LIMIT_HOURS, NEW_SHIFT_AFTER_LIMIT_HOURS } = require('../../dist/lib/humand/options');
const { DEFAULT_RULES } = require('../../dist/lib/humand/rules');

describe('humand-clock options', function () {
    it('an empty configuration gives the defaults, without problems', function () {
        const o = readClockOptions({});
        o.rules.should.eql(DEFAULT_RULES);
        o.rules.maxFutureMs.should.equal(24 * 3600000);
        o.rules.newShiftAfterMs.should.equal(10 * 3600000);
        o.should.containEql({ store: '', dryRun: false, concurrency: 4, template: '{{source}} · {{device}}' });
        o.problems.should.eql([]);
    });

    it('reads the editor values (numbers or strings) in seconds and hours', function () {
        const o = readClockOptions({
            store: ' file ', debounce: '30', futureTolerance: 60, maxFuture: '48', newShiftAfter: 6.5,
            nullDirection: 'reject', sameDirection: 'drop', concurrency: '8', comment: '{{person}}', dryRun: true,
        });
        o.rules.should.eql({
            debounceMs: 30000, futureToleranceMs: 60000, maxFutureMs: 48 * 3600000, newShiftAfterMs: 6.5 * 3600000,
            nullDirection: 'reject', sameDirection: 'drop',
        });
        o.should.containEql({ store: 'file', dryRun: true, concurrency: 8, template: '{{person}}' });
        o.problems.should.eql([]);
    });

    it(`refuses maxFuture outside 0 < hours <= ${MAX_FUTURE_LIMIT_HOURS}: the default applies and the problem is named`, function () {
        for (const bad of [0, -1, '0', MAX_FUTURE_LIMIT_HOURS + 1, 'soon', '1e9']) {
            const o = readClockOptions({ maxFuture: bad });
            o.rules.maxFutureMs.should.equal(24 * 3600000, String(bad));
            o.problems.should.eql([{ key: 'humand-clock.errors.badMaxFuture', data: { value: String(bad), max: String(MAX_FUTURE_LIMIT_HOURS), fallback: '24' } }]);
        }
        readClockOptions({ maxFuture: MAX_FUTURE_LIMIT_HOURS }).problems.should.eql([]);
        readClockOptions({ maxFuture: '' }).problems.should.eql([]); // blank: the default, silently
    });

    it(`refuses newShiftAfter outside 0 < hours <= ${NEW_SHIFT_AFTER_LIMIT_HOURS}: the default applies and the problem is named`, function () {
        for (const bad of [0, -3, NEW_SHIFT_AFTER_LIMIT_HOURS + 0.5, 'night']) {
            const o = readClockOptions({ newShiftAfter: bad });
            o.rules.newShiftAfterMs.should.equal(10 * 3600000, String(bad));
            o.problems.should.eql([{ key: 'humand-clock.errors.badNewShiftAfter', data: { value: String(bad), max: String(NEW_SHIFT_AFTER_LIMIT_HOURS), fallback: '10' } }]);
        }
        readClockOptions({ newShiftAfter: NEW_SHIFT_AFTER_LIMIT_HOURS }).problems.should.eql([]);
    });

    it('the bound is never shorter than the future tolerance', function () {
        readClockOptions({ maxFuture: 0.01, futureTolerance: 120 }).rules.maxFutureMs.should.equal(120000);
    });

    it('unknown policies, a blank comment and low numbers fall back safely', function () {
        const o = readClockOptions({ nullDirection: 'maybe', sameDirection: 42, comment: '  ', concurrency: 0, debounce: -5, futureTolerance: 'x' });
        o.rules.should.containEql({ nullDirection: 'toggle', sameDirection: 'send', debounceMs: 0, futureToleranceMs: 120000 });
        o.concurrency.should.equal(1);
        o.template.should.equal('{{source}} · {{device}}');
    });
});
