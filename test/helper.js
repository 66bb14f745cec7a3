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

/** Waits (on real or fake time driven elsewhere) until fn() is truthy, polling on setImmediate. */
async function until(fn, { tries = 2000 } = {}) {
    for (let i = 0; i < tries; i++) {
        const v = fn();
        if (v) return v;
        await new Promise((r) => setImmediate(r));
    }
    throw new Error('condition not met: ' + fn.toString());
}

module.exports = { helper, Context, nrVersion, nrModule, node, useContextStores, resetContext, tmpDir, collect, until };
