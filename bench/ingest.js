'use strict';
// Source ingest, run in a child process of bench/run.js: N HikCentral door events in sim/hikcentral.js
// (its own process), fetched in pages of 1000 by the artemis client, normalised, deduplicated and
// emitted by ArtemisEngine.poll (lib/artemis), with the state in Node-RED's localfilesystem store.
// Event-loop lag is measured meanwhile (perf_hooks.monitorEventLoopDelay and a 10 ms probe), then an
// overlapping re-poll shows the duplicates being dropped.
const path = require('path');
const { spawn } = require('child_process');
const { performance, monitorEventLoopDelay } = require('perf_hooks');
const c = require('./common');

const APP_KEY = 'bench-app-key';
const APP_SECRET = 'bench-app-secret-0123456789';

function startHikSim(people) {
    return new Promise((resolve, reject) => {
        const child = spawn(
            process.execPath,
            [path.join(c.ROOT, 'sim', 'hikcentral.js'), '--port', '0', '--people', String(people), '--trickle-ms', '0', '--app-key', APP_KEY, '--app-secret', APP_SECRET],
            { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let out = '';
        child.stdout.setEncoding('utf8');
        const onData = (d) => {
            out += d;
            const m = /listening on (https?:\/\/\S+)/.exec(out);
            if (m) {
                child.stdout.off('data', onData);
                child.stdout.resume();
                resolve({
                    pid: child.pid,
                    url: m[1],
                    stop: () =>
                        new Promise((r) => {
                            if (child.exitCode !== null) return r();
                            child.once('exit', () => r());
                            child.kill('SIGTERM');
                        }),
                });
            }
        };
        child.stdout.on('data', onData);
        child.once('exit', (code) => reject(new Error(`hikcentral simulator exited (${code}) before listening`)));
    });
}

/** Loads n door events, time-ordered over [from, to], people alternating in / out, face and card. */
async function loadEvents(sim, n, fromMs, toMs) {
    const persons = await c.simCall(sim.url, 'GET', '/__sim/persons');
    const active = persons.filter((p) => p.active !== false);
    const last = new Map();
    const CHUNK = 2000;
    for (let i = 0; i < n; i += CHUNK) {
        const specs = [];
        for (let j = i; j < Math.min(n, i + CHUNK); j++) {
            const p = active[j % active.length];
            const dir = last.get(p.personId) === 1 ? 0 : 1;
            last.set(p.personId, dir);
            specs.push({
                person: { personId: p.personId, personName: p.personName, personCode: p.personCode },
                atMs: Math.floor(fromMs + ((toMs - fromMs) * j) / n),
                eventType: j % 3 === 0 ? 198914 : 196893,
                inAndOutType: dir,
                reader: dir === 1 ? { id: '1011', name: 'Lobby reader in', inOut: 1 } : { id: '1012', name: 'Lobby reader out', inOut: 0 },
                push: false,
            });
        }
        await c.simCall(sim.url, 'POST', '/__sim/events', specs);
    }
}

async function ingest(cfg) {
    const { ArtemisEngine } = c.dist('lib/artemis/poll.js');
    const { ArtemisClient } = c.dist('lib/artemis/client.js');
    const { stateKeyPrefix } = c.dist('lib/artemis/state.js');
    const { formatRequestTime } = c.dist('lib/artemis/window.js');
    const { DEFAULT_EVENT_TYPES } = c.dist('lib/artemis/events.js');

    const sim = await startHikSim(2000);
    try {
        const now = Date.now();
        const lookbackMs = 7 * 3600 * 1000;
        await loadEvents(sim, cfg.events, now - 6 * 3600 * 1000, now - 60 * 1000);

        const storeHandle = await c.nodeRedGlobalStore({ module: 'localfilesystem', config: { dir: c.tmpDir('ab-bench-ingest-'), cache: true } });
        const client = new ArtemisClient({ baseUrl: sim.url, timeoutMs: 30000, appKey: APP_KEY, appSecret: APP_SECRET });
        let fetchMs = 0;
        const source = {
            async doorEvents(query, mode) {
                const t = performance.now();
                try {
                    return await client.doorEvents(query, mode);
                } finally {
                    fetchMs += performance.now() - t;
                }
            },
        };
        let emitted = 0;
        let sent = [];
        const engine = new ArtemisEngine({
            store: storeHandle.store,
            keyPrefix: stateKeyPrefix('bench-artemis-events'),
            normalise: { eventTypes: DEFAULT_EVENT_TYPES, doorIndexCodes: [], overrides: [] },
            overlapMs: 300 * 1000, // the node's default
            initialLookbackMs: lookbackMs,
            pageSize: cfg.pageSize,
            eventTypeMode: 'auto',
            formatTime: (ms) => formatRequestTime(ms, 'America/Argentina/Buenos_Aires'),
            // what artemis-events does: one message per event, in time order
            emit: (events, backfill) => {
                for (const event of events) {
                    const msg = { topic: event.person.id, payload: event };
                    if (backfill) msg.backfill = true;
                    sent.push(msg);
                    emitted++;
                }
                sent = [];
            },
        });

        // one signed call first (connection, signer), then measure
        await client.call('/artemis/api/common/v1/version', {});

        const lag = monitorEventLoopDelay({ resolution: 10 });
        // (enabled a little before the poll: the histogram counts delays from its second tick on)
        const gaps = [];
        let lastTick = performance.now();
        const probe = setInterval(() => {
            const t = performance.now();
            gaps.push(t - lastTick - 10);
            lastTick = t;
        }, 10);
        lag.enable();
        await c.sleep(30);
        const simCpu0 = c.processCpuSeconds(sim.pid);
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const report = await engine.poll(source);
        const ms = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        const simCpuSeconds = c.processCpuSeconds(sim.pid) - simCpu0;
        // The histogram records a stall at its next tick and the probe at its next interval: the engine's
        // final synchronous stretch ends just before poll() resolves, so both keep running a little.
        await c.sleep(50);
        lag.disable();
        clearInterval(probe);

        const pollFetchMs = fetchMs;
        const repoll = await engine.poll(source);
        await storeHandle.close();
        client.destroy();
        const stalls = gaps.filter((g) => g > 50);
        return {
            events: cfg.events,
            pageSize: cfg.pageSize,
            seconds: c.round(ms / 1000, 2),
            fetchSeconds: c.round(pollFetchMs / 1000, 2),
            processSeconds: c.round((ms - pollFetchMs) / 1000, 2),
            eventsPerSecond: c.round(cfg.events / (ms / 1000), 0),
            clientCpuSeconds: c.round((cpu.user + cpu.system) / 1e6, 2),
            simCpuSeconds: c.round(simCpuSeconds, 2),
            poll: { pages: report.pages, received: report.received, emitted: report.emitted, duplicates: report.duplicates, skipped: report.skipped, problems: report.problems.length },
            emittedMessages: emitted,
            lag: {
                p50Ms: c.round(lag.percentile(50) / 1e6, 1),
                p99Ms: c.round(lag.percentile(99) / 1e6, 1),
                maxMs: c.round(lag.max / 1e6, 1),
                samples: lag.count,
            },
            probe: { longestStallMs: c.round(Math.max(...gaps), 0), stallsOver50ms: stalls.length, msInStallsOver50ms: c.round(stalls.reduce((a, b) => a + b, 0), 0) },
            repoll: { pages: repoll.pages, received: repoll.received, duplicates: repoll.duplicates, emitted: repoll.emitted },
        };
    } finally {
        await sim.stop();
    }
}

if (require.main === module) {
    const cfg = JSON.parse(process.argv[2]);
    ingest(cfg).then(
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
