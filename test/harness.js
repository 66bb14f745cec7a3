'use strict';
// The set-up both end-to-end suites share (test/e2e: editor, palette, scorecard; test/reliability):
// the repository root, the two Nodes, a free port, a temporary directory, a test Node-RED's
// settings.js, a child process that is "ready" once its output says so, stopping it, a small JSON
// HTTP client, polling for a condition, and npm's CLI.
const fs = require('fs');
const os = require('os');
const net = require('net');
const path = require('path');
const http = require('http');
const { spawn, execFileSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');

/** Node 22 (the `node` dev dependency), for Node-RED 5; the current Node when it is missing. */
function node22() {
    try {
        return require.resolve('node/bin/node', { paths: [ROOT] });
    } catch (e) {
        return process.execPath;
    }
}

/** The machine's own Node (npm's, 20 here), for Node-RED 4.1 and npm. */
function ownNode() {
    return process.env.npm_node_execpath || (process.release.name === 'node' && !process.execPath.includes('node_modules') ? process.execPath : 'node');
}

/** npm's CLI script, so npm can run under the same Node as the Node-RED it installs into (engine-strict). */
function npmCli() {
    const candidates = [
        process.env.npm_execpath,
        path.join(path.dirname(ownNode()), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
        '/usr/lib/node_modules/npm/bin/npm-cli.js',
        '/usr/local/lib/node_modules/npm/bin/npm-cli.js',
    ].filter(Boolean);
    const found = candidates.find((c) => /npm-cli\.js$/.test(c) && fs.existsSync(c));
    if (!found) throw new Error(`npm-cli.js not found (tried ${candidates.join(', ')})`);
    return found;
}

/** Runs npm synchronously (npm's own CLI when npm started us, else `npm` on PATH) and returns its stdout. */
function npm(args, cwd) {
    const opts = { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] };
    const cli = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : undefined;
    // npm runs on the machine's own Node (npm's node), whatever runs the harness.
    return cli ? execFileSync(process.env.npm_node_execpath || process.execPath, [cli, ...args], opts) : execFileSync('npm', args, opts);
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

/**
 * settings.js for a test Node-RED: localhost only, no tours/telemetry/palette installs, no secret;
 * `extra` is merged on top (port, nodesDir, context stores...). Returns the file's path.
 */
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

const MAX_LINES = 50000;

/**
 * Spawns `command args` and resolves with the child once an output line passes `ready` (a RegExp or
 * a predicate on each line). `child.output` keeps the last 50000 lines for diagnosis and
 * `child.exited` is set to {code, signal} on exit. Rejects (after SIGKILL) when not ready within
 * `timeoutMs`, or when the child exits first, with the last lines of its output.
 */
function spawnReady(label, command, args, { cwd = ROOT, env = process.env, ready, timeoutMs = 30000 }) {
    const isReady = typeof ready === 'function' ? ready : (line) => ready.test(line);
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
        child.output = [];
        let done = false;
        const tail = () => child.output.slice(-60).join('\n');
        const timer = setTimeout(() => {
            if (done) return;
            done = true;
            child.kill('SIGKILL');
            reject(new Error(`${label} not ready within ${timeoutMs} ms:\n${tail()}`));
        }, timeoutMs);
        const onStream = (stream) => {
            let partial = '';
            stream.setEncoding('utf8');
            stream.on('data', (chunk) => {
                const lines = (partial + chunk).split('\n');
                partial = lines.pop();
                for (const line of lines) {
                    if (!line) continue;
                    child.output.push(line);
                    if (child.output.length > MAX_LINES) child.output.shift();
                    if (!done && isReady(line)) {
                        done = true;
                        clearTimeout(timer);
                        resolve(child);
                    }
                }
            });
        };
        onStream(child.stdout);
        onStream(child.stderr);
        child.on('exit', (code, signal) => {
            child.exited = { code, signal };
            if (!done) {
                done = true;
                clearTimeout(timer);
                reject(new Error(`${label} exited (${code ?? signal}) before it was ready:\n${tail()}`));
            }
        });
    });
}

/** Sends `signal` and resolves once the child has exited; with `killAfterMs`, SIGKILL after that long. */
function stopChild(child, { signal = 'SIGTERM', killAfterMs } = {}) {
    if (!child || child.exited || child.exitCode !== null || child.signalCode) return Promise.resolve();
    return new Promise((resolve) => {
        const t = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        child.once('exit', () => {
            if (t) clearTimeout(t);
            resolve();
        });
        child.kill(signal);
    });
}

/**
 * A small HTTP client: `body` is sent as is when a string, else as JSON. Resolves
 * {status, headers, text, json} (json undefined when the body is not JSON).
 */
function httpRequest(method, url, { body, headers = {}, timeoutMs = 20000 } = {}) {
    return new Promise((resolve, reject) => {
        const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
        const req = http.request(
            url,
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
        req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: timeout`)));
        req.on('error', reject);
        if (data !== undefined) req.write(data);
        req.end();
    });
}

/** Polls `fn` until it returns something truthy (and returns it), or fails after `timeoutMs`. */
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

module.exports = { ROOT, node22, ownNode, npmCli, npm, freePort, tmpDir, writeSettings, spawnReady, stopChild, httpRequest, waitFor };
