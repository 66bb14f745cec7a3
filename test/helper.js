'use strict';
// Test set-up shared by all specs: picks the Node-RED under test (AB_NODE_RED=node-red | node-red-4),
// initialises node-red-node-test-helper with it, and gives access to the runtime's context module so
// specs can configure real context stores (memory, localfilesystem with and without cache).
const path = require('path');
const fs = require('fs');
const os = require('os');
const helper = require('node-red-node-test-helper');

const nrModule = process.env.AB_NODE_RED || 'node-red';
const nrMain = require.resolve(nrModule);
helper.init(nrMain);

const Context = require(require.resolve('@node-red/runtime/lib/nodes/context', { paths: [path.dirname(nrMain)] }));
const nrVersion = require(require.resolve(nrModule + '/package.json')).version;

const dist = path.join(__dirname, '..', 'dist', 'nodes');
function node(name) {
    return require(path.join(dist, name, name + '.js'));
}

/** Configures context stores after helper.load (helper.load resets them). */
async function useContextStores(contextStorage) {
    await Context.init({ contextStorage });
    await Context.load();
}

async function resetContext() {
    try {
        await Context.clean({ allNodes: {} });
    } catch (e) { /* nothing loaded */ }
    try {
        await Context.close();
    } catch (e) { /* already closed */ }
}

function tmpDir(prefix) {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix || 'ab-test-'));
}

/** Collects messages arriving at a helper node. */
function collect(n) {
    const msgs = [];
    n.on('input', (msg) => msgs.push(msg));
    return msgs;
}

/**
 * Waits until fn() is truthy, yielding to I/O with setImmediate and measuring real time with
 * process.hrtime (neither is faked by the specs' sinon clocks). Fails after `ms` of real time.
 */
async function until(fn, { ms = 4000 } = {}) {
    const deadline = process.hrtime.bigint() + BigInt(ms) * 1000000n;
    for (;;) {
        const v = fn();
        if (v) return v;
        if (process.hrtime.bigint() > deadline) throw new Error('condition not met: ' + fn.toString());
        await new Promise((r) => setImmediate(r));
    }
}

/**
 * Deploys a flow into the running test runtime (full, flows or nodes) and resolves once it started.
 * (node-red-node-test-helper's setFlows only listens for 'flows:started' after the deploy returned,
 * and gives up after 300 ms; here the listener is in place before the deploy.)
 */
async function deploy(flow, type = 'full', credentials = {}) {
    const events = helper._events;
    const started = new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            events.off('flows:started', onStarted);
            reject(new Error('flows did not start within 5 s (missing node types?)'));
        }, 5000);
        function onStarted() {
            clearTimeout(timer);
            events.off('flows:started', onStarted);
            resolve();
        }
        events.on('flows:started', onStarted);
    });
    await helper._redNodes.setFlows(flow, credentials, type);
    await started;
}

/** Every spec starts with an empty attendance journal (one per Node-RED process otherwise). */
if (typeof afterEach === 'function') {
    afterEach(() => require(path.join(__dirname, '..', 'dist', 'lib', 'journal', 'index.js')).closeJournals());
}

module.exports = { helper, deploy, Context, nrVersion, nrModule, node, useContextStores, resetContext, tmpDir, collect, until };
