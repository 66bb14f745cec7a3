'use strict';
require('should');
const C = require('../../dist/lib/journal/codec');

const ev = (over = {}) => ({
    id: 'e1',
    source: 'artemis',
    person: { id: '7', code: '000107', name: 'Ana Pérez' },
    time: '2026-12-01T23:30:00-03:00',
    direction: 'in',
    device: { id: 'd1', name: 'Main door' },
    ...over,
});

describe('journal codec', function () {
    it('an event is journaled on its own calendar day, not the UTC one', function () {
        C.dayOf('2026-12-01T23:30:00-03:00', Date.parse('2026-12-02T02:30:00Z')).should.equal('2026-12-01');
        C.dayOf('garbage', Date.parse('2026-12-02T02:30:00Z')).should.equal('2026-12-02');
        C.dayOf(undefined, Date.parse('2026-12-02T02:30:00Z')).should.equal('2026-12-02');
        C.addDays('2026-03-01', -1).should.equal('2026-02-28');
        C.isDay('2026-02-30x').should.be.false();
        C.isDay('2026-13-45').should.be.false();
        C.isDay('2026-12-01').should.be.true();
    });

    it('the person key is the source person, else the employee, else the event', function () {
        C.personKey(C.journalEvent(ev())).should.equal('artemis:7');
        C.personKey(C.journalEvent(ev({ person: undefined, employeeId: 'E9' }))).should.equal('e:E9');
        C.personKey(C.journalEvent(ev({ person: undefined }))).should.equal('i:e1');
    });

    it('keeps no raw and no extra fields, and bounds strings', function () {
        const j = C.journalEvent(ev({ raw: { token: 'secret' }, person: { id: '7', name: 'x'.repeat(1000), password: 'p' }, extra: 1 }));
        j.should.not.have.property('raw');
        j.should.not.have.property('extra');
        j.person.should.not.have.property('password');
        j.person.name.length.should.equal(200);
        j.person.name.endsWith('…').should.be.true();
        (C.journalEvent(ev({ direction: 'sideways' })).direction === null).should.be.true();
    });

    it('a line round-trips through its stored form, with short keys', function () {
        const line = {
            id: 'e1',
            at: 1_800_000_000_000,
            node: 'humand-clock',
            step: 'sent',
            detail: 'clock-in: HTTP 201',
            outcome: 'delivered',
            employeeId: 'E1',
            attempt: 2,
            humand: { status: 201, entryId: '99', request: 1, action: 'in' },
            event: C.journalEvent(ev({ employeeId: 'E1' })),
        };
        const text = C.encodeLine(line, 'artemis:7');
        text.should.containEql('"k":"artemis:7"');
        text.should.not.containEql('"employeeId"');
        C.decodeLine(text).should.eql({ line, key: 'artemis:7' });
    });

    it('a torn or foreign line decodes to nothing', function () {
        (C.decodeLine('{"i":"e1","k":"a:1","a":1') === undefined).should.be.true();
        (C.decodeLine('{"x":1}') === undefined).should.be.true();
        (C.decodeLine('') === undefined).should.be.true();
    });

    it('the needle of a key never matches a longer key or a quoted text', function () {
        const a = C.encodeLine({ id: 'e', at: 1, node: 'n', step: 'mapped', detail: '"k":"artemis:1"' }, 'artemis:10');
        a.includes(C.keyNeedle('artemis:1')).should.be.false();
        a.includes(C.keyNeedle('artemis:10')).should.be.true();
    });

    it('groups lines into events: steps in time order, the last outcome wins, its reason with it', function () {
        const e = C.journalEvent(ev());
        const entries = C.entriesOf([
            { id: 'e1', at: 3000, node: 'journal', step: 'replayed', outcome: 'pending', attempt: 2 },
            { id: 'e1', at: 1000, node: 'identity-map', step: 'unmapped', outcome: 'parked', reasonCode: 'unmapped', detail: 'not in table', event: e, attempt: 1 },
            { id: 'e1', at: 4000, node: 'humand-clock', step: 'sent', outcome: 'delivered', employeeId: 'E1', attempt: 2 },
            { id: 'e2', at: 2000, node: 'identity-map', step: 'unmapped', outcome: 'parked', reasonCode: 'unmapped', detail: 'no', event: { ...e, id: 'e2' } },
        ]);
        entries.length.should.equal(2);
        const e1 = entries.find((x) => x.id === 'e1');
        e1.steps.map((s) => s.step).should.eql(['unmapped', 'replayed', 'sent']);
        e1.outcome.should.equal('delivered');
        e1.employeeId.should.equal('E1');
        e1.should.not.have.property('reasonCode');
        e1.person.code.should.equal('000107');
        const e2 = entries.find((x) => x.id === 'e2');
        e2.outcome.should.equal('parked');
        e2.reason.should.equal('no');
        e2.reasonCode.should.equal('unmapped');
    });

    it('sorts newest first', function () {
        const list = [{ id: 'a', time: '2026-12-01T08:00:00Z' }, { id: 'b', time: '2026-12-02T08:00:00Z' }, { id: 'c', time: '2026-12-01T09:00:00Z' }];
        list.sort(C.newestFirst).map((x) => x.id).should.eql(['b', 'c', 'a']);
    });

    it('CSV fields: quoted when needed, spreadsheet formulas neutralised', function () {
        C.csvField('a;b').should.equal('"a;b"');
        C.csvField('say "hi"').should.equal('"say ""hi"""');
        C.csvField('=HYPERLINK("x")').should.equal('"\'=HYPERLINK(""x"")"');
        C.csvField('+1').should.equal("'+1");
        C.csvField(undefined).should.equal('');
        const row = C.csvRow({ id: 'e1', employeeId: 'E1', person: { name: 'Ana', code: '000107' }, time: 't', direction: 'in', source: 'artemis', device: { name: 'Door' }, outcome: 'parked', reason: 'not in table', steps: [] });
        row.should.equal('E1;Ana · 000107;t;in;artemis;Door;parked;not in table\r\n');
        C.CSV_HEADER.join(';').should.equal('employee;person;time;direction;source;device;outcome;reason');
    });
});
