'use strict';
// `npm run bench`: the figures of issue #8 (not assertions). The Humand and HikCentral simulators run
// in child processes, every scenario in a fresh child process (cold caches, its own heap, its own CPU
// figures). Prints a table and writes bench/results.json.
//
//   node bench/run.js [--only sink,ingest,state,e2e,journal] [--quick]
const path = require('path');
const fs = require('fs');
const os = require('os');
const { spawn } = require('child_process');
const c = require('./common');

const args = process.argv.slice(2);
const onlyArg = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const only = onlyArg ? new Set(onlyArg.split(',')) : undefined;
const quick = args.includes('--quick');
const want = (part) => !only || only.has(part);

const STATE_EMPLOYEES = quick ? 10000 : 100000;
const INGEST_EVENTS = quick ? 20000 : 100000;

/** Sink rows: [mode, store, concurrency, latencyMs, employees, recordsPerEmployee]. */
function sinkRows() {
    const rows = [];
    const at0 = quick ? [500, 4] : [2000, 4];
    rows.push(['baseline', undefined, 1, 0, ...at0]);
    for (const n of [1, 4, 16]) rows.push(['outbox', 'memory', n, 0, ...at0]);
    rows.push(['outbox', 'localfs', 16, 0, ...at0]);
    // at 50 ms: about 10 s per row at the target rate
    rows.push(['baseline', undefined, 1, 50, quick ? 20 : 50, 4]);
    rows.push(['outbox', 'memory', 1, 50, quick ? 20 : 50, 4]);
    rows.push(['outbox', 'memory', 4, 50, quick ? 50 : 200, 4]);
    rows.push(['outbox', 'memory', 16, 50, quick ? 200 : 800, 4]);
    rows.push(['outbox', 'localfs', 16, 50, quick ? 200 : 800, 4]);
    return rows;
}

function runChild(script, cfg, nodeArgs = []) {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [...nodeArgs, path.join(__dirname, script), JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (d) => (out += d));
        child.on('error', reject);
        child.on('exit', (code) => {
            const line = out.split('\n').find((l) => l.startsWith('RESULT '));
            if (code !== 0 || !line) return reject(new Error(`${script} ${cfg.kind} failed (exit ${code})`));
            resolve(JSON.parse(line.slice(7)));
        });
    });
}

function pad(s, n, right) {
    s = String(s);
    return right ? s.padStart(n) : s.padEnd(n);
}

function table(headers, rows, rightCols = new Set()) {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
    const line = (cells) => '| ' + cells.map((cell, i) => pad(cell, widths[i], rightCols.has(i))).join(' | ') + ' |';
    const sep = '|' + widths.map((w, i) => (rightCols.has(i) ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|') + '|';
    return [line(headers), sep, ...rows.map(line)].join('\n');
}

const yes = (ok) => (ok ? 'met' : 'MISSED');

async function main() {
    const started = Date.now();
    const results = {
        date: new Date().toISOString(),
        machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0] && os.cpus()[0].model, memGB: c.round(os.totalmem() / 2 ** 30, 1), node: process.version, platform: `${os.platform()} ${os.release()}` },
        quick,
    };
    const out = [];
    const say = (s = '') => {
        out.push(s);
        console.log(s);
    };
    say(`attendance-bridge benchmark: ${results.machine.cpus} CPU (${results.machine.cpuModel}), ${results.machine.memGB} GB, Node ${process.version}${quick ? ' (QUICK: reduced sizes)' : ''}`);

    const humand = await c.startHumandSim(c.usersFor(Math.max(STATE_EMPLOYEES, 3000)));
    const common = { simUrl: humand.url, baseUrl: humand.baseUrl, simPid: humand.pid };
    try {
        // ---- 1. sink throughput ----
        if (want('sink')) {
            results.sink = [];
            for (const [mode, store, concurrency, latencyMs, employees, perEmployee] of sinkRows()) {
                process.stderr.write(`sink: ${mode} ${store || ''} c=${concurrency} latency=${latencyMs} ms ...\n`);
                const r = await runChild('sink.js', { kind: 'sink', mode, store, concurrency, latencyMs, employees, perEmployee, ...common });
                const target = latencyMs > 0 ? (0.9 * concurrency) / (latencyMs / 1000) : 1000;
                results.sink.push({ ...r, mode, store: store || null, storeLabel: r.store || null, concurrency, latencyMs, target: c.round(target, 0), met: r.recordsPerSecond >= target && r.check.ok });
            }
            say('\n1. Sink throughput to the Humand simulator (simulator in its own process; burst of records, time to the last answer)');
            say(
                table(
                    ['sender', 'store', 'conc.', 'latency', 'records (empl. x each)', 'records/s', 'target', '', 'exactly once + order', 'sender CPU', 'sim CPU'],
                    results.sink.map((r) => [
                        r.mode === 'baseline' ? 'sequential axios loop' : 'Outbox',
                        r.mode === 'baseline' ? '-' : r.store === 'localfs' ? 'Node-RED localfilesystem' : 'memoryStore',
                        r.concurrency,
                        `${r.latencyMs} ms`,
                        `${r.records} (${r.employees} x ${r.perEmployee})`,
                        r.recordsPerSecond,
                        r.mode === 'baseline' ? '(baseline)' : `>= ${r.target}`,
                        r.mode === 'baseline' ? '' : yes(r.met),
                        r.check.ok ? 'ok' : `FAILED ${JSON.stringify(r.check)}`,
                        `${r.senderCpuPercent}%`,
                        `${r.simCpuPercent}%`,
                    ]),
                    new Set([2, 5]),
                ),
            );
        }

        // ---- 2. source ingest ----
        if (want('ingest')) {
            process.stderr.write(`ingest: ${INGEST_EVENTS} HikCentral events ...\n`);
            try {
                const r = await runChild('ingest.js', { kind: 'ingest', events: INGEST_EVENTS, pageSize: 500 });
                results.ingest = r;
                say(`\n2. Source ingest: ${r.events} HikCentral events, pageSize ${r.pageSize}, ArtemisEngine.poll (lib/artemis) against sim/hikcentral.js in its own process`);
                say(
                    table(
                        ['figure', 'measured', 'target', ''],
                        [
                            ['poll: pages / received / emitted', `${r.poll.pages} / ${r.poll.received} / ${r.poll.emitted}`, `${r.events} emitted`, yes(r.poll.emitted === r.events)],
                            ['ingest time (fetch + dedup + emit)', `${r.seconds} s`, '<= 10 s', yes(r.seconds <= 10)],
                            ['  of which fetching pages (HTTP + simulator)', `${r.fetchSeconds} s`, '', ''],
                            ['  of which normalise + dedup + sort + emit + commit', `${r.processSeconds} s`, '', ''],
                            ['  CPU: client (this process) / HikCentral simulator', `${r.clientCpuSeconds} s / ${r.simCpuSeconds} s`, '', ''],
                            ['event-loop lag p99 (monitorEventLoopDelay)', `${r.lag.p99Ms} ms`, '<= 50 ms', yes(r.lag.p99Ms <= 50)],
                            ['event-loop lag max', `${r.lag.maxMs} ms`, '', ''],
                            ['longest single synchronous stretch (10 ms probe)', `${r.probe.longestStallMs} ms`, '', ''],
                            ['overlap re-poll: received / duplicates dropped / emitted', `${r.repoll.received} / ${r.repoll.duplicates} / ${r.repoll.emitted}`, '0 emitted', yes(r.repoll.emitted === 0)],
                        ],
                    ),
                );
            } catch (err) {
                results.ingest = { error: err.message };
                say(`\n2. Source ingest: FAILED: ${err.message}`);
            }
        }

        // ---- 3. state ----
        if (want('state')) {
            process.stderr.write(`state: ${STATE_EMPLOYEES} employees ...\n`);
            const r = await runChild('sink.js', { kind: 'state', employees: STATE_EMPLOYEES, concurrency: 16, ...common }, ['--expose-gc']);
            results.state = r;
            say(`\n3. State: ${r.employees} employees delivered once each through the outbox into Node-RED's localfilesystem store (cache on)`);
            say(
                table(
                    ['figure', 'measured', 'target', ''],
                    [
                        ['delivered (journal count)', `${r.results.delivered} (${r.journal}) in ${r.deliverSeconds} s, ${r.recordsPerSecond}/s`, `${r.employees}`, yes(r.results.delivered === r.employees && r.journal === r.employees)],
                        ['extra RSS holding the state (fresh process loads it)', `${r.restartExtraRssMB} MB (heap +${r.restartExtraHeapMB} MB; ${r.restartBucketKeys} context keys read and outbox loaded in ${r.restartLoadMs} ms)`, '<= 150 MB', yes(r.restartExtraRssMB <= 150)],
                        ['extra RSS of the delivering process (GC done)', `${r.extraRssMB} MB (RSS ${r.rssBeforeMB} -> ${r.rssAfterMB} MB: includes 100,000 HTTP exchanges)`, '', ''],
                        ['  heap used / heap reserved growth', `+${r.extraHeapMB} MB / +${c.round(r.heapTotalAfterMB - r.heapTotalBeforeMB, 1)} MB`, '', ''],
                        ['  of the heap: outbox in-memory mirror', `${r.outboxMirrorHeapMB} MB`, '', ''],
                        ['longest event-loop stall during the context flush', `${Math.max(r.flushStallMaxMs, r.flushProbeLongestMs)} ms (histogram ${r.flushStallMaxMs}, probe ${r.flushProbeLongestMs}; flush ${r.flushWallMs} ms, global.json ${r.contextFileMB} MB)`, '<= 100 ms', yes(Math.max(r.flushStallMaxMs, r.flushProbeLongestMs) <= 100)],
                        ['event-loop lag during delivery p99 / max', `${r.lagDuringDeliveryP99Ms} / ${r.lagDuringDeliveryMaxMs} ms`, '', ''],
                    ],
                ),
            );
        }

        // ---- 4. end-to-end latency ----
        if (want('e2e')) {
            process.stderr.write('e2e latency ...\n');
            const r = await runChild('sink.js', { kind: 'e2e', employees: quick ? 200 : 500, perEmployee: 4, concurrency: 4, latencyMs: 0, ratePerSecond: 200, store: 'memory', ...common });
            results.e2e = r;
            say(`\n4. End-to-end latency, event accepted by the sink -> record stored by Humand (latency 0, concurrency 4, ${r.records} events at ${r.ratePerSecond}/s)`);
            say(
                table(
                    ['measured to', 'p50', 'p95', 'p99', 'max', 'exactly once + order'],
                    [
                        ['simulator journal (receivedAt)', ...['p50', 'p95', 'p99', 'max'].map((k) => `${r.toHumandRecordMs[k]} ms`), r.check.ok ? 'ok' : 'FAILED'],
                        ['Outbox result (answer read)', ...['p50', 'p95', 'p99', 'max'].map((k) => `${r.toResultMs[k]} ms`), ''],
                    ],
                ),
            );
        }

        // ---- 5. attendance journal (issue 12) ----
        if (want('journal')) {
            try {
                const seconds = quick ? 3 : 10;
                const runs = { without: [], with: [] };
                // alternating child processes, twice each: the 2-core machine is shared, one run alone is noise
                for (const round of [1, 2]) {
                    for (const withJournal of [false, true]) {
                        process.stderr.write(`journal: sink at 1000/s for ${seconds} s ${withJournal ? 'with' : 'without'} the journal (${round}/2) ...\n`);
                        const r = await runChild('journal.js', { kind: 'sink', journal: withJournal, rate: 1000, seconds, concurrency: 4, ...common });
                        runs[withJournal ? 'with' : 'without'].push(r);
                    }
                }
                process.stderr.write(`journal: the journal's record calls alone at 1000/s for ${seconds} s ...\n`);
                const alone = await runChild('journal.js', { kind: 'alone', rate: 1000, seconds });
                const days = quick ? 5 : 31;
                const employees = quick ? 2000 : 10000;
                process.stderr.write(`journal: ${days} days x ${employees} employees x 4 punches through JournalStore.write ...\n`);
                const d = await runChild('journal.js', { kind: 'data', days, employees });
                const mean = (list, k) => c.round(list.reduce((n, r) => n + r[k], 0) / list.length, 1);
                const cpuWithout = mean(runs.without, 'cpuPercent');
                const cpuWith = mean(runs.with, 'cpuPercent');
                const overhead = c.round(((cpuWith - cpuWithout) / cpuWithout) * 100, 1);
                const lagMax = Math.max(...runs.with.map((r) => r.lagMaxMs));
                const lagMaxWithout = Math.max(...runs.without.map((r) => r.lagMaxMs));
                const checksOk = [...runs.with, ...runs.without].every((r) => r.check.ok);
                results.journal = { sink: runs, cpuWithoutPercent: cpuWithout, cpuWithPercent: cpuWith, overheadPercent: overhead, lagMaxWithMs: lagMax, lagMaxWithoutMs: lagMaxWithout, alone, data: d };
                say(`\n5. Attendance journal: the real sink path (Outbox, memoryStore, concurrency 4, Humand simulator) paced at 1,000 records/s for ${seconds} s, 2 runs each, with and without the nodes' journal calls (identity-map 'mapped' with the event, humand-clock 'sent' from the Outbox result); then ${days} days x ${employees} employees x 4 punches written through JournalStore.write (fake clock, a flush per day)${quick ? ' (QUICK: fewer days and employees)' : ''}`);
                say(
                    table(
                        ['figure', 'measured', 'target', ''],
                        [
                            ['sink CPU without / with the journal (one core, process.cpuUsage)', `${cpuWithout}% / ${cpuWith}% (runs: ${runs.without.map((r) => r.cpuPercent).join(', ')} / ${runs.with.map((r) => r.cpuPercent).join(', ')}; ${runs.with[0].records} records each, exactly once ${checksOk ? 'ok' : 'FAILED'})`, '', ''],
                            ['journaling CPU overhead (share of the sink CPU)', `${overhead}%`, '<= 10 %', yes(overhead <= 10)],
                            ['event-loop delay max with / without the journal (sink near its capacity)', `${lagMax} / ${lagMaxWithout} ms`, '', ''],
                            ['the journal alone, same calls at 1,000/s: CPU / loop delay max', `${alone.cpuPercent}% / ${alone.lagMaxMs} ms (p99 ${alone.lagP99Ms} ms)`, '<= 20 ms', yes(alone.lagMaxMs <= 20)],
                            ['bytes per event on disk (mapped + sent line, people file apart)', `${d.bytesPerEvent} B (measured on ${d.events} events, ${c.mb(d.bytesTotal)} MB)`, '', ''],
                            ['disk for 10,000 employees x 4 punches x 62 days (extrapolated)', `${d.extrapolatedGB} GB`, '<= 1.5 GB', yes(d.extrapolatedGB <= 1.5)],
                            ['write the data (JournalStore.write, flush per day)', `${d.writeSeconds} s (${d.writeCpuSeconds} s CPU) for ${d.lines} lines`, '', ''],
                            ['open a new store on that data', `${d.openMs} ms`, '', ''],
                            [`one-employee search over ${Math.min(31, days)} days: cold / warm`, `${d.search.coldMs} / ${d.search.warmMs} ms (${d.search.events} events)`, '<= 200 ms', yes(d.search.coldMs <= 200 && d.search.warmMs <= 200)],
                            [`a day's CSV (${d.csv.rows} rows, ${c.mb(d.csv.bytes)} MB): time / longest loop block`, `${d.csv.ms} ms / ${Math.max(d.csv.lagMaxMs, d.csv.probeLongestMs)} ms (histogram ${d.csv.lagMaxMs}, probe ${d.csv.probeLongestMs})`, '<= 50 ms block', yes(Math.max(d.csv.lagMaxMs, d.csv.probeLongestMs) <= 50)],
                        ],
                    ),
                );
            } catch (err) {
                results.journal = { error: err.message };
                say(`\n5. Attendance journal: FAILED: ${err.message}`);
            }
        }
    } finally {
        await humand.stop();
    }
    results.wallSeconds = c.round((Date.now() - started) / 1000, 0);
    say(`\nTotal bench wall time: ${results.wallSeconds} s`);
    results.table = out.join('\n');
    fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(results, null, 2) + '\n');
    console.log(`(written to ${path.relative(process.cwd(), path.join(__dirname, 'results.json'))})`);
}

main().catch((err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
});
