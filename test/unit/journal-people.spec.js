'use strict';
require('should');
const { People, fold } = require('../../dist/lib/journal/people');

describe('journal people', function () {
    it('finds a person by employee id, person id, code, key, or part of the name (case and accents ignored)', function () {
        const p = new People();
        p.note('artemis:7', { id: 'e', time: 't', direction: null, person: { id: '7', code: '000107', name: 'José Núñez' } }, 'E7');
        p.note('artemis:8', { id: 'e', time: 't', direction: null, person: { id: '8', code: '000108', name: 'Ana' } });
        p.find('E7').should.eql(['artemis:7']);
        p.find('7').should.eql(['artemis:7']);
        p.find('000108').should.eql(['artemis:8']);
        p.find('artemis:8').should.eql(['artemis:8']);
        p.find('nunez').should.eql(['artemis:7']);
        p.find('JOSÉ').should.eql(['artemis:7']);
        p.find('a').should.eql([]); // one letter: only exact ids
        p.find('  ').should.eql([]);
        p.employeesOf(['artemis:7', 'artemis:8']).should.eql(['E7']);
        fold(' Ñandú ').should.equal('nandu');
    });

    it('says when an entry changed (to be stored), and keeps the latest employee ids', function () {
        const p = new People();
        const ev = { id: 'e', time: 't', direction: null, person: { id: '7', name: 'Ana' } };
        p.note('k', ev).should.be.ok();
        (p.note('k', ev) === undefined).should.be.true();
        p.note('k', ev, 'E1').employeeIds.should.eql(['E1']);
        (p.note('k', ev, 'E1') === undefined).should.be.true();
        for (let i = 2; i <= 7; i++) p.note('k', ev, `E${i}`);
        p.get('k').employeeIds.should.eql(['E3', 'E4', 'E5', 'E6', 'E7']);
        // A later event without a name keeps the name.
        p.note('k', { id: 'e', time: 't', direction: null, person: { id: '7' } });
        p.get('k').name.should.equal('Ana');
    });

    it('loads its stored lines, the last per key winning, and skips what is not one', function () {
        const p = new People();
        p.load(JSON.stringify({ key: 'k', name: 'Old', employeeIds: [] })).should.be.true();
        p.load(JSON.stringify({ key: 'k', name: 'New', employeeIds: ['E1', 3] })).should.be.true();
        p.load('{"key":').should.be.false();
        p.load('{"nokey":1}').should.be.false();
        p.size.should.equal(1);
        p.get('k').should.eql({ key: 'k', id: undefined, code: undefined, name: 'New', employeeIds: ['E1'] });
    });
});
