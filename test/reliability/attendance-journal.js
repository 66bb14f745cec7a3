'use strict';
// What the attendance journal's end-to-end spec (journal.spec.js) shares: the journal's folder and its
// files read as they are on disk, the admin API of the journal (search, parked, replay, dismiss), a test
// tab that feeds events and msg.topic commands into identity-map / humand-clock over HTTP, and re-deploys.
// Not to be confused with ./journal.js: the Humand SIMULATOR's journal of records.
const fs = require('fs');
const path = require('path');
const { request } = require('./stack');
const H = require('../harness');

const MAP = 'ab0node00000map';
const CLOCK = 'ab0node00000clk';
const TEST_TAB = 'ab0e2ej0000tab1';
const INPUT_ROUTE = '/test/journal-input';

/** The journal's tenant folder of a stack: `<userDir>/attendance-bridge/journal/default` unless settings say otherwise. */
function journalDir(stack, dir) {
    return dir || path.join(stack.userDir, 'attendance-bridge', 'journal', 'default');
}

/** Every `<YYYY-MM-DD>/<NN>.jsonl` file of the folder with each line parsed: {file, lines: [{text, json}]} (json undefined: not JSON). */
function dayFiles(dir) {
    const out = [];
    for (const day of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !fs.statSync(path.join(dir, day)).isDirectory()) continue;
        for (const name of fs.readdirSync(path.join(dir, day)).sort()) {
            if (!name.endsWith('.jsonl')) continue;
            const file = path.join(day, name);
            const text = fs.readFileSync(path.join(dir, file), 'utf8');
            const lines = text.split('\n').filter((t) => t !== '').map((t) => {
                let json;
                try {
                    json = JSON.parse(t);
                } catch (e) {
                    json = undefined;
                }
                return { text: t, json };
            });
            out.push({ file, text, lines });
        }
    }
    return out;
}

/** The journal's lines of an event as stored (short keys: i id, s step, o outcome, e employee, h Humand answer, x attempt). */
function storedLines(dir) {
    const lines = [];
    for (const f of dayFiles(dir)) for (const l of f.lines) if (l.json) lines.push(l.json);
    return lines;
}

/**
 * The journal's events as stored, by id: {id, time, employeeId, steps: [step names], sent: true when a
 * `sent` line (Humand's final answer) is there}.
 */
function storedEvents(dir) {
    const byId = new Map();
    for (const l of storedLines(dir)) {
        let e = byId.get(l.i);
        if (!e) {
            e = { id: l.i, time: undefined, employeeId: undefined, steps: [], sent: false };
            byId.set(l.i, e);
        }
        if (l.ev && l.ev.t) e.time = l.ev.t;
        e.employeeId = l.e || (l.ev && l.ev.e) || e.employeeId;
        e.steps.push(l.s);
        if (l.s === 'sent') e.sent = true;
    }
    return byId;
}

/** The admin API of the journal (lib/journal/routes.ts) on a stack's Node-RED. */
function journalApi(stack) {
    const base = stack.urls.nodeRed;
    const ok = (res, what) => {
        if (res.status !== 200) throw new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
        return res.json;
    };
    return {
        async search(employee, from, to) {
            const q = new URLSearchParams({ employee, ...(from ? { from } : {}), ...(to ? { to } : {}) });
            return ok(await request('GET', `${base}/attendance-bridge/journal?${q}`), 'search').events;
        },
        async parked() {
            return ok(await request('GET', `${base}/attendance-bridge/parked`), 'parked').items;
        },
        async replay(selection) {
            return ok(await request('POST', `${base}/attendance-bridge/parked/replay`, selection), 'replay').replayed;
        },
        async dismiss(selection) {
            return ok(await request('POST', `${base}/attendance-bridge/parked/dismiss`, selection), 'dismiss').dismissed;
        },
        async csv(day) {
            const res = await H.httpRequest('GET', `${base}/attendance-bridge/journal/day/${day}.csv`, { headers: { Accept: 'text/csv' } });
            if (res.status !== 200) throw new Error(`csv: HTTP ${res.status} ${res.text.slice(0, 200)}`);
            return res.text;
        },
    };
}

/**
 * Adds the test tab: POST /test/journal-input {node: 'map'|'clock', topic, payload} sends {topic, payload}
 * into identity-map or humand-clock (an event, or a `replay` / `dismiss` command) and answers 200.
 */
function withTestInput(flow) {
    const fn = [
        'const b = msg.payload || {};',
        'const m = { topic: b.topic, payload: b.payload };',
        'msg.payload = { ok: true };',
        'return b.node === "clock" ? [null, m, msg] : [m, null, msg];',
    ].join('\n');
    flow.push(
        { id: TEST_TAB, type: 'tab', label: 'journal test input', disabled: false },
        { id: 'ab0e2ej000httpi', type: 'http in', z: TEST_TAB, name: '', url: INPUT_ROUTE, method: 'post', upload: false, swaggerDoc: '', x: 120, y: 60, wires: [['ab0e2ej00000fn1']] },
        { id: 'ab0e2ej00000fn1', type: 'function', z: TEST_TAB, name: 'to a node', func: fn, outputs: 3, x: 320, y: 60, wires: [[MAP], [CLOCK], ['ab0e2ej000httpo']] },
        { id: 'ab0e2ej000httpo', type: 'http response', z: TEST_TAB, name: '', statusCode: '', headers: {}, x: 520, y: 60, wires: [] },
    );
    return flow;
}

/** Sends an event or a command into identity-map (`node` 'map') or humand-clock ('clock') through the test tab. */
async function input(stack, node, topic, payload) {
    const res = await request('POST', `${stack.urls.nodeRed}${INPUT_ROUTE}`, { node, topic, payload });
    if (res.status !== 200) throw new Error(`test input: HTTP ${res.status} ${res.text.slice(0, 200)}`);
}

/** A door event as HikCentral's source gives it to identity-map: `minutesAgo` before now, in UTC-3. */
function doorEvent(id, person, minutesAgo, direction) {
    const ms = Math.floor((Date.now() - minutesAgo * 60000) / 1000) * 1000;
    const local = new Date(ms - 3 * 3600000).toISOString().replace(/\.\d{3}Z$/, '.000-03:00');
    return { id, source: 'hikcentral', person, time: local, direction, device: { id: '1', name: 'Main entrance' } };
}

/** The deployed flow (GET /flows). */
async function getFlow(stack) {
    const res = await request('GET', `${stack.urls.nodeRed}/flows`);
    if (res.status !== 200) throw new Error(`GET /flows: HTTP ${res.status}`);
    return Array.isArray(res.json) ? res.json : res.json.flows;
}

/** Deploys `flow` through the admin API (only the changed nodes restart); resolves once Node-RED says they started. */
async function deploy(stack, flow) {
    const started = () => stack.nodeRed.output.filter((l) => /Started modified nodes/.test(l)).length;
    const before = started();
    const res = await H.httpRequest('POST', `${stack.urls.nodeRed}/flows`, { body: flow, headers: { 'Node-RED-Deployment-Type': 'nodes' } });
    if (res.status !== 204 && res.status !== 200) throw new Error(`POST /flows: HTTP ${res.status} ${res.text.slice(0, 200)}`);
    await H.waitFor(() => started() > before, { what: 'the modified nodes started', timeoutMs: 20000, intervalMs: 50 });
}

/** The journal's entry in the health report (`id: 'attendance-journal'`). */
async function journalHealth(stack) {
    const h = await stack.health();
    return h.json && h.json.nodes.find((n) => n.id === 'attendance-journal');
}

/** A step of an entry (the last one with that name). */
function stepOf(entry, name) {
    return entry && entry.steps.filter((s) => s.step === name).pop();
}

module.exports = { MAP, CLOCK, journalDir, dayFiles, storedLines, storedEvents, journalApi, withTestInput, input, doorEvent, getFlow, deploy, journalHealth, stepOf };
