// Real-editor tests: a real Node-RED 5 (CLI, Node 22) with this package loaded from the repository,
// driven in Debian's headless chromium through playwright-core. Data-driven: every node set in
// package.json "node-red".nodes, its .html and its locale files; the example flow in examples/.
// Screenshots go to test-artifacts/editor/. Without /usr/bin/chromium these tests FAIL (never skip).
'use strict';
const fs = require('fs');
const path = require('path');
const should = require('should');
const L = require('./lib');
const D = require('./editor-dom');

const SETS = L.nodeSets();
const TYPES = SETS.map((s) => s.type);
const SHOTS = path.join(L.ROOT, 'test-artifacts', 'editor');

/** Category and help/catalog files straight from the sources (so the test list is known up front). */
function htmlCategory(set) {
    const html = fs.existsSync(set.html) ? fs.readFileSync(set.html, 'utf8') : '';
    const m = /category\s*:\s*['"]([^'"]+)['"]/.exec(html);
    return m ? m[1] : undefined;
}
function localeFile(set, lang, ext) {
    return path.join(set.srcDir, 'locales', lang, `${set.name}.${ext}`);
}
function catalog(set, lang) {
    const f = localeFile(set, lang, 'json');
    return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : {};
}
function lookup(obj, key) {
    return key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
}
const squash = (s) =>
    String(s)
        .replace(/<[^>]+>/g, '')
        .replace(/&nbsp;/g, ' ')
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/\s+/g, ' ')
        .trim();
/** The help file's first paragraph (what the sidebar must show), squashed. */
function helpLead(set, lang) {
    const f = localeFile(set, lang, 'html');
    if (!fs.existsSync(f)) return undefined;
    const html = fs.readFileSync(f, 'utf8');
    const m = /<p[^>]*>([\s\S]*?)<\/p>/i.exec(html);
    return m ? squash(m[1]) : undefined;
}

const CATEGORY = Object.fromEntries(SETS.map((s) => [s.type, htmlCategory(s)]));
const CONFIG_TYPES = TYPES.filter((t) => CATEGORY[t] === 'config');
const FLOW_TYPES = TYPES.filter((t) => CATEGORY[t] !== 'config');
const HAS_PLUGINS = Object.keys((L.PKG['node-red'] && L.PKG['node-red'].plugins) || {}).length > 0;

// Values tried on a validated field until Node-RED marks it invalid.
const BAD_VALUES = ['', 'not a valid value', '-5', '0', '99999999', 'ftp://x y', '25:99:99', 'x'];

async function shot(page, name) {
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

async function openEditorPage(context, nr) {
    const page = await context.newPage();
    page.setDefaultTimeout(20000);
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e.stack || e.message).split('\n').slice(0, 4).join(' | ')));
    await page.goto(`${nr.url}/`);
    await page.waitForFunction(D.editorReady, { types: TYPES, palette: FLOW_TYPES }, { timeout: 30000 });
    page.pageErrors = errors;
    return page;
}

async function closeTrays(page) {
    for (let i = 0; i < 5 && (await page.evaluate(D.trayCount)) > 0; i++) {
        await page.evaluate(() => RED.tray.close());
        await page.waitForFunction(() => $('.red-ui-tray').length === 0, null, { timeout: 2000 }).catch(() => {});
    }
}

/** Points the flow's config nodes at the simulators (credentials sent with the deploy only) and deploys it. */
async function deployFlow(nr, sims, flow, source) {
    const targets = L.configTargets(sims);
    for (const n of flow) {
        const t = targets[n.type];
        if (t) {
            Object.assign(n, t.fields);
            n.credentials = { ...t.good };
        }
        if (n.type === 'artemis-events') n.initialLookback = 60;
    }
    const res = await L.request(nr.url, 'POST', '/flows', { body: flow, headers: { 'Node-RED-Deployment-Type': 'full' } });
    if (res.status !== 204) throw new Error(`deploy of ${source}: ${res.status} ${res.text}`);
    return { flow, source };
}

describe('real editor: Node-RED 5 + Debian chromium', function () {
    this.timeout(120000); // per test / hook; generous for loaded CI machines (the suite takes ~35-60 s)
    let sims;
    let nr;
    let browser;
    let en;
    let page;
    let userDir;
    let es;
    let pageEs;
    let deployed;

    before(async function () {
        L.requireChromium(); // fails the suite naming the Debian package when missing
        for (const s of SETS) {
            if (!fs.existsSync(s.dist)) throw new Error(`${path.relative(L.ROOT, s.dist)} is missing: run node scripts/build.js first`);
        }
        userDir = L.tmpDir('editor');
        const settingsFile = L.writeSettings(userDir, {
            nodesDir: [L.ROOT],
            contextStorage: {
                default: { module: 'memory' },
                file: { module: 'localfilesystem', config: { dir: userDir, flushInterval: 1 } },
            },
        });
        // Editor user settings: no info-sidebar tips (Node-RED 5.0.7's tip timer can throw
        // "Cannot read properties of undefined (reading 'html')" when it fires early).
        fs.writeFileSync(path.join(userDir, '.config.users.json'), JSON.stringify({ _: { editor: { view: { 'view-show-tips': false } } } }));
        [sims, nr, browser] = await Promise.all([L.startSimulators(), L.startNodeRed({ userDir, settingsFile }), L.launchChromium()]);
        const examples = L.exampleFlows();
        if (examples.length > 0) deployed = await deployFlow(nr, sims, JSON.parse(JSON.stringify(examples[0].flow)), examples[0].file);
        en = await browser.newContext({ locale: 'en-US', viewport: { width: 1400, height: 900 } });
        es = await browser.newContext({ locale: 'es-ES', viewport: { width: 1400, height: 900 } });
        [page, pageEs] = await Promise.all([openEditorPage(en, nr), openEditorPage(es, nr)]);
        await shot(page, 'palette');
    });

    after(async function () {
        if (browser) await browser.close().catch(() => {});
        if (nr) await nr.stop();
        if (sims) await sims.close();
        if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
    });

    afterEach(async function () {
        if (page && !page.isClosed()) await closeTrays(page).catch(() => {});
    });

    it('registers every node set of package.json without error and no page errors', async function () {
        const list = await page.evaluate((module) => RED.nodes.registry.getNodeList().filter((s) => s.module === module).map((s) => ({ id: s.id, types: s.types, err: s.err || null, enabled: s.enabled })), L.MODULE);
        for (const t of TYPES) {
            const set = list.find((s) => s.types.includes(t));
            should.exist(set, `node type ${t} not registered (sets: ${JSON.stringify(list)})`);
            should(set.err).be.null();
        }
        page.pageErrors.should.eql([]);
    });

    SETS.forEach((set, index) => {
        const type = set.type;
        const isConfig = CATEGORY[type] === 'config';
        describe(type, function () {
            if (isConfig) {
                it('is a config node (category config): registered, not in the palette', async function () {
                    const e = await page.evaluate(D.paletteEntry, type);
                    should(e.category).equal('config');
                    e.found.should.equal(0);
                });
            } else {
                it(`is in the palette under its category (${CATEGORY[type] || '?'}) with its icon`, async function () {
                    const e = await page.evaluate(D.paletteEntry, type);
                    should(e.category).equal('attendance', `${type}: category`);
                    e.found.should.equal(1, `${type}: palette entries`);
                    should(e.container).equal(`red-ui-palette-container-${e.category}`);
                    should.exist(e.iconUrl, `${type}: no icon shown`);
                    e.iconUrl.should.endWith(`/icons/${L.MODULE}/${e.icon}`);
                    const icon = await page.request.get(e.iconUrl);
                    icon.status().should.equal(200, `${e.iconUrl}`);
                    (await icon.text()).should.match(/<svg/);
                    e.label.trim().should.not.equal('');
                });
            }

            it('opens its edit dialog with every field, working defaults, translated labels and validation', async function () {
                const opened = await page.evaluate(D.openEditor, { type, index });
                const arg = { type, ...opened };
                await page.waitForFunction(D.dialogOpen, arg, { timeout: 10000 });
                await page.waitForTimeout(150); // tray slide-in, for the screenshot
                const info = await page.evaluate(D.inspectDialog, arg);
                await shot(page, `dialog-${type}`);
                info.missing.should.eql([], `${type}: defaults/credentials without a form field #${arg.prefix}-<name>`);
                info.wrongDefault.should.eql([], `${type}: fields not showing their default`);
                info.invalidAtDefault.should.eql([], `${type}: fields marked invalid at their (non-empty) default`);
                // Every label of the node's own catalog renders the en-US text (not the raw key).
                const cat = catalog(set, 'en-US');
                const own = info.labels.filter((l) => l.key.startsWith(`${type}.`));
                own.length.should.be.above(0, `${type}: no data-i18n labels of its own catalog in the dialog`);
                for (const l of own) {
                    const want = lookup(cat, l.key);
                    should.exist(want, `${type}: data-i18n key ${l.key} missing from locales/en-US/${type}.json`);
                    should(squash(l.shown)).equal(squash(want), `${type}: ${l.key} (${l.attr})`);
                }
                // Validation: required text fields reject ''; every validated field that can be exercised
                // is marked invalid by some bad value; Done with a bad value leaves the node invalid.
                const checkable = info.fields.filter((f) => f.kind === 'text' && !f.configRef && (f.required || f.validate));
                const hits = await page.evaluate(D.probeFields, { type, prefix: arg.prefix, keys: checkable.map((f) => f.key), values: BAD_VALUES });
                const marked = [];
                const notMarked = [];
                for (const f of checkable) {
                    const hit = hits[f.key];
                    if (f.required) should.exist(hit, `${type}: required field ${f.key} accepts every bad value including ''`);
                    (hit === undefined ? notMarked : marked).push({ key: f.key, value: hit });
                }
                if (notMarked.length) this.test.title += ` [validate() accepted all probes for: ${notMarked.map((f) => f.key).join(', ')}]`;
                if (checkable.length > 0) {
                    marked.length.should.be.above(0, `${type}: no validated field could be marked invalid`);
                    // All fields back at their defaults (probeFields restored them) but the first marked one, then Done.
                    (await page.evaluate(D.tryValue, { prefix: arg.prefix, key: marked[0].key, value: marked[0].value })).should.be.true();
                    await shot(page, `dialog-${type}-invalid`);
                    const before = await page.evaluate(D.configIds, type);
                    await page.evaluate(D.clickDone, arg);
                    await page.waitForFunction(() => $('.red-ui-tray').length === 0, null, { timeout: 5000 }).catch(() => {});
                    const v = await page.evaluate(D.nodeValidity, { type, id: arg.id, before });
                    v.found.should.be.true(`${type}: node not found after Done`);
                    v.valid.should.be.false(`${type}: Done with ${marked[0].key}=${JSON.stringify(marked[0].value)} left the node valid`);
                    await page.evaluate((id) => {
                        if (RED.nodes.node(id)) RED.nodes.remove(id);
                        RED.view.redraw(true);
                    }, v.id);
                } else {
                    await page.evaluate(D.clickCancel, arg);
                }
            });

            it('shows its help text in the help sidebar (en-US)', async function () {
                const want = helpLead(set, 'en-US');
                should.exist(want, `${type}: locales/en-US/${type}.html has no <p> summary`);
                await page.evaluate((t) => RED.sidebar.help.show(t, true), type);
                await page.waitForFunction((w) => $('.red-ui-help').text().replace(/\s+/g, ' ').includes(w), want.slice(0, 60), { timeout: 5000 }).catch(() => {});
                const shown = squash(await page.evaluate(() => $('.red-ui-help').text()));
                shown.should.containEql(want.slice(0, 60), `${type}: help sidebar`);
                await shot(page, `help-${type}-en-US`);
            });
        });
    });

    describe('Test connection on each config node', function () {
        CONFIG_TYPES.forEach((type) => {
            it(`${type}: success against the simulator, readable failure with a wrong credential`, async function () {
                const target = L.configTargets(sims)[type];
                should.exist(target, `${type}: no simulator known for this config node (test/e2e/lib.js configTargets)`);
                const arg = { type, ...(await page.evaluate(D.openEditor, { type, index: 0 })) };
                await page.waitForFunction(D.dialogOpen, arg, { timeout: 10000 });
                await page.waitForSelector('#node-config-dialog-edit-form button[id$="-test"]', { timeout: 5000 }).catch(() => {});
                const ids = await page.evaluate(
                    () => ({
                        button: $('#node-config-dialog-edit-form button[id$="-test"]').attr('id'),
                        result: $('#node-config-dialog-edit-form [id$="-test-result"]').attr('id'),
                    }),
                );
                should.exist(ids.button, `${type}: no Test connection button (button[id$="-test"]) in the dialog`);
                should.exist(ids.result, `${type}: no test result element ([id$="-test-result"]) in the dialog`);
                const run = async (creds) => {
                    await page.evaluate(
                        ({ prefix, values }) => {
                            Object.keys(values).forEach((k) => $('#' + prefix + '-' + k).val(values[k]).trigger('change'));
                            $('.ab-test-result').text('');
                        },
                        { prefix: arg.prefix, values: { ...target.fields, ...creds } },
                    );
                    await page.evaluate((r) => $('#' + r).removeClass('ab-test-ok ab-test-fail'), ids.result);
                    await page.click(`#${ids.button}`);
                    await page.waitForFunction((r) => $('#' + r).is('.ab-test-ok, .ab-test-fail'), ids.result, { timeout: 20000 });
                    return page.evaluate((r) => ({ ok: $('#' + r).hasClass('ab-test-ok'), text: $('#' + r).text() }), ids.result);
                };
                const good = await run(target.good);
                await shot(page, `test-connection-${type}-ok`);
                good.ok.should.be.true(`${type}: Test connection with the simulator's credentials said: ${good.text}`);
                good.text.trim().should.not.equal('');
                const bad = await run(target.bad);
                await shot(page, `test-connection-${type}-fail`);
                bad.ok.should.be.false(`${type}: Test connection succeeded with a wrong credential: ${bad.text}`);
                const text = bad.text.trim();
                text.length.should.be.within(8, 300, `${type}: failure text length: ${text}`);
                text.should.not.match(/^HTTP \d+/, `${type}: failure is a bare HTTP error of the admin route: ${text}`);
                text.should.not.match(/\[object |undefined|\n\s+at /, `${type}: unreadable failure: ${text}`);
                for (const v of Object.values(target.bad)) if (v.length >= 6 && !/^\d+$/.test(v)) text.should.not.containEql(v, `${type}: failure text leaks a credential`);
                this.test.title += ` [ok: "${good.text.trim()}"; wrong credential: "${text}"]`;
                await page.evaluate(D.clickCancel, arg);
            });
        });
    });

    describe('deployed flow', function () {
        before(async function () {
            if (deployed) return; // the example flow was deployed before the editor opened
            // No example yet: one node of every flow type, each with a config node of the type it needs
            // (defaults as the editor knows them), deployed now; the editor is reloaded to show it.
            const defaults = await page.evaluate((types) => Object.fromEntries(types.map((t) => {
                const d = RED.nodes.getType(t).defaults || {};
                return [t, Object.fromEntries(Object.keys(d).map((k) => [k, { value: d[k].value, type: d[k].type || null }]))];
            })), TYPES);
            const flow = [{ id: 'e2etab', type: 'tab', label: 'e2e' }];
            const usedConfig = new Set();
            FLOW_TYPES.forEach((t, i) => {
                const n = { id: `e2e-node-${i}`, type: t, z: 'e2etab', x: 200, y: 60 + 60 * i, wires: [] };
                for (const [k, d] of Object.entries(defaults[t])) {
                    if (d.type) {
                        n[k] = `e2e-${d.type}`;
                        usedConfig.add(d.type);
                    } else n[k] = d.value;
                }
                flow.push(n);
            });
            for (const t of usedConfig) {
                const n = { id: `e2e-${t}`, type: t };
                for (const [k, d] of Object.entries(defaults[t] || {})) n[k] = d.value;
                flow.push(n);
            }
            deployed = await deployFlow(nr, sims, flow, 'generated (no examples/*.json yet)');
            await page.close();
            page = await openEditorPage(en, nr);
        });

        it('deploys the example flow pointed at the simulators and every package node turns green', async function () {
            const ours = deployed.flow.filter((n) => FLOW_TYPES.includes(n.type) && !n.d);
            ours.length.should.be.above(0, `no node of this package in the flow (${deployed.source})`);
            const usedTypes = new Set(ours.map((n) => n.type));
            if (L.exampleFlows().length > 0) {
                for (const t of FLOW_TYPES) usedTypes.has(t).should.be.true(`${t} is not used in ${deployed.source}`);
            }
            const ids = ours.map((n) => n.id);
            const state = () => page.evaluate((list) => list.map((id) => {
                const n = RED.nodes.node(id);
                return { id, type: n && n.type, status: n && n.status ? { fill: n.status.fill, shape: n.status.shape, text: n.status.text } : null };
            }), ids);
            await page.evaluate((list) => { const n = RED.nodes.node(list[0]); if (n) RED.workspaces.show(n.z); }, ids);
            await page.waitForFunction((list) => list.every((id) => { const n = RED.nodes.node(id); return n && n.status && n.status.fill === 'green'; }), ids, { timeout: 25000 }).catch(() => {});
            await shot(page, 'flow-deployed');
            const s = await state();
            const notGreen = s.filter((x) => !x.status || x.status.fill !== 'green');
            notGreen.should.eql([], `nodes of ${deployed.source} not green:\n${JSON.stringify(notGreen, null, 1)}\n--- Node-RED log ---\n${nr.log.split('\n').slice(-40).join('\n')}`);
            page.pageErrors.should.eql([]);
        });

        it('the Attendance sidebar tab shows every node of the health report with its counts', async function () {
            const hasTab = await page.evaluate(() => RED.sidebar.containsTab('attendance-bridge'));
            if (!HAS_PLUGINS && !hasTab) this.test.title += ' [no plugin declared and no tab: nothing to check]';
            if (HAS_PLUGINS) hasTab.should.be.true('package.json declares plugins but the editor has no attendance-bridge sidebar tab');
            if (!hasTab) return;
            const health = await L.request(nr.url, 'GET', '/attendance-bridge/health');
            should.exist(health.json, `GET /attendance-bridge/health: ${health.status} ${health.text}`);
            const nodes = health.json.nodes || [];
            nodes.length.should.be.above(0, 'health report lists no node');
            await page.evaluate(() => RED.sidebar.show('attendance-bridge'));
            await page.waitForFunction((n) => $('.ab-health-node').length >= n, nodes.length, { timeout: 10000 }).catch(() => {});
            const boxes = await page.evaluate(() => $('.ab-health-node').map(function () {
                return { id: $(this).attr('data-node-id'), text: $(this).text().replace(/\s+/g, ' ') };
            }).get());
            await shot(page, 'sidebar-attendance');
            boxes.map((b) => b.id).sort().should.eql(nodes.map((n) => n.id).sort());
            for (const b of boxes) {
                b.text.should.match(/Counts/, `sidebar box of ${b.id} has no counts row: ${b.text}`);
                const report = nodes.find((n) => n.id === b.id);
                for (const [k, v] of Object.entries(report.counts || {})) b.text.should.containEql(`${k}: `, `counts of ${b.id} (${k}=${v})`);
            }
        });
    });

    describe('Spanish browser (es-ES)', function () {

        it('the editor runs in es-ES', async function () {
            (await pageEs.evaluate(() => RED.i18n.lang())).should.match(/^es/);
        });

        SETS.forEach((set, index) => {
            const type = set.type;
            it(`${type}: help sidebar and dialog labels are in Spanish`, async function () {
                const want = helpLead(set, 'es-ES');
                should.exist(want, `${type}: locales/es-ES/${type}.html has no <p> summary`);
                const wantEn = helpLead(set, 'en-US');
                if (wantEn) want.should.not.equal(wantEn, `${type}: es-ES help summary is the English one`);
                await pageEs.evaluate((t) => RED.sidebar.help.show(t, true), type);
                await pageEs.waitForFunction((w) => $('.red-ui-help').text().replace(/\s+/g, ' ').includes(w), want.slice(0, 60), { timeout: 5000 }).catch(() => {});
                squash(await pageEs.evaluate(() => $('.red-ui-help').text())).should.containEql(want.slice(0, 60), `${type}: es-ES help`);
                await shot(pageEs, `help-${type}-es-ES`);
                const arg = { type, ...(await pageEs.evaluate(D.openEditor, { type, index })) };
                await pageEs.waitForFunction(D.dialogOpen, arg, { timeout: 10000 });
                const info = await pageEs.evaluate(D.inspectDialog, arg);
                await closeTrays(pageEs);
                const cat = catalog(set, 'es-ES');
                const own = info.labels.filter((l) => l.key.startsWith(`${type}.`));
                own.length.should.be.above(0);
                for (const l of own) {
                    const w = lookup(cat, l.key);
                    should.exist(w, `${type}: data-i18n key ${l.key} missing from locales/es-ES/${type}.json`);
                    should(squash(l.shown)).equal(squash(w), `${type}: ${l.key} (${l.attr}) in es-ES`);
                }
            });
        });
    });
});
