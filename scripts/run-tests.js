#!/usr/bin/env node
// Runs the mocha suite once per supported Node-RED: 5.x on Node 22 (the `node` dev dependency)
// and 4.1.x on the machine's own Node (npm's node, 20 here); then, once, the end-to-end suites that
// start real Node-RED processes (test/reliability, test/e2e: packed package, simulators, browser).
// Prints per-run counts and a closing "N passed, N failed" line; exits non-zero when any test
// failed or none ran.
//   --only unit     unit specs only (both versions)      --nr 5|4   one Node-RED version
//   --no-e2e        skip the end-to-end stage             --only e2e  the end-to-end stage only
'use strict';
const path = require('path');
const { spawnSync, execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const nrOnly = args.includes('--nr') ? args[args.indexOf('--nr') + 1] : undefined;

function nodeVersion(bin) {
    try {
        return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
    } catch (e) {
        return undefined;
    }
}
function major(v) {
    return v ? parseInt(v.replace(/^v/, ''), 10) : 0;
}

let node22;
try {
    node22 = require.resolve('node/bin/node', { paths: [root] });
} catch (e) {
    node22 = process.execPath;
}
if (major(nodeVersion(node22)) < 22) {
    console.error('Node-RED 5 needs Node >= 22.9: the dev dependency "node" (npm package) is missing; run npm install');
    process.exit(1);
}
const ownNode = process.env.npm_node_execpath || process.execPath;

const fs = require('fs');
const e2eGlobs = ['test/reliability/*.spec.js', 'test/e2e/*.spec.js'].filter((g) => fs.existsSync(path.join(root, path.dirname(g))));
const targets = [
    { label: 'Node-RED 5', key: '5', node: node22, nr: 'node-red' },
    { label: 'Node-RED 4.1', key: '4', node: ownNode, nr: 'node-red-4' },
]
    .filter((t) => !nrOnly || t.key === nrOnly)
    .filter(() => only !== 'e2e')
    .map((t) => ({ ...t, args: only === 'unit' ? ['test/unit/**/*.spec.js'] : [] }));
if (!args.includes('--no-e2e') && only !== 'unit' && nrOnly !== '4' && e2eGlobs.length > 0) {
    targets.push({ label: 'End-to-end (real Node-RED 5 processes)', key: 'e2e', node: node22, nr: 'node-red', args: ['--no-config', '--timeout', '300000', '--exit', ...e2eGlobs] });
}

const mocha = require.resolve('mocha/bin/mocha.js', { paths: [root] });
let passed = 0;
let failed = 0;
const summary = [];
for (const t of targets) {
    const nrVersion = require(require.resolve(t.nr + '/package.json', { paths: [root] })).version;
    const label = `${t.label} ${nrVersion} on Node ${nodeVersion(t.node)}`;
    console.log(`\n=== ${label} ===`);
    const res = spawnSync(t.node, [mocha, ...t.args], {
        cwd: root,
        env: { ...process.env, AB_NODE_RED: t.nr },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 64 * 1024 * 1024,
    });
    process.stdout.write(res.stdout || '');
    const out = res.stdout || '';
    const p = parseInt((out.match(/(\d+) passing/) || [])[1] || '0', 10);
    const f = parseInt((out.match(/(\d+) failing/) || [])[1] || '0', 10);
    const pend = parseInt((out.match(/(\d+) pending/) || [])[1] || '0', 10);
    const crashed = res.status !== 0 && f === 0;
    passed += p;
    failed += f + (crashed ? 1 : 0) + pend;
    summary.push(`${label}: ${p} passed, ${f} failed${pend ? `, ${pend} pending (not allowed)` : ''}${crashed ? ' (mocha exited ' + res.status + ')' : ''}`);
}
console.log('\n' + summary.join('\n'));
if (passed === 0) failed += 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
