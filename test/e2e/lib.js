// Shared helpers for the end-to-end suites (real editor, palette install, scorecard): the package's
// node list read from package.json, a real Node-RED started with the CLI in a temporary user
// directory, the admin API, the repository's simulators, and the Debian chromium check.
'use strict';
const fs = require('fs');
const os = require('os');
const net = require('net');
const path = require('path');
const http = require('http');
const { spawn } = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const MODULE = PKG.name;
const CHROMIUM = process.env.AB_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

function node22() {
    try {
        return require.resolve('node/bin/node', { paths: [ROOT] });
    } catch (e) {
        return process.execPath;
    }
}
/** The machine's own Node (npm's, 20 here), for Node-RED 4.1. */
function ownNode() {
    return process.env.npm_node_execpath || (process.release.name === 'node' && !process.execPath.includes('node_modules') ? process.execPath : 'node');
}

/**
 * The node sets declared in package.json "node-red".nodes, with their source files. By convention
 * a set's name is its node type and its folder is nodes/<name>/.
 */
function nodeSets() {
    const sets = (PKG['node-red'] && PKG['node-red'].nodes) || {};
    return Object.keys(sets).map((name) => {
        const dist = path.join(ROOT, sets[name]);
        const srcDir = path.join(ROOT, 'nodes', name);
        const html = path.join(srcDir, `${name}.html`);
        return { name, type: name, dist, distHtml: dist.replace(/\.js$/, '.html'), srcDir, html: fs.existsSync(html) ? html : dist.replace(/\.js$/, '.html') };
    });
}

/** Example flows shipped in examples/ (recursively), as {file, flow}. */
function exampleFlows() {
    const dir = path.join(ROOT, 'examples');
    const out = [];
    const walk = (d) => {
        if (!fs.existsSync(d)) return;
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else if (e.name.endsWith('.json')) out.push({ file: path.relative(ROOT, p), flow: JSON.parse(fs.readFileSync(p, 'utf8')) });
        }
    };
    walk(dir);
    return out.sort((a, b) => a.file.localeCompare(b.file));
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

function tmpDir(prefix) {
    return fs.mkdtempSync(path.join(os.tmpdir(), `ab-e2e-${prefix}-`));
}

/** settings.js for a test Node-RED: localhost only, no tours/telemetry/palette installs, no secret. */
function writeSettings(userDir, extra = {}) {
    const settings = {
        uiHost: '127.0.0.1',
        flowFile: 'flows.json',
        credentialSecret: false,
        logging: { console: { level: 'info', metrics: false, audit: false } },
        editorTheme: {
            tours: false,
            projects: { enabled: false },
            palette: { allowInstall: false },
        },
        externalModules: { palette: { allowInstall: false, allowUpload: false }, modules: { allowInstall: false } },
        telemetry: { enabled: false },
        diagnostics: { enabled: false },
        ...extra,
    };
    const file = path.join(userDir, 'settings.js');
    fs.writeFileSync(file, `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
    return file;
}

/**
 * Starts Node-RED with its CLI (red.js of the given module) on a free port. Resolves when the server
 * runs and flows are started; rejects with the log when it does not within `timeoutMs`.
 */
async function startNodeRed({ module = 'node-red', node = node22(), userDir, settingsFile, timeoutMs = 30000, env = {} }) {
    const port = await freePort();
    const redJs = require.resolve(`${module}/red.js`, { paths: [ROOT] });
    const child = spawn(node, [redJs, '--settings', settingsFile, '--userDir', userDir, '--port', String(port)], {
        cwd: userDir,
        env: { ...process.env, NODE_RED_HOME: undefined, ...env, NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    const nr = { child, port, url: `http://127.0.0.1:${port}`, log: '', userDir };
    child.stdout.on('data', (c) => (nr.log += c));
    child.stderr.on('data', (c) => (nr.log += c));
    nr.stop = () =>
        new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode) return resolve();
            const t = setTimeout(() => child.kill('SIGKILL'), 5000);
            child.once('exit', () => {
                clearTimeout(t);
                resolve();
            });
            child.kill('SIGTERM');
        });
    const started = Date.now();
    while (!/Started flows|Started modified|Stopped flows.*\n.*Started/.test(nr.log) || !/Server now running/.test(nr.log)) {
        if (child.exitCode !== null) throw new Error(`Node-RED (${module}) exited with ${child.exitCode}:\n${nr.log}`);
        if (Date.now() - started > timeoutMs) {
            await nr.stop();
            throw new Error(`Node-RED (${module}) did not start within ${timeoutMs} ms:\n${nr.log}`);
        }
        await new Promise((r) => setTimeout(r, 50));
    }
    return nr;
}

/** A small HTTP client for the admin API: resolves {status, headers, text, json}. */
function request(baseUrl, method, p, { body, headers = {} } = {}) {
    return new Promise((resolve, reject) => {
        const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
        const req = http.request(
            `${baseUrl}${p}`,
            {
                method,
                headers: {
                    Accept: 'application/json',
                    ...(data !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}),
                    ...headers,
                },
            },
            (res) => {
                let text = '';
                res.setEncoding('utf8');
                res.on('data', (c) => (text += c));
                res.on('end', () => {
                    let json;
                    try {
                        json = JSON.parse(text);
                    } catch (e) {
                        json = undefined;
                    }
                    resolve({ status: res.statusCode, headers: res.headers, text, json });
                });
            },
        );
        req.setTimeout(20000, () => req.destroy(new Error(`${method} ${p}: timeout`)));
        req.on('error', reject);
        if (data !== undefined) req.write(data);
        req.end();
    });
}

/** Fails (never skips) when Debian's chromium is missing, naming the package to install. */
function requireChromium() {
    let ok = false;
    try {
        fs.accessSync(CHROMIUM, fs.constants.X_OK);
        ok = true;
    } catch (e) {
        ok = false;
    }
    if (!ok) {
        throw new Error(
            `The editor tests need Debian's chromium at ${CHROMIUM}, which is missing. ` +
                'Install the Debian package "chromium" (as root: apt-get install -y chromium) and run the tests again. ' +
                '(No browser is ever downloaded; AB_CHROMIUM=/path/to/chromium overrides the path.)',
        );
    }
    return CHROMIUM;
}

const CHROMIUM_ARGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
];

/**
 * Launches Debian's chromium through playwright-core (never a downloaded browser). Playwright gives
 * the browser a new, empty --user-data-dir of its own; contexts are opened per locale.
 */
async function launchChromium() {
    const executablePath = requireChromium();
    const { chromium } = require('playwright-core');
    const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 30000 });
    return browser;
}

// ---- simulators ------------------------------------------------------------------------------------
// Credentials the simulators accept; the "bad" ones must fail. Secrets are test-only values.
const SIM_CREDENTIALS = {
    humand: { good: { apiKey: 'k' }, bad: { apiKey: 'wrong-key' } },
    hikcentral: { good: { appKey: '29666671', appSecret: 'e2eSecretValue0001' }, bad: { appKey: '29666671', appSecret: 'wrongSecretValue99' } },
    hysecure: { good: { username: 'hrms', password: 'e2e-pass' }, bad: { username: 'hrms', password: 'wrong-pass' } },
};

/** Starts every simulator the repository has (sim/humand.js, sim/hikcentral.js, sim/hysecure.js) in-process. */
async function startSimulators() {
    const sims = {};
    const has = (f) => fs.existsSync(path.join(ROOT, 'sim', f));
    if (has('humand.js')) {
        const { createHumandSimulator } = require(path.join(ROOT, 'sim', 'humand.js'));
        const sim = createHumandSimulator({ apiKeys: [SIM_CREDENTIALS.humand.good.apiKey] });
        await sim.listen(0);
        sims.humand = sim;
    }
    if (has('hikcentral.js')) {
        const { createHikCentralSimulator } = require(path.join(ROOT, 'sim', 'hikcentral.js'));
        const sim = createHikCentralSimulator(SIM_CREDENTIALS.hikcentral.good);
        await sim.listen(0);
        sims.hikcentral = sim;
    }
    if (has('hysecure.js')) {
        const { createHySecureSimulator } = require(path.join(ROOT, 'sim', 'hysecure.js'));
        const sim = createHySecureSimulator(SIM_CREDENTIALS.hysecure.good);
        await sim.listen(0);
        sims.hysecure = sim;
    }
    sims.close = () => Promise.all(['humand', 'hikcentral', 'hysecure'].filter((k) => sims[k]).map((k) => sims[k].close()));
    return sims;
}

/**
 * How each config node type reaches a simulator: the form fields (node-config-input-*) and the
 * good / bad credentials. A config type missing here fails the Test connection test by name.
 */
function configTargets(sims) {
    return {
        'humand-server': sims.humand && { sim: 'humand', fields: { baseUrl: sims.humand.baseUrl }, ...SIM_CREDENTIALS.humand },
        'artemis-server': sims.hikcentral && { sim: 'hikcentral', fields: { baseUrl: sims.hikcentral.baseUrl }, ...SIM_CREDENTIALS.hikcentral },
        'hysecure-server': sims.hysecure && { sim: 'hysecure', fields: { baseUrl: sims.hysecure.baseUrl }, ...SIM_CREDENTIALS.hysecure },
    };
}

function screenshotDir(sub) {
    const dir = path.join(ARTIFACTS, sub);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
}

module.exports = {
    ROOT,
    PKG,
    MODULE,
    CHROMIUM,
    CHROMIUM_ARGS,
    node22,
    ownNode,
    nodeSets,
    exampleFlows,
    freePort,
    tmpDir,
    writeSettings,
    startNodeRed,
    request,
    requireChromium,
    launchChromium,
    startSimulators,
    configTargets,
    SIM_CREDENTIALS,
    screenshotDir,
};
