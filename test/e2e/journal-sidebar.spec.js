// The attendance journal in the real editor (issue 12): a real Node-RED 5 (CLI, Node 22) with this
// package and the Humand simulator, driven in Debian's headless chromium through playwright-core. A flow
// of inject → identity-map (a table lacking one person) → humand-clock → Humand simulator: one punch is
// delivered, one is parked. The Attendance sidebar searches a person and shows the timeline, lists the
// parked record, and after the table row is deployed its Replay delivers it exactly once; Dismiss and the
// day's CSV link too. Screenshots in en-US and es-ES go to test-artifacts/editor/journal-sidebar-*.png.
// Without /usr/bin/chromium these tests FAIL (never skip).
'use strict';
const fs = require('fs');
const path = require('path');
const should = require('should');
const H = require('../harness');
const L = require('./lib');
const D = require('./editor-dom');

const SHOTS = path.join(L.ROOT, 'test-artifacts', 'editor');
const TYPES = L.nodeSets().map((s) => s.type);
const TAB = 'attendance-bridge';
/** A name with markup: the sidebar must show it as text, never run it. */
const ANA = 'Ana <img src=x onerror="window.__abInjected=1"> Núñez';

/**
 * A screenshot with the Attendance tab given the sidebar's whole height (the Debug tab's section hidden,
 * as its tab button does) and its content scrolled to `selector`.
 */
async function shot(page, name, selector) {
    fs.mkdirSync(SHOTS, { recursive: true });
    const debug = page.locator('button[data-tab-id="debug"]');
    if ((await debug.count()) > 0 && (await page.evaluate(() => $('.red-ui-debug-content').is(':visible')))) await debug.first().click();
    await page.evaluate((sel) => {
        const $c = $('.ab-health-sidebar');
        const $t = sel ? $c.find(sel).first() : $();
        $c.scrollTop($t.length ? $t.position().top + $c.scrollTop() - 8 : 0);
    }, selector || null);
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** An event as a HikCentral source emits it, some minutes ago. */
function punch(id, code, name, minutesAgo, direction) {
    return {
        id,
        source: 'hikcentral',
        person: { id: `p-${code}`, code, name },
        time: new Date(Date.now() - minutesAgo * 60000).toISOString(),
        direction,
        device: { id: 'door-1', name: 'Front door' },
    };
}

const EVENTS = {
    bea: punch('e2e-journal:bea-1', 'C-BEA', 'Beatriz Ortega', 7, 'in'),
    ana: punch('e2e-journal:ana-1', 'C-ANA', ANA, 6, 'in'),
    carl: punch('e2e-journal:carl-1', 'C-CARL', 'Carlos Ruiz', 5, 'in'),
};
/** Sim employees (sim/people.js: employeeInternalId = code 000101, 000102, …). */
const BEA_ID = '000101';
const ANA_ID = '000102';

/** inject (one per event) → identity-map (table rows given) → humand-clock → Humand simulator. */
function journalFlow(sims, rows) {
    const flow = [
        { id: 'jtab', type: 'tab', label: 'journal e2e' },
        { id: 'jhum', type: 'humand-server', name: 'Humand sim', baseUrl: sims.humand.baseUrl, clockInPath: '/time-tracking/entries/clockIn', clockOutPath: '/time-tracking/entries/clockOut', timeout: 15, rateLimit: 10, namespace: '', credentials: { ...L.SIM_CREDENTIALS.humand.good } },
        { id: 'jmap', type: 'identity-map', z: 'jtab', name: 'person code → Humand', lookup: 'person.code', lookupPath: '', table: rows, server: '', humandField: 'employeeInternalId', refresh: 60, store: '', fallback: false, x: 400, y: 120, wires: [['jclk'], ['jdbg']] },
        { id: 'jclk', type: 'humand-clock', z: 'jtab', name: 'Humand', server: 'jhum', store: '', debounce: 60, futureTolerance: 120, maxFuture: 24, newShiftAfter: 10, nullDirection: 'toggle', sameDirection: 'send', concurrency: 4, comment: '{{source}} · {{device}}', dryRun: false, x: 650, y: 120, wires: [['jdbg'], ['jdbg']] },
        { id: 'jdbg', type: 'debug', z: 'jtab', name: 'out', active: false, tosidebar: false, console: false, complete: 'true', targetType: 'full', x: 850, y: 120, wires: [] },
    ];
    Object.entries(EVENTS).forEach(([name, ev], i) => {
        flow.push({ id: `jinj-${name}`, type: 'inject', z: 'jtab', name, props: [{ p: 'payload' }], payload: JSON.stringify(ev), payloadType: 'json', repeat: '', once: false, x: 150, y: 60 + 60 * i, wires: [['jmap']] });
    });
    return flow;
}

async function deploy(nr, flow) {
    const res = await L.request(nr.url, 'POST', '/flows', { body: flow, headers: { 'Node-RED-Deployment-Type': 'full' } });
    if (res.status !== 204) throw new Error(`deploy: ${res.status} ${res.text}`);
}

/** Presses an inject node (its admin route answers 404 until the deployed flow has started). */
async function inject(nr, name) {
    let last;
    await H.waitFor(async () => {
        last = await L.request(nr.url, 'POST', `/inject/jinj-${name}`);
        return last.status === 200;
    }, { timeoutMs: 10000, intervalMs: 100, what: `inject ${name}` }).catch(() => {
        throw new Error(`inject ${name}: ${last && last.status} ${last && last.text}`);
    });
}

async function parkedIds(nr) {
    const res = await L.request(nr.url, 'GET', '/attendance-bridge/parked');
    if (res.status !== 200) throw new Error(`GET /attendance-bridge/parked: ${res.status} ${res.text}`);
    return res.json.items.map((i) => i.id).sort();
}

async function openEditorPage(context, nr) {
    const page = await context.newPage();
    page.setDefaultTimeout(20000);
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e.stack || e.message).split('\n').slice(0, 4).join(' | ')));
    await page.goto(`${nr.url}/`);
    const palette = TYPES.filter((t) => !/-server$/.test(t));
    await page.waitForFunction(D.editorReady, { types: TYPES, palette }, { timeout: 30000 });
    page.pageErrors = errors;
    return page;
}

/** Opens the Attendance tab and waits until its parked list has loaded. */
async function openSidebar(page) {
    await page.waitForFunction((tab) => RED.sidebar.containsTab(tab), TAB, { timeout: 10000 });
    await page.evaluate((tab) => RED.sidebar.show(tab), TAB);
    await page.waitForFunction(() => $('.ab-parked-item, .ab-parked-empty').length > 0 && $('.ab-journal-health').text() !== '', null, { timeout: 10000 });
}

async function searchPerson(page, text) {
    await page.fill('.ab-journal-who-input', text);
    await page.click('.ab-journal-search-button');
    await page.waitForFunction(() => $('.ab-journal-event, .ab-journal-empty, .ab-journal-error').length > 0, null, { timeout: 10000 });
    return page.evaluate(() => $('.ab-journal-event').map(function () {
        return {
            id: $(this).attr('data-id'),
            day: $(this).closest('.ab-journal-day').attr('data-day'),
            outcome: $(this).find('.ab-journal-outcome').attr('data-outcome'),
            badge: $(this).find('.ab-journal-outcome').text(),
            time: $(this).find('.ab-journal-time').text(),
            direction: $(this).find('.ab-journal-direction').text(),
            who: $(this).find('.ab-journal-who').text(),
            steps: $(this).find('.ab-journal-step').map(function () { return $(this).attr('data-step'); }).get(),
            humand: $(this).find('.ab-journal-humand').map(function () { return $(this).text(); }).get(),
            text: $(this).text().replace(/\s+/g, ' '),
        };
    }).get());
}

describe('real editor: the attendance journal in the Attendance sidebar', function () {
    this.timeout(120000);
    let sims;
    let nr;
    let browser;
    let userDir;
    let en;
    let es;
    let page;
    let pageEs;

    before(async function () {
        L.requireChromium();
        for (const s of L.nodeSets()) {
            if (!fs.existsSync(s.dist)) throw new Error(`${path.relative(L.ROOT, s.dist)} is missing: run node scripts/build.js first`);
        }
        userDir = L.tmpDir('journal-sidebar');
        const settingsFile = L.writeSettings(userDir, { nodesDir: [L.ROOT] });
        fs.writeFileSync(path.join(userDir, '.config.users.json'), JSON.stringify({ _: { editor: { view: { 'view-show-tips': false } } } }));
        [sims, nr, browser] = await Promise.all([L.startSimulators(), L.startNodeRed({ userDir, settingsFile }), L.launchChromium()]);
        await deploy(nr, journalFlow(sims, [{ source: 'C-BEA', target: BEA_ID }]));
        for (const name of Object.keys(EVENTS)) await inject(nr, name);
        await H.waitFor(async () => (await parkedIds(nr)).length === 2 && sims.humand.journal.some((r) => r.employeeInternalId === BEA_ID), {
            timeoutMs: 20000,
            what: `Bea delivered and Ana, Carlos parked\n--- Node-RED log ---\n${nr.log.split('\n').slice(-30).join('\n')}`,
        });
        en = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1400, height: 1100 } });
        es = await browser.newContext({ locale: 'es-ES', timezoneId: 'UTC', viewport: { width: 1400, height: 1100 } });
        [page, pageEs] = await Promise.all([openEditorPage(en, nr), openEditorPage(es, nr)]);
    });

    after(async function () {
        if (browser) await browser.close().catch(() => {});
        if (nr) await nr.stop();
        if (sims) await sims.close();
        if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
    });

    it('shows the journal health in one line, and the default search range is the last 7 days', async function () {
        await openSidebar(page);
        const ui = await page.evaluate(() => ({ health: $('.ab-journal-health').text(), mode: $('.ab-journal-health').attr('data-mode'), from: $('.ab-journal-from').val(), to: $('.ab-journal-to').val() }));
        ui.mode.should.equal('disk');
        ui.health.should.match(/^Journal: on disk · size \d+(\.\d)? (B|KB|MB)/);
        ui.health.should.containEql('no write error');
        const days = (Date.parse(`${ui.to}T00:00:00Z`) - Date.parse(`${ui.from}T00:00:00Z`)) / 86400000;
        days.should.equal(6, `from ${ui.from} to ${ui.to}`);
        ui.to.should.equal(new Date().toISOString().slice(0, 10));
        this.test.title += ` ["${ui.health}"]`;
    });

    it("searching a delivered person shows the day's timeline: time, direction, outcome badge, each step and Humand's answer", async function () {
        await openSidebar(page);
        const events = await searchPerson(page, 'C-BEA');
        events.should.have.length(1, JSON.stringify(events));
        const e = events[0];
        e.id.should.equal(EVENTS.bea.id);
        e.day.should.equal(EVENTS.bea.time.slice(0, 10));
        e.time.should.equal(EVENTS.bea.time.slice(11, 19));
        e.direction.should.equal('in');
        e.outcome.should.equal('delivered');
        e.badge.should.equal('delivered');
        e.steps.should.containEql('mapped');
        e.steps.should.containEql('sent');
        e.steps.indexOf('mapped').should.be.below(e.steps.indexOf('sent'));
        e.humand.length.should.be.above(0, `no Humand answer shown: ${e.text}`);
        e.humand[0].should.match(/^Humand: 20\d/);
        e.text.should.containEql('Beatriz Ortega (C-BEA)');
        e.text.should.containEql(`Employee ${BEA_ID}`);
        this.test.title += ` [${e.steps.join(' → ')}; "${e.humand[0]}"]`;
        // By name too (part of it, accents and case ignored).
        (await searchPerson(page, 'beatriz')).map((x) => x.id).should.eql([EVENTS.bea.id]);
        page.pageErrors.should.eql([]);
    });

    it('searching a parked person by name shows it parked with its reason; the name with markup is shown as text', async function () {
        await openSidebar(page);
        const events = await searchPerson(page, 'nunez');
        events.map((x) => x.id).should.eql([EVENTS.ana.id]);
        events[0].outcome.should.equal('parked');
        events[0].steps.should.containEql('unmapped');
        events[0].who.should.containEql(ANA);
        should(await page.evaluate(() => window.__abInjected)).be.undefined();
        (await page.evaluate(() => $('.ab-health-sidebar img').length)).should.equal(0);
    });

    it('lists the parked records with person, employee, time, direction and reason, Replay and Dismiss buttons and Replay all per reason (en-US and es-ES screenshots)', async function () {
        await openSidebar(page);
        await searchPerson(page, 'C-ANA');
        const items = await page.evaluate(() => $('.ab-parked-item').map(function () {
            return {
                id: $(this).attr('data-id'),
                reasonCode: $(this).closest('.ab-parked-group').attr('data-reason'),
                person: $(this).find('.ab-parked-person').text(),
                text: $(this).text().replace(/\s+/g, ' '),
                replay: $(this).find('.ab-parked-replay').text(),
                dismiss: $(this).find('.ab-parked-dismiss').text(),
            };
        }).get());
        items.map((i) => i.id).sort().should.eql([EVENTS.ana.id, EVENTS.carl.id].sort());
        const ana = items.find((i) => i.id === EVENTS.ana.id);
        ana.reasonCode.should.equal('unmapped');
        ana.person.should.equal(`${ANA} (C-ANA)`);
        ana.text.should.containEql(EVENTS.ana.time.slice(11, 19));
        ana.text.should.containEql(' · in');
        ana.text.should.match(/Reason: .+/);
        ana.replay.should.equal('Replay');
        ana.dismiss.should.equal('Dismiss');
        (await page.evaluate(() => $('.ab-parked-group[data-reason="unmapped"] .ab-parked-replay-reason').text())).should.equal('Replay all for this reason');
        await shot(page, 'journal-sidebar-en-US', '.ab-journal-health');

        await openSidebar(pageEs);
        await searchPerson(pageEs, 'C-ANA');
        const es = await pageEs.evaluate(() => ({
            sections: $('.ab-journal-section').map(function () { return $(this).text(); }).get(),
            search: $('.ab-journal-search-button').text(),
            replay: $('.ab-parked-replay').first().text(),
            dismiss: $('.ab-parked-dismiss').first().text(),
            all: $('.ab-parked-replay-reason').first().text(),
            group: $('.ab-parked-group[data-reason="unmapped"]').children().first().text(),
            badge: $('.ab-journal-outcome').first().text(),
            health: $('.ab-journal-health').text(),
            csv: $('.ab-journal-csv').text(),
            placeholder: $('.ab-journal-who-input').attr('placeholder'),
        }));
        es.sections.should.eql(['Fichajes de una persona', 'Retenidos', 'Un día en CSV']);
        es.search.should.equal('Buscar');
        es.replay.should.equal('Reenviar');
        es.dismiss.should.equal('Descartar');
        es.all.should.equal('Reenviar todos por este motivo');
        es.group.should.match(/^sin correspondencia \(2\)/);
        es.badge.should.equal('retenido');
        es.health.should.match(/^Registro de fichajes: en disco/);
        es.csv.should.equal('Descargar CSV');
        es.placeholder.should.equal('Id de empleado, código o nombre de la persona');
        await shot(pageEs, 'journal-sidebar-es-ES', '.ab-journal-health');
        pageEs.pageErrors.should.eql([]);
    });

    it('after the table row is deployed, Replay sends the record again: it leaves the Parked list, Humand has it once, the timeline shows attempt 2 delivered', async function () {
        await deploy(nr, journalFlow(sims, [{ source: 'C-BEA', target: BEA_ID }, { source: 'C-ANA', target: ANA_ID }]));
        await openSidebar(page);
        await page.waitForSelector(`.ab-parked-item[data-id="${EVENTS.ana.id}"] .ab-parked-replay`);
        await page.click(`.ab-parked-item[data-id="${EVENTS.ana.id}"] .ab-parked-replay`);
        await page.waitForFunction((id) => $(`.ab-parked-item[data-id="${id}"]`).length === 0, EVENTS.ana.id, { timeout: 10000 });
        (await parkedIds(nr)).should.eql([EVENTS.carl.id]);
        await H.waitFor(() => sims.humand.journal.some((r) => r.employeeInternalId === ANA_ID), { timeoutMs: 15000, what: 'Ana delivered to Humand after the replay' });
        sims.humand.journal.filter((r) => r.employeeInternalId === ANA_ID).should.have.length(1);
        let events;
        await H.waitFor(async () => {
            events = await searchPerson(page, 'C-ANA');
            return events.length === 1 && events[0].outcome === 'delivered';
        }, { timeoutMs: 15000, what: 'the timeline of Ana delivered' });
        events[0].steps.should.containEql('unmapped');
        events[0].steps.should.containEql('replayed');
        events[0].steps.indexOf('replayed').should.be.below(events[0].steps.lastIndexOf('sent'));
        events[0].text.should.match(/attempt 2/);
        await shot(page, 'journal-sidebar-replayed-en-US', '.ab-journal-results');
        // A second replay of the same id finds nothing parked: Humand still has it once.
        const again = await L.request(nr.url, 'POST', '/attendance-bridge/parked/replay', { body: { ids: [EVENTS.ana.id] } });
        again.json.should.eql({ replayed: 0 });
        sims.humand.journal.filter((r) => r.employeeInternalId === ANA_ID).should.have.length(1);
        page.pageErrors.should.eql([]);
    });

    it('Dismiss drops a parked record from the list', async function () {
        await openSidebar(page);
        await page.waitForSelector(`.ab-parked-item[data-id="${EVENTS.carl.id}"] .ab-parked-dismiss`);
        await page.click(`.ab-parked-item[data-id="${EVENTS.carl.id}"] .ab-parked-dismiss`);
        await page.waitForFunction(() => $('.ab-parked-item').length === 0 && $('.ab-parked-empty').length === 1, null, { timeout: 10000 });
        (await parkedIds(nr)).should.eql([]);
        (await page.evaluate(() => $('.ab-parked-empty').text())).should.equal('Nothing is parked.');
        const events = await searchPerson(page, 'C-CARL');
        events[0].outcome.should.equal('dismissed');
        events[0].steps.should.containEql('dismissed');
    });

    it("the Download CSV link points at the picked day (relative URL) and gives that day's CSV", async function () {
        await openSidebar(page);
        const day = EVENTS.bea.time.slice(0, 10);
        await page.fill('.ab-journal-day-input', day);
        const href = await page.evaluate(() => $('.ab-journal-csv').attr('href'));
        href.should.equal(`attendance-bridge/journal/day/${day}.csv`);
        const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), page.click('.ab-journal-csv')]);
        download.suggestedFilename().should.equal(`attendance-${day}.csv`);
        const file = await download.path();
        const buf = fs.readFileSync(file);
        buf.slice(0, 3).should.eql(Buffer.from([0xef, 0xbb, 0xbf]), 'UTF-8 BOM first');
        const text = buf.toString('utf8');
        text.split(/\r?\n/)[0].should.equal('\uFEFFemployee;person;time;direction;source;device;outcome;reason');
        text.should.containEql(BEA_ID);
        text.should.containEql('Beatriz Ortega');
        this.test.title += ` [${text.split(/\r?\n/).filter(Boolean).length - 1} rows]`;
    });
});
