'use strict';
// lib/journal/routes: the journal's admin routes, on a real express app (Node-RED's httpAdmin is one,
// with its JSON body parser) and a fake JournalApi; the CSV streaming also on a fake response.
const http = require('http');
const { EventEmitter } = require('events');
const express = require('express');
const should = require('should');
const sinon = require('sinon');
const R = require('../../dist/lib/journal/routes');

const PARKED = {
    id: 'ev-1',
    employeeId: 'E-7',
    person: { id: 'p-1', code: 'C-1', name: 'Ana <b>Núñez</b>' },
    time: '2026-12-01T08:01:00-03:00',
    direction: 'in',
    reason: 'no row for C-1',
    reasonCode: 'unmapped',
    node: 'identity-map',
    nodeId: 'im-1',
    parkedAt: '2026-12-01T11:01:02.000Z',
    attempt: 1,
    event: { id: 'ev-1', source: 'hikcentral', time: '2026-12-01T08:01:00-03:00', direction: 'in', person: { id: 'p-1' } },
    topic: 'p-1',
};

function fakeJournal() {
    return {
        search: sinon.stub().resolves([{ id: 'ev-1', time: PARKED.time, direction: 'in', outcome: 'parked', steps: [] }]),
        csv: sinon.stub().callsFake(async function* () {
            yield '\uFEFFemployee;person;time;direction;source;device;outcome;reason\r\n';
            yield 'E-7;Ana Núñez;2026-12-01T08:01:00-03:00;in;hikcentral;door 1;delivered;\r\n';
        }),
        parked: sinon.stub().returns([PARKED]),
        replay: sinon.stub().resolves(2),
        dismiss: sinon.stub().resolves(1),
        health: sinon.stub().returns({ mode: 'disk', dir: '/x', bytes: 1234, oldestDay: '2026-11-01', retentionDays: 62, droppedLines: 0, parked: 1, parkedByReason: { unmapped: 1 } }),
    };
}

/** A RED whose httpAdmin is an express app with a JSON body parser; needsPermission records the permission. */
function fakeRED({ parser = true } = {}) {
    const app = express();
    if (parser) app.use(express.json());
    const perms = [];
    const RED = {
        httpAdmin: app,
        auth: {
            needsPermission: sinon.spy((perm) => (req, res, next) => {
                perms.push({ perm, path: req.path });
                next();
            }),
        },
    };
    return { RED, app, perms };
}

function listen(app) {
    return new Promise((resolve) => {
        const server = app.listen(0, '127.0.0.1', () => resolve(server));
    });
}

/** Resolves {status, headers, body (Buffer), text, json}. A string body is sent as text/plain. */
function request(server, method, path, body) {
    return new Promise((resolve, reject) => {
        const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
        const req = http.request({ host: '127.0.0.1', port: server.address().port, method, path, headers: data !== undefined ? { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json', 'Content-Length': Buffer.byteLength(data) } : {} }, (res) => {
            const parts = [];
            res.on('data', (c) => parts.push(c));
            res.on('end', () => {
                const buf = Buffer.concat(parts);
                let json;
                try {
                    json = JSON.parse(buf.toString('utf8'));
                } catch (e) {
                    json = undefined;
                }
                resolve({ status: res.statusCode, headers: res.headers, body: buf, text: buf.toString('utf8'), json });
            });
            res.on('error', reject);
        });
        req.on('error', reject);
        if (data !== undefined) req.write(data);
        req.end();
    });
}

describe('lib/journal/routes', function () {
    let server;
    let journal;
    let perms;
    let unhandled;
    const onUnhandled = (err) => unhandled.push(err);

    async function start(opts) {
        const f = fakeRED(opts);
        journal = fakeJournal();
        perms = f.perms;
        R.registerJournalRoutes(f.RED, () => journal);
        server = await listen(f.app);
        return f;
    }

    beforeEach(function () {
        unhandled = [];
        process.on('unhandledRejection', onUnhandled);
    });

    afterEach(function (done) {
        process.off('unhandledRejection', onUnhandled);
        unhandled.should.eql([]);
        if (server) server.close(done);
        else done();
        server = undefined;
    });

    describe('registration', function () {
        it('registers once per admin app, GETs behind attendance-bridge.read and POSTs behind attendance-bridge.write', async function () {
            const f = await start();
            R.registerJournalRoutes(f.RED, () => journal);
            f.RED.auth.needsPermission.callCount.should.equal(2);
            await request(server, 'GET', '/attendance-bridge/parked');
            await request(server, 'GET', '/attendance-bridge/journal/health');
            await request(server, 'GET', '/attendance-bridge/journal?employee=E-7');
            await request(server, 'GET', '/attendance-bridge/journal/day/2026-12-01.csv');
            await request(server, 'POST', '/attendance-bridge/parked/replay', { ids: ['ev-1'] });
            await request(server, 'POST', '/attendance-bridge/parked/dismiss', { ids: ['ev-1'] });
            perms.should.eql([
                { perm: 'attendance-bridge.read', path: '/attendance-bridge/parked' },
                { perm: 'attendance-bridge.read', path: '/attendance-bridge/journal/health' },
                { perm: 'attendance-bridge.read', path: '/attendance-bridge/journal' },
                { perm: 'attendance-bridge.read', path: '/attendance-bridge/journal/day/2026-12-01.csv' },
                { perm: 'attendance-bridge.write', path: '/attendance-bridge/parked/replay' },
                { perm: 'attendance-bridge.write', path: '/attendance-bridge/parked/dismiss' },
            ]);
        });

        it('asks for the journal on each request (never holds one)', async function () {
            const f = fakeRED();
            const journals = [fakeJournal(), fakeJournal()];
            let n = 0;
            R.registerJournalRoutes(f.RED, () => journals[n++ % 2]);
            server = await listen(f.app);
            await request(server, 'GET', '/attendance-bridge/parked');
            await request(server, 'GET', '/attendance-bridge/parked');
            journals[0].parked.callCount.should.equal(1);
            journals[1].parked.callCount.should.equal(1);
        });
    });

    describe('GET /attendance-bridge/journal', function () {
        it('answers {events} from search(employee, from, to), the employee trimmed', async function () {
            await start();
            const res = await request(server, 'GET', '/attendance-bridge/journal?employee=%20Ana%20N%C3%BA%C3%B1ez%20&from=2026-11-25&to=2026-12-01');
            res.status.should.equal(200);
            res.json.should.eql({ events: [{ id: 'ev-1', time: PARKED.time, direction: 'in', outcome: 'parked', steps: [] }] });
            journal.search.firstCall.args.should.eql(['Ana Núñez', '2026-11-25', '2026-12-01']);
        });

        it('without from and to leaves the range to the journal (its default)', async function () {
            await start();
            (await request(server, 'GET', '/attendance-bridge/journal?employee=E-7')).status.should.equal(200);
            journal.search.firstCall.args.should.eql(['E-7', undefined, undefined]);
        });

        it('a range of exactly 93 days (both included) is taken', async function () {
            await start();
            const res = await request(server, 'GET', '/attendance-bridge/journal?employee=E-7&from=2026-01-01&to=2026-04-03');
            res.status.should.equal(200, res.text);
        });

        const bad = [
            ['no employee', '?from=2026-12-01&to=2026-12-02', /employee is required/],
            ['an empty employee', '?employee=&from=2026-12-01', /employee is required/],
            ['a blank employee', '?employee=%20%20', /employee is required/],
            ['employee given twice (an array)', '?employee=a&employee=b', /employee is required/],
            ['an employee over 200 characters', `?employee=${'x'.repeat(201)}`, /longer than 200/],
            ['from not YYYY-MM-DD', '?employee=E-7&from=1.12.2026', /from must be a day/],
            ['to not YYYY-MM-DD', '?employee=E-7&to=2026-12-1', /to must be a day/],
            ['a day that does not exist', '?employee=E-7&from=2026-02-30', /from must be a day/],
            ['from after to', '?employee=E-7&from=2026-12-02&to=2026-12-01', /from is after to/],
            ['a range of 94 days', '?employee=E-7&from=2026-01-01&to=2026-04-04', /longer than 93 days/],
            ['an open range from more than 93 days ago', '?employee=E-7&from=2020-01-01', /longer than 93 days/],
        ];
        for (const [what, qs, message] of bad) {
            it(`400 {error} for ${what}`, async function () {
                await start();
                const res = await request(server, 'GET', `/attendance-bridge/journal${qs}`);
                res.status.should.equal(400);
                Object.keys(res.json).should.eql(['error']);
                res.json.error.should.match(message);
                journal.search.called.should.be.false();
            });
        }

        it('a rejected search answers 500 {error: message}', async function () {
            await start();
            journal.search.rejects(new Error('disk gone'));
            const res = await request(server, 'GET', '/attendance-bridge/journal?employee=E-7');
            res.status.should.equal(500);
            res.json.should.eql({ error: 'disk gone' });
        });

        it('a journal that throws answers 500 {error}', async function () {
            const f = fakeRED();
            R.registerJournalRoutes(f.RED, () => {
                throw new Error('no journal');
            });
            server = await listen(f.app);
            const res = await request(server, 'GET', '/attendance-bridge/journal?employee=E-7');
            res.status.should.equal(500);
            res.json.should.eql({ error: 'no journal' });
        });
    });

    describe('GET /attendance-bridge/journal/day/YYYY-MM-DD.csv', function () {
        it('streams the chunks as they come: text/csv, attachment named after the day, the BOM passed through once', async function () {
            await start();
            const res = await request(server, 'GET', '/attendance-bridge/journal/day/2026-12-01.csv');
            res.status.should.equal(200);
            res.headers['content-type'].should.equal('text/csv; charset=utf-8');
            res.headers['content-disposition'].should.equal('attachment; filename="attendance-2026-12-01.csv"');
            res.body.slice(0, 3).should.eql(Buffer.from([0xef, 0xbb, 0xbf]));
            res.body.slice(3, 6).should.not.eql(Buffer.from([0xef, 0xbb, 0xbf]));
            res.text.should.equal('\uFEFFemployee;person;time;direction;source;device;outcome;reason\r\nE-7;Ana Núñez;2026-12-01T08:01:00-03:00;in;hikcentral;door 1;delivered;\r\n');
            journal.csv.firstCall.args.should.eql(['2026-12-01']);
        });

        it('a day without chunks answers 200 with an empty CSV', async function () {
            await start();
            journal.csv = sinon.stub().callsFake(async function* () {});
            const res = await request(server, 'GET', '/attendance-bridge/journal/day/2026-12-01.csv');
            res.status.should.equal(200);
            res.headers['content-type'].should.equal('text/csv; charset=utf-8');
            res.text.should.equal('');
        });

        for (const file of ['2026-12-1.csv', '2026-13-01.csv', '2026-12-01.json', '2026-12-01', 'x.csv', '..%2F2026-12-01.csv']) {
            it(`400 {error} for day/${file}`, async function () {
                await start();
                const res = await request(server, 'GET', `/attendance-bridge/journal/day/${file}`);
                res.status.should.equal(400);
                res.json.error.should.match(/YYYY-MM-DD\.csv/);
                journal.csv.called.should.be.false();
            });
        }

        it('an error before the first chunk answers 500 {error}', async function () {
            await start();
            journal.csv = sinon.stub().callsFake(async function* () {
                throw new Error('cannot read the day');
            });
            const res = await request(server, 'GET', '/attendance-bridge/journal/day/2026-12-01.csv');
            res.status.should.equal(500);
            res.json.should.eql({ error: 'cannot read the day' });
        });

        it('an error after the first chunk ends the response with what was sent', async function () {
            await start();
            journal.csv = sinon.stub().callsFake(async function* () {
                yield '\uFEFFheader\r\n';
                throw new Error('broken file');
            });
            const res = await request(server, 'GET', '/attendance-bridge/journal/day/2026-12-01.csv');
            res.status.should.equal(200);
            res.text.should.equal('\uFEFFheader\r\n');
        });

        /** A response that takes one write, then wants a 'drain'. */
        function slowResponse() {
            const res = new EventEmitter();
            res.headers = {};
            res.written = [];
            res.full = false;
            res.destroyed = false;
            res.headersSent = false;
            res.status = (s) => {
                res.statusCode = s;
                return res;
            };
            res.setHeader = (k, v) => {
                res.headers[k.toLowerCase()] = v;
            };
            res.write = (chunk) => {
                res.headersSent = true;
                if (res.full) throw new Error('written while full');
                res.written.push(chunk);
                res.full = true;
                return false;
            };
            res.end = sinon.spy();
            res.json = sinon.spy();
            return res;
        }

        it('waits for drain when write returns false (backpressure)', async function () {
            const res = slowResponse();
            let pulled = 0;
            async function* chunks() {
                for (let i = 0; i < 3; i++) {
                    pulled++;
                    yield `row${i}\n`;
                }
            }
            const done = R.streamCsv(res, chunks(), '2026-12-01');
            await new Promise((r) => setImmediate(r));
            res.written.should.eql(['row0\n']);
            pulled.should.equal(1);
            res.full = false;
            res.emit('drain');
            await new Promise((r) => setImmediate(r));
            res.written.should.eql(['row0\n', 'row1\n']);
            res.full = false;
            res.emit('drain');
            await new Promise((r) => setImmediate(r));
            res.full = false;
            res.emit('drain');
            await done;
            res.written.should.eql(['row0\n', 'row1\n', 'row2\n']);
            res.end.calledOnce.should.be.true();
            res.headers['content-type'].should.equal('text/csv; charset=utf-8');
            res.listenerCount('drain').should.equal(0);
            res.listenerCount('close').should.equal(0);
        });

        it('stops iterating (and closes the iterator) when the client closes', async function () {
            const res = slowResponse();
            let pulled = 0;
            let finished = false;
            async function* chunks() {
                try {
                    for (let i = 0; i < 1000; i++) {
                        pulled++;
                        yield `row${i}\n`;
                    }
                } finally {
                    finished = true;
                }
            }
            const done = R.streamCsv(res, chunks(), '2026-12-01');
            await new Promise((r) => setImmediate(r));
            res.destroyed = true;
            res.emit('close');
            await done;
            pulled.should.equal(1);
            finished.should.be.true();
            res.end.called.should.be.false();
            res.json.called.should.be.false();
        });

        it('a real client that leaves mid-download stops the iteration', async function () {
            await start();
            let pulled = 0;
            let finished;
            const ended = new Promise((r) => (finished = r));
            const row = 'x'.repeat(64 * 1024) + '\n';
            journal.csv = sinon.stub().callsFake(async function* () {
                try {
                    for (let i = 0; i < 100000; i++) {
                        pulled++;
                        yield row;
                    }
                } finally {
                    finished();
                }
            });
            await new Promise((resolve, reject) => {
                const req = http.get({ host: '127.0.0.1', port: server.address().port, path: '/attendance-bridge/journal/day/2026-12-01.csv' }, (res) => {
                    res.once('data', () => {
                        req.destroy();
                        resolve();
                    });
                });
                req.on('error', () => {});
                req.setTimeout(5000, () => reject(new Error('timeout')));
            });
            await ended;
            pulled.should.be.below(1000);
        });
    });

    describe('GET /attendance-bridge/parked', function () {
        it('answers {items} without the internal event and topic', async function () {
            await start();
            const res = await request(server, 'GET', '/attendance-bridge/parked');
            res.status.should.equal(200);
            res.json.items.should.have.length(1);
            const item = res.json.items[0];
            item.should.not.have.property('event');
            item.should.not.have.property('topic');
            item.should.eql({
                id: 'ev-1',
                employeeId: 'E-7',
                person: { id: 'p-1', code: 'C-1', name: 'Ana <b>Núñez</b>' },
                time: '2026-12-01T08:01:00-03:00',
                direction: 'in',
                reason: 'no row for C-1',
                reasonCode: 'unmapped',
                node: 'identity-map',
                nodeId: 'im-1',
                parkedAt: '2026-12-01T11:01:02.000Z',
                attempt: 1,
            });
        });

        it('an item without an employee has no employeeId; a field the journal adds later is not shown', async function () {
            await start();
            const { employeeId, ...noEmployee } = PARKED;
            should(employeeId).equal('E-7');
            journal.parked.returns([{ ...noEmployee, secretInternal: 'x' }]);
            const res = await request(server, 'GET', '/attendance-bridge/parked');
            Object.keys(res.json.items[0]).sort().should.eql(['attempt', 'direction', 'id', 'node', 'nodeId', 'parkedAt', 'person', 'reason', 'reasonCode', 'time']);
        });

        it('a throwing parked() answers 500 {error}', async function () {
            await start();
            journal.parked.throws(new Error('boom'));
            const res = await request(server, 'GET', '/attendance-bridge/parked');
            res.status.should.equal(500);
            res.json.should.eql({ error: 'boom' });
        });
    });

    describe('GET /attendance-bridge/journal/health', function () {
        it("answers the journal's health", async function () {
            await start();
            const res = await request(server, 'GET', '/attendance-bridge/journal/health');
            res.status.should.equal(200);
            res.json.should.eql(journal.health.firstCall.returnValue);
        });

        it('a throwing health() answers 500 {error}', async function () {
            await start();
            journal.health.throws(new Error('no stats'));
            const res = await request(server, 'GET', '/attendance-bridge/journal/health');
            res.status.should.equal(500);
            res.json.should.eql({ error: 'no stats' });
        });
    });

    for (const [action, key] of [['replay', 'replayed'], ['dismiss', 'dismissed']]) {
        describe(`POST /attendance-bridge/parked/${action}`, function () {
            const good = [
                [{ ids: ['ev-1', 'ev-2'] }, { ids: ['ev-1', 'ev-2'] }],
                [{ employee: ' E-7 ' }, { employee: 'E-7' }],
                [{ reasonCode: 'employee-not-found' }, { reasonCode: 'employee-not-found' }],
                [{ ids: Array.from({ length: 1000 }, (_, i) => `id-${i}`) }, { ids: Array.from({ length: 1000 }, (_, i) => `id-${i}`) }],
            ];
            for (const [body, selection] of good) {
                it(`${JSON.stringify(body).slice(0, 40)} → {${key}: N} from ${action}(selection)`, async function () {
                    await start();
                    const res = await request(server, 'POST', `/attendance-bridge/parked/${action}`, body);
                    res.status.should.equal(200, res.text);
                    res.json.should.eql({ [key]: action === 'replay' ? 2 : 1 });
                    journal[action].calledOnce.should.be.true();
                    journal[action].firstCall.args.should.eql([selection]);
                });
            }

            const bad = [
                ['an empty body', {}],
                ['two keys', { ids: ['a'], employee: 'E-7' }],
                ['all three keys', { ids: ['a'], employee: 'E-7', reasonCode: 'unmapped' }],
                ['an empty ids array', { ids: [] }],
                ['ids not an array', { ids: 'ev-1' }],
                ['ids with a number', { ids: ['a', 2] }],
                ['ids with an empty string', { ids: [''] }],
                ['1001 ids', { ids: Array.from({ length: 1001 }, (_, i) => `id-${i}`) }],
                ['an empty employee', { employee: '  ' }],
                ['an employee that is not a string', { employee: 7 }],
                ['a reasonCode that is not a string', { reasonCode: ['unmapped'] }],
                ['reasonCode "*" (every record)', { reasonCode: '*' }],
                ['an empty reasonCode', { reasonCode: '' }],
                ['a JSON array body', ['ev-1']],
                ['a text/plain body', 'ids=ev-1'],
            ];
            for (const [what, body] of bad) {
                it(`400 {error} for ${what}`, async function () {
                    await start();
                    const res = await request(server, 'POST', `/attendance-bridge/parked/${action}`, body);
                    res.status.should.equal(400, res.text);
                    Object.keys(res.json).should.eql(['error']);
                    journal[action].called.should.be.false();
                });
            }

            it('400 {error} when no body parser ran (req.body undefined)', async function () {
                await start({ parser: false });
                const res = await request(server, 'POST', `/attendance-bridge/parked/${action}`, { ids: ['ev-1'] });
                res.status.should.equal(400);
                res.json.error.should.match(/exactly one of ids, employee or reasonCode/);
            });

            it('a rejected promise answers 500 {error: message}, never an unhandled rejection', async function () {
                await start();
                journal[action].rejects(new Error('journal closed'));
                const res = await request(server, 'POST', `/attendance-bridge/parked/${action}`, { ids: ['ev-1'] });
                res.status.should.equal(500);
                res.json.should.eql({ error: 'journal closed' });
            });

            it('a throw (not a rejection) answers 500 {error}', async function () {
                await start();
                journal[action] = sinon.stub().throws(new Error('sync boom'));
                const res = await request(server, 'POST', `/attendance-bridge/parked/${action}`, { employee: 'E-7' });
                res.status.should.equal(500);
                res.json.should.eql({ error: 'sync boom' });
            });
        });
    }

    describe('isCalendarDay', function () {
        it('takes real days written YYYY-MM-DD only', function () {
            R.isCalendarDay('2028-02-29').should.be.true();
            R.isCalendarDay('2026-02-29').should.be.false();
            R.isCalendarDay('2026-12-01T00:00:00Z').should.be.false();
            R.isCalendarDay(20261201).should.be.false();
            R.isCalendarDay(undefined).should.be.false();
        });
    });
});
