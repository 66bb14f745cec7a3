'use strict';
const should = require('should');
const { buildTable, validateTable, normaliseKey } = require('../../dist/lib/identity/table');

describe('identity table', function () {
    it('normalises keys case- and space-insensitively, keeping accents and zeros', function () {
        normaliseKey('  Ana   GARCÍA ').should.equal('ana garcía');
        normaliseKey('Ana García').should.not.equal(normaliseKey('Ana Garcia'));
        normaliseKey('000123').should.not.equal(normaliseKey('123'));
        normaliseKey('Jose\u0301').should.equal(normaliseKey('José'));
    });

    it('finds rows by normalised source id and returns the target as written', function () {
        const t = buildTable([
            { source: 'ABC-1', target: '00123' },
            { source: 'ana  pérez', target: ' 00456 ' },
        ]);
        t.size.should.equal(2);
        t.get(' abc-1 ').should.containEql({ kind: 'target', target: '00123' });
        t.get('Ana Pérez').should.containEql({ kind: 'target', target: '00456' });
        should(t.get('abc')).be.undefined();
    });

    it('leaves out blank rows, tolerates exact repeats, reports conflicts', function () {
        const t = buildTable([
            { source: '', target: 'x' },
            { source: 'y', target: '' },
            { source: 'a', target: '1' },
            { source: 'A', target: '1' },
            { source: 'b', target: '2' },
            { source: ' B', target: '3' },
            null,
        ]);
        t.size.should.equal(2);
        t.get('a').target.should.equal('1');
        t.get('b').should.eql({ kind: 'conflict', targets: ['2', '3'] });
        should(t.get('y')).be.undefined();
    });

    it('validates duplicates and blanks with row numbers', function () {
        const issues = validateTable([
            { source: 'a', target: '1' },
            { source: '', target: '2' },
            { source: 'b', target: '' },
            { source: 'A ', target: '1' },
            { source: 'a', target: '9' },
            { source: '', target: '' },
        ]);
        issues.should.eql([
            { row: 1, kind: 'blank-source', source: '' },
            { row: 2, kind: 'blank-target', source: 'b' },
            { row: 3, kind: 'duplicate', source: 'A ', firstRow: 0 },
            { row: 4, kind: 'conflict', source: 'a', firstRow: 0 },
        ]);
        validateTable([{ source: 'a', target: '1' }]).should.eql([]);
    });
});
