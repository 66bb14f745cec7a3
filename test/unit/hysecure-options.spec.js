'use strict';
require('should');
const { readSessionsOptions, hostZone } = require('../../dist/lib/hysecure/options');

describe('hysecure-sessions options', function () {
    it('reads the defaults of a flow without the properties', function () {
        const o = readSessionsOptions({});
        o.should.match({ intervalMs: 300000, store: '', validStartOfDay: true });
        o.config.should.eql({ zone: hostZone(), startOfDay: '00:00:00', closeGraceMs: 30 * 60000, days: 2, userName: 'All Users' });
        hostZone().should.be.a.String().and.not.be.empty();
    });

    it('reads the editor texts and clamps numbers; an invalid StartOfDay is flagged', function () {
        const o = readSessionsOptions({ interval: '3', days: '3.7', userName: ' jdoe ', startOfDay: '6:00', timezone: ' Europe/Madrid ', closeGrace: '-5', store: ' file ' });
        o.should.match({ intervalMs: 10000, store: 'file', validStartOfDay: true });
        o.config.should.eql({ zone: 'Europe/Madrid', startOfDay: '06:00:00', closeGraceMs: 0, days: 3, userName: 'jdoe' });
        readSessionsOptions({ startOfDay: '25:00', userName: '  ' }).should.match({ validStartOfDay: false, config: { startOfDay: '00:00:00', userName: 'All Users' } });
    });

    it('flags settings that can never emit an out: Look back 0, Close grace ≥ the look-back window (issue 13, case 13)', function () {
        readSessionsOptions({ days: 0 }).should.match({ problem: { key: 'noLookBack' } });
        readSessionsOptions({ days: '0.5' }).should.match({ problem: { key: 'noLookBack' } });
        readSessionsOptions({ days: 2, closeGrace: 2880 }).should.match({ problem: { key: 'graceTooLong', args: { grace: '2880', window: '2880' } } });
        readSessionsOptions({ days: 1, closeGrace: 1440 }).should.match({ problem: { key: 'graceTooLong', args: { grace: '1440', window: '1440' } } });
        (readSessionsOptions({ days: 1, closeGrace: 1439 }).problem === undefined).should.be.true();
        (readSessionsOptions({}).problem === undefined).should.be.true();
    });
});
