'use strict';
// lib/config: node properties arrive from the editor as numbers, booleans or their strings.
const should = require('should');
const { readNumber, positiveNumber, clampedNumber, readBool } = require('../../dist/lib/config');

describe('lib/config', function () {
    it('readNumber: numbers and numeric strings, else the fallback', function () {
        readNumber(15, 1).should.equal(15);
        readNumber('2.5', 1).should.equal(2.5);
        readNumber('0', 1).should.equal(0);
        readNumber(-3, 1).should.equal(-3);
        readNumber('', 7).should.equal(7);
        readNumber(undefined, 7).should.equal(7);
        readNumber(null, 7).should.equal(7);
        readNumber('abc', 7).should.equal(7);
        readNumber(Infinity, 7).should.equal(7);
        readNumber(NaN, 7).should.equal(7);
    });

    it('positiveNumber: above zero, else the fallback (0 and negatives are not timeouts)', function () {
        positiveNumber('30', 15).should.equal(30);
        positiveNumber(0.5, 15).should.equal(0.5);
        positiveNumber(0, 15).should.equal(15);
        positiveNumber('-1', 15).should.equal(15);
        positiveNumber('x', 15).should.equal(15);
    });

    it('clampedNumber: raised to the minimum, the fallback only when not a number', function () {
        clampedNumber('5', 300, 10).should.equal(10);
        clampedNumber(600, 300, 10).should.equal(600);
        clampedNumber(0, 30, 0).should.equal(0);
        clampedNumber(-4, 30, 0).should.equal(0);
        clampedNumber('', 300, 10).should.equal(300);
        clampedNumber(undefined, 2, 0).should.equal(2);
    });

    it('readBool: true/false and their strings, else the fallback', function () {
        readBool(true, false).should.be.true();
        readBool('true', false).should.be.true();
        readBool(false, true).should.be.false();
        readBool('false', true).should.be.false();
        readBool(undefined, true).should.be.true();
        readBool('yes', false).should.be.false();
        readBool(1, true).should.be.true();
        should(readBool(0, false)).be.false();
    });
});
