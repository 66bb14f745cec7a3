// Offline version of the Node-RED flow library scorecard (https://flows.nodered.org/add/node), plus the
// project's own packaging rules. Data-driven: package.json, each node's .html, locales/ and icons/,
// examples/**/*.json. No network, no Node-RED start: runs in well under a second.
'use strict';
const fs = require('fs');
const path = require('path');
const should = require('should');
const semver = require('semver');
const L = require('./lib');
const { findRegisterTypes, withScanner } = require('./registertype');

const PKG = L.PKG;
const SETS = L.nodeSets();
const LANGS = ['en-US', 'es-ES'];

function parsed(set) {
    return findRegisterTypes(fs.readFileSync(set.html, 'utf8'));
}
function keyPaths(obj, prefix = '') {
    return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? keyPaths(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}
function leafValues(obj, prefix = '') {
    return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? leafValues(v, `${prefix}${k}.`) : [[`${prefix}${k}`, String(v)]]));
}
const placeholders = (s) => (s.match(/__[A-Za-z0-9_]+__/g) || []).sort().join(',');
/**
 * The msg properties a help file documents: <dt> names in <dl class="message-properties"> (without
 * their type span) that look like property names (payload, topic, payload.employeeId), which a
 * translation keeps verbatim; translated option names are left out.
 */
function helpProperties(html) {
    const lists = [...html.matchAll(/<dl[^>]*class="[^"]*message-properties[^"]*"[^>]*>([\s\S]*?)<\/dl>/gi)].map((m) => m[1]).join('');
    return [...lists.matchAll(/<dt[^>]*>([\s\S]*?)<\/dt>/gi)]
        .map((m) => m[1].replace(/<span[\s\S]*?<\/span>/gi, '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim())
        .filter((name) => /^[a-z_$][\w$]*(\.[\w$]+)*$/.test(name));
}
function installedVersion(mod) {
    return JSON.parse(fs.readFileSync(require.resolve(`${mod}/package.json`, { paths: [L.ROOT] }), 'utf8')).version;
}

describe('scorecard (offline)', function () {
    describe('package.json', function () {
        it('has a license, and the LICENSE file ships', function () {
            should.exist(PKG.license, 'license');
            PKG.license.should.match(/^[A-Za-z0-9.+-]+( (OR|AND) [A-Za-z0-9.+-]+)*$/, 'SPDX licence id');
            fs.existsSync(path.join(L.ROOT, 'LICENSE')).should.be.true('LICENSE file');
            (PKG.files || []).should.containEql('LICENSE');
        });
        it('has repository and bugs URLs', function () {
            const repo = typeof PKG.repository === 'string' ? PKG.repository : PKG.repository && PKG.repository.url;
            should.exist(repo, 'repository');
            repo.should.match(/^(git\+)?https:\/\/[^\s]+\.git$|^https:\/\/[^\s]+$/, 'repository URL');
            const bugs = typeof PKG.bugs === 'string' ? PKG.bugs : PKG.bugs && PKG.bugs.url;
            should.exist(bugs, 'bugs URL');
            bugs.should.match(/^https:\/\/\S+$/);
        });
        it('has a scoped name (@scope/node-red-...) and a README', function () {
            PKG.name.should.match(/^@[a-z0-9][a-z0-9._~-]*\/node-red-[a-z0-9._~-]+$/);
            fs.existsSync(path.join(L.ROOT, 'README.md')).should.be.true();
        });
        it('has the node-red keyword', function () {
            (PKG.keywords || []).should.containEql('node-red');
        });
        it('declares node-red.version satisfied by both installed Node-RED versions (5 and 4.1)', function () {
            const range = PKG['node-red'] && PKG['node-red'].version;
            should.exist(range, 'node-red.version');
            semver.validRange(range).should.be.ok();
            for (const mod of ['node-red', 'node-red-4']) {
                const v = installedVersion(mod);
                semver.satisfies(v, range).should.be.true(`${mod} ${v} does not satisfy node-red.version ${range}`);
            }
        });
        it('declares engines.node satisfiable by Node 18, 20 and 22 (and by the Nodes used here)', function () {
            const range = PKG.engines && PKG.engines.node;
            should.exist(range, 'engines.node');
            for (const major of [18, 20, 22]) semver.intersects(range, `${major}.x`).should.be.true(`Node ${major} cannot satisfy engines.node ${range}`);
            semver.satisfies(process.version, range).should.be.true(`${process.version} vs ${range}`);
        });
        it('has at most six runtime dependencies', function () {
            Object.keys(PKG.dependencies || {}).length.should.be.belowOrEqual(6, JSON.stringify(PKG.dependencies));
        });
        it('declares node sets whose names are unique node types, each with sources', function () {
            SETS.length.should.be.above(0);
            const types = SETS.map((s) => s.type);
            new Set(types).size.should.equal(types.length);
            for (const s of SETS) {
                s.dist.should.match(/^.*\/dist\/nodes\/([^/]+)\/\1\.js$/, `${s.name}: node-red.nodes path`);
                fs.existsSync(path.join(s.srcDir, `${s.name}.ts`)).should.be.true(`nodes/${s.name}/${s.name}.ts`);
                fs.existsSync(path.join(s.srcDir, `${s.name}.html`)).should.be.true(`nodes/${s.name}/${s.name}.html`);
            }
        });
    });

    describe('node types', function () {
        it('each .html registers exactly the type of its set, and no type twice across the package', function () {
            const seen = {};
            for (const s of SETS) {
                const r = parsed(s);
                r.errors.should.eql([], `${s.name}.html: a text/javascript block does not parse`);
                r.calls.length.should.equal(1, `${s.name}.html: registerType calls`);
                const t = r.calls[0].type;
                should(t).equal(s.type, `${s.name}.html registers ${t}`);
                should.not.exist(seen[t], `${t} registered twice (${seen[t]} and ${s.name})`);
                seen[t] = s.name;
                const ts = fs.readFileSync(path.join(s.srcDir, `${s.name}.ts`), 'utf8');
                ts.should.match(new RegExp(`registerType\\(\\s*['"]${t}['"]`), `${s.name}.ts does not register ${t}`);
            }
        });
    });

    for (const set of SETS) {
        describe(set.name, function () {
            let call;
            let category;
            before(function () {
                const r = parsed(set);
                call = r.calls[0];
                category = call && call.props.category && call.props.category.value;
            });

            it('.html has a <script type="text/javascript"> with RED.nodes.registerType(<literal>, {<inline object>})', function () {
                const r = parsed(set);
                r.blocks.should.be.above(0, 'no <script type="text/javascript"> block');
                should.exist(call, 'no RED.nodes.registerType call');
                call.typeLiteral.should.be.true('type is not a string literal');
                call.objectLiteral.should.be.true('definition is not an inline object literal');
            });

            it('has literal category, color, icon, inputs and outputs (config: literal category)', function () {
                const p = call.props;
                should.exist(p.category, 'category');
                p.category.literal.should.be.true('category not a literal');
                if (category === 'config') return;
                category.should.equal('attendance');
                for (const k of ['color', 'icon', 'inputs', 'outputs']) {
                    should.exist(p[k], `${k} missing`);
                    p[k].literal.should.be.true(`${k} is not a literal (${p[k].kind})`);
                }
                p.color.value.should.match(/^#[0-9a-fA-F]{6}$/);
                p.inputs.value.should.be.within(0, 1);
                p.outputs.value.should.be.a.Number().and.aboveOrEqual(0);
            });

            it('has its icon file (non-config nodes) in icons/ next to the node, in source and in dist', function () {
                if (category === 'config') return;
                const icon = call.props.icon.value;
                const src = path.join(set.srcDir, 'icons', icon);
                fs.existsSync(src).should.be.true(`${path.relative(L.ROOT, src)} missing`);
                fs.readFileSync(src, 'utf8').should.match(/<svg[\s>]/);
                const dist = path.join(path.dirname(set.dist), 'icons', icon);
                if (fs.existsSync(path.dirname(set.dist))) fs.existsSync(dist).should.be.true(`${path.relative(L.ROOT, dist)} missing after build`);
            });

            it('has en-US and es-ES catalogs with the same keys and placeholders, and help for both', function () {
                const cats = {};
                for (const lang of LANGS) {
                    const json = path.join(set.srcDir, 'locales', lang, `${set.name}.json`);
                    const help = path.join(set.srcDir, 'locales', lang, `${set.name}.html`);
                    fs.existsSync(json).should.be.true(`locales/${lang}/${set.name}.json missing`);
                    fs.existsSync(help).should.be.true(`locales/${lang}/${set.name}.html missing`);
                    cats[lang] = JSON.parse(fs.readFileSync(json, 'utf8'));
                    Object.keys(cats[lang]).should.eql([set.name], `${lang} catalog top-level key`);
                    const h = fs.readFileSync(help, 'utf8');
                    h.should.match(new RegExp(`<script\\s+type="text/html"\\s+data-help-name="${set.name}"\\s*>`), `${lang} help: data-help-name`);
                    h.should.match(/<p[\s>]/, `${lang} help has no summary paragraph`);
                }
                const en = keyPaths(cats['en-US']).sort();
                const es = keyPaths(cats['es-ES']).sort();
                en.filter((k) => !es.includes(k)).should.eql([], 'keys in en-US only');
                es.filter((k) => !en.includes(k)).should.eql([], 'keys in es-ES only');
                const esValues = Object.fromEntries(leafValues(cats['es-ES']));
                const wrong = leafValues(cats['en-US']).filter(([k, v]) => placeholders(v) !== placeholders(esValues[k] || '')).map(([k]) => k);
                wrong.should.eql([], '__placeholders__ differ between en-US and es-ES');
                const props = LANGS.map((lang) => helpProperties(fs.readFileSync(path.join(set.srcDir, 'locales', lang, `${set.name}.html`), 'utf8')));
                props[1].should.eql(props[0], 'help documents different msg properties in en-US and es-ES');
            });

            it('every data-i18n key of the edit template exists in the catalogs', function () {
                const html = fs.readFileSync(set.html, 'utf8');
                const keys = [...html.matchAll(/data-i18n="([^"]+)"/g)].flatMap((m) => m[1].split(';').map((p) => p.replace(/^\[[^\]]+\]/, '').trim()));
                const own = keys.filter((k) => k.startsWith(`${set.name}.`));
                for (const lang of LANGS) {
                    const cat = JSON.parse(fs.readFileSync(path.join(set.srcDir, 'locales', lang, `${set.name}.json`), 'utf8'));
                    const missing = own.filter((k) => k.split('.').reduce((o, p) => (o && typeof o === 'object' ? o[p] : undefined), cat) === undefined);
                    missing.should.eql([], `${lang}: data-i18n keys missing from the catalog`);
                }
            });
        });
    }

    describe('examples', function () {
        it('every non-config node is used in some examples/**/*.json', function () {
            const examples = L.exampleFlows();
            examples.length.should.be.above(0, 'examples/ has no flow (*.json) yet');
            const used = new Set(examples.flatMap((e) => (Array.isArray(e.flow) ? e.flow.map((n) => n.type) : [])));
            const nonConfig = SETS.filter((s) => {
                const c = parsed(s).calls[0];
                return c && c.props.category && c.props.category.value !== 'config';
            }).map((s) => s.type);
            nonConfig.filter((t) => !used.has(t)).should.eql([], 'node types not used in any example');
        });
        it('example flows are arrays of nodes with unique ids and no credentials or secrets', function () {
            const examples = L.exampleFlows();
            examples.length.should.be.above(0, 'examples/ has no flow (*.json) yet');
            for (const e of examples) {
                Array.isArray(e.flow).should.be.true(`${e.file} is not a flow array`);
                const ids = e.flow.map((n) => n.id);
                new Set(ids).size.should.equal(ids.length, `${e.file}: duplicate ids`);
                for (const n of e.flow) {
                    if (n.credentials) Object.values(n.credentials).filter((v) => v !== '' && v !== undefined).should.eql([], `${e.file}: ${n.id} carries credentials`);
                }
            }
        });
    });

    describe('registerType parser (self-test)', function () {
        it('the fallback scanner reads the same literals as acorn', function () {
            for (const s of SETS) {
                const html = fs.readFileSync(s.html, 'utf8');
                const viaAcorn = findRegisterTypes(html).calls[0];
                const blocks = require('./registertype').javascriptBlocks(html);
                const viaScanner = blocks.flatMap((b) => withScanner(b.code))[0];
                should(viaScanner.type).equal(viaAcorn.type);
                for (const k of ['category', 'color', 'icon', 'inputs', 'outputs']) {
                    if (viaAcorn.props[k]) should(viaScanner.props[k] && viaScanner.props[k].value).equal(viaAcorn.props[k].value, `${s.name}: ${k}`);
                }
            }
        });
        it('rejects a computed type and a non-literal definition', function () {
            const r = findRegisterTypes('<script type="text/javascript">var t="x"; RED.nodes.registerType(t, makeDef());</script>');
            r.calls[0].typeLiteral.should.be.false();
            r.calls[0].objectLiteral.should.be.false();
            const ok = findRegisterTypes('<script type="text/javascript">RED.nodes.registerType("y", {category: "attendance", color: someColor, inputs: 1});</script>');
            ok.calls[0].props.category.literal.should.be.true();
            ok.calls[0].props.color.literal.should.be.false();
        });
    });
});
