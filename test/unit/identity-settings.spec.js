'use strict';
const should = require('should');
const { readIdentitySettings } = require('../../dist/lib/identity/settings');

describe('identity settings', function () {
    it('reads today\'s defaults from an empty node definition', function () {
        readIdentitySettings({}).should.eql({
            lookup: 'person.code',
            lookupPath: '',
            fieldLabel: 'person.code',
            humandField: 'employeeInternalId',
            fallback: false,
            refreshMs: 60 * 60000,
            store: '',
            entries: [],
        });
    });

    it('reads a msg path without "msg.", the Humand field, fallback, refresh minutes (at least 1) and store', function () {
        const s = readIdentitySettings({ lookup: 'msg', lookupPath: ' msg.payload.raw.cardNo ', humandField: 'email', fallback: true, refresh: '5', store: ' file ' });
        s.should.containEql({ lookup: 'msg', lookupPath: 'payload.raw.cardNo', fieldLabel: 'msg.payload.raw.cardNo', humandField: 'email', fallback: true, refreshMs: 5 * 60000, store: 'file' });
        readIdentitySettings({ refresh: 0 }).refreshMs.should.equal(60000);
        readIdentitySettings({ refresh: 'soon' }).refreshMs.should.equal(60 * 60000);
    });

    it('falls back for unknown lookups and fields, and accepts only true as fallback', function () {
        const s = readIdentitySettings({ lookup: 'person.card', humandField: 'phone', fallback: 'true', lookupPath: 3, store: 7 });
        s.should.containEql({ lookup: 'person.code', humandField: 'employeeInternalId', fallback: false, lookupPath: '', store: '' });
        readIdentitySettings({ lookup: 'person.name' }).fieldLabel.should.equal('person.name');
    });

    it('reads table rows as text: numbers written in decimal, anything else blank', function () {
        readIdentitySettings({ table: [{ source: '000123', target: 42 }, { source: {}, target: null }, 'junk', null] }).entries.should.eql([
            { source: '000123', target: '42' },
            { source: '', target: '' },
            { source: '', target: '' },
            { source: '', target: '' },
        ]);
        readIdentitySettings({ table: 'not a table' }).entries.should.eql([]);
    });
});
