'use strict';
// Shared by the humand-outbox-*.spec.js files: a fake Humand client, events and the stored view.
const { Outbox, bucketOf } = require('../../dist/lib/humand/outbox');
const { RateLimiter } = require('../../dist/lib/backoff');
const { DEFAULT_RULES } = require('../../dist/lib/humand/rules');

const T0 = Date.parse('2026-01-27T12:00:00-03:00');
const rules = { ...DEFAULT_RULES, debounceMs: 0 };
const meta = { origin: 'n1' };

function reply(status, body, headers = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    let json;
    try { json = JSON.parse(text); } catch (e) { json = undefined; }
    return { status, headers, text, json };
}

/** A fake Humand client: answers with `answer(call, n)` (default 201) and records every call. */
function fakeClient(answer) {
    const calls = [];
    return {
        calls,
        clock(action, body, signal) {
            const call = { action, body, signal, at: Date.now() };
            calls.push(call);
            return Promise.resolve().then(() => (answer ? answer(call, calls.length) : reply(201, { id: calls.length })));
        },
    };
}

/** A client that never answers; like axios, it gives up when the request is aborted. */
function hangingClient() {
    return fakeClient((call) => new Promise((resolve, reject) => {
        const { HttpFailure } = require('../../dist/lib/http');
        const fail = () => reject(new HttpFailure('aborted', 'request aborted'));
        if (call.signal.aborted) fail();
        else call.signal.addEventListener('abort', fail);
    }));
}

/** A client whose calls wait until `client.answer(reply)` (or give up when aborted). */
function gatedClient() {
    const gates = [];
    const client = fakeClient((call) => new Promise((resolve, reject) => {
        const { HttpFailure } = require('../../dist/lib/http');
        gates.push(resolve);
        call.signal.addEventListener('abort', () => reject(new HttpFailure('aborted', 'request aborted')));
    }));
    client.answer = (res) => gates.shift()(res || reply(201, {}));
    client.pending = () => gates.length > 0;
    return client;
}

/** ISO time `ms` from the (fake) clock's now, written with -03:00. */
function isoIn(ms) {
    return new Date(Date.now() + ms - 3 * 3600000).toISOString().replace('Z', '-03:00');
}

function event(emp, n, time, direction = null) {
    return { id: `t:${emp}:${n}`, source: 'hikcentral', person: { id: emp, name: 'P' + emp }, time, direction, employeeId: emp };
}

/** What the store holds for one employee (employees live in bucket keys, each a JSON string). */
function stored(store, emp, prefix = 'ab_') {
    const raw = store.data.get(`${prefix}b${bucketOf(emp)}`);
    if (raw === undefined) return undefined;
    const bucket = JSON.parse(JSON.parse(raw));
    return Object.prototype.hasOwnProperty.call(bucket, emp) ? bucket[emp] : undefined;
}

/**
 * Fake timers from T0 for each test of the calling describe(), and the outboxes its tests made (closed after
 * each test): `box.clock`, `box.outboxes`.
 */
function outboxSandbox(toFake = ['setTimeout', 'clearTimeout', 'Date']) {
    const sinon = require('sinon');
    const box = { clock: undefined, outboxes: [] };
    beforeEach(function () {
        box.clock = sinon.useFakeTimers({ now: T0, toFake });
        box.outboxes = [];
    });
    afterEach(async function () {
        for (const d of box.outboxes) await d.close();
        box.clock.restore();
    });
    return box;
}

function makeOutbox(list, store, client, extra = {}) {
    const d = new Outbox({
        store,
        keyPrefix: 'ab_',
        client: () => client,
        limiter: new RateLimiter(0),
        dryRun: false,
        concurrency: 4,
        random: () => 0.5,
        ...extra,
    });
    const results = [];
    d.attach('n1', (r) => results.push(r));
    list.push(d);
    return { d, results };
}

module.exports = { T0, rules, meta, reply, fakeClient, hangingClient, gatedClient, isoIn, event, stored, makeOutbox, outboxSandbox };
