'use strict';
// End-to-end harness: the packed package installed the way the palette manager installs it, a real
// Node-RED 5 process (Node 22) running the example flow against the repository's simulators (each a
// child process), and a file context store. Used by the reliability specs.
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const http = require('http');
const crypto = require('crypto');
const { spawn, execFileSync } = require('child_process');
const { readExample, pointAtSimulators } = require('../../flows/demo-flow');

const root = path.resolve(__dirname, '..', '..');
const node22 = require.resolve('node/bin/node', { paths: [root] });
const npmCli = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : undefined;

function npm(args, cwd) {
    // npm runs on the machine's own Node (npm's node), whatever runs this harness.
    const nodeBin = process.env.npm_node_execpath || process.execPath;
    if (npmCli) return execFileSync(nodeBin, [npmCli, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

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

function freePort() {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => {
            const { port } = srv.address();
            srv.close(() => resolve(port));
        });
    });
}

/** A small JSON HTTP client for the simulators' control routes and Node-RED's admin API. */
function request(method, url, body) {
    return new Promise((resolve, reject) => {
        const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
        const req = http.request(url, {
            method,
            headers: { Accept: 'application/json', ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}) },
            timeout: 10000,
        }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => {
                const text = Buffer.concat(chunks).toString('utf8');
                let json;
                try { json = JSON.parse(text); } catch (e) { json = undefined; }
                resolve({ status: res.statusCode, json, text });
            });
        });
        req.on('timeout', () => req.destroy(new Error(`timeout ${method} ${url}`)));
        req.on('error', reject);
        if (data) req.write(data);
        req.end();
    });
}

/** Spawns `args` on Node 22 and resolves once a line matches `ready`; keeps the output for diagnosis. */
function spawnReady(label, args, env, ready, timeoutMs = 30000) {
    return new Promise((resolve, reject) => {
        const child = spawn(node22, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
        child.output = [];
        let done = false;
        const timer = setTimeout(() => {
            if (done) return;
            done = true;
            child.kill('SIGKILL');
            reject(new Error(`${label} not ready within ${timeoutMs} ms:\n${child.output.slice(-30).join('\n')}`));
        }, timeoutMs);
        const onData = (chunk) => {
            for (const line of String(chunk).split('\n')) {
                if (!line) continue;
                child.output.push(line);
                if (child.output.length > 50000) child.output.shift();
                if (!done && ready.test(line)) {
                    done = true;
                    clearTimeout(timer);
                    resolve(child);
                }
            }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', (code, signal) => {
            child.exited = { code, signal };
            if (!done) {
                done = true;
                clearTimeout(timer);
                reject(new Error(`${label} exited (${code ?? signal}) before it was ready:\n${child.output.slice(-30).join('\n')}`));
            }
        });
    });
}

function killed(child, signal = 'SIGTERM') {
    if (!child || child.exited) return Promise.resolve();
    return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill(signal);
    });
}

async function waitFor(fn, { timeoutMs = 60000, intervalMs = 200, what = 'condition' } = {}) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
        last = await fn();
        if (last) return last;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, intervalMs));
    }
}

/**
 * The whole stack. `options.people` (default 12), `options.flowOptions` for pointAtSimulators,
 * `options.settings` merged into Node-RED's settings.
 */
async function createStack(options = {}) {
    const pkg = installPackage();
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-e2e-user-'));
    fs.symlinkSync(pkg.nodeModules, path.join(userDir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }));
    const people = options.people || 12;
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
    const settings = {
        uiHost: '127.0.0.1',
        uiPort: ports.nodeRed,
        flowFile: 'flows.json',
        credentialSecret: false,
        contextStorage: { default: { module: 'memory' }, file: { module: 'localfilesystem', config: { flushInterval: 1 } } },
        editorTheme: { tours: false },
        telemetry: { enabled: false },
        logging: { console: { level: 'info', metrics: false, audit: false } },
        ...(options.settings || {}),
    };
    fs.writeFileSync(path.join(userDir, 'settings.js'), `module.exports = ${JSON.stringify(settings, null, 2)};\n`);

    stack.startSimulators = async function () {
        stack.children.humand = await spawnReady('humand', ['sim/humand.js', '--port', String(ports.humand), '--users', String(people),
            '--api-key', env.AB_HUMAND_KEY], {}, /listening/);
        stack.children.artemis = await spawnReady('hikcentral', ['sim/hikcentral.js', '--port', String(ports.artemis), '--people', String(people),
            '--app-key', env.AB_ARTEMIS_KEY, '--app-secret', env.AB_ARTEMIS_SECRET, '--trickle-ms', '0'], {}, /listening/);
        stack.children.hysecure = await spawnReady('hysecure', ['sim/hysecure.js', '--port', String(ports.hysecure), '--people', '0',
            '--username', env.AB_HYSECURE_USER, '--password', env.AB_HYSECURE_PASSWORD, '--timezone', stack.zone], {}, /listening/);
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
