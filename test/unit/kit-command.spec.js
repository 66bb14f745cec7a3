'use strict';
require('should');
const { isCommand, isEventPayload } = require('../../dist/lib/kit/command');

describe('kit command', function () {
    it('a topic is a command when the payload is not an attendance event', function () {
        isCommand({ topic: 'retry' }, 'retry').should.be.true();
        isCommand({ topic: 'retry', payload: 1700000000000 }, 'retry').should.be.true(); // an inject node's timestamp
        isCommand({ topic: 'retry', payload: '' }, 'retry').should.be.true();
        isCommand({ topic: 'refresh', payload: {} }, 'refresh').should.be.true();
        isCommand({ topic: 'refresh', payload: { force: true } }, 'refresh').should.be.true();
    });

    it('an event whose topic is the command name (an employee or person with that id) is data', function () {
        const event = { id: 'hikcentral:1', person: { id: 'retry' }, time: '2026-01-27T08:00:00-03:00', direction: 'in', employeeId: 'retry' };
        isCommand({ topic: 'retry', payload: event }, 'retry').should.be.false();
        isCommand({ topic: 'refresh', payload: { person: { id: 'refresh' } } }, 'refresh').should.be.false();
        // incomplete events are still data (reported as invalid, never obeyed)
        isCommand({ topic: 'retry', payload: { employeeId: 'retry' } }, 'retry').should.be.false();
        isCommand({ topic: 'retry', payload: { time: 'yesterday' } }, 'retry').should.be.false();
        isCommand({ topic: 'retry', payload: { employeeId: 42 } }, 'retry').should.be.false();
    });

    it('another topic is never the command', function () {
        isCommand({ topic: 'Retry' }, 'retry').should.be.false();
        isCommand({ topic: 'poll' }, 'retry').should.be.false();
        isCommand({}, 'retry').should.be.false();
    });

    it('isEventPayload: objects with person (an object), employeeId or time', function () {
        isEventPayload(null).should.be.false();
        isEventPayload([]).should.be.false();
        isEventPayload({ person: 'x' }).should.be.false();
        isEventPayload({ person: {} }).should.be.true();
        isEventPayload(Object.assign(Object.create(null), { time: 'x' })).should.be.true();
    });
});
