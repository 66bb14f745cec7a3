'use strict';
// Local simulator of the Accops HySecure HRMS reporting API (KB008): token issue with a
// 2-minute expiry on an injectable clock, bearer check, the sessions report by date range built from
// scripted sessions (per user and report day: first login, last logout, with "Start of Day"), the literal
// "All Users" filter, injectable faults, optional HTTPS, and control routes under /__sim/.
// The paths and field names mirror lib/hysecure/api.ts (they are assumptions: keep both in step).
//
//   node sim/hysecure.js [--port 3003] [--host 127.0.0.1] [--people 40] [--username U] [--password P]
//                        [--timezone America/Santiago] [--tls] [--seed 1] [--days 3]
//
// Sessions: { userId, userName?, realm?, login: 'YYYY-MM-DD HH:MM:SS', logout: 'YYYY-MM-DD HH:MM:SS' | null }
// in the simulator's wall-clock zone. A session is visible once its login is not in the future (simulator
// clock); its logout once that is not in the future either (before that the user is "still connected").

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { DateTime } = require('luxon');
const { makePeople, mulberry32 } = require('./people');
const { createTimers, createServerLifecycle, parseOptions, runCli } = require('./lifecycle');

const CONNECT_PATH = '/api/v1/auth/connect';
const SESSIONS_PATH = '/api/v1/reporting/sessions';
const TOKEN_TTL_MS = 2 * 60 * 1000;
const ALL_USERS = 'All Users';
const MAX_BODY = 1024 * 1024;
const FAULT_KINDS = ['401', '403', '500', 'html', 'slow', 'status', 'badrows', 'empty', 'notoken', 'reset'];
const HTML_PAGE =
    '<!DOCTYPE html><html><head><title>HySecure - Service Unavailable</title></head>' +
    '<body><h1>Service temporarily unavailable</h1><p>Please try again later.</p></body></html>';
const WALL = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const SOD = /^(\d{2}):(\d{2}):(\d{2})$/;

function pad(n) {
    return String(n).padStart(2, '0');
}

/** Seconds after midnight of a wall time's clock part. */
function secondsOf(h, m, s) {
    return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

/** Report day of a wall time "YYYY-MM-DD HH:MM:SS" for a StartOfDay "HH:MM:SS" (wall-clock arithmetic). */
function reportDayOf(wall, startOfDay) {
    const m = WALL.exec(wall);
    if (!m) return undefined;
    const sod = SOD.exec(startOfDay);
    const start = sod ? secondsOf(sod[1], sod[2], sod[3]) : 0;
    if (secondsOf(m[2], m[3], m[4]) >= start) return m[1];
    return DateTime.fromISO(m[1], { zone: 'UTC' }).minus({ days: 1 }).toISODate();
}

function createHySecureSimulator(options = {}) {
    const username = options.username ?? 'admin';
    const password = options.password ?? 'secret';
    const zone = options.timezone || 'UTC';
    const tokenTtlMs = options.tokenTtlMs ?? TOKEN_TTL_MS;
    let clockOffset = 0;
    const baseNow = options.now || (() => Date.now());
    const now = () => baseNow() + clockOffset;
    /** Scripted sessions. */
    let sessions = (options.sessions || []).map((s) => ({ ...s }));
    /** Optional generator: (nowMs) => sessions, evaluated per request (the CLI's demo people). */
    const generator = options.generator;
    const tokens = new Map(); // token -> issued at (sim clock)
    const requests = []; // {method, path, body (password removed), auth, status}
    let faults = []; // {kind, path?: 'connect'|'sessions', times, delayMs?}
    const timers = createTimers();
    const later = timers.later;
    let tokensIssued = 0;

    function send(res, status, body, type) {
        if (res.writableEnded || res.destroyed) return;
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        res.writeHead(status, { 'Content-Type': type || 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
    }

    function responseDate() {
        return DateTime.fromMillis(now(), { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
    }

    function envelope(statusCode, statusMessage, data) {
        return { statusCode, statusMessage, responseDate: responseDate(), data };
    }

    /** Takes the next fault for this route, if any. */
    function takeFault(route) {
        const i = faults.findIndex((f) => !f.path || f.path === route);
        if (i < 0) return undefined;
        const f = faults[i];
        f.times -= 1;
        if (f.times <= 0) faults.splice(i, 1);
        return f;
    }

    function visibleSessions() {
        const list = generator ? generator(now()).concat(sessions) : sessions;
        const nowWall = DateTime.fromMillis(now(), { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
        const out = [];
        for (const s of list) {
            if (typeof s.login !== 'string' || s.login > nowWall) continue;
            const logout = typeof s.logout === 'string' && s.logout <= nowWall ? s.logout : null;
            out.push({ ...s, logout });
        }
        return out;
    }

    /** The report rows: one per user and report day in [start, end]. */
    function report(filters) {
        const startOfDay = typeof filters.StartOfDay === 'string' && SOD.test(filters.StartOfDay) ? filters.StartOfDay : '00:00:00';
        const who = typeof filters.UserName === 'string' ? filters.UserName.trim() : ALL_USERS;
        const all = who === '' || who.toLowerCase() === ALL_USERS.toLowerCase();
        const rows = new Map();
        for (const s of visibleSessions()) {
            if (!all && String(s.userId).toLowerCase() !== who.toLowerCase() && String(s.userName || '').toLowerCase() !== who.toLowerCase()) continue;
            const day = reportDayOf(s.login, startOfDay);
            if (!day || day < filters.StartDate || day > filters.EndDate) continue;
            const key = `${s.userId}\u0000${day}`;
            let r = rows.get(key);
            if (!r) {
                r = { UserID: s.userId, Realm: s.realm || 'Remote Workers', FirstLoginDateTime: s.login, LastLogoutDateTime: s.logout, open: s.logout === null, day };
                rows.set(key, r);
            } else {
                if (s.login < r.FirstLoginDateTime) r.FirstLoginDateTime = s.login;
                if (s.logout === null) r.open = true;
                else if (r.LastLogoutDateTime === null || s.logout > r.LastLogoutDateTime) r.LastLogoutDateTime = s.logout;
            }
        }
        return [...rows.values()]
            .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.FirstLoginDateTime < b.FirstLoginDateTime ? -1 : 1))
            .map((r) => ({
                UserID: r.UserID,
                Realm: r.Realm,
                FirstLoginDateTime: r.FirstLoginDateTime,
                // a session still open: the user is connected, the day's last logout is not known yet
                LastLogoutDateTime: r.open ? null : r.LastLogoutDateTime,
            }));
    }

    const BAD_ROWS = [
        { UserID: 'bad-null-login', Realm: 'Remote Workers', FirstLoginDateTime: null, LastLogoutDateTime: null },
        { UserID: 'bad-unparseable', Realm: 'Remote Workers', FirstLoginDateTime: 'not a date', LastLogoutDateTime: '??' },
        { Realm: 'Remote Workers', FirstLoginDateTime: '2025-01-01 08:00:00', LastLogoutDateTime: '2025-01-01 17:00:00' },
        'not an object',
    ];

    function readBody(req) {
        return new Promise((resolve, reject) => {
            const chunks = [];
            let size = 0;
            req.on('data', (c) => {
                size += c.length;
                if (size > MAX_BODY) {
                    reject(new Error('too large'));
                    req.destroy();
                } else chunks.push(c);
            });
            req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
            req.on('error', reject);
        });
    }

    function record(entry) {
        requests.push(entry);
        if (requests.length > 1000) requests.shift();
    }

    function faultResponse(fault, res, entry, proceed) {
        if (fault.kind !== 'slow' && !['badrows', 'empty', 'notoken'].includes(fault.kind)) {
            entry.status = { '401': 401, '403': 403, '500': 500, html: fault.status || 503, status: 200, reset: 0 }[fault.kind];
            entry.fault = fault.kind;
        }
        switch (fault.kind) {
            case '401':
                return send(res, 401, envelope(401, 'Unauthorized', null));
            case '403':
                return send(res, 403, envelope(403, 'Forbidden', null));
            case '500':
                return send(res, 500, envelope(500, 'Internal Server Error', null));
            case 'html':
                return send(res, fault.status || 503, HTML_PAGE, 'text/html; charset=utf-8');
            case 'status':
                return send(res, 200, envelope(fault.statusCode || 500, fault.statusMessage || 'Reporting database is not reachable', null));
            case 'reset':
                return res.destroy();
            case 'slow':
                return later(fault.delayMs ?? 30000, proceed);
            default:
                return proceed(fault);
        }
    }

    async function handle(req, res) {
        const url = new URL(req.url, 'http://sim');
        const route = url.pathname;
        const method = req.method;
        const text = await readBody(req);
        let body;
        try {
            body = text.trim() === '' ? undefined : JSON.parse(text);
        } catch {
            body = undefined;
        }
        if (route.startsWith('/__sim/')) return control(method, route, body, res);

        if (method === 'POST' && route === CONNECT_PATH) {
            const entry = { method, path: route, username: body && body.username, at: now() };
            record(entry);
            const proceed = (fault) => {
                if (!body || typeof body !== 'object' || typeof body.username !== 'string' || typeof body.password !== 'string') {
                    entry.status = 400;
                    return send(res, 400, envelope(400, 'username and password are required', null));
                }
                if (body.username !== username || body.password !== password) {
                    entry.status = 401;
                    return send(res, 401, envelope(401, 'Invalid credentials', null));
                }
                if (fault && fault.kind === 'notoken') {
                    entry.status = 200;
                    return send(res, 200, envelope(200, 'Success', null));
                }
                const token = crypto.randomBytes(24).toString('hex');
                tokens.set(token, now());
                tokensIssued += 1;
                entry.status = 200;
                return send(res, 200, { token, expiresIn: Math.round(tokenTtlMs / 1000) });
            };
            const fault = takeFault('connect');
            if (fault) return faultResponse(fault, res, entry, proceed);
            return proceed();
        }

        if (method === 'POST' && route === SESSIONS_PATH) {
            const auth = String(req.headers.authorization || '');
            const entry = { method, path: route, filters: body && body.Filters, at: now() };
            record(entry);
            const proceed = (fault) => {
                const m = /^Bearer (\S+)$/.exec(auth);
                const issued = m ? tokens.get(m[1]) : undefined;
                if (issued === undefined) {
                    entry.status = 401;
                    return send(res, 401, envelope(401, 'Unauthorized: missing or unknown token', null));
                }
                if (now() - issued >= tokenTtlMs) {
                    tokens.delete(m[1]);
                    entry.status = 401;
                    entry.expired = true;
                    return send(res, 401, envelope(401, 'Unauthorized: token expired', null));
                }
                const f = body && typeof body === 'object' ? body.Filters : undefined;
                if (!f || typeof f !== 'object' || !DAY.test(String(f.StartDate)) || !DAY.test(String(f.EndDate))) {
                    entry.status = 400;
                    return send(res, 400, envelope(400, 'Filters.StartDate and Filters.EndDate (YYYY-MM-DD) are required', null));
                }
                if (f.StartDate > f.EndDate) {
                    entry.status = 400;
                    return send(res, 400, envelope(400, 'StartDate is after EndDate', null));
                }
                entry.status = 200;
                if (fault && fault.kind === 'empty') return send(res, 200, envelope(200, 'No records found', null));
                let data = report(f);
                if (fault && fault.kind === 'badrows') {
                    const dup = data.length > 0 ? [{ ...data[0] }] : [];
                    const backwards = data.length > 0 && data[data.length - 1].LastLogoutDateTime === null
                        ? []
                        : [{ UserID: 'bad-backwards', Realm: 'Remote Workers', FirstLoginDateTime: '2025-01-01 17:00:00', LastLogoutDateTime: '2025-01-01 08:00:00' }];
                    data = data.concat(BAD_ROWS, dup, backwards);
                }
                return send(res, 200, envelope(200, 'Success', data));
            };
            const fault = takeFault('sessions');
            if (fault) return faultResponse(fault, res, entry, proceed);
            return proceed();
        }
        return send(res, 404, envelope(404, 'Not found', null));
    }

    function control(method, route, body, res) {
        switch (`${method} ${route}`) {
            case 'GET /__sim/requests':
                return send(res, 200, requests);
            case 'GET /__sim/sessions':
                return send(res, 200, visibleSessions());
            case 'POST /__sim/sessions': {
                const list = Array.isArray(body) ? body : [body];
                addSessions(list.filter((s) => s && typeof s === 'object'));
                return send(res, 200, { ok: true, count: sessions.length });
            }
            case 'DELETE /__sim/sessions':
                sessions = [];
                return send(res, 200, { ok: true });
            case 'GET /__sim/faults':
                return send(res, 200, faults);
            case 'POST /__sim/faults':
                try {
                    setFaults(Array.isArray(body) ? body : [body]);
                } catch (e) {
                    return send(res, 400, { error: e.message });
                }
                return send(res, 200, faults);
            case 'DELETE /__sim/faults':
                clearFaults();
                return send(res, 200, { ok: true });
            case 'POST /__sim/clock':
                advanceClock(Number(body && body.advanceMs) || 0);
                return send(res, 200, { now: new Date(now()).toISOString() });
            case 'POST /__sim/expire-tokens':
                expireTokens();
                return send(res, 200, { ok: true });
            case 'POST /__sim/reset':
                reset();
                return send(res, 200, { ok: true });
            default:
                return send(res, 404, { error: 'unknown control route' });
        }
    }

    /** Faults are consumed in order by the next matching requests. */
    function setFaults(list) {
        for (const f of list) {
            if (!f || !FAULT_KINDS.includes(String(f.kind))) throw new Error(`unknown fault kind; use one of ${FAULT_KINDS.join(', ')}`);
            if (f.path !== undefined && f.path !== 'connect' && f.path !== 'sessions') throw new Error('fault path must be connect or sessions');
            faults.push({ ...f, kind: String(f.kind), times: Math.max(1, Number(f.times) || 1) });
        }
    }

    function clearFaults() {
        faults = [];
    }

    function addSessions(list) {
        for (const s of list) sessions.push({ ...s });
    }

    function setSessions(list) {
        sessions = list.map((s) => ({ ...s }));
    }

    function advanceClock(ms) {
        clockOffset += ms;
    }

    function expireTokens() {
        tokens.clear();
    }

    function reset() {
        sessions = (options.sessions || []).map((s) => ({ ...s }));
        faults = [];
        tokens.clear();
        requests.length = 0;
        clockOffset = 0;
        tokensIssued = 0;
    }

    const tlsDir = path.join(__dirname, '..', 'test', 'fixtures', 'tls');
    const tlsOption = options.tls === true ? {} : options.tls;
    const lifecycle = createServerLifecycle({
        name: 'hysecure',
        handle,
        onError: (res) => {
            if (!res.headersSent) send(res, 500, envelope(500, 'Simulator error', null));
            else res.destroy();
        },
        tls: tlsOption
            ? { key: tlsOption.key || fs.readFileSync(path.join(tlsDir, 'server.key')), cert: tlsOption.cert || fs.readFileSync(path.join(tlsDir, 'server.pem')) }
            : undefined,
        timers,
        target: () => sim,
    });
    const listen = lifecycle.listen;
    const close = lifecycle.close;

    const sim = {
        requests,
        port: undefined,
        baseUrl: undefined,
        get tokensIssued() {
            return tokensIssued;
        },
        now,
        listen,
        close,
        setFaults,
        clearFaults,
        addSessions,
        setSessions,
        advanceClock,
        expireTokens,
        reset,
        report,
    };
    return sim;
}

/**
 * Realistic remote-work sessions for the demo: for each active person and each day from `days` days ago
 * to today, about 60% work remotely: log in around 08:00-09:30, most take a lunch break (two sessions),
 * log out around 17:00-18:45. Deterministic per (seed, person, day). Wall times in `zone`.
 */
function demoSessions(people, nowMs, zone, days = 3, seed = 1) {
    const today = DateTime.fromMillis(nowMs, { zone }).startOf('day');
    const out = [];
    for (let d = days; d >= 0; d--) {
        const date = today.minus({ days: d });
        if (date.weekday > 5) continue; // weekends off
        const dayNum = Math.floor(date.toMillis() / 86400000);
        for (const p of people) {
            if (!p.active) continue;
            const rand = mulberry32((seed * 1000003) ^ (p.index * 7919) ^ (dayNum * 104729));
            if (rand() > 0.6) continue;
            const at = (minutes) => date.plus({ minutes: Math.round(minutes) }).toFormat('yyyy-MM-dd HH:mm:ss');
            const start = 8 * 60 + rand() * 90;
            const end = 17 * 60 + rand() * 105;
            const base = { userId: p.code, userName: p.userName, realm: 'Remote Workers' };
            if (rand() < 0.7) {
                const lunch = 12 * 60 + 30 + rand() * 60;
                const back = lunch + 30 + rand() * 30;
                out.push({ ...base, login: at(start), logout: at(lunch) }, { ...base, login: at(back), logout: at(end) });
            } else {
                out.push({ ...base, login: at(start), logout: at(end) });
            }
        }
    }
    return out;
}

module.exports = { createHySecureSimulator, demoSessions, reportDayOf, CONNECT_PATH, SESSIONS_PATH, ALL_USERS };

// ---- CLI --------------------------------------------------------------------------------------------
const OPTIONS = { '--people': ['people', 'number'], '--username': ['username', 'string'], '--password': ['password', 'string'], '--timezone': ['timezone', 'string'], '--tls': ['tls', 'flag'], '--days': ['days', 'number'] };

function parseArgs(argv) {
    const out = parseOptions(argv, OPTIONS, { port: 3003, people: 40, username: 'admin', password: 'secret', timezone: '', tls: false, days: 3 });
    if (!Number.isInteger(out.people) || out.people < 0) throw new Error('--people must be an integer >= 0');
    if (!out.username || !out.password) throw new Error('--username and --password need values');
    if (!out.timezone) out.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    if (!DateTime.now().setZone(out.timezone).isValid) throw new Error(`unknown time zone ${out.timezone}`);
    return out;
}

if (require.main === module) {
    runCli({
        name: 'hysecure-sim',
        usage: 'node sim/hysecure.js [--port 3003] [--host 127.0.0.1] [--people 40] [--username U] [--password P] [--timezone ZONE] [--tls] [--seed 1] [--days 3]',
        parse: parseArgs,
        start: (args) => {
            const people = makePeople(args.people);
            return createHySecureSimulator({
                username: args.username,
                password: args.password,
                timezone: args.timezone,
                tls: args.tls,
                generator: (nowMs) => demoSessions(people, nowMs, args.timezone, args.days, args.seed),
            });
        },
        listening: ({ baseUrl }, args) => `hysecure-sim listening on ${baseUrl} (time zone ${args.timezone}, ${args.people} people)`,
    });
}
