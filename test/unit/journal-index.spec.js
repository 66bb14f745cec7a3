'use strict';
require('should');
const path = require('path');
const { tmpDir } = require('../helper');
const I = require('../../dist/lib/journal/index');
const { allHealth } = require('../../dist/lib/health');

describe('journal settings and instance', function () {
    afterEach(() => I.closeJournals());

    it('defaults under the user directory, 62 days; settings.js can change folder, tenant and retention', function () {
        const o = I.journalOptions({ userDir: '/data' }, () => undefined);
        o.dir.should.equal(path.join('/data', 'attendance-bridge', 'journal', 'default'));
        o.retentionDays.should.equal(62);
        o.flushMs.should.equal(200);
        const c = I.journalOptions({ userDir: '/data', attendanceBridge: { journal: { dir: 'logs/j', tenant: 'acme prod/1', retentionDays: 93, flushMs: 'x' } } }, () => undefined);
        c.dir.should.equal(path.join('/data', 'logs', 'j', 'acme-prod-1'));
        c.retentionDays.should.equal(93);
        c.flushMs.should.equal(200);
        (I.journalOptions({}, () => undefined).dir === undefined).should.be.true();
        I.journalOptions({ attendanceBridge: { journal: { retentionDays: 0 } } }, () => undefined).retentionDays.should.equal(62);
        I.tenantFolder('../..').should.equal('default');
        I.tenantFolder('..x').should.equal('x');
    });

    it('one journal per process and folder, in the health registry', async function () {
        const userDir = tmpDir();
        const RED = { settings: { userDir }, log: { warn: () => undefined } };
        const j = I.journalOf(RED);
        I.journalOf(RED).should.equal(j);
        // Another runtime object on the same folder (a test helper's restart): the same journal, one writer.
        I.journalOf({ settings: { userDir }, log: RED.log }).should.equal(j);
        j.record({ type: 'identity-map', id: 'm1' }, 'unmapped', { id: 'a', person: { id: '1' }, time: '2026-12-03T08:00:00Z', direction: 'in' }, { park: { reasonCode: 'unmapped' } });
        await j.opened;
        const h = allHealth().find((x) => x.id === I.JOURNAL_HEALTH_ID);
        h.type.should.equal('attendance-journal');
        h.counts.should.eql({ unmapped: 1 });
        h.details.should.containEql({ mode: 'disk', parked: 1, retentionDays: 62 });
    });

    it('without a folder: one journal in memory for every node set and plugin (each has its own settings copy)', function () {
        const log = { warn: () => undefined };
        const a = I.journalOf({ settings: {}, log });
        I.journalOf({ settings: {}, log }).should.equal(a);
    });
});
