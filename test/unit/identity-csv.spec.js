'use strict';
const should = require('should');
const { parseCsv, parseMappingCsv, detectSeparator, looksLikeHeader, csvImport } = require('../../dist/lib/identity/csv');

describe('identity CSV', function () {
    it('reads what Spanish Excel writes: BOM, ";" separator, CRLF, header row', function () {
        const text = '\uFEFFCódigo;Legajo\r\n000123;00123\r\n000456;00456\r\n';
        const r = parseMappingCsv(text);
        r.separator.should.equal(';');
        r.header.should.be.true();
        r.entries.should.eql([
            { source: '000123', target: '00123' },
            { source: '000456', target: '00456' },
        ]);
    });

    it('keeps leading zeros and never turns ids into numbers', function () {
        const r = parseMappingCsv('007,0007\n1e3,00\n');
        r.entries.should.eql([
            { source: '007', target: '0007' },
            { source: '1e3', target: '00' },
        ]);
        r.header.should.be.false();
    });

    it('handles quoted fields with separators, doubled quotes and line breaks', function () {
        const text = 'source;employeeId\n"Pérez; Ana";"00""1"\n"multi\nline";x\n  "  spaced  " ; 9 \n';
        const r = parseMappingCsv(text);
        r.entries.should.eql([
            { source: 'Pérez; Ana', target: '00"1' },
            { source: 'multi\nline', target: 'x' },
            { source: 'spaced', target: '9' },
        ]);
    });

    it('reads comma files with a quoted comma and Excel\'s ="000123" text form', function () {
        const r = parseMappingCsv('"García, Luis",="000123"\nb,2\n');
        r.separator.should.equal(',');
        r.entries[0].should.eql({ source: 'García, Luis', target: '000123' });
    });

    it('honours an Excel "sep=" first line and a forced separator', function () {
        parseMappingCsv('sep=,\na;b,1\n').entries.should.eql([{ source: 'a;b', target: '1' }]);
        parseMappingCsv('a;b,1\n', ',').entries.should.eql([{ source: 'a;b', target: '1' }]);
        parseCsv('a\tb\n').separator.should.equal('\t');
    });

    it('drops blank lines, reports rows with one cell, ignores extra columns', function () {
        const r = parseMappingCsv('a;1;extra\n\n;;\nonly\r\nc;3');
        r.entries.should.eql([
            { source: 'a', target: '1' },
            { source: 'only', target: '' },
            { source: 'c', target: '3' },
        ]);
        r.shortRows.should.eql([2]);
    });

    it('handles a lone CR line end and no final line end', function () {
        parseCsv('a;1\rb;2').rows.should.eql([['a', '1'], ['b', '2']]);
    });

    it('detects the separator outside quotes only', function () {
        detectSeparator('"a,b,c";1\n').should.equal(';');
        detectSeparator('a,1\n').should.equal(',');
        detectSeparator('').should.equal(';');
    });

    it('recognises headers in English and Spanish, not data', function () {
        looksLikeHeader(['sourceId', 'employeeId']).should.be.true();
        looksLikeHeader(['Id de origen', 'Legajo']).should.be.true();
        looksLikeHeader(['000123', '00123']).should.be.false();
        looksLikeHeader(['Ana Pérez', 'x1']).should.be.false();
    });

    it('reads back quoted fields as a spreadsheet writes them (separator, quotes, spaces, line breaks)', function () {
        const entries = [
            { source: '000123', target: '00123' },
            { source: 'Pérez; Ana', target: 'a"b' },
            { source: ' padded ', target: 'line\nbreak' },
        ];
        const written = {
            ';': 'sourceId;employeeId\r\n000123;00123\r\n"Pérez; Ana";"a""b"\r\n" padded ";"line\nbreak"\r\n',
            ',': 'sourceId,employeeId\r\n000123,00123\r\nPérez; Ana,"a""b"\r\n" padded ","line\nbreak"\r\n',
        };
        for (const sep of [';', ',']) {
            const back = parseMappingCsv(written[sep]);
            back.separator.should.equal(sep);
            back.header.should.be.true();
            back.entries.should.eql([entries[0], entries[1], { source: 'padded', target: 'line\nbreak' }]);
        }
    });

    it('answers the editor import: parsed rows with the table issues, a bad body reads as empty', function () {
        const r = csvImport({ text: 'a,1\nb,2\nA,3\n', separator: ',' });
        r.ok.should.be.true();
        r.separator.should.equal(',');
        r.entries.should.eql([
            { source: 'a', target: '1' },
            { source: 'b', target: '2' },
            { source: 'A', target: '3' },
        ]);
        r.issues.should.eql([{ row: 2, kind: 'conflict', source: 'A', firstRow: 0 }]);
        csvImport({ text: 'a;1\n', separator: '|' }).separator.should.equal(';'); // unknown separator: detected
        csvImport(null).should.containEql({ ok: true, entries: [], issues: [] });
        csvImport({ text: 42 }).should.containEql({ ok: true, entries: [] });
    });
});
