'use strict';
// Shared pieces of the benchmark: the Humand simulator child process and its control routes, the
// deterministic workload (records spread over many employees, several per employee, alternating
// in/out), the journal check (exactly once, per-employee order), percentiles and the context stores.
const http = require('http');
const path = require('path');
const fs = require('fs');
const os = require('os');
const { spawn } = require('child_process');
const { makePeople } = require('../sim/people');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const API_KEY = 'bench-key';
const OFFSET = '-03:00';

function dist(rel) {
    return require(path.join(DIST, rel));
}

// ---- Humand simulator in its own process ------------------------------------------------------------

/** Starts `node sim/humand.js` on a free port; resolves {pid, baseUrl, url, stop()}. */
function startHumandSim(users) {
    return new Promise((resolve, reject) => {
        // The bench measures the sender, not Humand's 50-per-minute window: the simulator's rate limit is off.
        const child = spawn(process.execPath, [path.join(ROOT, 'sim', 'humand.js'), '--port', '0', '--users', String(users), '--api-key', API_KEY, '--rate-limit', 'off'], {
            stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        const onData = (chunk) => {
            out += chunk;
            const m = /listening on (http:\/\/[^\s/]+)(\/\S*)/.exec(out);
            if (m) {
                child.stdout.off('data', onData);
                child.stdout.resume();
                resolve({
                    pid: child.pid,
                    url: m[1],
                    baseUrl: m[1] + m[2],
                    stop: () =>
                        new Promise((r) => {
                            if (child.exitCode !== null) return r();
                            child.once('exit', () => r());
                            child.kill('SIGTERM');
                        }),
                });
            }
        };
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', onData);
        child.once('exit', (code) => reject(new Error(`humand simulator exited (${code}) before listening`)));
        child.once('error', reject);
    });
}

/** CPU seconds (user + system) used so far by a process, from /proc (Linux). */
function processCpuSeconds(pid) {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
        return ticks / 100; // CLK_TCK is 100 on Linux
    } catch {
        return NaN;
    }
}

/** A JSON call to the simulator's control routes (a dedicated agent-less request). */
function simCall(url, method, route, body) {
    return new Promise((resolve, reject) => {
        const u = new URL(route, url);
        const data = body === undefined ? undefined : JSON.stringify(body);
        const req = http.request(
            u,
            { method, headers: data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}, agent: false },
            (res) => {
                const chunks = [];
                res.on('data', (c) => chunks.push(c));
                res.on('end', () => {
                    const text = Buffer.concat(chunks).toString('utf8');
                    if (res.statusCode >= 300) return reject(new Error(`simulator ${method} ${route}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
                    try {
                        resolve(text ? JSON.parse(text) : undefined);
                    } catch (e) {
                        reject(e);
                    }
                });
            },
        );
        req.on('error', reject);
        if (data) req.write(data);
        req.end();
    });
}

async function resetSim(url, latencyMs) {
    await simCall(url, 'POST', '/__sim/reset', {});
    await simCall(url, 'POST', '/__sim/latency', { ms: latencyMs });
}

// ---- workload ------------------------------------------------------------------------------------------

/** The first n ACTIVE simulated people (every 13th person is inactive in the simulator). */
function activeEmployees(n, skip = 0) {
    const total = Math.ceil(((n + skip) * 13) / 12) + 13;
    return makePeople(total)
        .filter((p) => p.active)
        .slice(skip, skip + n);
}

/** Users the simulator needs so that `n` active people exist. */
function usersFor(n) {
    return Math.ceil((n * 13) / 12) + 13;
}

function isoWithOffset(ms) {
    // -03:00, written the way HikCentral does (local time + offset).
    const local = new Date(ms - 3 * 3600 * 1000).toISOString().slice(0, 23);
    return local + OFFSET;
}

/**
 * One attendance event (SPEC 3) for round `k` of `person`: round 0 in, 1 out, 2 in, ...; rounds are
 * 15 minutes apart (above the 60 s debounce), all in the past (below the future tolerance).
 */
function makeEvent(person, k, baseMs, tag) {
    const ms = baseMs + k * 15 * 60 * 1000 + person.index * 7; // distinct times across people
    return {
        id: `hikcentral:${tag}-${person.code}-${k}`,
        source: 'hikcentral',
        person: { id: person.code, code: person.code, name: `${person.firstName} ${person.lastName}` },
        time: isoWithOffset(ms),
        direction: k % 2 === 0 ? 'in' : 'out',
        device: { id: 'door-1', name: 'Main entrance' },
        employeeId: person.code,
    };
}

/** Records in global time order (round-major): what a source emits over a day. */
function makeWorkload(employees, perEmployee, tag, baseMs = Date.now() - 3 * 24 * 3600 * 1000) {
    const people = activeEmployees(employees);
    const events = [];
    for (let k = 0; k < perEmployee; k++) for (const p of people) events.push(makeEvent(p, k, baseMs, tag));
    return events;
}

// ---- journal check -----------------------------------------------------------------------------------

/**
 * Exactly once and per-employee order: the journal holds exactly the expected records, each once, and
 * per employee the journal order is START, END, START, ... with increasing times, equal to the events'
 * order. Returns {ok, records, journal, missing, unexpected, duplicates, orderViolations}.
 */
function verifyJournal(events, journal) {
    const expected = new Map();
    for (const e of events) {
        const list = expected.get(e.employeeId) || [];
        list.push({ type: e.direction === 'in' ? 'START' : 'END', ms: Date.parse(e.time) });
        expected.set(e.employeeId, list);
    }
    const got = new Map();
    for (const r of journal) {
        const list = got.get(r.employeeInternalId) || [];
        list.push({ type: r.type, ms: r.timeMs });
        got.set(r.employeeInternalId, list);
    }
    let missing = 0;
    let unexpected = 0;
    let duplicates = 0;
    let orderViolations = 0;
    for (const [emp, exp] of expected) {
        const g = got.get(emp) || [];
        const seen = new Set();
        for (const r of g) {
            const k = r.type + '|' + r.ms;
            if (seen.has(k)) duplicates++;
            seen.add(k);
        }
        const expKeys = new Set(exp.map((r) => r.type + '|' + r.ms));
        for (const k of expKeys) if (!seen.has(k)) missing++;
        for (const k of seen) if (!expKeys.has(k)) unexpected++;
        // order: alternating types starting with START, increasing time, same sequence as the events
        for (let i = 0; i < g.length; i++) {
            const wantType = i % 2 === 0 ? 'START' : 'END';
            const okType = g[i].type === wantType;
            const okTime = i === 0 || g[i].ms > g[i - 1].ms;
            const okSeq = exp[i] && exp[i].type === g[i].type && exp[i].ms === g[i].ms;
            if (!okType || !okTime || !okSeq) {
                orderViolations++;
                break; // one per employee
            }
        }
    }
    for (const emp of got.keys()) if (!expected.has(emp)) unexpected += got.get(emp).length;
    const ok = journal.length === events.length && missing === 0 && unexpected === 0 && duplicates === 0 && orderViolations === 0;
    return { ok, records: events.length, journal: journal.length, missing, unexpected, duplicates, orderViolations, employees: expected.size };
}

// ---- numbers -----------------------------------------------------------------------------------------

function percentile(sorted, p) {
    if (sorted.length === 0) return NaN;
    const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[i];
}

function round(v, digits = 1) {
    if (!Number.isFinite(v)) return v;
    const f = Math.pow(10, digits);
    return Math.round(v * f) / f;
}

function mb(bytes) {
    return round(bytes / (1024 * 1024), 1);
}

function sleep(ms) {
    return new Promise((r) => setTimeout(r, ms));
}

// ---- context stores ------------------------------------------------------------------------------------

/**
 * A KeyValueStore over Node-RED's real context module (global scope), configured with `storage`
 * (e.g. {module: 'localfilesystem', config: {dir, cache: true}}). Resolves {store, close()}.
 */
async function nodeRedGlobalStore(storage) {
    const Context = require(require.resolve('@node-red/runtime/lib/nodes/context', { paths: [ROOT] }));
    await Context.init({ contextStorage: { default: storage } });
    await Context.load();
    const { contextStore } = dist('lib/context.js');
    const global = Context.get('global');
    return { store: contextStore(global, undefined), close: () => Context.close(), Context };
}

function tmpDir(prefix) {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

module.exports = {
    ROOT,
    API_KEY,
    dist,
    startHumandSim,
    processCpuSeconds,
    simCall,
    resetSim,
    activeEmployees,
    usersFor,
    makeEvent,
    makeWorkload,
    isoWithOffset,
    verifyJournal,
    percentile,
    round,
    mb,
    sleep,
    nodeRedGlobalStore,
    tmpDir,
};
