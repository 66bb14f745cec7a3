#!/usr/bin/env node
// The demo behind `npm start`: starts the repository's simulators of Humand, HikCentral and HySecure
// (each a child process with a steady trickle of realistic events for 40 people) and a Node-RED 5
// (on the Node 22 runtime from the `node` dev dependency) with this package, the example flow pointed
// at the simulators, and a persistent file context store in flows/run/. Ctrl-C stops everything.
//
//   node flows/start.js [--reset]     --reset: forget flows/run/ (flow, context, outbox) first
//
// Environment: AB_DEMO_PORT (Node-RED, default 1880), AB_DEMO_SIM_PORT (first simulator port, default 3101).
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { spawn } = require('child_process');
const { readExample, pointAtSimulators } = require('./demo-flow');

const root = path.resolve(__dirname, '..');
const runDir = path.join(__dirname, 'run');
const nrPort = Number(process.env.AB_DEMO_PORT || 1880);
const simPort = Number(process.env.AB_DEMO_SIM_PORT || 3101);
const PEOPLE = 40;
const DEMO_ZONE = 'America/Argentina/Buenos_Aires'; // the demo flow's HySecure time zone (flows/demo-flow.js)

let node22;
try {
    node22 = require.resolve('node/bin/node', { paths: [root] });
} catch (e) {
    node22 = process.execPath;
}

if (process.argv.includes('--reset')) fs.rmSync(runDir, { recursive: true, force: true });
fs.mkdirSync(runDir, { recursive: true });

// Demo secrets: random at every start, handed to the simulators and (as environment) to Node-RED.
const secret = () => crypto.randomBytes(12).toString('hex');
const env = {
    AB_HUMAND_URL: `http://127.0.0.1:${simPort}/public/api/v1`,
    AB_HUMAND_KEY: secret(),
    AB_ARTEMIS_URL: `http://127.0.0.1:${simPort + 1}`,
    AB_ARTEMIS_KEY: String(10000000 + crypto.randomInt(89999999)),
    AB_ARTEMIS_SECRET: secret(),
    AB_HYSECURE_URL: `http://127.0.0.1:${simPort + 2}`,
    AB_HYSECURE_USER: 'hrms-demo',
    AB_HYSECURE_PASSWORD: secret(),
};

const flowFile = path.join(runDir, 'flows.json');
const urls = { humand: env.AB_HUMAND_URL, artemis: env.AB_ARTEMIS_URL, hysecure: env.AB_HYSECURE_URL };
if (!fs.existsSync(flowFile)) {
    const { flow, credentials } = pointAtSimulators(readExample(), { store: 'file', urls });
    fs.writeFileSync(flowFile, JSON.stringify(flow, null, 4));
    fs.writeFileSync(path.join(runDir, 'flows_cred.json'), JSON.stringify(credentials, null, 4));
} else {
    // Keep the user's edits, but point the connections at this run's simulators (ports may differ).
    const flow = JSON.parse(fs.readFileSync(flowFile, 'utf8'));
    const byType = { 'humand-server': urls.humand, 'artemis-server': urls.artemis, 'hysecure-server': urls.hysecure };
    for (const n of flow) if (byType[n.type]) n.baseUrl = byType[n.type];
    fs.writeFileSync(flowFile, JSON.stringify(flow, null, 4));
}

const children = [];
let stopping = false;

function start(label, args, extraEnv, readyPattern) {
    return new Promise((resolve, reject) => {
        const child = spawn(node22, args, { cwd: root, env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
        children.push(child);
        let ready = false;
        const onLine = (stream) => (chunk) => {
            for (const line of String(chunk).split('\n')) {
                if (line.trim() === '') continue;
                stream.write(`[${label}] ${line}\n`);
                if (!ready && readyPattern.test(line)) {
                    ready = true;
                    resolve(child);
                }
            }
        };
        child.stdout.on('data', onLine(process.stdout));
        child.stderr.on('data', onLine(process.stderr));
        child.on('exit', (code, signal) => {
            if (!ready) reject(new Error(`${label} exited (${code ?? signal}) before it was ready`));
            else if (!stopping) {
                console.error(`[demo] ${label} stopped (${code ?? signal}); stopping the demo`);
                stop(1);
            }
        });
    });
}

function stop(code) {
    if (stopping) return;
    stopping = true;
    for (const child of children.reverse()) {
        if (child.exitCode === null) child.kill('SIGTERM');
    }
    setTimeout(() => process.exit(code), 1500).unref();
    Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

(async () => {
    try {
        await start('humand', ['sim/humand.js', '--port', String(simPort), '--users', String(PEOPLE), '--api-key', env.AB_HUMAND_KEY], {}, /listening/);
        await start('hikcentral', ['sim/hikcentral.js', '--port', String(simPort + 1), '--people', String(PEOPLE),
            '--app-key', env.AB_ARTEMIS_KEY, '--app-secret', env.AB_ARTEMIS_SECRET, '--trickle-ms', '4000'], {}, /listening/);
        await start('hysecure', ['sim/hysecure.js', '--port', String(simPort + 2), '--people', String(PEOPLE),
            '--username', env.AB_HYSECURE_USER, '--password', env.AB_HYSECURE_PASSWORD, '--timezone', DEMO_ZONE], {}, /listening/);
        await start('node-red', [path.join(root, 'node_modules', 'node-red', 'red.js'), '--settings', path.join(__dirname, 'settings.js'),
            '--userDir', runDir, '--port', String(nrPort)], env, /Started flows|Server now running/);
        console.log(`
[demo] Node-RED editor:        http://127.0.0.1:${nrPort}/
[demo] Humand simulator page:  http://127.0.0.1:${simPort}/   (accepted records appear here within a minute)
[demo] Health:                 http://127.0.0.1:${nrPort}/attendance-bridge/health
[demo] Ctrl-C stops everything. State and outbox persist in flows/run/ (npm start -- --reset starts afresh).
`);
    } catch (err) {
        console.error(`[demo] ${err.message}`);
        stop(1);
    }
})();
