'use strict';
// End-to-end harness: the packed package installed the way the palette manager installs it, a real
// Node-RED 5 process (Node 22) running the example flow against the repository's simulators (each a
// child process), and a file context store. Used by the reliability specs; the set-up it shares
// with the editor suites (ports, settings, processes, HTTP) is in test/harness.js.
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const { execFileSync } = require('child_process');
const { readExample, pointAtSimulators } = require('../../flows/demo-flow');
const H = require('../harness');

const { ROOT: root, npm, freePort, waitFor, writeSettings } = H;
const node22 = H.node22();

let installed;
/** Packs the package and installs the tarball into a base directory, once per process. */
function installPackage() {
    if (installed) return installed;
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-e2e-pkg-'));
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build.js')], { cwd: root, stdio: 'ignore' });
    const packOut = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', base], root);
    const tgz = path.join(base, JSON.parse(packOut)[0].filename);
    fs.writeFileSync(path.join(base, 'package.json'), JSON.stringify({ name: 'ab-e2e', version: '1.0.0', private: true }));
    npm(['install', '--omit=dev', '--engine-strict', '--no-audit', '--no-fund', '--prefer-offline', tgz], base);
    installed = { base, tgz, nodeModules: path.join(base, 'node_modules') };
    return installed;
}

/** A small JSON HTTP client for the simulators' control routes and Node-RED's admin API. */
function request(method, url, body) {
    return H.httpRequest(method, url, { body: body === undefined ? undefined : JSON.stringify(body), timeoutMs: 10000 });
}

/** Spawns `args` on Node 22 and resolves once a line matches `ready`; keeps the output for diagnosis. */
function spawnReady(label, args, env, ready, timeoutMs = 30000) {
    return H.spawnReady(label, node22, args, { cwd: root, env: { ...process.env, ...env }, ready, timeoutMs });
}

const killed = (child, signal = 'SIGTERM') => H.stopChild(child, { signal });

/**
 * The whole stack. `options.people` (default 12), `options.flowOptions` for pointAtSimulators,
 * `options.settings` merged into Node-RED's settings, `options.mapFlow(flow)` to change the flow,
 * `options.simArgs` ({humand, artemis, hysecure}: extra command-line arguments per simulator).
 */
async function createStack(options = {}) {
    const pkg = installPackage();
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-e2e-user-'));
    fs.symlinkSync(pkg.nodeModules, path.join(userDir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }));
    const people = options.people || 12;
    const simArgs = { humand: [], artemis: [], hysecure: [], ...(options.simArgs || {}) };
    const secret = () => crypto.randomBytes(12).toString('hex');
    const ports = { humand: await freePort(), artemis: await freePort(), hysecure: await freePort(), nodeRed: await freePort() };
    const env = {
        AB_HUMAND_URL: `http://127.0.0.1:${ports.humand}/public/api/v1`,
        AB_HUMAND_KEY: secret(),
        AB_ARTEMIS_URL: `http://127.0.0.1:${ports.artemis}`,
        AB_ARTEMIS_KEY: String(10000000 + crypto.randomInt(89999999)),
        AB_ARTEMIS_SECRET: secret(),
        AB_HYSECURE_URL: `http://127.0.0.1:${ports.hysecure}`,
        AB_HYSECURE_USER: 'hrms-e2e',
        AB_HYSECURE_PASSWORD: secret(),
    };
    const zone = 'America/Argentina/Buenos_Aires';
    const stack = { userDir, ports, env, people, zone, children: {}, nodeRed: undefined, logs: [] };
    stack.urls = {
        humand: `http://127.0.0.1:${ports.humand}`,
        artemis: `http://127.0.0.1:${ports.artemis}`,
        hysecure: `http://127.0.0.1:${ports.hysecure}`,
        nodeRed: `http://127.0.0.1:${ports.nodeRed}`,
    };

    const { flow, credentials } = pointAtSimulators(readExample(), {
        store: 'file',
        urls: { humand: env.AB_HUMAND_URL, artemis: env.AB_ARTEMIS_URL, hysecure: env.AB_HYSECURE_URL },
        timezone: zone,
        ...(options.flowOptions || {}),
    });
    fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(options.mapFlow ? options.mapFlow(flow) : flow, null, 2));
    fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(credentials, null, 2));
    writeSettings(userDir, {
        uiPort: ports.nodeRed,
        contextStorage: { default: { module: 'memory' }, file: { module: 'localfilesystem', config: { flushInterval: 1 } } },
        ...(options.settings || {}),
    });

    stack.startSimulators = async function () {
        stack.children.humand = await spawnReady('humand', ['sim/humand.js', '--port', String(ports.humand), '--users', String(people),
            '--api-key', env.AB_HUMAND_KEY, ...simArgs.humand], {}, /listening/);
        stack.children.artemis = await spawnReady('hikcentral', ['sim/hikcentral.js', '--port', String(ports.artemis), '--people', String(people),
            '--app-key', env.AB_ARTEMIS_KEY, '--app-secret', env.AB_ARTEMIS_SECRET, '--trickle-ms', '0', ...simArgs.artemis], {}, /listening/);
        stack.children.hysecure = await spawnReady('hysecure', ['sim/hysecure.js', '--port', String(ports.hysecure), '--people', '0',
            '--username', env.AB_HYSECURE_USER, '--password', env.AB_HYSECURE_PASSWORD, '--timezone', stack.zone, ...simArgs.hysecure], {}, /listening/);
    };
    stack.startNodeRed = async function () {
        stack.nodeRed = await spawnReady('node-red', [path.join(root, 'node_modules', 'node-red', 'red.js'), '--userDir', userDir,
            '--settings', path.join(userDir, 'settings.js')], env, /Started flows/, 60000);
        stack.logs.push(stack.nodeRed.output);
        return stack.nodeRed;
    };
    /** Everything every Node-RED process of this stack printed so far. */
    stack.logText = () => stack.logs.map((l) => l.join('\n')).join('\n');
    stack.killNodeRed = (signal = 'SIGKILL') => killed(stack.nodeRed, signal);
    stack.journal = async () => (await request('GET', `${stack.urls.humand}/__sim/journal`)).json;
    stack.sim = (name, method, route, body) => request(method, `${stack.urls[name]}${route}`, body);
    stack.health = () => request('GET', `${stack.urls.nodeRed}/attendance-bridge/health`);
    stack.stop = async function () {
        await killed(stack.nodeRed, 'SIGTERM');
        for (const c of Object.values(stack.children)) await killed(c, 'SIGTERM');
        fs.rmSync(userDir, { recursive: true, force: true });
    };
    return stack;
}

module.exports = { createStack, installPackage, request, waitFor, freePort, root, node22 };
