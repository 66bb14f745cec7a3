'use strict';
// Local simulator of HikCentral Professional's Artemis OpenAPI, for tests and the demo.
// - Verifies the x-ca signature of EVERY request as the product specification describes it (its own implementation, not the
//   package's signer) and answers HTTP 200 {code:'0x02401003', msg} echoing the AppKey and the
//   server's string-to-sign, as the real gateway does (so clients must redact).
// - Door events by time window and page (acs/v1/door/events), person list, event subscriptions with
//   OnEventNotify push delivery to the subscribed eventDest, injectable faults (HTML 502, truncated
//   JSON, result codes, slowness, connection reset), late-arriving events, optional HTTPS.
// - Control routes under /__sim/ and, from the CLI, a steady trickle of realistic face / card events.
// Node built-ins only. Timers through the global setTimeout so sinon fake timers drive them.
//
// Dialects: 'hcp' (default) serves HikCentral Professional's documented fields (checkInAndOutType,
// readerIndexCode / readerName, push `data.{personId, personCode, cardNo, checkInAndOutType, readerIndexCode}`),
// requires doorIndexCodes (an empty list = all doors), pageSize 1–500, answers in descending order unless
// `orderType: 0`; 'isecure' serves iSecure Center's fields (inAndOutType, readerDevIndexCode, jobNo, ExtEvent* push).
//
//   node sim/hikcentral.js [--port 3002] [--host 127.0.0.1] [--people 40] [--app-key K] [--app-secret S]
//                          [--tls] [--trickle-ms 15000] [--seed 1] [--require-event-type] [--dialect hcp|isecure]
//                          [--page-size-cap N]

const http = require('http');
const https = require('https');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { URL } = require('url');
const { makePeople, mulberry32 } = require('./people');
const { createTimers, readBody: readBodyUpTo, createServerLifecycle, parseOptions, runCli } = require('./lifecycle');

const PATHS = {
    doorEvents: '/artemis/api/acs/v1/door/events',
    personList: '/artemis/api/resource/v1/person/personList',
    subscribe: '/artemis/api/eventService/v1/eventSubscriptionByEventTypes',
    unsubscribe: '/artemis/api/eventService/v1/eventUnSubscriptionByEventTypes',
    subscriptionView: '/artemis/api/eventService/v1/eventSubscriptionView',
    version: '/artemis/api/common/v1/version',
};
const FAULT_KINDS = ['html502', 'truncated', 'code', 'slow', 'reset'];
const MAX_BODY = 1024 * 1024;
const HTML_502 =
    '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
    '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

const DEFAULT_DOORS = [
    { doorIndexCode: '1', doorName: 'Main entrance', devIndexCode: '101', devName: 'DS-K2604 Lobby', readers: [{ id: '1011', name: 'Lobby reader in', inOut: 1 }, { id: '1012', name: 'Lobby reader out', inOut: 0 }] },
    { doorIndexCode: '2', doorName: 'Warehouse door', devIndexCode: '102', devName: 'DS-K1T341 Warehouse', readers: [{ id: '1021', name: 'Warehouse terminal', inOut: -1 }] },
];
const TYPE_NAMES = { 196893: 'acs.acs.eventType.successFace', 198914: 'acs.acs.eventType.successCard', 197151: 'acs.acs.eventType.failedFace' };

function isPlainObject(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function parseIso(s) {
    if (typeof s !== 'string' || !ISO_WITH_OFFSET.test(s)) return undefined;
    const ms = Date.parse(s);
    return Number.isNaN(ms) ? undefined : ms;
}

/** ISO 8601 with seconds and a fixed offset (minutes east of UTC). */
function isoAt(ms, offsetMin) {
    const d = new Date(ms + offsetMin * 60000);
    const pad = (n, w = 2) => String(n).padStart(w, '0');
    const sign = offsetMin < 0 ? '-' : '+';
    const abs = Math.abs(offsetMin);
    return (
        `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
        `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
    );
}

/** The string-to-sign of the product specification, implemented independently of lib/artemis/sign.ts. `headers`: Node's lower-cased request headers. */
function serverStringToSign(method, pathname, searchParams, headers) {
    let s = method.toUpperCase() + '\n';
    for (const h of ['accept', 'content-md5', 'content-type', 'date']) {
        if (headers[h] !== undefined) s += headers[h] + '\n';
    }
    const listed = String(headers['x-ca-signature-headers'] || '')
        .split(',')
        .map((x) => x.trim().toLowerCase())
        .filter(Boolean);
    for (const name of [...new Set(listed)].sort()) {
        const v = headers[name];
        s += v === undefined || v === '' ? `${name}:\n` : `${name}:${v}\n`;
    }
    s += pathname;
    const keys = [...new Set([...searchParams.keys()])].sort();
    if (keys.length > 0) s += '?' + keys.map((k) => (searchParams.get(k) === '' ? k : `${k}=${searchParams.get(k)}`)).join('&');
    return s;
}

/**
 * @param {object} [options]
 * @param {string} [options.appKey]       default '29666671'
 * @param {string} [options.appSecret]    default 'empsl6pq4xx7cSy6gRXa'
 * @param {object[]} [options.people]     default makePeople(40)
 * @param {() => number} [options.now]    clock (default Date.now)
 * @param {{key: string, cert: string}} [options.tls] serve HTTPS
 * @param {number} [options.maxSkewMs]    accepted x-ca-timestamp skew (default 15 min)
 * @param {boolean} [options.requireEventType] refuse door-event queries without eventType (code 0x00072001)
 * @param {'hcp'|'isecure'} [options.dialect] default 'hcp' (see the header)
 * @param {number} [options.maxPageSize]  larger → code 0x00072002 (default 500 for hcp, 1000 for isecure)
 * @param {number} [options.pageSizeCap]  silently serve at most this many records per page (the answer still echoes
 *                                        the requested pageSize, and pages are counted in capped pages)
 * @param {number} [options.tooLongAbove] a pageSize above this → code 0x00072004 (response too long)
 * @param {'list'|'array'|'nolist'} [options.emptyShape] an empty result as {total: 0, list: []} (default),
 *                                        `data: []`, or {total: 0, pageNo: 0, pageSize: 0} without list
 * @param {number} [options.maxWindowDays] default 31 (longer → code 2)
 * @param {number} [options.offsetMinutes] offset of the event times (default -180, e.g. Buenos Aires)
 * @param {number} [options.seed]
 */
function createHikCentralSimulator(options = {}) {
    const appKey = options.appKey === undefined ? '29666671' : String(options.appKey);
    const appSecret = options.appSecret === undefined ? 'empsl6pq4xx7cSy6gRXa' : String(options.appSecret);
    const now = typeof options.now === 'function' ? options.now : () => Date.now();
    const maxSkewMs = options.maxSkewMs === undefined ? 15 * 60000 : Number(options.maxSkewMs);
    const dialect = options.dialect === 'isecure' ? 'isecure' : 'hcp';
    const hcp = dialect === 'hcp';
    const maxPageSize = options.maxPageSize || (hcp ? 500 : 1000);
    let pageSizeCap = Number(options.pageSizeCap) || 0;
    let tooLongAbove = Number(options.tooLongAbove) || 0;
    let emptyShape = options.emptyShape || 'list';
    const maxWindowMs = (options.maxWindowDays || 31) * 24 * 3600 * 1000;
    const offsetMin = options.offsetMinutes === undefined ? -180 : Number(options.offsetMinutes);
    const people = options.people || makePeople(40);
    const doors = options.doors || DEFAULT_DOORS;
    let requireEventType = Boolean(options.requireEventType);
    let rand = mulberry32(options.seed === undefined ? 1 : Number(options.seed) >>> 0);

    const persons = people.map((p) => ({
        personId: String(p.index),
        personCode: p.code,
        personGivenName: p.firstName,
        personFamilyName: p.lastName,
        personName: `${p.firstName} ${p.lastName}`,
        orgIndexCode: '1',
        orgName: 'All Departments',
        email: p.email,
        phoneNo: '',
        active: p.active,
    }));

    /** Stored events: { record, ms, visibleAt } */
    let events = []; // in time order (insertSorted)
    let version = 0; // bumped on every change of `events`
    let cached; // last query result (matchingEvents)
    let lastVisibleAt = 0; // the latest visibleAt of all stored events: none is hidden at a later time
    const requests = [];
    const pushes = [];
    let subscriptions = new Map(); // eventType -> eventDest
    let faults = []; // [{kind, remaining, path?, code?, msg?, delayMs?}]
    let latencyMs = 0;
    let nextEventId = 1;
    const lastDirection = new Map();
    let trickleTimer;
    const timers = createTimers();
    const later = timers.later;

    // ---- events --------------------------------------------------------------------------------------
    /**
     * Adds a door event. `spec` fields override the generated ones; `spec.raw` stores a record as is
     * (malformed-record tests), then `spec.atMs` places it in time. `spec.visibleAfterMs` delays its
     * appearance in queries (an event reaching HikCentral late). Returns the stored record.
     */
    function addEvent(spec = {}) {
        let record;
        let ms;
        if (spec.raw !== undefined) {
            record = spec.raw;
            ms = spec.atMs === undefined ? now() : Number(spec.atMs);
        } else {
            const person = spec.person || persons[Math.floor(rand() * persons.length)];
            const door = findDoor(spec.door);
            const reader = findReader(door, spec.reader, spec.readerIndexCode);
            ms = spec.time !== undefined ? parseIso(spec.time) ?? Number(spec.time) : spec.atMs !== undefined ? Number(spec.atMs) : now();
            ms = Math.floor(ms / 1000) * 1000; // eventTime has whole seconds
            const eventType = spec.eventType === undefined ? 196893 : Number(spec.eventType);
            const id = spec.eventId === undefined ? `ev${String(nextEventId++).padStart(8, '0')}` : String(spec.eventId);
            const dir = directionOf(spec, reader);
            record = hcp
                ? {
                      eventId: id,
                      eventType,
                      eventTime: typeof spec.time === 'string' ? spec.time : isoAt(ms, offsetMin),
                      personId: person ? person.personId : '0',
                      personCode: person ? person.personCode : '',
                      personType: 1,
                      personName: person ? person.personName : '',
                      cardNo: eventType === 198914 && person ? String(1000000 + Number(person.personId)) : '',
                      doorName: door.doorName,
                      doorIndexCode: door.doorIndexCode,
                      picUri: '',
                      checkInAndOutType: dir.check,
                      deviceTime: isoAt(ms, offsetMin),
                      readerIndexCode: reader.id,
                      readerName: reader.name,
                      temperatureStatus: 0,
                      wearMaskStatus: 0,
                  }
                : {
                      eventId: id,
                      eventName: TYPE_NAMES[eventType] || 'acs.acs.eventType.other',
                      eventTime: typeof spec.time === 'string' ? spec.time : isoAt(ms, offsetMin),
                      personId: person ? person.personId : '0',
                      personName: person ? person.personName : '',
                      personCode: person ? person.personCode : '',
                      jobNo: person ? person.personCode : '',
                      orgIndexCode: '1',
                      orgName: 'All Departments',
                      cardNo: eventType === 198914 && person ? String(1000000 + Number(person.personId)) : null,
                      doorIndexCode: door.doorIndexCode,
                      doorName: door.doorName,
                      doorRegionIndexCode: '1',
                      eventType,
                      inAndOutType: dir.inOut,
                      readerDevIndexCode: reader.id,
                      readerDevName: reader.name,
                      devIndexCode: door.devIndexCode,
                      devName: door.devName,
                      picUri: '',
                      svrIndexCode: '',
                      receiveTime: isoAt(now(), offsetMin),
                  };
            if (spec.personId !== undefined) record.personId = spec.personId;
        }
        const visibleAt = spec.visibleAfterMs ? now() + Number(spec.visibleAfterMs) : 0;
        insertSorted({ record, ms, visibleAt });
        if (spec.push !== false) deliver([{ record, ms }], visibleAt ? Number(spec.visibleAfterMs) : 0);
        return record;
    }

    /** A door object, or one found (or made up) by its index code. */
    function findDoor(door) {
        if (isPlainObject(door)) return door;
        if (door === undefined || door === null) return doors[0];
        const code = String(door);
        return doors.find((d) => d.doorIndexCode === code) || { doorIndexCode: code, doorName: `Door ${code}`, devIndexCode: `dev${code}`, devName: `Device ${code}`, readers: [{ id: `${code}1`, name: `Reader ${code}1`, inOut: -1 }] };
    }

    /** A reader object, or the door's reader of that index code (made up when the door has none). */
    function findReader(door, reader, code) {
        if (isPlainObject(reader)) return reader;
        const id = code !== undefined ? String(code) : reader !== undefined ? String(reader) : undefined;
        if (id === undefined) return door.readers[0];
        for (const d of doors) {
            const r = d.readers.find((x) => x.id === id);
            if (r) return r;
        }
        return { id, name: `Reader ${id}`, inOut: -1 };
    }

    /**
     * The direction fields of a new event in both dialects: `spec.checkInAndOutType` (HCP: 0 unknown, 1 check-in,
     * 2 check-out, 3 break-out, 4 break-in, 5 overtime-in, 6 overtime-out) or `spec.inAndOutType` (iSecure: 1 in,
     * 0 out, -1 unknown), whichever is given, else the reader's; each translated into the other dialect.
     */
    function directionOf(spec, reader) {
        const toCheck = (io) => (Number(io) === 1 ? 1 : Number(io) === 0 ? 2 : 0);
        const toInOut = (c) => ([1, 4, 5].includes(Number(c)) ? 1 : [2, 3, 6].includes(Number(c)) ? 0 : -1);
        if (spec.checkInAndOutType !== undefined) return { check: spec.checkInAndOutType, inOut: spec.inAndOutType !== undefined ? spec.inAndOutType : toInOut(spec.checkInAndOutType) };
        const inOut = spec.inAndOutType !== undefined ? spec.inAndOutType : reader.inOut;
        return { check: toCheck(inOut), inOut };
    }

    /** Realistic next event for the demo trickle: active people, face or card, alternating in/out. */
    function trickleOnce() {
        const active = persons.filter((p) => p.active);
        if (active.length === 0) return undefined;
        const person = active[Math.floor(rand() * active.length)];
        const r = rand();
        if (r < 0.05) return addEvent({ person, eventType: 197151, door: doors[0], reader: doors[0].readers[0] }); // failed face
        const dir = lastDirection.get(person.personId) === 1 ? 0 : 1;
        lastDirection.set(person.personId, dir);
        const door = doors[0];
        const reader = door.readers.find((x) => x.inOut === dir) || door.readers[0];
        return addEvent({ person, eventType: r < 0.6 ? 196893 : 198914, door, reader, inAndOutType: dir });
    }

    function startTrickle(intervalMs = 15000) {
        stopTrickle();
        const tick = () => {
            trickleOnce();
            trickleTimer = later(intervalMs, tick);
        };
        trickleTimer = later(Math.min(intervalMs, 2000), tick);
    }

    function stopTrickle() {
        if (trickleTimer) {
            clearTimeout(trickleTimer);
            timers.pending.delete(trickleTimer);
        }
        trickleTimer = undefined;
    }

    // ---- push ------------------------------------------------------------------------------------------
    function pushShape(record) {
        const isDoor = isPlainObject(record);
        const hasPerson = isDoor && record.personId && record.personId !== '0' && record.personId !== '-1';
        const base = {
            eventId: isDoor ? record.eventId : undefined,
            eventType: isDoor ? record.eventType : undefined,
            eventTypeName: isDoor ? TYPE_NAMES[record.eventType] || 'acs.acs.eventType.other' : undefined,
            happenTime: isDoor ? record.eventTime : undefined,
            srcIndex: isDoor ? record.doorIndexCode : undefined,
            srcName: isDoor ? record.doorName : undefined,
            srcType: 'door',
            status: 0,
        };
        if (hcp) {
            return {
                ...base,
                data: {
                    personId: hasPerson ? record.personId : '',
                    personCode: hasPerson ? record.personCode : '',
                    cardNo: isDoor ? record.cardNo || '' : '',
                    checkInAndOutType: isDoor ? record.checkInAndOutType : 0,
                    readerIndexCode: isDoor ? record.readerIndexCode : undefined,
                    readerName: isDoor ? record.readerName : undefined,
                    picUri: '',
                },
            };
        }
        return {
            ...base,
            srcParentIndex: isDoor ? record.devIndexCode : undefined,
            eventLvl: 0,
            timeout: 0,
            data: {
                ExtEventCardNo: isDoor ? record.cardNo || '' : '',
                ExtEventCode: isDoor ? record.eventType : undefined,
                ExtEventDoorID: isDoor ? record.doorIndexCode : undefined,
                ExtEventInOut: isDoor ? record.inAndOutType : undefined,
                // the person No. (the Employee ID shown in HikCentral), "0" when no person.
                ExtEventPersonNo: hasPerson ? record.personCode : '0',
                ExtEventReaderID: isDoor ? record.readerDevIndexCode : undefined,
                ExtEventReaderKind: 0,
                ExtEventMainDevID: isDoor ? record.devIndexCode : undefined,
                ExtReceiveTime: String(now() * 1000),
            },
        };
    }

    /** Sends OnEventNotify posts (≤50 events each) to the subscribed eventDest of each event type. */
    function deliver(items, delayMs = 0) {
        const byDest = new Map();
        for (const { record } of items) {
            const dest = isPlainObject(record) ? subscriptions.get(Number(record.eventType)) : undefined;
            if (!dest) continue;
            if (!byDest.has(dest)) byDest.set(dest, []);
            byDest.get(dest).push(pushShape(record));
        }
        for (const [dest, list] of byDest) {
            for (let i = 0; i < list.length; i += 50) {
                const batch = list.slice(i, i + 50);
                const go = () => postNotify(dest, batch);
                if (delayMs > 0) later(delayMs, go);
                else go();
            }
        }
    }

    function postNotify(dest, batch) {
        const body = JSON.stringify({
            method: 'OnEventNotify',
            params: { ability: 'event_acs', sendTime: isoAt(now(), offsetMin), uids: '', clients: [], events: batch },
        });
        const entry = { dest, count: batch.length, ids: batch.map((e) => e.eventId), status: undefined, error: undefined };
        pushes.push(entry);
        let url;
        try {
            url = new URL(dest);
        } catch (e) {
            entry.error = 'bad eventDest';
            return;
        }
        const mod = url.protocol === 'https:' ? https : http;
        const req = mod.request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }, rejectUnauthorized: false, timeout: 10000 }, (res) => {
            entry.status = res.statusCode;
            res.resume();
        });
        req.on('error', (e) => {
            entry.error = e.code || e.message;
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.end(body);
    }

    // ---- HTTP plumbing ---------------------------------------------------------------------------------
    function sendRaw(res, status, type, text) {
        if (res.headersSent || res.destroyed) return;
        res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
    }
    const sendJson = (res, status, body) => sendRaw(res, status, 'application/json;charset=UTF-8', JSON.stringify(body));
    const ok = (res, data) => sendJson(res, 200, { code: '0', msg: 'Success', data });
    const fail = (res, code, msg) => sendJson(res, 200, { code, msg });

    const readBody = (req) => readBodyUpTo(req, MAX_BODY);

    /** Verifies the signature; returns an error envelope or undefined when the request is authentic. */
    function verify(req, url, bodyText) {
        const h = req.headers;
        if (!h['x-ca-key']) return { code: '0x02401000', msg: 'AppKey is empty' };
        if (!h['x-ca-signature']) return { code: '0x02401002', msg: 'Signature is empty' };
        if (h['x-ca-key'] !== appKey) return { code: '0x02401642', msg: `The partner of appKey:${h['x-ca-key']} is not found` };
        const sts = serverStringToSign(req.method, url.pathname, url.searchParams, h);
        const expected = crypto.createHmac('sha256', Buffer.from(appSecret, 'utf8')).update(sts, 'utf8').digest('base64');
        const given = String(h['x-ca-signature']);
        const okSig = given.length === expected.length && crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected));
        if (!okSig) {
            return { code: '0x02401003', msg: `Signature verification failed, appKey:${h['x-ca-key']}, StringToSign:${sts}` };
        }
        if (h['content-md5'] !== undefined) {
            const md5 = crypto.createHash('md5').update(bodyText, 'utf8').digest('base64');
            if (md5 !== h['content-md5']) return { code: '0x02401003', msg: `Content-MD5 mismatch, appKey:${h['x-ca-key']}, StringToSign:${sts}` };
        }
        if (h['x-ca-timestamp'] !== undefined) {
            const ts = Number(h['x-ca-timestamp']);
            if (!Number.isFinite(ts) || Math.abs(now() - ts) > maxSkewMs) {
                return { code: '0x02401003', msg: `Timestamp expired (x-ca-timestamp:${h['x-ca-timestamp']}), StringToSign:${sts}` };
            }
        }
        return undefined;
    }

    function takeFault(pathname) {
        const f = faults.find((x) => x.remaining !== 0 && (!x.path || x.path === pathname));
        if (!f) return undefined;
        if (f.remaining > 0) f.remaining--;
        return f;
    }

    // ---- API -------------------------------------------------------------------------------------------
    /** Events are kept in time order (stable for equal times), so a query is a binary search. */
    function insertSorted(entry) {
        let lo = 0;
        let hi = events.length;
        while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (events[mid].ms <= entry.ms) lo = mid + 1;
            else hi = mid;
        }
        if (lo === events.length) events.push(entry);
        else events.splice(lo, 0, entry);
        if (entry.visibleAt > lastVisibleAt) lastVisibleAt = entry.visibleAt;
        version += 1;
    }

    function lowerBound(ms) {
        let lo = 0;
        let hi = events.length;
        while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (events[mid].ms < ms) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    function upperBound(ms) {
        let lo = 0;
        let hi = events.length;
        while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (events[mid].ms <= ms) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** The events a query matches; the last result is reused while nothing changed (paging through it). */
    function matchingEvents(start, end, eventType, doorsFilter, t) {
        const key = JSON.stringify([start, end, eventType, doorsFilter]);
        if (cached && cached.key === key && cached.version === version && t < cached.validUntil) return cached.list;
        const list = [];
        let validUntil = Infinity;
        for (let i = lowerBound(start); i < events.length && events[i].ms <= end; i++) {
            const e = events[i];
            if (e.visibleAt > t) {
                validUntil = Math.min(validUntil, e.visibleAt);
                continue;
            }
            if (eventType !== undefined && !(isPlainObject(e.record) && Number(e.record.eventType) === Number(eventType))) continue;
            if (doorsFilter && !(isPlainObject(e.record) && doorsFilter.includes(String(e.record.doorIndexCode)))) continue;
            list.push(e);
        }
        cached = { key, version, validUntil, list };
        return list;
    }

    /** The page of `window` (events in ascending time order) as HCP answers it: sort order, silent cap, empty shapes. */
    function answerPage(res, total, at, pageNo, pageSize, descending) {
        const served = pageSizeCap > 0 ? Math.min(pageSizeCap, pageSize) : pageSize;
        const from = (pageNo - 1) * served;
        const to = Math.min(total, from + served);
        const list = [];
        for (let i = from; i < to; i++) list.push(at(descending ? total - 1 - i : i).record);
        if (total === 0 && emptyShape === 'array') return ok(res, []);
        if (total === 0 && emptyShape === 'nolist') return ok(res, { total: 0, pageNo: 0, pageSize: 0 });
        return ok(res, { total, pageNo, pageSize, list });
    }

    function doorEvents(res, body) {
        const start = parseIso(body.startTime);
        const end = parseIso(body.endTime);
        if (start === undefined || end === undefined) return fail(res, '2', 'startTime and endTime must be ISO 8601 with offset');
        if (end < start || end - start > maxWindowMs) return fail(res, '2', 'the time range must not exceed 31 days');
        const pageNo = Number(body.pageNo);
        const pageSize = Number(body.pageSize);
        if (!Number.isInteger(pageNo) || pageNo < 1) return fail(res, '0x00072002', 'pageNo out of range');
        if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) return fail(res, '0x00072002', 'pageSize out of range');
        if (tooLongAbove > 0 && pageSize > tooLongAbove) return fail(res, '0x00072004', 'The response is too long, reduce the page size');
        if (requireEventType && (body.eventType === undefined || body.eventType === null || body.eventType === '')) {
            return fail(res, '0x00072001', 'eventType is required');
        }
        if (body.doorIndexCodes !== undefined && !Array.isArray(body.doorIndexCodes)) return fail(res, '2', 'Incorrect request parameter. [doorIndexCode parameter error]');
        if (hcp && body.doorIndexCodes === undefined) return fail(res, '2', 'Incorrect request parameter. [doorIndexCode parameter error]');
        if (Array.isArray(body.doorIndexCodes) && body.doorIndexCodes.length > 10) return fail(res, '2', 'Incorrect request parameter. [doorIndexCodes at most 10]');
        if (body.sortField !== undefined && body.sortField !== 'SwipeTime') return fail(res, '2', 'Incorrect request parameter. [sortField parameter error]');
        if (body.orderType !== undefined && body.orderType !== 0 && body.orderType !== 1) return fail(res, '2', 'Incorrect request parameter. [orderType parameter error]');
        // HCP's default order is descending (orderType 1); iSecure's simulator keeps the stored (ascending) order.
        const descending = hcp ? body.orderType !== 0 : body.orderType === 1;
        const doorsFilter = Array.isArray(body.doorIndexCodes) && body.doorIndexCodes.length > 0 ? body.doorIndexCodes.map(String) : undefined;
        const t = now();
        if (body.eventType === undefined && !doorsFilter && lastVisibleAt <= t) {
            // nothing to filter: the window is [lowerBound(start), upperBound(end)), a page is a slice of it
            const lo = lowerBound(start);
            return answerPage(res, upperBound(end) - lo, (i) => events[lo + i], pageNo, pageSize, descending);
        }
        const matching = matchingEvents(start, end, body.eventType, doorsFilter, t);
        return answerPage(res, matching.length, (i) => matching[i], pageNo, pageSize, descending);
    }

    function personList(res, body) {
        const pageNo = Number(body.pageNo) || 1;
        const pageSize = Number(body.pageSize) || 20;
        if (pageSize > 1000) return fail(res, '0x00072002', 'pageSize out of range');
        const list = persons.slice((pageNo - 1) * pageSize, pageNo * pageSize).map(({ active, ...p }) => p);
        return ok(res, { total: persons.length, pageNo, pageSize, list });
    }

    function subscribe(res, body) {
        if (!Array.isArray(body.eventTypes) || body.eventTypes.length === 0) return fail(res, '0x00072001', 'eventTypes is required');
        try {
            const u = new URL(String(body.eventDest));
            if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
        } catch (e) {
            return fail(res, '0x00072003', 'eventDest is not a valid URL');
        }
        for (const t of body.eventTypes) subscriptions.set(Number(t), String(body.eventDest));
        return ok(res, null);
    }

    function unsubscribe(res, body) {
        if (!Array.isArray(body.eventTypes)) return fail(res, '0x00072001', 'eventTypes is required');
        for (const t of body.eventTypes) subscriptions.delete(Number(t));
        return ok(res, null);
    }

    function subscriptionView(res) {
        const byDest = new Map();
        for (const [type, dest] of subscriptions) {
            if (!byDest.has(dest)) byDest.set(dest, []);
            byDest.get(dest).push(type);
        }
        return ok(res, { detail: [...byDest].map(([eventDest, eventTypes]) => ({ eventTypes, eventDest })) });
    }

    async function api(req, res, url, bodyText) {
        const entry = { method: req.method, path: url.pathname, time: now(), body: undefined, code: undefined };
        requests.push(entry);
        if (requests.length > 5000) requests.splice(0, requests.length - 5000);
        const denied = verify(req, url, bodyText);
        if (denied) {
            entry.code = denied.code;
            return fail(res, denied.code, denied.msg);
        }
        let body = {};
        if (bodyText.trim() !== '') {
            try {
                body = JSON.parse(bodyText);
            } catch (e) {
                entry.code = '0x02401021';
                return fail(res, '0x02401021', 'request JSON parse error');
            }
        }
        entry.body = body;
        if (!isPlainObject(body)) body = {};
        const fault = takeFault(url.pathname);
        if (fault) {
            entry.fault = fault.kind;
            if (fault.kind === 'html502') return sendRaw(res, 502, 'text/html', HTML_502);
            if (fault.kind === 'reset') return req.socket.destroy();
            if (fault.kind === 'code') return fail(res, fault.code || '0x0240100b', fault.msg || 'API call count limited');
            if (fault.kind === 'truncated') {
                const text = JSON.stringify({ code: '0', msg: 'Success', data: { total: 1, pageNo: 1, pageSize: 1, list: [{ eventId: 'x' }] } });
                return sendRaw(res, 200, 'application/json', text.slice(0, Math.floor(text.length / 2)));
            }
            if (fault.kind === 'slow') {
                await new Promise((r) => later(fault.delayMs || 5000, r));
            }
        }
        entry.code = '0';
        switch (url.pathname) {
            case PATHS.doorEvents:
                return doorEvents(res, body);
            case PATHS.personList:
                return personList(res, body);
            case PATHS.subscribe:
                return subscribe(res, body);
            case PATHS.unsubscribe:
                return unsubscribe(res, body);
            case PATHS.subscriptionView:
                return subscriptionView(res);
            case PATHS.version:
                return ok(res, { softVersion: 'V2.6.0 build 20250101 (simulator)', productName: 'HikCentral Professional' });
            default:
                entry.code = '404';
                return sendRaw(res, 404, 'text/html', '<html><body><h1>404 Not Found</h1></body></html>');
        }
    }

    function setFaults(list) {
        const arr = Array.isArray(list) ? list : [list];
        faults = arr.map((f) => {
            if (!isPlainObject(f) || !FAULT_KINDS.includes(f.kind)) throw new TypeError(`faults: kind must be one of ${FAULT_KINDS.join(', ')}`);
            return { ...f, remaining: f.count === undefined ? -1 : Number(f.count) };
        });
    }

    function reset() {
        events = [];
        lastVisibleAt = 0;
        version += 1;
        requests.length = 0;
        pushes.length = 0;
        subscriptions = new Map();
        faults = [];
        latencyMs = 0;
        nextEventId = 1;
        lastDirection.clear();
        rand = mulberry32(options.seed === undefined ? 1 : Number(options.seed) >>> 0);
    }

    async function control(req, res, url, text) {
        let body = {};
        try {
            body = text.trim() === '' ? {} : JSON.parse(text);
        } catch (e) {
            return sendJson(res, 400, { error: 'bad JSON' });
        }
        try {
            switch (`${req.method} ${url.pathname}`) {
                case 'GET /__sim/events':
                    return sendJson(res, 200, events.map((e) => e.record));
                case 'POST /__sim/events': {
                    const list = Array.isArray(body) ? body : [body];
                    return sendJson(res, 200, list.map((s) => addEvent(s)));
                }
                case 'POST /__sim/trickle':
                    if (body.stop) stopTrickle();
                    else startTrickle(Number(body.intervalMs) || 15000);
                    return sendJson(res, 200, { trickle: !body.stop });
                case 'GET /__sim/persons':
                    return sendJson(res, 200, persons);
                case 'GET /__sim/requests':
                    return sendJson(res, 200, requests);
                case 'GET /__sim/pushes':
                    return sendJson(res, 200, pushes);
                case 'GET /__sim/subscriptions':
                    return sendJson(res, 200, Object.fromEntries(subscriptions));
                case 'POST /__sim/faults':
                    setFaults(body);
                    return sendJson(res, 200, { faults });
                case 'DELETE /__sim/faults':
                    faults = [];
                    return sendJson(res, 200, { faults });
                case 'POST /__sim/latency':
                    latencyMs = Number(body.ms) || 0;
                    return sendJson(res, 200, { latencyMs });
                case 'POST /__sim/paging':
                    // {pageSizeCap, tooLongAbove, emptyShape}: change how pages are served
                    if (body.pageSizeCap !== undefined) pageSizeCap = Number(body.pageSizeCap) || 0;
                    if (body.tooLongAbove !== undefined) tooLongAbove = Number(body.tooLongAbove) || 0;
                    if (body.emptyShape !== undefined) emptyShape = String(body.emptyShape);
                    return sendJson(res, 200, { pageSizeCap, tooLongAbove, emptyShape });
                case 'POST /__sim/require-event-type':
                    requireEventType = Boolean(body.on);
                    return sendJson(res, 200, { requireEventType });
                case 'POST /__sim/reset':
                    reset();
                    return sendJson(res, 200, { reset: true });
                default:
                    return sendJson(res, 404, { error: 'unknown control route' });
            }
        } catch (e) {
            return sendJson(res, 400, { error: e.message });
        }
    }

    async function handle(req, res) {
        let url;
        try {
            url = new URL(req.url, 'http://sim.invalid');
        } catch (e) {
            return sendJson(res, 400, { error: 'bad request' });
        }
        const { text, tooLarge, aborted } = await readBody(req);
        if (aborted) return undefined;
        if (tooLarge) return sendRaw(res, 413, 'text/html', '<html><body>413 Request Entity Too Large</body></html>');
        if (url.pathname.startsWith('/__sim/')) return control(req, res, url, text);
        if (req.method !== 'POST' || !url.pathname.startsWith('/artemis/')) {
            return sendRaw(res, 404, 'text/html', '<html><body><h1>404 Not Found</h1></body></html>');
        }
        if (latencyMs > 0) await new Promise((r) => later(latencyMs, r));
        return api(req, res, url, text);
    }

    const lifecycle = createServerLifecycle({
        name: 'hikcentral',
        handle,
        onError: (res) => {
            if (!res.headersSent) sendJson(res, 500, { code: '0x00052102', msg: 'simulator error' });
            else res.destroy();
        },
        tls: options.tls,
        timers,
        target: () => sim,
    });
    const listen = lifecycle.listen;
    function close() {
        stopTrickle();
        return lifecycle.close();
    }

    const sim = {
        appKey,
        persons,
        doors,
        requests,
        pushes,
        get events() {
            return events.map((e) => e.record);
        },
        get subscriptions() {
            return Object.fromEntries(subscriptions);
        },
        addEvent,
        trickleOnce,
        startTrickle,
        stopTrickle,
        setFaults,
        clearFaults: () => {
            faults = [];
        },
        setLatency: (ms) => {
            latencyMs = Number(ms) || 0;
        },
        setRequireEventType: (on) => {
            requireEventType = Boolean(on);
        },
        /** {pageSizeCap, tooLongAbove, emptyShape} as the options of the same names. */
        setPaging: (p = {}) => {
            if (p.pageSizeCap !== undefined) pageSizeCap = Number(p.pageSizeCap) || 0;
            if (p.tooLongAbove !== undefined) tooLongAbove = Number(p.tooLongAbove) || 0;
            if (p.emptyShape !== undefined) emptyShape = String(p.emptyShape);
        },
        dialect,
        reset,
        listen,
        close,
        port: undefined,
        baseUrl: undefined,
    };
    return sim;
}

module.exports = { createHikCentralSimulator, serverStringToSign, isoAt, PATHS };

// ---- CLI --------------------------------------------------------------------------------------------
const OPTIONS = { '--dialect': ['dialect', 'string'], '--page-size-cap': ['pageSizeCap', 'number'], '--people': ['people', 'number'], '--app-key': ['appKey', 'string'], '--app-secret': ['appSecret', 'string'], '--tls': ['tls', 'flag'], '--trickle-ms': ['trickleMs', 'number'], '--require-event-type': ['requireEventType', 'flag'] };

function parseArgs(argv) {
    const out = parseOptions(argv, OPTIONS, { port: 3002, people: 40, appKey: '29666671', appSecret: 'empsl6pq4xx7cSy6gRXa', tls: false, trickleMs: 15000, requireEventType: false, dialect: 'hcp', pageSizeCap: 0 });
    if (out.dialect !== 'hcp' && out.dialect !== 'isecure') throw new Error('--dialect must be hcp or isecure');
    if (!Number.isInteger(out.people) || out.people < 1) throw new Error('--people must be an integer >= 1');
    if (!out.appKey || !out.appSecret) throw new Error('--app-key and --app-secret need values');
    if (!(out.trickleMs >= 0)) throw new Error('--trickle-ms must be >= 0 (0 = no trickle)');
    return out;
}

if (require.main === module) {
    const tlsDir = path.join(__dirname, '..', 'test', 'fixtures', 'tls');
    runCli({
        name: 'hikcentral-sim',
        usage: 'node sim/hikcentral.js [--port 3002] [--host 127.0.0.1] [--people 40] [--app-key K] [--app-secret S] [--tls] [--trickle-ms 15000] [--seed 1] [--require-event-type] [--dialect hcp|isecure] [--page-size-cap N]',
        parse: parseArgs,
        start: (args) =>
            createHikCentralSimulator({
                appKey: args.appKey,
                appSecret: args.appSecret,
                people: makePeople(args.people),
                seed: args.seed,
                requireEventType: args.requireEventType,
                dialect: args.dialect,
                pageSizeCap: args.pageSizeCap,
                tls: args.tls ? { key: fs.readFileSync(path.join(tlsDir, 'server.key'), 'utf8'), cert: fs.readFileSync(path.join(tlsDir, 'server.pem'), 'utf8') } : undefined,
            }),
        listening: ({ baseUrl }, args, sim) => {
            if (args.trickleMs > 0) sim.startTrickle(args.trickleMs);
            return `hikcentral-sim listening on ${baseUrl} (${sim.dialect}, ${args.people} people${args.trickleMs ? `, an event every ~${Math.round(args.trickleMs / 1000)} s` : ''})`;
        },
    });
}
