'use strict';
const should = require('should');
const { ArtemisEngine, CHUNK } = require('../../dist/lib/artemis/poll');
const { memoryStore } = require('../../dist/lib/context');

describe('artemis engine on a large poll', function () {
    it('yields to the event loop while it processes and emits 20,000 records, in order', async function () {
        const N = 20000;
        const base = Date.parse('2026-11-25T08:00:00-03:00');
        const records = [];
        for (let i = 0; i < N; i++) {
            const t = new Date(base + i * 1000 - 3 * 3600000).toISOString().replace(/\.\d{3}Z$/, '-03:00');
            records.push({ eventId: 'e' + i, eventTime: t, eventType: 196893, personId: String(1 + (i % 50)), personName: 'P', doorIndexCode: '1', inAndOutType: i % 2 });
        }
        records.reverse(); // the engine sorts them
        const source = { doorEvents: async () => ({ records, pages: 20 }) };
        const batches = [];
        const engine = new ArtemisEngine({
            store: memoryStore(),
            keyPrefix: 'y_',
            normalise: { eventTypes: [], doorIndexCodes: [], overrides: [] },
            overlapMs: 0,
            initialLookbackMs: 3600000,
            pageSize: 1000,
            eventTypeMode: 'auto',
            formatTime: (ms) => new Date(ms).toISOString(),
            now: () => base + N * 1000,
            emit: (events) => { batches.push(events.length); },
        });
        // Counts how often other work got the event loop during the poll.
        let turns = 0;
        let running = true;
        const spin = () => { if (running) { turns++; setImmediate(spin); } };
        setImmediate(spin);
        const report = await engine.poll(source);
        running = false;
        report.emitted.should.equal(N);
        batches.length.should.equal(N / CHUNK);
        batches.every((n) => n <= CHUNK).should.be.true();
        turns.should.be.aboveOrEqual((2 * N) / CHUNK - 2);
    });
});
