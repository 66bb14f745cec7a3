'use strict';
// Journal scenarios (issue 12, "Performance"), run in a child process of bench/run.js:
//   sink:   the real sink path of bench/sink.js (Outbox, memoryStore, concurrency 4, against the Humand simulator)
//           paced at 1,000 records/s, with or without the journal's record calls shaped like the nodes' ones
//           (identity-map `mapped` with the event, humand-clock `sent` from the Outbox result via resultStep):
//           CPU of this process (process.cpuUsage) and the event loop's longest delay.
//   data:   bytes per event on disk, then days x employees x 4 punches written through JournalStore.write
//           (fake `now`, one flush per day), the store reopened, a one-employee search over the days
//           (cold and warm) and one day's CSV streamed with the event-loop delay measured.
const fs = require('fs');
const path = require('path');
const { performance, monitorEventLoopDelay } = require('perf_hooks');
const c = require('./common');

const { Journal } = c.dist('lib/journal/service.js');
const { JournalStore } = c.dist('lib/journal/store.js');
const { resultStep } = c.dist('lib/journal/outbox.js');
const { journalEvent } = c.dist('lib/journal/codec.js');

const FIRST = ['María José', 'Juan Carlos', 'Ana Lucía', 'Pedro Pablo', 'Luis Alberto', 'Sofía Valentina', 'Jorge Andrés', 'Carla Beatriz'];
const LAST = ['Fernández', 'Rodríguez', 'Gutiérrez', 'Domínguez', 'Echeverría', 'Villanueva', 'Castellanos', 'Maldonado'];
const DEVICES = [
    // HCP door index codes are short numeric strings (notes/real-apis.md); door names as an installer types them
    { id: '23', name: 'Puerta principal PB' },
    { id: '482', name: 'Molinete acceso 2' },
    { id: '1057', name: 'Depósito - lector' },
];

/** A person of the realistic workload: ~20-character name, HCP person id, employee number. */
function person(i) {
    return {
        id: String(100000 + i),
        code: `E${String(i).padStart(6, '0')}`,
        name: `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`,
        employeeId: `E${String(i).padStart(6, '0')}`,
    };
}

function hex(n, width) {
    return n.toString(16).padStart(width, '0').slice(-width);
}

/** An HCP-like event (GUID event id, local time with offset, a named door). `k`: punch of the day (0 in, 1 out, ...). */
function realEvent(p, i, dayMs, k, seq) {
    const ms = dayMs + (8 + k * 3) * 3600 * 1000 + (i % 3600) * 1000;
    const guid = `${hex(seq * 2654435761, 8)}-${hex(i, 4)}-4${hex(k, 3)}-a${hex(seq, 3)}-${hex(seq * 40503 + i, 12)}`;
    return {
        id: `hikcentral:${guid}`,
        source: 'hikcentral',
        person: { id: p.id, code: p.code, name: p.name },
        time: c.isoWithOffset(ms + 3 * 3600 * 1000), // local time of the day (the day file is the local day)
        direction: k % 2 === 0 ? 'in' : 'out',
        device: DEVICES[i % DEVICES.length],
        employeeId: p.employeeId,
    };
}

/** The `sent` step humand-clock writes for a delivered record (resultStep of a real Outbox result shape). */
function sentStep(event, entry) {
    return resultStep({
        kind: 'delivered',
        delivered: true,
        item: { id: event.id, employeeId: event.employeeId, attempts: 0, event, meta: { origin: 'n', topic: event.employeeId } },
        humand: { action: event.direction, status: 201, body: { id: entry, employeeInternalId: event.employeeId, type: event.direction === 'in' ? 'START' : 'END' } },
    });
}

const MAPPER = { type: 'identity-map', id: 'a1b2c3d4e5f60718' };
const CLOCK = { type: 'humand-clock', id: 'f1e2d3c4b5a69788' };

// ---- 1+2. CPU overhead and loop delay on the real sink path ------------------------------------------------

async function sink(cfg) {
    const { newOutbox, enqueue } = require('./sink');
    const { memoryStore } = c.dist('lib/context.js');
    const dir = c.tmpDir('ab-bench-journal-');
    let journal;
    try {
        if (cfg.journal) {
            journal = new Journal({ dir, retentionDays: 62, memoryLines: 20000, pendingLimit: 50000, flushMs: 200, now: Date.now, log: (t) => console.error(t) });
            await journal.opened;
        }
        const onResult = journal
            ? (r) => {
                  const { step, info } = resultStep(r);
                  journal.record(CLOCK, step, r.item.event, info);
              }
            : undefined;
        // warm-up (JIT, sockets) through the same path
        await c.resetSim(cfg.simUrl, 0);
        {
            const w = await newOutbox(memoryStore(), cfg.baseUrl, cfg.concurrency, onResult);
            const events = c.makeWorkload(200, 2, 'jwarm');
            for (const e of events) {
                if (journal) journal.record(MAPPER, 'mapped', e, { detail: `via code → ${e.employeeId}`, outcome: 'pending', employeeId: e.employeeId });
                await enqueue(w.outbox, e);
            }
            await w.waitFor(events.length);
            await w.outbox.close();
            w.client.destroy();
        }
        await c.resetSim(cfg.simUrl, 0);
        const events = c.makeWorkload(Math.ceil((cfg.rate * cfg.seconds) / 4), 4, `j${cfg.journal ? 1 : 0}`).slice(0, cfg.rate * cfg.seconds);
        const d = await newOutbox(memoryStore(), cfg.baseUrl, cfg.concurrency, onResult);
        const lag = monitorEventLoopDelay({ resolution: 1 });
        lag.enable();
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const perTick = Math.max(1, Math.round(cfg.rate / 100));
        let i = 0;
        await new Promise((resolve) => {
            const started = performance.now();
            const timer = setInterval(() => {
                // catch up on the schedule (a late timer still sends the records due by now)
                const due = Math.min(events.length, Math.floor(((performance.now() - started) / 1000) * cfg.rate) + perTick);
                for (; i < due; i++) {
                    const e = events[i];
                    if (journal) journal.record(MAPPER, 'mapped', e, { detail: `via code → ${e.employeeId}`, outcome: 'pending', employeeId: e.employeeId });
                    enqueue(d.outbox, e).catch((err) => console.error(err));
                }
                if (i >= events.length) {
                    clearInterval(timer);
                    resolve();
                }
            }, 10);
        });
        await d.waitFor(events.length);
        if (journal) await journal.flush();
        const ms = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        lag.disable();
        await d.outbox.close();
        d.client.destroy();
        const journalCheck = await c.simCall(cfg.simUrl, 'GET', '/__sim/journal');
        const check = c.verifyJournal(events, journalCheck);
        const cpuMs = (cpu.user + cpu.system) / 1000;
        return {
            journal: !!cfg.journal,
            records: events.length,
            seconds: c.round(ms / 1000, 2),
            recordsPerSecond: c.round(events.length / (ms / 1000), 0),
            cpuPercent: c.round((cpuMs / ms) * 100, 1),
            cpuMsPer1000: c.round((cpuMs / events.length) * 1000, 1),
            lagMaxMs: c.round(lag.max / 1e6, 1),
            lagP99Ms: c.round(lag.percentile(99) / 1e6, 1),
            results: d.counts,
            check,
        };
    } finally {
        if (journal) await journal.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/**
 * The journal alone: the same two record calls per record at the same pace, no sink (its CPU and the
 * loop delay it causes by itself, including its 200 ms batched appends).
 */
async function alone(cfg) {
    const dir = c.tmpDir('ab-bench-journal-alone-');
    const journal = new Journal({ dir, retentionDays: 62, memoryLines: 20000, pendingLimit: 50000, flushMs: 200, now: Date.now, log: (t) => console.error(t) });
    try {
        await journal.opened;
        const people = Array.from({ length: 10000 }, (_, i) => person(i));
        const dayMs = Date.parse(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
        const n = cfg.rate * cfg.seconds;
        const events = Array.from({ length: n + 2000 }, (_, j) => realEvent(people[j % people.length], j % people.length, dayMs, Math.floor(j / people.length) % 4, j));
        const one = (e, j) => {
            journal.record(MAPPER, 'mapped', e, { detail: `via code → ${e.employeeId}`, outcome: 'pending', employeeId: e.employeeId });
            const { step, info } = sentStep(e, String(900000000 + j));
            journal.record(CLOCK, step, e, info);
        };
        for (let j = n; j < n + 2000; j++) one(events[j], j); // warm-up
        await journal.flush();
        const lag = monitorEventLoopDelay({ resolution: 1 });
        lag.enable();
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        let i = 0;
        await new Promise((resolve) => {
            const timer = setInterval(() => {
                const due = Math.min(n, Math.floor(((performance.now() - t0) / 1000) * cfg.rate) + 10);
                for (; i < due; i++) one(events[i], i);
                if (i >= n) {
                    clearInterval(timer);
                    resolve();
                }
            }, 10);
        });
        await journal.flush();
        const ms = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        lag.disable();
        return { records: n, seconds: c.round(ms / 1000, 2), cpuPercent: c.round(((cpu.user + cpu.system) / 1000 / ms) * 100, 1), lagMaxMs: c.round(lag.max / 1e6, 1), lagP99Ms: c.round(lag.percentile(99) / 1e6, 1) };
    } finally {
        await journal.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

// ---- 3+4+5. disk, search, CSV ------------------------------------------------------------------------

function dirBytes(dir) {
    let n = 0;
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, ent.name);
        n += ent.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
    }
    return n;
}

function storeOpts(dir, clock) {
    return { dir, retentionDays: 62, memoryLines: 20000, pendingLimit: 10_000_000, flushMs: 3_600_000, now: () => clock.now, log: (t) => console.error(t) };
}

/** Writes one event's two lines as the nodes do (mapped with the event, then sent with Humand's answer). */
function writeEvent(store, e, at, entry, first) {
    const ev = journalEvent(e);
    const mapped = { id: ev.id, at, node: MAPPER.type, step: 'mapped', attempt: 1, detail: `via code → ${ev.employeeId}`, outcome: 'pending', employeeId: ev.employeeId };
    if (first) mapped.event = ev;
    store.write(mapped, ev);
    const { step, info } = sentStep(ev, entry);
    const sent = { id: ev.id, at: at + 180, node: CLOCK.type, step, attempt: 1, detail: info.detail, outcome: info.outcome, employeeId: info.employeeId, humand: info.humand };
    store.write(sent, ev);
}

async function data(cfg) {
    const dir = c.tmpDir('ab-bench-journal-data-');
    try {
        const people = Array.from({ length: cfg.employees }, (_, i) => person(i));
        const lastDayMs = Date.parse('2026-11-30T00:00:00Z');
        const firstDayMs = lastDayMs - (cfg.days - 1) * 86400000;
        const clock = { now: lastDayMs + 86400000 + 3600000 };
        let store = await JournalStore.open(storeOpts(dir, clock));
        let seq = 0;
        let entry = 900000000;
        const tw = performance.now();
        const cpu0 = process.cpuUsage();
        let bytesAfterFirstDay = 0;
        for (let d = 0; d < cfg.days; d++) {
            const dayMs = firstDayMs + d * 86400000;
            for (let k = 0; k < 4; k++) {
                for (let i = 0; i < people.length; i++) {
                    const e = realEvent(people[i], i, dayMs, k, seq++);
                    writeEvent(store, e, Date.parse(e.time) + 2000, String(entry++), true);
                }
            }
            await store.flush();
            if (d === 0) bytesAfterFirstDay = dirBytes(dir);
        }
        const writeMs = performance.now() - tw;
        const writeCpu = process.cpuUsage(cpu0);
        await store.close();
        const events = cfg.days * people.length * 4;
        const total = dirBytes(dir);
        const peopleBytes = fs.existsSync(path.join(dir, 'people.jsonl')) ? fs.statSync(path.join(dir, 'people.jsonl')).size : 0;
        const dayBytes = total - peopleBytes;
        const perEvent = dayBytes / events;
        const target = { employees: 10000, punches: 4, days: 62 };
        const extrapolated = perEvent * target.employees * target.punches * target.days + peopleBytes * (target.employees / people.length);

        // open a new store on that data
        const to0 = performance.now();
        store = await JournalStore.open(storeOpts(dir, clock));
        const openMs = performance.now() - to0;
        const from = new Date(lastDayMs - (Math.min(31, cfg.days) - 1) * 86400000).toISOString().slice(0, 10);
        const to = new Date(lastDayMs).toISOString().slice(0, 10);
        const who = people[Math.floor(people.length / 2)].employeeId;
        const ts0 = performance.now();
        const cold = await store.search(who, from, to);
        const coldMs = performance.now() - ts0;
        const ts1 = performance.now();
        const warm = await store.search(who, from, to);
        const warmMs = performance.now() - ts1;

        // a day's CSV
        const lag = monitorEventLoopDelay({ resolution: 1 });
        let longestGap = 0;
        let last = performance.now();
        const probe = setInterval(() => {
            const t = performance.now();
            longestGap = Math.max(longestGap, t - last - 2);
            last = t;
        }, 2);
        lag.enable();
        await c.sleep(20);
        const tc = performance.now();
        let rows = -1; // the header
        let csvBytes = 0;
        for await (const chunk of store.csv(to)) {
            csvBytes += Buffer.byteLength(chunk);
            for (let p = chunk.indexOf('\n'); p !== -1; p = chunk.indexOf('\n', p + 1)) rows++;
        }
        const csvMs = performance.now() - tc;
        await c.sleep(20);
        lag.disable();
        clearInterval(probe);
        await store.close();
        return {
            days: cfg.days,
            employees: people.length,
            events,
            lines: events * 2,
            writeSeconds: c.round(writeMs / 1000, 1),
            writeCpuSeconds: c.round((writeCpu.user + writeCpu.system) / 1e6, 1),
            bytesTotal: total,
            bytesFirstDay: bytesAfterFirstDay,
            peopleFileBytes: peopleBytes,
            bytesPerEvent: c.round(perEvent, 1),
            extrapolatedGB: c.round(extrapolated / 1e9, 2),
            openMs: c.round(openMs, 0),
            search: { employeeId: who, from, to, coldMs: c.round(coldMs, 1), warmMs: c.round(warmMs, 1), events: cold.length, warmEvents: warm.length },
            csv: { day: to, rows, bytes: csvBytes, ms: c.round(csvMs, 0), lagMaxMs: c.round(lag.max / 1e6, 1), probeLongestMs: c.round(longestGap, 1) },
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const KINDS = { sink, alone, data };

if (require.main === module) {
    const cfg = JSON.parse(process.argv[2]);
    KINDS[cfg.kind](cfg).then(
        (result) => {
            process.stdout.write('RESULT ' + JSON.stringify(result) + '\n');
            process.exit(0);
        },
        (err) => {
            console.error(err && err.stack ? err.stack : err);
            process.exit(1);
        },
    );
}

module.exports = { realEvent, person, sentStep };
