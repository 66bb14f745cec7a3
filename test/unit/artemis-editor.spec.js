'use strict';
// The artemis-events editor script in a sandbox (a fake RED and jQuery): the push token generated when push
// mode is chosen without one (issue 13, case 16), and the page-size validation (case 17).
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { webcrypto } = require('crypto');
require('should');

const HTML = fs.readFileSync(path.join(__dirname, '..', '..', 'nodes', 'artemis-events', 'artemis-events.html'), 'utf8');
const SCRIPT = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(HTML)[1];

/** A jQuery stand-in: one element per selector, with the few methods the dialog uses. */
function fakeJquery(values) {
    const elements = new Map();
    const element = (sel) => {
        if (!elements.has(sel)) {
            const handlers = {};
            const el = {
                value: values[sel],
                shown: undefined,
                val(v) { if (v === undefined) return el.value; el.value = v; return el; },
                on(events, fn) { for (const e of events.split(' ')) handlers[e] = fn; return el; },
                trigger(e) { if (handlers[e]) handlers[e].call(el); return el; },
                toggle(on) { el.shown = on; return el; },
                show() { el.shown = true; return el; },
                css() { return el; },
                editableList() { return el; },
            };
            elements.set(sel, el);
        }
        return elements.get(sel);
    };
    const $ = (sel) => (typeof sel === 'string' ? element(sel) : sel);
    return { $, elements, element };
}

function dialog(values) {
    let def;
    const RED = { nodes: { registerType: (type, d) => (def = d) }, validators: { regex: () => () => true } };
    const AttendanceBridgeEditor = { number: (min, max) => (v) => Number(v) >= min && (max === undefined || Number(v) <= max) };
    const jq = fakeJquery(values);
    const sandbox = { RED, AttendanceBridgeEditor, $: jq.$, window: { crypto: webcrypto }, Uint8Array, Array };
    vm.runInNewContext(SCRIPT, sandbox);
    const node = { overrides: [], _: (k) => k };
    def.oneditprepare.call(node);
    return { def, el: jq.element };
}

describe('artemis-events editor', function () {
    it('generates a push token (crypto.getRandomValues) when push mode is chosen and the token is empty (issue 13, case 16)', function () {
        const { el } = dialog({ '#node-input-mode': 'poll', '#node-input-pushToken': '' });
        el('#node-input-pushToken').value.should.equal(''); // poll mode: nothing generated
        el('#node-input-mode').val('push').trigger('change');
        const token = el('#node-input-pushToken').value;
        token.should.match(/^[0-9a-f]{48}$/);
        el('#artemis-events-token-generated').shown.should.be.true();
        // a second generation differs; an existing token (or Node-RED's stored-password placeholder) is kept
        dialog({ '#node-input-mode': 'push', '#node-input-pushToken': '' }).el('#node-input-pushToken').value.should.not.equal(token);
        dialog({ '#node-input-mode': 'push', '#node-input-pushToken': '__PWRD__' }).el('#node-input-pushToken').value.should.equal('__PWRD__');
        dialog({ '#node-input-mode': 'push', '#node-input-pushToken': 'mine' }).el('#node-input-pushToken').value.should.equal('mine');
    });

    it('validates the page size as 1–500 and stores version 2 (issue 13, case 17)', function () {
        const { def } = dialog({ '#node-input-mode': 'poll', '#node-input-pushToken': '' });
        def.defaults.version.value.should.equal(2);
        const v = def.defaults.pageSize.validate;
        [v(1), v(500), v(501), v(1000), v(0)].should.deepEqual([true, true, false, false, false]);
    });
});
