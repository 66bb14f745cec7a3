'use strict';
// Sink scenarios, run in a child process of bench/run.js (the Humand simulator runs in another one):
// throughput through the real Outbox or the sequential axios baseline, the 100,000-employee state
// (RSS and the context flush stall) and the end-to-end latency from event to Humand record.
const { performance, monitorEventLoopDelay } = require('perf_hooks');
const axios = require('axios');
const c = require('./common');

const { Outbox } = c.dist('lib/humand/outbox/index.js');
const { HumandClient } = c.dist('lib/humand/client.js');
const { RateLimiter } = c.dist('lib/backoff.js');
const { memoryStore } = c.dist('lib/context.js');
const { DEFAULT_RULES } = c.dist('lib/humand/rules.js');
const { renderComment, DEFAULT_COMMENT } = c.dist('lib/humand/comment.js');

const KEY_PREFIX = 'attendanceBridge_humand_bench_';
const CLOCK_IN = '/time-tracking/entries/clockIn';
const CLOCK_OUT = '/time-tracking/entries/clockOut';

function newClient(baseUrl) {
    return new HumandClient({ baseUrl, clockInPath: CLOCK_IN, clockOutPath: CLOCK_OUT, timeoutMs: 15000, apiKey: c.API_KEY });
}

/**
 * A Outbox like the humand-server node builds it (rate limit off: the bench measures the sender).
 * Returns {outbox, client, results, waitFor(n)}; `onResult` sees every result.
 */
async function newOutbox(store, baseUrl, concurrency, onResult) {
    const client = newClient(baseUrl);
    const outbox = new Outbox({
        store,
        keyPrefix: KEY_PREFIX,
        client: () => client,
        limiter: new RateLimiter(0),
        dryRun: false,
        concurrency,
    });
    await outbox.whenStarted();
    const counts = { total: 0, delivered: 0, other: 0, reasons: {} };
    let waiter;
    outbox.attach('bench', (r) => {
        counts.total++;
        if (r.kind === 'delivered') counts.delivered++;
        else {
            counts.other++;
            const key = `${r.kind}:${r.code || ''}`;
            counts.reasons[key] = (counts.reasons[key] || 0) + 1;
        }
        if (onResult) onResult(r);
        if (waiter && counts.total >= waiter.n) {
            const w = waiter;
            waiter = undefined;
            w.resolve();
        }
    });
    return {
        outbox,
        client,
        counts,
        waitFor: (n) =>
            counts.total >= n
                ? Promise.resolve()
                : new Promise((resolve) => {
                      waiter = { n, resolve };
                  }),
    };
}

function enqueue(outbox, event) {
    return outbox.enqueue(event, { origin: 'bench', topic: event.employeeId }, DEFAULT_RULES, renderComment(DEFAULT_COMMENT, event));
}

/** Throwaway run so that the timed run does not measure the JIT warming up. */
async function warmUp(cfg, mode) {
    const events = c.makeWorkload(200, 2, 'warm');
    await c.resetSim(cfg.simUrl, 0);
    if (mode === 'baseline') {
        for (const e of events) await postOne(cfg.baseUrl, e);
    } else {
        const d = await newOutbox(memoryStore(), cfg.baseUrl, 8);
        await Promise.all(events.map((e) => enqueue(d.outbox, e)));
        await d.waitFor(events.length);
        await d.outbox.close();
        d.client.destroy();
    }
}

/** What the original middleware does: one axios POST after the other. */
function postOne(baseUrl, e) {
    return axios.post(
        baseUrl + (e.direction === 'in' ? CLOCK_IN : CLOCK_OUT),
        { employeeId: e.employeeId, now: e.time, comment: renderComment(DEFAULT_COMMENT, e) },
        { headers: { Authorization: `Basic ${c.API_KEY}` }, validateStatus: () => true },
    );
}

async function openStore(kind, flushInterval) {
    if (kind === 'memory') return { store: memoryStore(), close: async () => undefined, label: 'memoryStore (lib/context)' };
    if (kind === 'localfs') {
        const dir = c.tmpDir('ab-bench-ctx-');
        const s = await c.nodeRedGlobalStore({ module: 'localfilesystem', config: { dir, cache: true, ...(flushInterval !== undefined ? { flushInterval } : {}) } });
        return { ...s, dir, label: 'Node-RED localfilesystem (cache)' };
    }
    throw new Error(`unknown store ${kind}`);
}

async function sinkThroughput(cfg) {
    const events = c.makeWorkload(cfg.employees, cfg.perEmployee, 'run');
    await warmUp(cfg, cfg.mode);
    await c.resetSim(cfg.simUrl, cfg.latencyMs);
    const cpu0 = process.cpuUsage();
    const simCpu0 = c.processCpuSeconds(cfg.simPid);
    let ms;
    let counts;
    let storeHandle;
    if (cfg.mode === 'baseline') {
        counts = { total: 0, delivered: 0, other: 0, reasons: {} };
        const t0 = performance.now();
        for (const e of events) {
            const res = await postOne(cfg.baseUrl, e);
            counts.total++;
            if (res.status === 201) counts.delivered++;
            else {
                counts.other++;
                counts.reasons[res.status] = (counts.reasons[res.status] || 0) + 1;
            }
        }
        ms = performance.now() - t0;
    } else {
        storeHandle = await openStore(cfg.store);
        const d = await newOutbox(storeHandle.store, cfg.baseUrl, cfg.concurrency);
        const t0 = performance.now();
        await Promise.all(events.map((e) => enqueue(d.outbox, e)));
        await d.waitFor(events.length);
        ms = performance.now() - t0;
        counts = d.counts;
        await d.outbox.close();
        d.client.destroy();
    }
    const cpu = process.cpuUsage(cpu0);
    const simCpu = c.processCpuSeconds(cfg.simPid) - simCpu0;
    const journal = await c.simCall(cfg.simUrl, 'GET', '/__sim/journal');
    const check = c.verifyJournal(events, journal);
    if (storeHandle) await storeHandle.close();
    return {
        records: events.length,
        employees: cfg.employees,
        perEmployee: cfg.perEmployee,
        seconds: c.round(ms / 1000, 2),
        recordsPerSecond: c.round(events.length / (ms / 1000), 1),
        senderCpuPercent: c.round(((cpu.user + cpu.system) / 1000 / ms) * 100, 0),
        simCpuPercent: c.round(((simCpu * 1000) / ms) * 100, 0),
        results: counts,
        check,
        store: storeHandle ? storeHandle.label : undefined,
    };
}

/**
 * 100,000 employees delivered once each through the Outbox into Node-RED's localfilesystem store
 * (cache on, default 30 s flush): extra RSS once done, and the longest event-loop stall of a flush.
 */
async function state(cfg) {
    const n = cfg.employees;
    await warmUp(cfg, 'outbox');
    await c.resetSim(cfg.simUrl, 0);
    const people = c.activeEmployees(n);
    const baseMs = Date.now() - 2 * 24 * 3600 * 1000;
    const storeHandle = await openStore('localfs', cfg.flushInterval);
    let d = await newOutbox(storeHandle.store, cfg.baseUrl, cfg.concurrency);
    gc();
    gc();
    await c.sleep(200);
    const before = process.memoryUsage();

    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    const t0 = performance.now();
    const BATCH = 1000; // like one HikCentral page
    for (let i = 0; i < n; i += BATCH) {
        const batch = [];
        for (let j = i; j < Math.min(n, i + BATCH); j++) batch.push(enqueue(d.outbox, c.makeEvent(people[j], 0, baseMs, 'state')));
        await Promise.all(batch);
        // keep the backlog bounded, as a real source would (about one page queued)
        await d.waitFor(i);
    }
    await d.waitFor(n);
    const deliverMs = performance.now() - t0;
    lag.disable();
    await d.outbox.close();
    d.client.destroy();

    gc();
    gc();
    await c.sleep(500);
    gc();
    const after = process.memoryUsage();
    // How much of the heap is the Outbox's in-memory mirror of every employee (the rest is the
    // store's cache): drop the Outbox and collect.
    const counts = d.counts;
    d = undefined;
    gc();
    gc();
    await c.sleep(200);
    const withoutOutbox = process.memoryUsage();

    // One more write marks the global scope dirty; close() flushes it (the same code as the 30 s timer's
    // flush). The histogram only counts a delay from its second tick on, so it runs a little before
    // and after; a 1 ms probe cross-checks.
    await storeHandle.store.set('attendanceBridge_bench_marker', Date.now());
    const flushLag = monitorEventLoopDelay({ resolution: 1 });
    flushLag.enable();
    let longestGap = 0;
    let lastTick = performance.now();
    const probe = setInterval(() => {
        const t = performance.now();
        longestGap = Math.max(longestGap, t - lastTick - 1);
        lastTick = t;
    }, 1);
    await c.sleep(50);
    const f0 = performance.now();
    await storeHandle.close();
    const flushMs = performance.now() - f0;
    await c.sleep(50);
    clearInterval(probe);
    flushLag.disable();
    const fs = require('fs');
    const path = require('path');
    const file = path.join(storeHandle.dir, 'context', 'global', 'global.json');
    const fileBytes = fs.statSync(file).size;
    // Employees live in bucket keys (JSON strings): show the first employee's stored record.
    const { bucketOf } = require('../dist/lib/humand/outbox/index');
    const bucket = JSON.parse(fs.readFileSync(file, 'utf8'))[KEY_PREFIX + 'b' + bucketOf(people[0].code)];
    const sample = bucket === undefined ? undefined : JSON.parse(bucket)[people[0].code];

    // The same state read back by a fresh process (as after a Node-RED restart): its memory cost alone,
    // without this process's 100,000 HTTP requests in its heap and allocator.
    const { execFileSync } = require('child_process');
    const loaded = JSON.parse(execFileSync(process.execPath, ['--expose-gc', path.join(__dirname, 'state-load.js'), storeHandle.dir, KEY_PREFIX], { encoding: 'utf8' }));

    const journal = await c.simCall(cfg.simUrl, 'GET', '/__sim/journal');
    return {
        employees: n,
        restartLoadMs: loaded.loadMs,
        restartBucketKeys: loaded.keys,
        restartExtraRssMB: c.mb(loaded.after.rss - loaded.before.rss),
        restartExtraHeapMB: c.mb(loaded.after.heapUsed - loaded.before.heapUsed),
        deliverSeconds: c.round(deliverMs / 1000, 1),
        recordsPerSecond: c.round(n / (deliverMs / 1000), 0),
        results: counts,
        journal: journal.length,
        rssBeforeMB: c.mb(before.rss),
        rssAfterMB: c.mb(after.rss),
        extraRssMB: c.mb(after.rss - before.rss),
        extraHeapMB: c.mb(after.heapUsed - before.heapUsed),
        heapTotalBeforeMB: c.mb(before.heapTotal),
        heapTotalAfterMB: c.mb(after.heapTotal),
        outboxMirrorHeapMB: c.mb(after.heapUsed - withoutOutbox.heapUsed),
        memoryBefore: before,
        memoryAfter: after,
        lagDuringDeliveryP99Ms: c.round(lag.percentile(99) / 1e6, 1),
        lagDuringDeliveryMaxMs: c.round(lag.max / 1e6, 1),
        flushStallMaxMs: c.round(flushLag.max / 1e6, 1),
        flushProbeLongestMs: c.round(longestGap, 1),
        flushWallMs: c.round(flushMs, 0),
        contextFileMB: c.mb(fileBytes),
        sampleStateRecord: sample,
    };
}

/**
 * Event to Humand record at latency 0, concurrency 4: events arrive at a steady rate (below capacity,
 * so the figure is the path's latency, not a backlog's); measured to the simulator's receivedAt
 * (journal) and to the result the Outbox reports.
 */
async function e2e(cfg) {
    const events = c.makeWorkload(cfg.employees, cfg.perEmployee, 'e2e');
    await warmUp(cfg, 'outbox');
    await c.resetSim(cfg.simUrl, cfg.latencyMs);
    const storeHandle = await openStore(cfg.store || 'memory');
    const sentAt = new Map();
    const resultLat = [];
    const d = await newOutbox(storeHandle.store, cfg.baseUrl, cfg.concurrency, (r) => {
        const s = sentAt.get(r.item.id);
        if (s) resultLat.push(performance.now() - s.perf);
    });
    const perTick = Math.max(1, Math.round(cfg.ratePerSecond / 100));
    let i = 0;
    const t0 = performance.now();
    await new Promise((resolve) => {
        const timer = setInterval(() => {
            for (let k = 0; k < perTick && i < events.length; k++, i++) {
                const e = events[i];
                sentAt.set(e.id, { perf: performance.now(), wall: Date.now() });
                enqueue(d.outbox, e).catch((err) => console.error(err));
            }
            if (i >= events.length) {
                clearInterval(timer);
                resolve();
            }
        }, 10);
    });
    await d.waitFor(events.length);
    const ms = performance.now() - t0;
    await d.outbox.close();
    d.client.destroy();
    await storeHandle.close();
    const journal = await c.simCall(cfg.simUrl, 'GET', '/__sim/journal');
    const check = c.verifyJournal(events, journal);
    // journal receivedAt (ms, simulator clock = same machine clock) minus the wall time of the event's arrival
    const byKey = new Map(events.map((e) => [e.employeeId + '|' + Date.parse(e.time), e.id]));
    const journalLat = [];
    for (const r of journal) {
        const id = byKey.get(r.employeeInternalId + '|' + r.timeMs);
        const s = id && sentAt.get(id);
        if (s) journalLat.push(Date.parse(r.receivedAt) - s.wall);
    }
    journalLat.sort((a, b) => a - b);
    resultLat.sort((a, b) => a - b);
    const pct = (arr) => ({ p50: c.round(c.percentile(arr, 50), 1), p95: c.round(c.percentile(arr, 95), 1), p99: c.round(c.percentile(arr, 99), 1), max: c.round(arr[arr.length - 1], 1) });
    return {
        records: events.length,
        ratePerSecond: cfg.ratePerSecond,
        seconds: c.round(ms / 1000, 1),
        toHumandRecordMs: pct(journalLat),
        toResultMs: pct(resultLat),
        results: d.counts,
        check,
    };
}

const KINDS = { sink: sinkThroughput, state, e2e };

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

module.exports = { newOutbox, enqueue, newClient, openStore };
