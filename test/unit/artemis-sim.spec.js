'use strict';
// The HikCentral simulator itself: signature checks as the product specification describes them, control routes, push, trickle, CLI.
const path = require('path');
const http = require('http');
const { spawn } = require('child_process');
const should = require('should');
const axios = require('axios');
const { createHikCentralSimulator, serverStringToSign } = require('../../sim/hikcentral');
const { signRequest, buildStringToSign } = require('../../dist/lib/artemis/sign');

const KEY = '29666671';
const SECRET = 'empsl6pq4xx7cSy6gRXa';
const PERSONS = '/artemis/api/resource/v1/person/personList';

describe('sim/hikcentral', function () {
    let sim;
    let baseUrl;
    beforeEach(async function () {
        sim = createHikCentralSimulator({ appKey: KEY, appSecret: SECRET });
        ({ baseUrl } = await sim.listen(0));
    });
    afterEach(() => sim.close());
    const post = (p, body, headers) => axios.post(baseUrl + p, JSON.stringify(body), { headers, validateStatus: () => true }).then((r) => r.data);

    it('computes the same string-to-sign as the package signer, from the published vector', function () {
        const headers = { accept: '*/*', 'content-type': 'application/json', 'x-ca-key': KEY, 'x-ca-nonce': 'b3b0c6a8-0000-4000-8000-000000000001', 'x-ca-timestamp': '1700000000000', 'x-ca-signature-headers': 'x-ca-key,x-ca-nonce,x-ca-timestamp' };
        const sts = serverStringToSign('POST', '/artemis/api/acs/v1/door/events', new URLSearchParams(), headers);
        sts.should.equal(buildStringToSign({ method: 'POST', path: '/artemis/api/acs/v1/door/events', headers }));
        const withQuery = serverStringToSign('GET', '/artemis/x', new URLSearchParams('b=2&a=1'), { 'x-ca-key': 'k', 'x-ca-signature-headers': 'x-ca-key' });
        withQuery.should.equal('GET\nx-ca-key:k\n/artemis/x?a=1&b=2');
    });

    it('accepts correctly signed requests and refuses every tampering with 0x02401003 (HTTP 200)', async function () {
        const good = signRequest({ appKey: KEY, appSecret: SECRET, method: 'POST', path: PERSONS });
        (await post(PERSONS, { pageNo: 1, pageSize: 5 }, good.headers)).should.have.properties({ code: '0' });
        const cases = [
            { ...good.headers, 'x-ca-nonce': 'other' },
            { ...good.headers, Accept: 'application/json' },
            { ...good.headers, 'x-ca-signature-headers': 'x-ca-key' },
            { ...good.headers, 'Content-MD5': 'abc' },
        ];
        for (const headers of cases) {
            const r = await post(PERSONS, {}, headers);
            r.code.should.equal('0x02401003');
            r.msg.should.containEql(KEY).and.containEql('StringToSign');
        }
        const noKey = { ...good.headers };
        delete noKey['x-ca-key'];
        (await post(PERSONS, {}, noKey)).code.should.equal('0x02401000');
        const noSig = { ...good.headers };
        delete noSig['x-ca-signature'];
        (await post(PERSONS, {}, noSig)).code.should.equal('0x02401002');
        // Content-MD5 and Date accepted when signed
        const body = JSON.stringify({ pageNo: 1, pageSize: 1 });
        const md5 = signRequest({ appKey: KEY, appSecret: SECRET, method: 'POST', path: PERSONS, body, withContentMd5: true, date: new Date().toUTCString() });
        (await axios.post(baseUrl + PERSONS, body, { headers: md5.headers }).then((r) => r.data)).code.should.equal('0');
    });

    it('serves people from sim/people with personCode = people code', async function () {
        const r = await post(PERSONS, { pageNo: 2, pageSize: 10 }, signRequest({ appKey: KEY, appSecret: SECRET, method: 'POST', path: PERSONS }).headers);
        r.data.total.should.equal(40);
        r.data.list.should.have.length(10);
        r.data.list[0].should.have.properties({ personId: '11', personCode: '000111' });
    });

    it('control routes: add events, faults, requests, reset', async function () {
        const added = (await axios.post(baseUrl + '/__sim/events', [{ eventType: 198914 }, { eventType: 197151 }])).data;
        added.should.have.length(2);
        (await axios.get(baseUrl + '/__sim/events')).data.should.have.length(2);
        (await axios.post(baseUrl + '/__sim/faults', { kind: 'html502', count: 1 })).status.should.equal(200);
        (await axios.post(baseUrl + '/__sim/faults', { kind: 'nope' }, { validateStatus: () => true })).status.should.equal(400);
        (await axios.post(baseUrl + '/__sim/reset')).data.reset.should.be.true();
        sim.events.should.have.length(0);
    });

    for (const dialect of ['hcp', 'isecure']) {
    it(`pushes OnEventNotify (≤ 50 events per post) to the subscribed eventDest (${dialect} fields)`, async function () {
        if (dialect === 'isecure') {
            await sim.close();
            sim = createHikCentralSimulator({ appKey: KEY, appSecret: SECRET, dialect });
            ({ baseUrl } = await sim.listen(0));
        }
        const bodies = [];
        const receiver = http.createServer((req, res) => {
            let t = '';
            req.on('data', (c) => (t += c));
            req.on('end', () => {
                bodies.push(JSON.parse(t));
                res.end('{}');
            });
        });
        await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
        const dest = `http://127.0.0.1:${receiver.address().port}/hook`;
        const sub = '/artemis/api/eventService/v1/eventSubscriptionByEventTypes';
        (await post(sub, { eventTypes: [196893], eventDest: dest }, signRequest({ appKey: KEY, appSecret: SECRET, method: 'POST', path: sub }).headers)).code.should.equal('0');
        for (let i = 0; i < 60; i++) sim.addEvent({ push: false });
        sim.addEvent({ eventType: 198914 }); // not subscribed
        const many = [];
        for (let i = 0; i < 60; i++) many.push({ eventType: 196893 });
        await axios.post(baseUrl + '/__sim/events', many);
        const deadline = Date.now() + 3000;
        while (bodies.reduce((n, b) => n + b.params.events.length, 0) < 60 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        receiver.close();
        bodies.reduce((n, b) => n + b.params.events.length, 0).should.equal(60);
        bodies.every((b) => b.method === 'OnEventNotify' && b.params.ability === 'event_acs' && b.params.events.length <= 50).should.be.true();
        const e = bodies[0].params.events[0];
        e.should.have.properties({ eventType: 196893, srcType: 'door', srcIndex: '1' });
        if (dialect === 'isecure') {
            e.data.ExtEventPersonNo.should.match(/^\d{6}$/);
            e.data.should.have.property('ExtEventInOut');
        } else {
            e.data.should.have.properties(['personId', 'personCode', 'cardNo', 'checkInAndOutType', 'readerIndexCode', 'readerName']);
            e.data.personCode.should.match(/^\d{6}$/);
            Object.keys(e.data).some((k) => /^ExtEvent/.test(k)).should.be.false();
        }
    });
    }

    it('trickles realistic events for active people', function () {
        for (let i = 0; i < 50; i++) sim.trickleOnce();
        const evs = sim.events;
        evs.should.have.length(50);
        const codes = new Set(sim.persons.filter((p) => p.active).map((p) => p.personCode));
        evs.every((e) => codes.has(e.personCode)).should.be.true();
        evs.every((e) => [196893, 198914, 197151].includes(e.eventType)).should.be.true();
    });

    it('runs as a CLI with the given key, secret and people', async function () {
        const child = spawn(process.execPath, [path.join(__dirname, '..', '..', 'sim', 'hikcentral.js'), '--port', '0', '--people', '5', '--app-key', 'K1', '--app-secret', 'S1', '--trickle-ms', '0']);
        try {
            const url = await new Promise((resolve, reject) => {
                let out = '';
                child.stdout.on('data', (d) => {
                    out += d;
                    const m = /listening on (\S+)/.exec(out);
                    if (m) resolve(m[1]);
                });
                child.on('exit', (code) => reject(new Error('exited ' + code)));
                setTimeout(() => reject(new Error('no start')), 5000);
            });
            const h = signRequest({ appKey: 'K1', appSecret: 'S1', method: 'POST', path: PERSONS }).headers;
            const r = await axios.post(url + PERSONS, { pageNo: 1, pageSize: 100 }, { headers: h });
            r.data.data.total.should.equal(5);
        } finally {
            child.kill();
        }
    });
    it('answers door-event pages by binary search: the same pages and totals as the filtering path', async function () {
        const DOOR_EVENTS = '/artemis/api/acs/v1/door/events';
        const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
        const t0 = Math.floor(Date.now() / 1000) * 1000 - 3600e3;
        let seed = 3;
        const rand = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
        // out of order and with equal times: the store keeps them sorted (stable for equal times)
        for (let i = 0; i < 120; i++) sim.addEvent({ atMs: t0 + rand(60) * 60000, push: false });
        const page = async (start, end, pageNo, extra) => {
            const body = { startTime: iso(start), endTime: iso(end), pageNo, pageSize: 7, doorIndexCodes: [], orderType: 0, ...extra };
            const r = await post(DOOR_EVENTS, body, signRequest({ appKey: KEY, appSecret: SECRET, method: 'POST', path: DOOR_EVENTS }).headers);
            r.code.should.equal('0');
            return r.data;
        };
        const windows = [[t0, t0 + 3600e3], [t0 + 10 * 60000, t0 + 20 * 60000], [t0 + 59 * 60000, t0 + 3600e3], [t0 - 3600e3, t0 - 1000]];
        for (const [start, end] of windows) {
            for (let pageNo = 1; pageNo <= 19; pageNo++) {
                // doorIndexCodes ['1'] (every stored event's door) takes the filtering path
                const fast = await page(start, end, pageNo);
                const filtered = await page(start, end, pageNo, { doorIndexCodes: ['1'] });
                fast.should.deepEqual(filtered);
                if (fast.list.length === 0) break;
            }
        }
        (await page(t0, t0 + 3600e3, 1)).total.should.equal(120);
        // an event that reaches HikCentral late is hidden until then, also without filters
        sim.addEvent({ atMs: t0 + 30 * 60000, visibleAfterMs: 60000, push: false });
        (await page(t0, t0 + 3600e3, 1)).total.should.equal(120);
        (await page(t0 + 30 * 60000, t0 + 30 * 60000, 1)).should.deepEqual(await page(t0 + 30 * 60000, t0 + 30 * 60000, 1, { doorIndexCodes: ['1'] }));
    });

    describe('HikCentral Professional dialect (issue 13, case 18)', function () {
        const DOOR_EVENTS = '/artemis/api/acs/v1/door/events';
        const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
        const signed = () => signRequest({ appKey: KEY, appSecret: SECRET, method: 'POST', path: DOOR_EVENTS }).headers;
        const query = (extra) => post(DOOR_EVENTS, { startTime: iso(Date.now() - 3600e3), endTime: iso(Date.now() + 1000), pageNo: 1, pageSize: 10, doorIndexCodes: [], ...extra }, signed());

        it('serves HCP\'s door-event fields by default and iSecure\'s with dialect "isecure"', async function () {
            sim.dialect.should.equal('hcp');
            const [door1] = sim.doors;
            sim.addEvent({ atMs: Date.now() - 60000, door: door1, reader: door1.readers[1] });
            sim.addEvent({ atMs: Date.now() - 50000, checkInAndOutType: 4, door: '2', readerIndexCode: '1021' });
            const list = (await query({ orderType: 0 })).data.list;
            list[0].should.have.properties({ checkInAndOutType: 2, readerIndexCode: '1012', readerName: 'Lobby reader out', doorIndexCode: '1' });
            list[1].should.have.properties({ checkInAndOutType: 4, readerIndexCode: '1021', doorIndexCode: '2' });
            for (const r of list) r.should.not.have.properties(['inAndOutType', 'readerDevIndexCode', 'jobNo']);
            const isc = createHikCentralSimulator({ appKey: KEY, appSecret: SECRET, dialect: 'isecure' });
            try {
                const rec = isc.addEvent({ door: door1, reader: door1.readers[1] });
                rec.should.have.properties({ inAndOutType: 0, readerDevIndexCode: '1012' });
                rec.should.not.have.properties(['checkInAndOutType', 'readerIndexCode']);
                isc.addEvent({ checkInAndOutType: 5 }).inAndOutType.should.equal(1);
            } finally {
                await isc.close();
            }
        });

        it('requires doorIndexCodes (an empty list means all doors, at most 10) and answers descending unless orderType 0', async function () {
            for (let i = 0; i < 3; i++) sim.addEvent({ eventId: 'e' + i, atMs: Date.now() - (10 - i) * 60000, door: i === 2 ? '2' : '1' });
            (await query({ doorIndexCodes: undefined })).should.have.properties({ code: '2' });
            (await query({ doorIndexCodes: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11'] })).code.should.equal('2');
            (await query()).data.list.map((r) => r.eventId).should.deepEqual(['e2', 'e1', 'e0']);
            (await query({ sortField: 'SwipeTime', orderType: 1 })).data.list.map((r) => r.eventId).should.deepEqual(['e2', 'e1', 'e0']);
            (await query({ sortField: 'SwipeTime', orderType: 0 })).data.list.map((r) => r.eventId).should.deepEqual(['e0', 'e1', 'e2']);
            (await query({ sortField: 'Other' })).code.should.equal('2');
            (await query({ orderType: 0, doorIndexCodes: ['2'] })).data.list.map((r) => r.eventId).should.deepEqual(['e2']);
            (await query({ pageSize: 501 })).code.should.equal('0x00072002');
        });

        it('caps pageSize silently, answers 0x00072004 above a size, and serves both empty shapes', async function () {
            for (let i = 0; i < 25; i++) sim.addEvent({ atMs: Date.now() - 60000 + i * 1000 });
            sim.setPaging({ pageSizeCap: 10 });
            let r = await query({ pageSize: 20, orderType: 0 });
            r.data.should.have.properties({ total: 25, pageSize: 20 });
            r.data.list.should.have.length(10);
            r = await query({ pageSize: 20, pageNo: 3, orderType: 0 });
            r.data.list.should.have.length(5);
            sim.setPaging({ pageSizeCap: 0, tooLongAbove: 5 });
            (await query({ pageSize: 6 })).code.should.equal('0x00072004');
            (await query({ pageSize: 5 })).code.should.equal('0');
            sim.setPaging({ tooLongAbove: 0, emptyShape: 'array' });
            const empty = { startTime: iso(Date.now() - 7 * 86400e3), endTime: iso(Date.now() - 6 * 86400e3) };
            (await query(empty)).data.should.deepEqual([]);
            sim.setPaging({ emptyShape: 'nolist' });
            (await query(empty)).data.should.deepEqual({ total: 0, pageNo: 0, pageSize: 0 });
            (await axios.post(baseUrl + '/__sim/paging', { emptyShape: 'list' })).data.emptyShape.should.equal('list');
            (await query(empty)).data.should.have.properties({ total: 0, list: [] });
        });

        it('answers HCP error codes injected as faults', async function () {
            sim.setFaults({ kind: 'code', code: '0x02401007', msg: 'No permission', count: 1 });
            (await query()).should.deepEqual({ code: '0x02401007', msg: 'No permission' });
            sim.setFaults({ kind: 'code', code: '17', msg: 'No permission for OpenAPI access', count: 1 });
            (await query()).code.should.equal('17');
            (await query()).code.should.equal('0');
        });
    });
});
