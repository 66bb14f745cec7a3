// Palette install: `npm pack` the package and install the tarball the way Node-RED's palette manager
// does (npm install --omit=dev --engine-strict ...) into fresh user directories of Node-RED 5 (Node 22)
// and Node-RED 4.1 (the machine's Node), start each, and check through the admin API that every node
// type and plugin registers without error, the catalogs load in en-US and es-ES, and the examples are
// listed. Also checks what the tarball contains. Requires a built dist/ (npm test builds first).
'use strict';
const fs = require('fs');
const path = require('path');
const { execFile } = require('child_process');
const should = require('should');
const L = require('./lib');

const SETS = L.nodeSets();
const TYPES = SETS.map((s) => s.type);
const PLUGINS = Object.keys((L.PKG['node-red'] && L.PKG['node-red'].plugins) || {});

function run(cmd, args, opts) {
    return new Promise((resolve, reject) => {
        execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024, ...opts }, (err, stdout, stderr) => {
            if (err) {
                err.message += `\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;
                return reject(err);
            }
            resolve({ stdout, stderr });
        });
    });
}

/** Example flow names as Node-RED lists them: paths under examples/ without .json. */
function exampleNames() {
    return L.exampleFlows().map((e) => path.relative('examples', e.file).replace(/\.json$/, '').split(path.sep).join('/')).sort();
}

/** Walks GET /library/examples/flows/<module>/... and returns every flow name. */
async function listedExamples(url, dir = '') {
    const base = `/library/examples/flows/${L.MODULE}${dir ? '/' + dir.split('/').map(encodeURIComponent).join('/') : ''}`;
    const res = await L.request(url, 'GET', base);
    if (res.status !== 200 || !Array.isArray(res.json)) throw new Error(`GET ${base}: ${res.status} ${res.text}`);
    const out = [];
    for (const e of res.json) {
        if (typeof e === 'string') out.push(...(await listedExamples(url, dir ? `${dir}/${e}` : e)));
        else if (e && e.fn) out.push(dir ? `${dir}/${e.fn}` : e.fn);
    }
    return out.sort();
}

describe('palette install (npm pack + npm install --omit=dev --engine-strict)', function () {
    this.timeout(120000);
    let work;
    let tgz;
    let files;

    before(async function () {
        for (const s of SETS) {
            if (!fs.existsSync(s.dist)) throw new Error(`${path.relative(L.ROOT, s.dist)} is missing: run node scripts/build.js first`);
        }
        work = L.tmpDir('palette');
        // dist/ is already built (npm test builds first): skip the prepack rebuild, which others may be running.
        const { stdout } = await run(L.ownNode(), [L.npmCli(), 'pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: L.ROOT });
        const info = JSON.parse(stdout)[0];
        tgz = path.join(work, info.filename);
        files = info.files.map((f) => f.path);
    });

    after(function () {
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it('the tarball holds the built nodes, locales, icons, resources, examples, README and LICENSE', function () {
        fs.existsSync(tgz).should.be.true();
        for (const s of SETS) {
            const dir = path.relative(L.ROOT, path.dirname(s.dist)).split(path.sep).join('/');
            files.should.containEql(`${dir}/${s.name}.js`);
            files.should.containEql(`${dir}/${s.name}.html`);
            for (const lang of ['en-US', 'es-ES']) {
                files.should.containEql(`${dir}/locales/${lang}/${s.name}.json`);
                files.should.containEql(`${dir}/locales/${lang}/${s.name}.html`);
            }
        }
        for (const p of Object.values((L.PKG['node-red'] && L.PKG['node-red'].plugins) || {})) files.should.containEql(p);
        for (const e of L.exampleFlows()) files.should.containEql(e.file.split(path.sep).join('/'));
        files.should.containEql('package.json');
        files.should.containEql('README.md');
        files.should.containEql('LICENSE');
        files.filter((f) => f.startsWith('dist/') && f.includes('/icons/')).length.should.be.above(0);
    });

    it('the tarball holds no tests, simulators, source maps, TypeScript sources or dev tooling', function () {
        const bad = files.filter(
            (f) =>
                /^(test|tests|sim|bench|flows|scripts|\.ci|nodes|lib|plugins|test-artifacts|docs)\//.test(f) ||
                /(^|\/)(test|tests|__tests__)\//.test(f) ||
                /\.spec\.js$|\.test\.js$/.test(f) ||
                /\.map$/.test(f) ||
                (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)) ||
                /(^|\/)tsconfig[^/]*\.json$|(^|\/)\.mocharc/.test(f) ||
                /\.(pem|key)$/.test(f),
        );
        bad.should.eql([], 'files that must not ship');
    });

    const targets = [
        { label: 'Node-RED 5 on Node 22', module: 'node-red', node: () => L.node22() },
        { label: 'Node-RED 4.1 on the machine\'s Node', module: 'node-red-4', node: () => L.ownNode() },
    ];
    for (const t of targets) {
        describe(t.label, function () {
            let nr;
            let userDir;
            before(async function () {
                userDir = path.join(work, t.module);
                fs.mkdirSync(userDir);
                fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', description: 'A Node-RED Project', version: '0.0.1', private: true }, null, 4));
                // As @node-red/registry's installer runs it (plus --prefer-offline so a warm npm cache is used).
                await run(t.node(), [L.npmCli(), 'install', '--no-audit', '--no-update-notifier', '--no-fund', '--save', '--save-prefix=~', '--omit=dev', '--engine-strict', '--prefer-offline', tgz], {
                    cwd: userDir,
                    env: { ...process.env, npm_config_update_notifier: 'false', NODE_ENV: 'production' },
                });
                const settingsFile = L.writeSettings(userDir);
                nr = await L.startNodeRed({ module: t.module, node: t.node(), userDir, settingsFile });
            });
            after(async function () {
                if (nr) await nr.stop();
            });

            it('installed only the runtime dependencies (no dev dependencies)', function () {
                const nm = path.join(userDir, 'node_modules');
                fs.existsSync(path.join(nm, ...L.MODULE.split('/'), 'package.json')).should.be.true();
                for (const d of Object.keys(L.PKG.dependencies || {})) fs.existsSync(path.join(nm, d)).should.be.true(`${d} not installed`);
                for (const d of ['mocha', 'typescript', 'playwright-core', 'node-red-node-test-helper', 'sinon']) fs.existsSync(path.join(nm, d)).should.be.false(`${d} installed`);
            });

            it('registers every node type (and plugin) of the package without error', async function () {
                const res = await L.request(nr.url, 'GET', '/nodes', { headers: { Accept: 'application/json' } });
                res.status.should.equal(200, res.text);
                const sets = res.json.filter((s) => s.module === L.MODULE);
                sets.length.should.equal(SETS.length, `node sets of ${L.MODULE}: ${JSON.stringify(sets)}\n${nr.log}`);
                for (const s of sets) {
                    should.not.exist(s.err, `${s.id}: ${s.err}`);
                    s.enabled.should.be.true(s.id);
                }
                const mod = await L.request(nr.url, 'GET', `/nodes/${L.MODULE}`, { headers: { Accept: 'application/json' } });
                mod.status.should.equal(200, mod.text);
                mod.json.version.should.equal(L.PKG.version, 'installed module version');
                const types = sets.flatMap((s) => s.types).sort();
                types.should.eql([...TYPES].sort());
                if (PLUGINS.length) {
                    const pl = await L.request(nr.url, 'GET', '/plugins', { headers: { Accept: 'application/json' } });
                    pl.status.should.equal(200, pl.text);
                    const ours = pl.json.filter((p) => p.module === L.MODULE);
                    ours.map((p) => p.id.split('/').pop()).sort().should.eql([...PLUGINS].sort());
                    for (const p of ours) should.not.exist(p.err, `${p.id}: ${p.err}`);
                }
                nr.log.should.not.match(/\[(error|warn)\][^\n]*(attendance|Failed to register|Error loading)/i);
            });

            it('serves each node\'s message catalog in en-US and es-ES', async function () {
                for (const lng of ['en-US', 'es-ES']) {
                    const res = await L.request(nr.url, 'GET', `/nodes/messages?lng=${lng}`);
                    res.status.should.equal(200);
                    for (const type of TYPES) {
                        const cat = res.json[`${L.MODULE}/${type}`];
                        should.exist(cat, `${lng}: no catalog for ${type}`);
                        should.exist(cat[type], `${lng}: catalog of ${type} has no "${type}" key`);
                    }
                }
                const en = (await L.request(nr.url, 'GET', '/nodes/messages?lng=en-US')).json;
                const es = (await L.request(nr.url, 'GET', '/nodes/messages?lng=es-ES')).json;
                const differs = TYPES.filter((type) => JSON.stringify(en[`${L.MODULE}/${type}`]) !== JSON.stringify(es[`${L.MODULE}/${type}`]));
                differs.should.eql(TYPES, 'types whose es-ES catalog is the English one');
            });

            it('lists the example flows under Import > Examples, each loadable', async function () {
                const want = exampleNames();
                want.length.should.be.above(0, 'examples/ has no flow');
                const modules = await L.request(nr.url, 'GET', '/library/examples/flows/');
                modules.json.should.containEql(L.MODULE);
                (await listedExamples(nr.url)).should.eql(want);
                const known = new Set((await L.request(nr.url, 'GET', '/nodes')).json.flatMap((s) => s.types));
                for (const name of want) {
                    const res = await L.request(nr.url, 'GET', `/library/examples/flows/${L.MODULE}/${name.split('/').map(encodeURIComponent).join('/')}`);
                    res.status.should.equal(200, `${name}: ${res.text}`);
                    const flow = JSON.parse(res.text);
                    const unknown = flow.map((n) => n.type).filter((type) => type !== 'tab' && type !== 'group' && !known.has(type));
                    unknown.should.eql([], `${name}: node types unknown to this Node-RED`);
                }
            });
        });
    }
});
