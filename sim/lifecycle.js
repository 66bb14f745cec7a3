'use strict';
// The server scaffolding the three simulators share: their pending timers, reading a request body
// with a size limit, the HTTP(S) server (listen, the address it shows, closing now whatever its
// clients are doing), and the command line (options, listen, stop on SIGINT/SIGTERM).
// Timers go through the global setTimeout so sinon fake timers drive them.
const http = require('http');
const https = require('https');

/** The simulator's pending timers: `later(ms, fn)` schedules, `clear()` cancels them all. */
function createTimers() {
    const pending = new Set();
    return {
        pending,
        later(ms, fn) {
            const t = setTimeout(() => {
                pending.delete(t);
                fn();
            }, ms);
            pending.add(t);
            return t;
        },
        clear() {
            for (const t of pending) clearTimeout(t);
            pending.clear();
        },
    };
}

/**
 * Reads a request body of at most `maxBytes`; never rejects. Resolves {text, tooLarge} at the end,
 * or {aborted: true} when the client goes away before the end.
 * @param {import('http').IncomingMessage} req
 */
function readBody(req, maxBytes) {
    return new Promise((resolve) => {
        const chunks = [];
        let size = 0;
        let tooLarge = false;
        req.on('data', (c) => {
            size += c.length;
            if (size > maxBytes) tooLarge = true;
            else chunks.push(c);
        });
        let done = false;
        const finish = (r) => {
            if (!done) {
                done = true;
                resolve(r);
            }
        };
        req.on('end', () => finish({ text: Buffer.concat(chunks).toString('utf8'), tooLarge }));
        req.on('error', () => finish({ text: '', tooLarge: false, aborted: true }));
        req.on('close', () => finish({ text: '', tooLarge: false, aborted: true })); // client gone before the end
    });
}

/** The host to show in a URL: a wildcard address is shown as 127.0.0.1, an IPv6 one in brackets. */
function shownHost(host) {
    if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
    return host.includes(':') ? `[${host}]` : host;
}

/**
 * One simulator's server. `handle(req, res)` answers a request (a rejection is passed to
 * `onError(res, err)`); `tls` ({key, cert}) makes it HTTPS; `timers` (from createTimers) are
 * cancelled on close. `listen(port, host)` resolves {port, url, baseUrl} (baseUrl = url + basePath)
 * and copies them onto the simulator object `target()`; `close()` stops accepting connections,
 * destroys the open sockets (hanging requests included) and resolves once closed.
 */
function createServerLifecycle({ name, handle, onError, tls, timers, basePath = '', target }) {
    let server;
    let closing;
    const sockets = new Set();
    const track = (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
    };
    function listen(port = 0, host = '127.0.0.1') {
        if (server) return Promise.reject(new Error(`${name} simulator: already listening`));
        closing = undefined;
        const handler = (req, res) => {
            handle(req, res).catch((e) => onError(res, e));
        };
        server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
        server.on('connection', track);
        server.on('secureConnection', track);
        const s = server;
        return new Promise((resolve, reject) => {
            s.once('error', reject);
            s.listen(port, host, () => {
                s.removeListener('error', reject);
                const actual = s.address().port;
                const url = `${tls ? 'https' : 'http'}://${shownHost(host)}:${actual}`;
                const info = { port: actual, url, baseUrl: url + basePath };
                Object.assign(target(), info);
                resolve(info);
            });
        });
    }
    function close() {
        if (!server) {
            timers.clear();
            return Promise.resolve();
        }
        if (closing) return closing;
        const s = server;
        timers.clear();
        closing = new Promise((resolve) => {
            s.close(() => resolve());
            for (const socket of sockets) socket.destroy();
            sockets.clear();
        }).then(() => {
            if (server === s) server = undefined;
        });
        return closing;
    }
    return { listen, close };
}

/** The options every simulator takes; `--port` has no common default (each simulator has its own). */
const COMMON_OPTIONS = { '--port': ['port', 'number'], '--host': ['host', 'string'], '--seed': ['seed', 'number'] };

/**
 * Reads `--name value` / `--name=value` options: --port, --host (default 127.0.0.1), --seed (default 1)
 * and those of `spec`, which maps an option to [key, kind]: kind 'number', 'string', 'list'
 * (repeatable, collected in an array) or 'flag' (true unless `--name=false`). Unknown options throw.
 */
function parseOptions(argv, options, defaults) {
    const spec = { ...COMMON_OPTIONS, ...options };
    const out = { host: '127.0.0.1', seed: 1, ...defaults };
    for (let i = 0; i < argv.length; i++) {
        const [name, inline] = argv[i].split(/=(.*)/s, 2);
        const entry = spec[name];
        if (!entry) throw new Error(`unknown option ${name}`);
        const [key, kind] = entry;
        if (kind === 'flag') {
            out[key] = inline === undefined || inline === 'true';
            continue;
        }
        const value = inline === undefined ? argv[++i] : inline;
        if (kind === 'number') out[key] = Number(value);
        else if (kind === 'list') out[key] = [...(out[key] || []), value];
        else out[key] = value;
    }
    if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535) throw new Error('--port must be 0..65535');
    return out;
}

/**
 * A simulator's command line: `parse(argv)` reads the options (a throw prints the message and the
 * usage, exit 2); `start(args)` creates the simulator; once it listens on args.port/args.host,
 * `listening(info, sim)` returns the line to print. SIGINT/SIGTERM close it and exit 0.
 */
function runCli({ name, usage, parse, start, listening }) {
    let args;
    try {
        args = parse(process.argv.slice(2));
    } catch (e) {
        console.error(`${name}: ${e.message}`);
        console.error(`usage: ${usage}`);
        process.exit(2);
    }
    const sim = start(args);
    sim.listen(args.port, args.host).then(
        (info) => console.log(listening(info, args, sim)),
        (e) => {
            console.error(`${name}: cannot listen on ${args.host}:${args.port}: ${e.message}`);
            process.exit(1);
        },
    );
    const stop = () => sim.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
}

module.exports = { createTimers, readBody, createServerLifecycle, parseOptions, runCli };
