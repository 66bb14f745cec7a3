'use strict';
// Page-by-page ingest: the fast time parser agrees with luxon, the client streams pages while it fetches
// the next one, and the engine emits exactly what it emitted when it processed everything at the end,
// giving the event loop turns while it works.
const should = require('should');
const { createHikCentralSimulator } = require('../../sim/hikcentral');
const { ArtemisClient } = require('../../dist/lib/artemis/client');
const { ArtemisEngine, CHUNK } = require('../../dist/lib/artemis/poll');
const { normaliseDoorEvent, parseEventTime } = require('../../dist/lib/artemis/events');
const { parseOffsetTime, formatIso } = require('../../dist/lib/time');
const { formatRequestTime } = require('../../dist/lib/artemis/window');
const { memoryStore } = require('../../dist/lib/context');

const KEY = 'ak-stream-1';
const SECRET = 'sk-stream-2';
const MIN = 60000;
const OPTS = { eventTypes: [196893, 198914], doorIndexCodes: [], overrides: [] };
const fmt = (ms) => formatRequestTime(ms, 'America/Argentina/Buenos_Aires');

function viaLuxon(value) {
    const p = parseOffsetTime(value);
    return p ? { ms: p.ms, iso: formatIso(p.dt) } : null;
}

function engineFor(store, emitted, extra) {
    return new ArtemisEngine({
        store,
        keyPrefix: 's_',
        normalise: OPTS,
        overlapMs: 0,
        initialLookbackMs: 3600e3,
        pageSize: 7,
        eventTypeMode: 'auto',
        formatTime: fmt,
        emit: (events, backfill) => {
            for (const e of events) emitted.push({ id: e.id, time: e.time, person: e.person.id, backfill });
        },
        ...extra,
    });
}

describe('artemis event times (fast path)', function () {
    it('gives the same instant and text as luxon, for HikCentral\'s format and everything else', function () {
        const samples = [
            '2024-09-20T17:58:14+08:00', '2024-09-20T17:58:14Z', '2024-09-20T17:58:14+00:00', '2024-09-20T17:58:14-00:00',
            '2024-09-20T17:58:14.1+05:30', '2024-09-20T17:58:14.123456+08:00', '2024-09-20T17:58:14.9999-03:00',
            '2024-09-20T17:58:14.29+08:00', '2024-09-20T17:58:14.57-03:00', '2024-09-20T17:58:14.000000001Z',
            '2024-09-20T17:58:14,5+08:00', '2024-09-20T24:00:00+08:00', '2024-02-29T10:00:00-03:00', '2023-02-29T10:00:00-03:00',
            '1900-02-29T10:00:00Z', '2000-02-29T10:00:00Z', '2024-04-31T10:00:00Z', '2024-13-01T10:00:00Z', '2024-00-10T10:00:00Z',
            '2024-09-20T17:60:14+08:00', '2024-09-20T17:58:60+08:00', '2024-09-20T17:58:14+14:00', '2024-09-20T17:58:14+23:59',
            '2024-09-20T17:58:14+24:00', '2024-09-20T17:58:14+08:60', '0999-12-31T23:59:59Z', '1000-01-01T00:00:00+01:00',
            '2024-09-20T17:58:14+0800', '2024-09-20T17:58:14+08', '2024-09-20t17:58:14z', '  2024-09-20T17:58:14-03:00 ',
            '2024-09-20 17:58:14+08:00', '2024-09-20T17:58:14', '2024-09-20', '', 'garbage', 1726826294000, null, undefined,
        ];
        // and a spread of ordinary times in many offsets (including ones across DST changes)
        let seed = 7;
        const rand = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
        const p2 = (n) => String(n).padStart(2, '0');
        for (let i = 0; i < 3000; i++) {
            const frac = rand(4) === 0 ? '' : '.' + String(rand(1e9)).padStart(9, '0').slice(0, 1 + rand(9));
            const off = rand(5) === 0 ? 'Z' : `${rand(2) ? '+' : '-'}${p2(rand(15))}:${p2([0, 30, 45][rand(3)])}`;
            samples.push(`${1970 + rand(100)}-${p2(1 + rand(12))}-${p2(1 + rand(31))}T${p2(rand(24))}:${p2(rand(60))}:${p2(rand(60))}${frac}${off}`);
        }
        let valid = 0;
        for (const s of samples) {
            const fast = parseEventTime(s);
            should(fast).eql(viaLuxon(s), `for ${JSON.stringify(s)}`);
            if (fast) valid++;
        }
        valid.should.be.above(2000);
        // what the AttendanceEvent carries
        normaliseDoorEvent({ eventId: 'x', eventType: 196893, personId: '7', eventTime: '2024-09-20T17:58:14+08:00' }, OPTS)
            .event.time.should.equal('2024-09-20T17:58:14.000+08:00');
    });
});

describe('artemis page-by-page ingest against the simulator', function () {
    let sim;
    let client;
    let baseUrl;
    beforeEach(async function () {
        sim = createHikCentralSimulator({ appKey: KEY, appSecret: SECRET });
        ({ baseUrl } = await sim.listen(0));
        client = new ArtemisClient({ baseUrl, timeoutMs: 2000, appKey: KEY, appSecret: SECRET });
    });
    afterEach(async function () {
        client.destroy();
        await sim.close();
    });

    /** Events of two types interleaved in time, a repeated eventId, malformed records and a skipped type. */
    function load() {
        const t0 = Date.now() - 40 * MIN;
        for (let i = 0; i < 30; i++) sim.addEvent({ eventType: i % 3 === 0 ? 198914 : 196893, atMs: t0 + i * 30000 });
        sim.addEvent({ eventType: 196893, eventId: 'dup', atMs: t0 + 1000 });
        sim.addEvent({ eventType: 196893, eventId: 'dup', atMs: t0 + 2000 });
        sim.addEvent({ eventType: 197634, atMs: t0 + 3000 });
        sim.addEvent({ raw: { eventType: 196893, personId: '5', eventTime: 'x' }, atMs: t0 + 4000 });
        sim.addEvent({ raw: { eventId: 'bad-time', eventType: 196893, personId: '5', eventTime: 'yesterday' }, atMs: t0 + 5000 });
    }
    const query = (extra) => ({ fromMs: Date.now() - 3600e3, toMs: Date.now() + 1000, eventTypes: [196893, 198914], doorIndexCodes: [], pageSize: 7, formatTime: fmt, ...extra });
    const doorRequests = () => sim.requests.filter((q) => q.path.endsWith('door/events'));

    it('streams the same records in the same order as the collected result, requesting the next page first', async function () {
        load();
        const collected = await client.doorEvents(query());
        collected.should.not.have.property('streamed');
        const before = doorRequests().length;
        const streamed = [];
        const nextAsked = [];
        const r = await client.doorEvents(query({
            onRecords: async (records) => {
                const call = nextAsked.length + 1;
                // pages 1..4 have a successor: its request is out while this page is processed (the
                // simulator sees it although this callback has not returned)
                let seen = false;
                for (let i = 0; call <= 4 && i < 200 && !seen; i++) {
                    seen = doorRequests().length - before >= call + 1;
                    if (!seen) await new Promise((resolve) => setTimeout(resolve, 5));
                }
                nextAsked.push(seen);
                streamed.push(...records);
            },
        }));
        r.streamed.should.be.true();
        r.records.should.have.length(0);
        r.pages.should.equal(collected.pages);
        streamed.should.deepEqual(collected.records);
        // 35 records in pages of 7: 5 pages, then one more call with the records without an eventId
        collected.pages.should.equal(5);
        nextAsked.should.deepEqual([true, true, true, true, false, false]);
        doorRequests().length.should.equal(before + 5);
    });

    it('the engine emits and reports the same with streamed and with collected pages, also per type (unsorted arrival)', async function () {
        load();
        for (const requireType of [false, true]) {
            sim.setRequireEventType(requireType);
            const c1 = new ArtemisClient({ baseUrl, timeoutMs: 2000, appKey: KEY, appSecret: SECRET });
            const a = [];
            const b = [];
            const now = Date.now();
            const streaming = engineFor(memoryStore(), a, { now: () => now });
            const collecting = engineFor(memoryStore(), b, { now: () => now });
            const ra = await streaming.poll(c1);
            const rb = await collecting.poll({ doorEvents: (q, mode) => c1.doorEvents({ ...q, onRecords: undefined }, mode) });
            c1.destroy();
            a.should.deepEqual(b);
            should(ra).eql(rb);
            ra.emitted.should.equal(31);
            ra.problems.map((p) => p.reason).should.deepEqual(['bad eventTime "yesterday"', 'record has no eventId']);
            ra.duplicates.should.equal(0);
            const times = a.map((e) => Date.parse(e.time));
            times.should.deepEqual([...times].sort((x, y) => x - y));
            // a second poll of the same window: everything known, problems not reported again
            const again = await streaming.backfill(client, now - 3600e3, now + 1000);
            again.emitted.should.equal(0);
            again.problems.should.have.length(0);
            again.duplicates.should.equal(33);
        }
    });
});

describe('artemis engine on a large streamed poll', function () {
    it('normalises each page as it arrives and yields to the event loop while 20,000 records are processed', async function () {
        const N = 20000;
        const PAGE = 1000;
        const base = Date.parse('2026-11-25T08:00:00-03:00');
        const records = [];
        for (let i = 0; i < N; i++) {
            // pages arrive in time order, each page internally reversed, and a few people out of order
            const t = new Date(base + i * 1000 - 3 * 3600000).toISOString().replace(/\.\d{3}Z$/, '-03:00');
            records.push({ eventId: 'e' + i, eventTime: t, eventType: 196893, personId: String(1 + (i % 50)), personName: 'P', doorIndexCode: '1', inAndOutType: i % 2 });
        }
        const pages = [];
        for (let p = 0; p < N; p += PAGE) pages.push(records.slice(p, p + PAGE).reverse());
        pages.push(pages.shift()); // the oldest page last: the engine must still emit in time order

        let turns = 0;
        let running = true;
        const spin = () => {
            if (running) {
                turns++;
                setImmediate(spin);
            }
        };
        setImmediate(spin);
        const turnsPerPage = [];
        let emittedBeforeLastPage = -1;
        const emitted = [];
        const source = {
            async doorEvents(query) {
                for (const page of pages) {
                    if (page === pages[pages.length - 1]) emittedBeforeLastPage = emitted.length;
                    const t = turns;
                    await query.onRecords(page);
                    turnsPerPage.push(turns - t);
                }
                return { records: [], pages: pages.length, perType: false, streamed: true };
            },
        };
        const engine = new ArtemisEngine({
            store: memoryStore(),
            keyPrefix: 'y_',
            normalise: OPTS,
            overlapMs: 0,
            initialLookbackMs: 3600000,
            pageSize: PAGE,
            eventTypeMode: 'auto',
            formatTime: (ms) => new Date(ms).toISOString(),
            now: () => base + N * 1000,
            emit: (events) => {
                should(events.length).be.belowOrEqual(CHUNK);
                emitted.push(...events.map((e) => e.id));
            },
        });
        const report = await engine.poll(source);
        running = false;
        report.received.should.equal(N);
        report.emitted.should.equal(N);
        // nothing is emitted before the last page is in, and the order is time order
        emittedBeforeLastPage.should.equal(0);
        emitted.should.deepEqual(records.map((r) => 'hikcentral:' + r.eventId));
        // every page of 1000 gave other work at least one turn while it was normalised (slices of 500)
        turnsPerPage.length.should.equal(N / PAGE);
        turnsPerPage.every((n) => n >= PAGE / CHUNK - 1).should.be.true();
        engine.state.cursorMs.should.equal(Math.floor((base + N * 1000) / 1000) * 1000);
    });
});
