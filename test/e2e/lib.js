// Helpers for the end-to-end suites (real editor, palette install, scorecard): the package's node
// list read from package.json, a real Node-RED started with the CLI in a temporary user directory,
// the admin API, the repository's simulators, and Debian's chromium. The set-up shared with the
// reliability suite (ports, settings, processes, HTTP) is in test/harness.js.
'use strict';
const fs = require('fs');
const path = require('path');
const H = require('../harness');
const { findChromium, missingMessage } = require('../../scripts/ensure-chromium');

const { ROOT, node22, ownNode, npmCli, freePort, tmpDir, writeSettings } = H;
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const MODULE = PKG.name;
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

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

/**
 * Starts Node-RED with its CLI (red.js of the given module) on a free port. Resolves when the server
 * runs and flows are started; rejects with the log when it does not within `timeoutMs`.
 */
async function startNodeRed({ module = 'node-red', node = node22(), userDir, settingsFile, timeoutMs = 30000, env = {} }) {
    const port = await freePort();
    const redJs = require.resolve(`${module}/red.js`, { paths: [ROOT] });
    let flows = false;
    let server = false;
    const ready = (line) => {
        if (/Started flows|Started modified/.test(line)) flows = true;
        if (/Server now running/.test(line)) server = true;
        return flows && server;
    };
    const child = await H.spawnReady(`Node-RED (${module})`, node, [redJs, '--settings', settingsFile, '--userDir', userDir, '--port', String(port)], {
        cwd: userDir,
        env: { ...process.env, NODE_RED_HOME: undefined, ...env, NODE_ENV: 'production' },
        ready,
        timeoutMs,
    });
    return {
        child,
        port,
        url: `http://127.0.0.1:${port}`,
        userDir,
        /** Everything this Node-RED printed so far. */
        get log() {
            return child.output.join('\n');
        },
        stop: () => H.stopChild(child, { signal: 'SIGTERM', killAfterMs: 5000 }),
    };
}

/** The admin API: resolves {status, headers, text, json}. */
function request(baseUrl, method, p, options) {
    return H.httpRequest(method, `${baseUrl}${p}`, options);
}

/** Fails (never skips) when Debian's chromium is missing, naming the package to install. */
function requireChromium() {
    const found = findChromium();
    if (!found) throw new Error(missingMessage('npm test installs it in its pretest step (scripts/ensure-chromium.js) when run as root with apt-get.'));
    return found;
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
    CHROMIUM_ARGS,
    node22,
    ownNode,
    npmCli,
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
