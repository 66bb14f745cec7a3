'use strict';
// Local simulator of the Humand public API: clockIn / clockOut with Humand's rules
// (alternation, no future entry, no duplicate), the paged users list, an employee's entries and the
// day summaries, the window rate limit, injectable faults and latency, control routes under /__sim/
// and a small HTML journal page. Node built-ins only; deterministic (seeded PRNG, injectable clock,
// timers through the global setTimeout so sinon fake timers drive them).
//
// By default it answers as Humand's API definition says (docs/real-apis.md): 201 with the created
// entry, one generic 400 INVALID_DATA for every refused record, 401 UNKNOWN_TOKEN, RateLimit headers
// and 429 RATE_LIMIT_EXCEEDED past 50 requests per 60 s. `errors: 'legacy'` (--errors legacy) gives
// the earlier answers instead: 422 with a specific code and text per rule, 404 for an unknown employee.
//
//   node sim/humand.js [--port 3001] [--host 127.0.0.1] [--users 40] [--api-key KEY] [--seed 1] [--latency MS]
//                      [--errors documented|legacy] [--rate-limit 50/60000|off]

const { URL } = require('url');
const crypto = require('crypto');
const { makeHumandUsers, mulberry32 } = require('./people');
const { createTimers, readBody: readBodyUpTo, createServerLifecycle, parseOptions, runCli } = require('./lifecycle');
const readApi = require('./humand-reads');

const FAULT_KINDS = ['503', '429', 'hang', 'malformed', 'html502', 'reset', 'maintenance', 'redirect'];
const ERROR_MODES = ['documented', 'legacy'];
const REDIRECT_TO = 'https://humand-maintenance.example.invalid/public/api/v1';
const MAX_BODY = 1024 * 1024;
const FIRST_ENTRY_ID = 70001;
const FIRST_SUMMARY_ID = 9001;
const HTML_502 =
    '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
    '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const HTML_MAINTENANCE =
    '<!DOCTYPE html>\n<html><head><title>Humand - Maintenance</title></head>\n<body><h1>We will be back soon</h1>\n' +
    '<p>Humand is under scheduled maintenance. Please try again in a few minutes.</p></body></html>\n';

// ISO 8601 extended date-time with seconds optional, fraction optional, and a mandatory Z or ±hh:mm / ±hhmm / ±hh.
const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** Epoch ms of an ISO-8601 date-time with an offset or Z, or undefined when it is not one (or not a real date). */
function parseIsoWithOffset(s) {
    if (typeof s !== 'string') return undefined;
    const m = ISO_WITH_OFFSET.exec(s);
    if (!m) return undefined;
    const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
    const sec = m[6] ? Number(m[6]) : 0;
    const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
    if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return undefined;
    const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
    if (d > daysInMonth) return undefined;
    let offsetMin = 0;
    if (m[8] !== 'Z') {
        const oh = Number(m[10]);
        const om = m[11] ? Number(m[11]) : 0;
        if (oh > 23 || om > 59) return undefined;
        offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
    }
    const utc = new Date(0);
    utc.setUTCFullYear(y, mo - 1, d); // setUTCFullYear: years 0..99 are not mapped to 19xx
    utc.setUTCHours(h, mi, sec, ms);
    return utc.getTime() - offsetMin * 60000;
}

function escapeHtml(v) {
    return String(v == null ? '' : v).replace(/[&<>"'`]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' })[c]);
}

function sha256(s) {
    return crypto.createHash('sha256').update(String(s), 'utf8').digest();
}

function isPlainObject(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function normaliseFaults(spec) {
    if (spec == null) return undefined;
    if (!isPlainObject(spec)) throw new TypeError('faults: expected an object');
    const kinds = spec.kinds === undefined ? ['503'] : spec.kinds;
    if (!Array.isArray(kinds) || kinds.length === 0) throw new TypeError('faults: kinds must be a non-empty array');
    const normKinds = kinds.map(String);
    for (const k of normKinds) {
        if (!FAULT_KINDS.includes(k)) throw new TypeError(`faults: unknown kind "${k}" (known: ${FAULT_KINDS.join(', ')})`);
    }
    let count;
    if (spec.count !== undefined && spec.count !== null) {
        count = Number(spec.count);
        if (!Number.isInteger(count) || count < 0) throw new TypeError('faults: count must be an integer >= 0');
    }
    const ratio = spec.ratio === undefined || spec.ratio === null ? 1 : Number(spec.ratio);
    if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) throw new TypeError('faults: ratio must be between 0 and 1');
    const retryAfter = spec.retryAfter === undefined || spec.retryAfter === null ? 1 : Number(spec.retryAfter);
    if (!Number.isFinite(retryAfter) || retryAfter < 0) throw new TypeError('faults: retryAfter must be a number of seconds >= 0');
    const hangMs = spec.hangMs === undefined || spec.hangMs === null ? 0 : Number(spec.hangMs);
    if (!Number.isFinite(hangMs) || hangMs < 0) throw new TypeError('faults: hangMs must be >= 0');
    return { ratio, count, kinds: normKinds, retryAfter, hangMs };
}

/**
 * @param {object} [options]
 * @param {string[]} [options.apiKeys]  accepted verbatim after "Basic " (default ['test-key'])
 * @param {object[]} [options.users]    Humand users (default makeHumandUsers(40))
 * @param {string} [options.basePath]   default '/public/api/v1'
 * @param {string} [options.clockInPath]  default '/time-tracking/entries/clockIn'
 * @param {string} [options.clockOutPath] default '/time-tracking/entries/clockOut'
 * @param {number} [options.futureToleranceMs] default 60000
 * @param {() => number} [options.now]  clock (default Date.now, looked up at call time)
 * @param {number} [options.seed]       PRNG seed for fault ratios (default 1)
 * @param {'documented'|'legacy'} [options.errors] how refusals are answered (default 'documented')
 * @param {{limit?: number, windowMs?: number}|false} [options.rateLimit] window rate limit per API key
 *        (default 50 per 60000 ms; false: none)
 */
function createHumandSimulator(options = {}) {
    const apiKeyHashes = (options.apiKeys === undefined ? ['test-key'] : options.apiKeys).map(sha256);
    const basePath = ('/' + String(options.basePath === undefined ? '/public/api/v1' : options.basePath).replace(/^\/+|\/+$/g, '')).replace(/^\/$/, '');
    const subPath = (p, dflt) => '/' + String(p || dflt).replace(/^\/+/, '');
    const clockInPath = basePath + subPath(options.clockInPath, '/time-tracking/entries/clockIn');
    const clockOutPath = basePath + subPath(options.clockOutPath, '/time-tracking/entries/clockOut');
    const usersPath = basePath + '/users';
    const futureToleranceMs = options.futureToleranceMs === undefined ? 60000 : Number(options.futureToleranceMs);
    const now = typeof options.now === 'function' ? options.now : () => Date.now();
    const seed = options.seed === undefined ? 1 : Number(options.seed) >>> 0;
    const errors = options.errors === undefined ? 'documented' : String(options.errors);
    if (!ERROR_MODES.includes(errors)) throw new TypeError(`errors: expected one of ${ERROR_MODES.join(', ')}`);
    const legacy = errors === 'legacy';
    const rateLimit = readApi.createRateLimit(options.rateLimit, () => now());
    const entriesPath = basePath + '/time-tracking/entries';
    const summariesPath = basePath + '/time-tracking/day-summaries';

    const users = (options.users || makeHumandUsers(40)).map((u) => ({
        id: u.id,
        employeeInternalId: u.employeeInternalId == null ? null : String(u.employeeInternalId), // users without one exist
        firstName: u.firstName,
        lastName: u.lastName,
        email: u.email,
        status: u.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE',
        segmentations: Array.isArray(u.segmentations) ? u.segmentations : [],
    }));
    const usersById = new Map();
    for (const u of users) {
        if (u.employeeInternalId === null) continue;
        if (usersById.has(u.employeeInternalId)) throw new Error(`duplicate employeeInternalId "${u.employeeInternalId}"`);
        usersById.set(u.employeeInternalId, u);
    }

    /** An employee created at run time (the integrator adds the person in Humand): POST /__sim/users. */
    function addUser(u) {
        const employeeInternalId = u && u.employeeInternalId != null ? String(u.employeeInternalId) : '';
        if (employeeInternalId === '') throw simError(400, 'INVALID_DATA', 'employeeInternalId is required');
        if (usersById.has(employeeInternalId)) throw simError(409, 'ALREADY_EXISTS', `employee "${employeeInternalId}" exists`);
        const user = {
            id: u.id != null ? u.id : 100000 + users.length,
            employeeInternalId,
            firstName: String(u.firstName || 'New'),
            lastName: String(u.lastName || employeeInternalId),
            email: String(u.email || `${employeeInternalId}@example.com`),
            status: u.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE',
            segmentations: [],
        };
        users.push(user);
        usersById.set(employeeInternalId, user);
        return user;
    }

    const journal = [];
    const requests = [];
    /** Every GET of entries or day summaries: {path, query, status, receivedAt}. */
    const readLog = [];
    // Per employee: { latest: record with the greatest time (ties: the later accepted), keys: Set('START|ms') }.
    const byEmployee = new Map();
    const summaries = new Map();
    let nextId = FIRST_ENTRY_ID;
    let nextSummaryId = FIRST_SUMMARY_ID;
    let faults;
    let faultRemaining;
    let faultTurn = 0;
    let rand = mulberry32(seed);
    let latencyMs = 0;

    const timers = createTimers();
    const later = timers.later;

    // ---- state -------------------------------------------------------------------------------------
    function employeeState(id) {
        let s = byEmployee.get(id);
        if (!s) {
            s = { latest: undefined, keys: new Set() };
            byEmployee.set(id, s);
        }
        return s;
    }

    function summaryId(employeeInternalId, time) {
        const key = employeeInternalId + '|' + time.slice(0, 10); // the day as the sender's offset sees it
        let id = summaries.get(key);
        if (id === undefined) {
            id = nextSummaryId++;
            summaries.set(key, id);
        }
        return id;
    }

    function store(user, type, time, timeMs, comment, source) {
        const record = {
            id: nextId++,
            type,
            employeeInternalId: user.employeeInternalId,
            userId: user.id,
            time,
            timeMs,
            comment,
            source,
            summaryId: summaryId(user.employeeInternalId, time),
            receivedAt: new Date(now()).toISOString(),
        };
        journal.push(record);
        const s = employeeState(user.employeeInternalId);
        s.keys.add(type + '|' + timeMs);
        if (!s.latest || timeMs >= s.latest.timeMs) s.latest = record;
        return record;
    }

    function setFaults(spec) {
        faults = normaliseFaults(spec);
        if (faults && faults.count === 0) faults = undefined;
        faultRemaining = faults ? faults.count : undefined;
        faultTurn = 0;
        rand = mulberry32(seed);
        return faults ? { ...faults, kinds: faults.kinds.slice() } : null;
    }

    function clearFaults() {
        setFaults(null);
    }

    function setLatency(ms) {
        const v = Number(ms);
        if (!Number.isFinite(v) || v < 0) throw new TypeError('latency: ms must be a number >= 0');
        latencyMs = v;
    }

    function reset() {
        journal.length = 0;
        requests.length = 0;
        readLog.length = 0;
        byEmployee.clear();
        summaries.clear();
        nextId = FIRST_ENTRY_ID;
        nextSummaryId = FIRST_SUMMARY_ID;
        latencyMs = 0;
        rateLimit.reset();
        clearFaults();
    }

    function simError(status, code, message) {
        const e = new Error(message);
        e.status = status;
        e.code = code;
        return e;
    }

    /** Humand closes an open entry itself (automatic clock-out): an END with source AUTO_CLOSE. */
    function autoClockOut(employeeInternalId, isoTime) {
        const user = usersById.get(String(employeeInternalId));
        if (!user) throw simError(404, 'EMPLOYEE_NOT_FOUND', 'Employee not found');
        const timeMs = parseIsoWithOffset(isoTime);
        if (timeMs === undefined) throw simError(400, 'INVALID_DATE', 'time must be an ISO-8601 date-time with an offset');
        const latest = byEmployee.has(user.employeeInternalId) ? byEmployee.get(user.employeeInternalId).latest : undefined;
        if (!latest || latest.type !== 'START') throw simError(422, 'EXIT_WITHOUT_ENTRY', 'The employee has no open entry');
        if (timeMs < latest.timeMs) throw simError(422, 'INVALID_TIME', 'Exit is before entry');
        return { ...store(user, 'END', isoTime, timeMs, null, 'AUTO_CLOSE') };
    }

    /** The fault for this clock request ({kind, hangMs, retryAfter}), or undefined. */
    function pickFault() {
        if (!faults) return undefined;
        const f = faults;
        let kind;
        if (f.ratio >= 1 || rand() < f.ratio) {
            kind = f.kinds[faultTurn % f.kinds.length];
            faultTurn += 1;
        }
        if (faultRemaining !== undefined) {
            faultRemaining -= 1;
            if (faultRemaining <= 0) {
                faults = undefined; // `count` requests seen: stop
                faultRemaining = undefined;
            }
        }
        return kind ? { kind, hangMs: f.hangMs, retryAfter: f.retryAfter } : undefined;
    }

    // ---- HTTP plumbing -----------------------------------------------------------------------------
    function sendRaw(res, status, contentType, text, headers) {
        if (res.writableEnded || res.destroyed) return;
        res.writeHead(status, {
            'Content-Type': contentType,
            'Content-Length': Buffer.byteLength(text),
            'Cache-Control': 'no-store',
            ...headers,
        });
        res.end(text);
    }

    /** A string body is sent as HTML, anything else as JSON. */
    function send(res, status, body, headers) {
        if (typeof body === 'string') sendRaw(res, status, 'text/html; charset=utf-8', body, headers);
        else sendRaw(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
    }

    function sendJson(res, status, body, headers) {
        send(res, status, body === undefined ? null : body, headers);
    }

    const readBody = (req) => readBodyUpTo(req, MAX_BODY);

    function isJsonContentType(req) {
        return /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(String(req.headers['content-type'] || ''));
    }

    function authorised(req) {
        const m = /^Basic (.+)$/i.exec(String(req.headers.authorization || ''));
        if (!m) return false;
        const h = sha256(m[1]);
        let ok = false;
        for (const k of apiKeyHashes) ok = crypto.timingSafeEqual(h, k) || ok;
        return ok;
    }

    function parseJson(text) {
        try {
            return { ok: true, value: JSON.parse(text) };
        } catch (e) {
            return { ok: false };
        }
    }

    // ---- clock requests ----------------------------------------------------------------------------
    /** The 401 answer of the current error mode. */
    function unauthorised() {
        return legacy ? { code: 'UNAUTHORIZED', message: 'Invalid API key' } : { code: 'UNKNOWN_TOKEN', message: 'Invalid credentials', metadata: {} };
    }

    /**
     * Applies auth and Humand's rules; returns [status, body] and stores the record on success. Documented
     * mode answers every refusal with Humand's generic 400 (the legacy code is kept in `metadata.rule`).
     */
    function clock(action, req, bodyText) {
        const [status, body] = clockLegacy(action, req, bodyText);
        if (legacy || status < 400 || status === 401) return [status, body];
        return [400, { code: 'INVALID_DATA', message: 'The provided data is invalid', metadata: { rule: body.code } }];
    }

    function clockLegacy(action, req, bodyText) {
        if (!authorised(req)) return [401, unauthorised()];
        if (!isJsonContentType(req)) return [400, { code: 'BAD_REQUEST', message: 'Content-Type must be application/json' }];
        const parsed = parseJson(bodyText);
        if (!parsed.ok || !isPlainObject(parsed.value)) return [400, { code: 'BAD_REQUEST', message: 'The body must be a JSON object' }];
        const body = parsed.value;
        const { employeeId, now: time, comment } = body;
        if (employeeId === undefined || employeeId === null || (typeof employeeId === 'string' && employeeId.trim() === '')) {
            return [400, { code: 'BAD_REQUEST', message: 'employeeId is required' }];
        }
        if (typeof employeeId !== 'string') return [400, { code: 'BAD_REQUEST', message: 'employeeId must be a string' }];
        if (time === undefined || time === null || (typeof time === 'string' && time.trim() === '')) {
            return [400, { code: 'BAD_REQUEST', message: 'now is required' }];
        }
        if (comment !== undefined && comment !== null && typeof comment !== 'string') {
            return [400, { code: 'BAD_REQUEST', message: 'comment must be a string' }];
        }
        const timeMs = parseIsoWithOffset(time);
        if (timeMs === undefined) {
            return [400, { code: 'INVALID_DATE', message: 'now must be an ISO-8601 date-time with an offset or Z' }];
        }
        const user = usersById.get(employeeId);
        if (!user) return [404, { code: 'EMPLOYEE_NOT_FOUND', message: 'Employee not found' }];
        if (user.status !== 'ACTIVE') return [422, { code: 'INACTIVE_EMPLOYEE', message: 'The employee is inactive' }];
        if (timeMs - now() > futureToleranceMs) {
            return [422, { code: 'FUTURE_ENTRY', message: 'Cannot register an entry in the future' }];
        }
        const type = action === 'clockIn' ? 'START' : 'END';
        const s = byEmployee.get(employeeId);
        if (s && s.keys.has(type + '|' + timeMs)) return [422, { code: 'DUPLICATED_ENTRY', message: 'Entry already exists' }];
        const latest = s ? s.latest : undefined;
        if (type === 'START') {
            if (latest && latest.type === 'START') {
                return [422, { code: 'ENTRY_WITHOUT_EXIT', message: 'The employee has an entry without exit' }];
            }
        } else {
            if (!latest || latest.type === 'END') return [422, { code: 'EXIT_WITHOUT_ENTRY', message: 'The employee has no open entry' }];
            if (timeMs < latest.timeMs) return [422, { code: 'INVALID_TIME', message: 'Exit is before entry' }];
        }
        const r = store(user, type, time, timeMs, comment === undefined ? null : comment, 'INTEGRATION');
        if (!legacy) return [201, readApi.entryOf(r)];
        return [
            201,
            {
                id: r.id,
                type: r.type,
                time: new Date(r.timeMs).toISOString(),
                userId: r.userId,
                employeeInternalId: r.employeeInternalId,
                summaryId: r.summaryId,
                source: 'INTEGRATION',
                createdBy: 1,
                comment: r.comment,
                siteId: null,
                location: null,
            },
        ];
    }

    function clockRequest(action, req, res, bodyText) {
        const parsed = parseJson(bodyText);
        const b = parsed.ok && isPlainObject(parsed.value) ? parsed.value : {};
        const entry = {
            action,
            employeeId: b.employeeId === undefined ? null : b.employeeId,
            now: b.now === undefined ? null : b.now,
            status: null,
            code: null,
            fault: null,
            receivedAt: new Date(now()).toISOString(),
        };
        const fault = pickFault();
        if (fault) entry.fault = fault.kind;
        const finish = (status, code) => {
            entry.status = status;
            entry.code = code;
            requests.push(entry);
        };
        if (!fault || fault.kind === 'malformed' || (fault.kind === 'hang' && fault.hangMs > 0)) {
            const run = () => {
                const [status, body] = clock(action, req, bodyText);
                finish(status, body.code || null);
                if (fault && fault.kind === 'malformed') {
                    // The record is stored; only the answer is broken: JSON cut after 10 characters.
                    sendRaw(res, status, 'application/json; charset=utf-8', JSON.stringify(body).slice(0, 10));
                } else {
                    sendJson(res, status, body);
                }
            };
            if (fault && fault.kind === 'hang') later(fault.hangMs, run);
            else run();
            return;
        }
        switch (fault.kind) {
            case '503':
                finish(503, 'SERVICE_UNAVAILABLE');
                return sendJson(res, 503, { code: 'SERVICE_UNAVAILABLE', message: 'Service temporarily unavailable' });
            case '429':
                if (!legacy) {
                    finish(429, 'RATE_LIMIT_EXCEEDED');
                    return sendJson(res, 429, { code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit reached, please try again later' }, { 'Retry-After': String(fault.retryAfter) });
                }
                finish(429, 'TOO_MANY_REQUESTS');
                return sendJson(res, 429, { code: 'TOO_MANY_REQUESTS', message: 'Too many requests' }, { 'Retry-After': String(fault.retryAfter) });
            case 'maintenance':
                finish(404, 'MAINTENANCE');
                return send(res, 404, HTML_MAINTENANCE);
            case 'redirect':
                finish(302, 'REDIRECT');
                return send(res, 302, '<html><body>Moved</body></html>', { Location: REDIRECT_TO + req.url.slice(basePath.length) });
            case 'html502':
                finish(502, 'BAD_GATEWAY');
                return send(res, 502, HTML_502);
            case 'reset':
                finish(null, 'RESET');
                req.socket.destroy();
                return undefined;
            case 'hang':
            default:
                finish(null, 'HANG'); // held open until the client gives up or the simulator closes
                return undefined;
        }
    }

    // ---- users ------------------------------------------------------------------------------------
    /** GET /users?page&limit: limit 10–50 (400 outside, as Humand); the answer is {count, users}. */
    function usersPage(url) {
        const { page, limit } = readApi.paging(url);
        const start = (page - 1) * limit;
        return { count: users.length, users: users.slice(start, start + limit).map(publicUser) };
    }

    function publicUser(u) {
        return { ...u, segmentations: u.segmentations.slice() };
    }

    // ---- HTML page --------------------------------------------------------------------------------
    function htmlPage() {
        const last = journal.slice(-50).reverse();
        const starts = journal.filter((r) => r.type === 'START').length;
        const failed = requests.filter((r) => r.status === null || r.status >= 400).length;
        const faulted = requests.filter((r) => r.fault).length;
        const active = users.filter((u) => u.status === 'ACTIVE').length;
        const rows = last
            .map((r) => {
                const u = usersById.get(r.employeeInternalId);
                const name = u ? `${u.firstName} ${u.lastName}` : '';
                return (
                    `<tr><td>${escapeHtml(r.time)}</td><td>${escapeHtml(r.employeeInternalId)} ${escapeHtml(name)}</td>` +
                    `<td>${escapeHtml(r.type)}</td><td>${escapeHtml(r.comment)}</td><td>${escapeHtml(r.source)}</td></tr>`
                );
            })
            .join('\n');
        return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="5">
<title>Humand simulator</title>
<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}</style>
</head>
<body>
<h1>Humand simulator</h1>
<p>Accepted records: <b>${journal.length}</b> (${starts} in, ${journal.length - starts} out) &middot;
clock requests: <b>${requests.length}</b> (${failed} not accepted, ${faulted} with an injected fault) &middot;
users: ${users.length} (${active} active) &middot; latency: ${escapeHtml(latencyMs)} ms &middot;
faults: ${faults ? escapeHtml(faults.kinds.join(', ') + ' @ ' + faults.ratio) : 'none'}</p>
<table>
<thead><tr><th>Time</th><th>Employee</th><th>Type</th><th>Comment</th><th>Source</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="5">No records yet</td></tr>'}
</tbody>
</table>
</body>
</html>
`;
    }

    // ---- control routes ---------------------------------------------------------------------------
    function control(method, path, req, res, bodyText) {
        let body = {};
        if (method === 'POST' && bodyText.trim() !== '') {
            const parsed = parseJson(bodyText);
            if (!parsed.ok) return sendJson(res, 400, { code: 'BAD_REQUEST', message: 'The body must be JSON' });
            body = parsed.value;
        }
        const route = `${method} ${path}`;
        try {
            switch (route) {
                case 'GET /__sim/journal':
                    return sendJson(res, 200, journal);
                case 'GET /__sim/requests':
                    return sendJson(res, 200, requests);
                case 'GET /__sim/reads':
                    return sendJson(res, 200, readLog);
                case 'GET /__sim/users':
                    return sendJson(res, 200, users);
                case 'POST /__sim/users':
                    return sendJson(res, 201, addUser(isPlainObject(body) ? body : {}));
                case 'GET /__sim/faults':
                    return sendJson(res, 200, { faults: faults || null, remaining: faultRemaining === undefined ? null : faultRemaining, latencyMs });
                case 'POST /__sim/faults':
                    return sendJson(res, 200, { ok: true, faults: setFaults(body) });
                case 'DELETE /__sim/faults':
                    clearFaults();
                    return sendJson(res, 200, { ok: true });
                case 'POST /__sim/reset':
                    reset();
                    return sendJson(res, 200, { ok: true });
                case 'POST /__sim/auto-clock-out': {
                    const b = isPlainObject(body) ? body : {};
                    return sendJson(res, 201, autoClockOut(b.employeeInternalId, b.time));
                }
                case 'GET /__sim/rate-limit':
                    return sendJson(res, 200, { rateLimit: rateLimit.config, errors });
                case 'POST /__sim/rate-limit':
                    rateLimit.set(isPlainObject(body) && body.limit === undefined && body.windowMs === undefined ? false : body);
                    return sendJson(res, 200, { ok: true, rateLimit: rateLimit.config });
                case 'POST /__sim/latency':
                    setLatency(isPlainObject(body) ? body.ms : undefined);
                    return sendJson(res, 200, { ok: true, ms: latencyMs });
                default:
                    return sendJson(res, 404, { code: 'NOT_FOUND', message: 'Not found' });
            }
        } catch (e) {
            return sendJson(res, e.status || 400, { code: e.code || 'BAD_REQUEST', message: e.message });
        }
    }

    // ---- dispatcher -------------------------------------------------------------------------------
    async function handle(req, res) {
        let url;
        try {
            url = new URL(req.url, 'http://sim.invalid');
        } catch (e) {
            return sendJson(res, 400, { code: 'BAD_REQUEST', message: 'Bad request' });
        }
        const path = url.pathname;
        const method = req.method;
        const { text, tooLarge, aborted } = await readBody(req);
        if (aborted) return undefined;
        if (tooLarge) return sendJson(res, 413, { code: 'PAYLOAD_TOO_LARGE', message: 'Request body too large' });

        if (path.startsWith('/__sim/')) return control(method, path, req, res, text);
        if (path === '/' && method === 'GET') return send(res, 200, htmlPage());

        let api;
        if (method === 'POST' && (path === clockInPath || path === clockOutPath)) {
            api = () => clockRequest(path === clockInPath ? 'clockIn' : 'clockOut', req, res, text);
        } else if (method === 'GET' && (path === entriesPath || path === summariesPath)) {
            api = () => {
                const read = { path: path.slice(basePath.length), query: Object.fromEntries(url.searchParams), status: 200, receivedAt: new Date(now()).toISOString() };
                readLog.push(read);
                if (!authorised(req)) {
                    read.status = 401;
                    return sendJson(res, 401, unauthorised());
                }
                try {
                    if (path === entriesPath) return sendJson(res, 200, readApi.listEntries(url, journal));
                    return sendJson(res, 200, readApi.listDaySummaries(url, journal, usersById, summaryId));
                } catch (e) {
                    read.status = e.status || 400;
                    return sendJson(res, e.status || 400, { code: e.code || 'INVALID_DATA', message: e.message, metadata: e.metadata || {} });
                }
            };
        } else if (method === 'GET' && (path === usersPath || path.startsWith(usersPath + '/'))) {
            api = () => {
                if (!authorised(req)) return sendJson(res, 401, unauthorised());
                if (path === usersPath) {
                    try {
                        return sendJson(res, 200, usersPage(url));
                    } catch (e) {
                        return sendJson(res, e.status || 400, { code: e.code || 'INVALID_DATA', message: e.message, metadata: e.metadata || {} });
                    }
                }
                let id;
                try {
                    id = decodeURIComponent(path.slice(usersPath.length + 1));
                } catch (e) {
                    id = undefined;
                }
                const u = id === undefined ? undefined : usersById.get(id);
                if (!u) return sendJson(res, 404, { code: 'EMPLOYEE_NOT_FOUND', message: 'Employee not found' });
                return sendJson(res, 200, publicUser(u));
            };
        } else {
            return sendJson(res, 404, { code: 'NOT_FOUND', message: 'Not found' });
        }
        // Humand's window rate limit: headers on every answer, 429 once the window is spent.
        const limited = rateLimit.take(String(req.headers.authorization || ''));
        for (const [name, value] of Object.entries(limited.headers)) res.setHeader(name, value);
        if (limited.retryAfter !== undefined) {
            if (path === clockInPath || path === clockOutPath) {
                const b = parseJson(text);
                const v = b.ok && isPlainObject(b.value) ? b.value : {};
                requests.push({
                    action: path === clockInPath ? 'clockIn' : 'clockOut', employeeId: v.employeeId === undefined ? null : v.employeeId, now: v.now === undefined ? null : v.now,
                    status: 429, code: 'RATE_LIMIT_EXCEEDED', fault: null, receivedAt: new Date(now()).toISOString(),
                });
            }
            return sendJson(res, 429, { code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit reached, please try again later', metadata: {} }, { 'Retry-After': String(limited.retryAfter) });
        }
        if (latencyMs > 0) later(latencyMs, api);
        else api();
        return undefined;
    }

    const lifecycle = createServerLifecycle({
        name: 'humand',
        handle,
        onError: (res, e) => {
            if (!res.headersSent) sendJson(res, 500, { code: 'INTERNAL', message: 'Simulator error' });
            else res.destroy(e);
        },
        timers,
        basePath,
        target: () => sim,
    });
    const listen = lifecycle.listen;
    const close = lifecycle.close;

    const sim = {
        journal,
        requests,
        reads: readLog,
        users,
        addUser,
        port: undefined,
        url: undefined,
        baseUrl: undefined,
        listen,
        close,
        setFaults,
        clearFaults,
        setLatency,
        setRateLimit: (spec) => rateLimit.set(spec),
        autoClockOut,
        reset,
        errors,
    };
    return sim;
}

module.exports = { createHumandSimulator };

// ---- CLI --------------------------------------------------------------------------------------------
const OPTIONS = {
    '--users': ['users', 'number'],
    '--api-key': ['apiKeys', 'list'],
    '--latency': ['latency', 'number'],
    '--errors': ['errors', 'string'],
    '--rate-limit': ['rateLimit', 'string'],
};

function parseArgs(argv) {
    const out = parseOptions(argv, OPTIONS, { port: 3001, users: 40, apiKeys: [], latency: 0, errors: 'documented' });
    if (!ERROR_MODES.includes(out.errors)) throw new Error(`--errors must be ${ERROR_MODES.join(' or ')}`);
    out.rateLimit = readApi.parseRateLimitArg(out.rateLimit);
    if (!Number.isInteger(out.users) || out.users < 0) throw new Error('--users must be an integer >= 0');
    if (out.apiKeys.some((k) => !k)) throw new Error('--api-key needs a value');
    if (out.apiKeys.length === 0) out.apiKeys.push('test-key');
    return out;
}

if (require.main === module) {
    runCli({
        name: 'humand-sim',
        usage:
            'node sim/humand.js [--port 3001] [--host 127.0.0.1] [--users 40] [--api-key KEY] [--seed 1] [--latency MS] ' +
            '[--errors documented|legacy] [--rate-limit 50/60000|off]',
        parse: parseArgs,
        start: (args) => {
            const sim = createHumandSimulator({
                apiKeys: args.apiKeys, users: makeHumandUsers(args.users), seed: args.seed, errors: args.errors, rateLimit: args.rateLimit,
            });
            if (args.latency) sim.setLatency(args.latency);
            return sim;
        },
        listening: ({ baseUrl }) => `humand-sim listening on ${baseUrl}`,
    });
}
