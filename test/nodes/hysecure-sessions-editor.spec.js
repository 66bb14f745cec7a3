'use strict';
// The hysecure-sessions edit dialog's validators, run from the shipped .html in a sandbox (issue 13, case 13):
// Look back 0 and a Close grace of at least the look-back window are refused with a clear message.
require('should');
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const HTML = fs.readFileSync(path.join(__dirname, '..', '..', 'nodes', 'hysecure-sessions', 'hysecure-sessions.html'), 'utf8');
const CATALOG = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'nodes', 'hysecure-sessions', 'locales', 'en-US', 'hysecure-sessions.json'), 'utf8'));

function translate(key, args) {
    let v = key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), CATALOG);
    if (typeof v !== 'string') return key;
    for (const [k, a] of Object.entries(args || {})) v = v.split(`__${k}__`).join(String(a));
    return v;
}

/** The node definition registered by the .html, with the dialog's fields given by `fields`. */
function definition(fields) {
    let def;
    const $ = (sel) => ({
        length: typeof sel === 'string' && sel.startsWith('#node-input-') && sel.slice(12) in fields ? 1 : 0,
        val: () => fields[String(sel).slice(12)],
    });
    const sandbox = {
        $,
        RED: {
            _: translate,
            nodes: { registerType: (_type, d) => { def = d; } },
            validators: { regex: (re) => (v) => re.test(String(v)) },
        },
        AttendanceBridgeEditor: { number: (min, max) => (v) => Number(v) >= min && (max === undefined || Number(v) <= max) },
    };
    const code = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(HTML)[1];
    vm.runInNewContext(code, sandbox);
    return def;
}

function check(field, node, dialog) {
    const def = definition(dialog || {});
    const self = { ...node, _: translate };
    return def.defaults[field].validate.call(self, node[field], { label: field });
}

describe('hysecure-sessions editor', function () {
    it('the runtime status texts of both catalogs say why (en-US, es-ES)', function () {
        const es = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'nodes', 'hysecure-sessions', 'locales', 'es-ES', 'hysecure-sessions.json'), 'utf8'));
        translate('hysecure-sessions.status.noLookBack').should.match(/Look back 0/);
        translate('hysecure-sessions.status.graceTooLong', { grace: 2880, days: 2, window: 2880 }).should.match(/Close grace 2880 min .*2 days = 2880 min/);
        es['hysecure-sessions'].status.noLookBack.should.match(/Revisar 0 días/);
        es['hysecure-sessions'].status.graceTooLong.should.match(/__grace__ min.*__window__ min/);
        es['hysecure-sessions'].validation.should.have.keys('noLookBack', 'graceTooLong');
    });

    it('Look back 0 is refused with a clear message; 1 to 31 accepted', function () {
        check('days', { days: 0, closeGrace: 30 }).should.match(/Look back 0/);
        check('days', { days: 1, closeGrace: 30 }).should.equal(true);
        check('days', { days: 31, closeGrace: 30 }).should.equal(true);
        check('days', { days: 32, closeGrace: 30 }).should.not.equal(true);
    });

    it('Close grace of at least the look-back window is refused with a clear message (dialog or stored values)', function () {
        check('closeGrace', { days: 2, closeGrace: 2880 }).should.match(/Close grace 2880 min.*2880 min/);
        check('closeGrace', { days: 2, closeGrace: 2879 }).should.equal(true);
        // the dialog's current Look back wins over the stored one
        check('closeGrace', { days: 2, closeGrace: 1440 }, { days: '1', closeGrace: '1440' }).should.match(/1440 min/);
        check('closeGrace', { days: 2, closeGrace: -1 }).should.not.equal(true);
    });
});
