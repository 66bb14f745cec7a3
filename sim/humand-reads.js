'use strict';
// Parts of the Humand simulator that follow Humand's API definition (docs/real-apis.md): the window
// rate limit with its headers, the paging parameters (limit 10–50) and the read endpoints
// GET /time-tracking/entries and GET /time-tracking/day-summaries with Humand's page wrapper.

const DAY_MS = 86400000;
const WEEKDAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];
const MAX_SUMMARY_DAYS = 366;

/** `{limit, windowMs}` from the option: undefined → 50 per 60 s, false → no limit. */
function normaliseRateLimit(spec) {
    if (spec === false || spec === null) return undefined;
    if (spec === undefined) return { limit: 50, windowMs: 60000 };
    if (typeof spec !== 'object') throw new TypeError('rateLimit: expected {limit, windowMs} or false');
    const limit = spec.limit === undefined ? 50 : Number(spec.limit);
    const windowMs = spec.windowMs === undefined ? 60000 : Number(spec.windowMs);
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError('rateLimit: limit must be an integer >= 1');
    if (!Number.isFinite(windowMs) || windowMs < 1) throw new TypeError('rateLimit: windowMs must be >= 1');
    return { limit, windowMs };
}

/** "50/60000" (requests / window ms), "50" (per 60 s) or "off" (CLI). */
function parseRateLimitArg(text) {
    if (text === undefined) return undefined;
    const t = String(text).trim();
    if (t === 'off' || t === 'false' || t === '0') return false;
    const m = /^(\d+)(?:\/(\d+))?$/.exec(t);
    if (!m) throw new Error('--rate-limit must be N, N/WINDOW_MS or off');
    return normaliseRateLimit({ limit: Number(m[1]), windowMs: m[2] === undefined ? 60000 : Number(m[2]) });
}

/**
 * A fixed window per API key (as Humand documents: `RateLimit-Policy: 50;w=60`,
 * `RateLimit: limit=50, remaining=45, reset=30`). `take(key)` counts one request and returns the
 * headers and, when the window is spent, the seconds to wait.
 */
function createRateLimit(spec, now) {
    let config = normaliseRateLimit(spec);
    const windows = new Map();
    return {
        get config() {
            return config ? { ...config } : false;
        },
        set(next) {
            config = normaliseRateLimit(next);
            windows.clear();
        },
        reset() {
            windows.clear();
        },
        take(key) {
            if (!config) return { headers: {} };
            const t = now();
            let w = windows.get(key);
            if (!w || t - w.start >= config.windowMs) {
                w = { start: t, used: 0 };
                windows.set(key, w);
            }
            const reset = Math.max(1, Math.ceil((w.start + config.windowMs - t) / 1000));
            const limited = w.used >= config.limit;
            if (!limited) w.used += 1;
            const headers = {
                'RateLimit-Policy': `${config.limit};w=${Math.round(config.windowMs / 1000) || 1}`,
                RateLimit: `limit=${config.limit}, remaining=${config.limit - w.used}, reset=${reset}`,
            };
            return limited ? { headers, retryAfter: reset } : { headers };
        },
    };
}

function invalid(metadata) {
    const e = new Error('The provided data is invalid');
    e.status = 400;
    e.code = 'INVALID_DATA';
    e.metadata = metadata;
    return e;
}

/** page ≥ 1 (default 1) and limit 10–50 (default 10): Humand answers 400 outside. */
function paging(url) {
    const read = (name, dflt) => {
        const v = url.searchParams.get(name);
        if (v === null || v === '') return dflt;
        if (!/^\d+$/.test(v.trim())) throw invalid({ [name]: 'must be a positive integer' });
        return parseInt(v, 10);
    };
    const page = read('page', 1);
    const limit = read('limit', 10);
    if (page < 1) throw invalid({ page: 'must be >= 1' });
    if (limit < 10 || limit > 50) throw invalid({ limit: 'must be between 10 and 50' });
    return { page, limit };
}

function dateParam(url, name) {
    const v = url.searchParams.get(name);
    if (v === null || v === '') throw invalid({ [name]: 'is required' });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v + 'T00:00:00Z'))) throw invalid({ [name]: 'must be YYYY-MM-DD' });
    return v;
}

/** Humand's wrapper over a list read by `page` and `limit`. */
function wrap(items, page, limit) {
    const start = (page - 1) * limit;
    return { limit, page, totalPages: Math.max(1, Math.ceil(items.length / limit)), count: items.length, items: items.slice(start, start + limit) };
}

/** A journal record as Humand lists it (`TimeTrackingEntry`). */
function entryOf(r) {
    return {
        id: r.id,
        userId: r.userId,
        employeeInternalId: r.employeeInternalId,
        date: r.time,
        referenceDate: r.time.slice(0, 10),
        type: r.type,
        source: r.source,
        site: null,
        coordinates: null,
        comment: r.comment,
        createdAt: r.receivedAt,
        updatedAt: r.receivedAt,
        time: r.time,
    };
}

function byTime(a, b) {
    return a.timeMs - b.timeMs || a.id - b.id;
}

/** GET /time-tracking/entries?employeeId&startDate&endDate&page&limit (all three filters required). */
function listEntries(url, journal) {
    const employeeId = url.searchParams.get('employeeId');
    if (employeeId === null || employeeId.trim() === '') throw invalid({ employeeId: 'is required' });
    const startDate = dateParam(url, 'startDate');
    const endDate = dateParam(url, 'endDate');
    const { page, limit } = paging(url);
    const items = journal
        .filter((r) => r.employeeInternalId === employeeId && r.time.slice(0, 10) >= startDate && r.time.slice(0, 10) <= endDate)
        .sort(byTime)
        .map(entryOf);
    return wrap(items, page, limit);
}

function workedHours(entries) {
    let ms = 0;
    let open;
    for (const e of entries) {
        if (e.type === 'START') open = e;
        else if (open) {
            ms += e.timeMs - open.timeMs;
            open = undefined;
        }
    }
    return Math.round((ms / 3600000) * 100) / 100;
}

/**
 * GET /time-tracking/day-summaries?employeeIds=<csv>&startDate&endDate&page&limit: one item per
 * employee and day. As seen in production, `totalPages` is always 1 and `count` is the page's count.
 */
function listDaySummaries(url, journal, usersById, summaryId) {
    const raw = url.searchParams.get('employeeIds');
    if (raw === null || raw.trim() === '') throw invalid({ employeeIds: 'is required' });
    const startDate = dateParam(url, 'startDate');
    const endDate = dateParam(url, 'endDate');
    const { page, limit } = paging(url);
    const from = Date.parse(startDate + 'T00:00:00Z');
    const to = Date.parse(endDate + 'T00:00:00Z');
    if (to < from || (to - from) / DAY_MS >= MAX_SUMMARY_DAYS) throw invalid({ endDate: `must be within ${MAX_SUMMARY_DAYS} days after startDate` });
    const items = [];
    for (const employeeId of [...new Set(raw.split(',').map((s) => s.trim()).filter(Boolean))]) {
        const user = usersById.get(employeeId);
        if (!user) continue;
        for (let t = from; t <= to; t += DAY_MS) {
            const day = new Date(t).toISOString().slice(0, 10);
            const records = journal.filter((r) => r.employeeInternalId === employeeId && r.time.slice(0, 10) === day).sort(byTime);
            const weekday = new Date(t).getUTCDay();
            items.push({
                id: summaryId(employeeId, day),
                date: day,
                referenceDate: day,
                employeeId,
                userId: user.id,
                isWorkday: weekday !== 0 && weekday !== 6,
                hasSchedule: false,
                weekday: WEEKDAYS[weekday],
                hours: { estimated: 0, scheduled: 0, timeOff: 0, worked: workedHours(records) },
                categorizedHours: [],
                holidays: [],
                timeOffRequests: [],
                timeSlots: [],
                entries: records.map(entryOf),
                incidences: records.some((r) => r.source === 'AUTO_CLOSE') ? ['AUTO_CLOSE'] : [],
            });
        }
    }
    const pageItems = items.slice((page - 1) * limit, page * limit);
    return { limit, page, totalPages: 1, count: pageItems.length, items: pageItems };
}

module.exports = { normaliseRateLimit, parseRateLimitArg, createRateLimit, paging, invalid, entryOf, listEntries, listDaySummaries };
