'use strict';
require('should');
const { tmpDir } = require('../helper');
const { JournalLink, selectionOf } = require('../../dist/lib/journal/link');
const { closeJournals } = require('../../dist/lib/journal/index');

function fakeRED(userDir) {
    const warnings = [];
    return { RED: { settings: { userDir }, log: { warn: (t) => warnings.push(t) } }, warnings };
}
const ev = (id) => ({ id, source: 'artemis', person: { id: '7', code: 'C7' }, time: '2026-12-03T08:00:00-03:00', direction: 'in' });
const t = (key, data) => (data ? `${key}(${data.count})` : key);

describe('journal link', function () {
    afterEach(() => closeJournals());

    it('reads a command selection from the payload', function () {
        selectionOf({ ids: ['a', 3] }).should.eql({ ids: ['a'] });
        selectionOf({ id: 'a' }).should.eql({ ids: ['a'] });
        selectionOf({ employee: 'E1' }).should.eql({ employee: 'E1' });
        selectionOf({ reasonCode: 'unmapped' }).should.eql({ reasonCode: 'unmapped' });
        selectionOf({}).should.eql({ reasonCode: '*' });
        selectionOf('').should.eql({ reasonCode: '*' });
        (selectionOf({ other: 1 }) === undefined).should.be.true();
    });

    it('records as its node, shows the parked count, takes replay and dismiss commands for its own records only', async function () {
        const { RED } = fakeRED(tmpDir());
        let changed = 0;
        const received = [];
        const a = new JournalLink(RED, { id: 'm1', type: 'identity-map' }, (item) => received.push(item.id), () => changed++);
        const b = new JournalLink(RED, { id: 'm2', type: 'identity-map' }, () => undefined, () => undefined);
        a.record('unmapped', ev('e1'), { park: { reasonCode: 'unmapped' } });
        a.record('unmapped', ev('e2'), { park: { reasonCode: 'unmapped' } });
        b.record('unmapped', ev('e3'), { park: { reasonCode: 'unmapped' } });
        a.parked().should.equal(2);
        changed.should.equal(2);
        a.statusSuffix(t, 'identity-map').should.equal(' · identity-map.status.parked(2)');
        (a.command({ topic: 'e1', payload: {} }) === undefined).should.be.true();
        // An event whose person is called "replay" is data, not a command.
        (a.command({ topic: 'replay', payload: ev('x') }) === undefined).should.be.true();
        (await a.command({ topic: 'replay', payload: { ids: ['e1', 'e3'] } })).should.equal(1);
        received.should.eql(['e1']);
        (await a.command({ topic: 'dismiss', payload: {} })).should.equal(1);
        a.parked().should.equal(0);
        a.statusSuffix(t, 'identity-map').should.equal('');
        b.parked().should.equal(1);
        await a.command({ topic: 'replay', payload: { nonsense: 1 } }).should.be.rejectedWith(/payload must be/);
        // Closing writes what the journal holds (a clean stop loses no line).
        const flush = require('sinon').spy(a.journal, 'flush');
        await a.close();
        flush.callCount.should.equal(1);
        flush.restore();
        await b.close();
        // Closed: it takes no replay any more (the record stays parked).
        a.journal.record({ type: 'identity-map', id: 'm1' }, 'unmapped', ev('e4'), { park: { reasonCode: 'unmapped' } });
        (await a.journal.replay({ ids: ['e4'] })).should.equal(0);
        a.journal.parkedCount('m1').should.equal(1);
    });
});
