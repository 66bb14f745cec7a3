'use strict';
// The identity-map editor's table validator, run outside the browser: ids such as __proto__ are keys like any other.
const should = require('should');
const fs = require('fs');
const path = require('path');
const vm = require('vm');

function loadDefinition() {
    const html = fs.readFileSync(path.join(__dirname, '..', '..', 'nodes', 'identity-map', 'identity-map.html'), 'utf8');
    const code = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(html)[1];
    let def;
    const ok = () => () => true;
    const sandbox = {
        RED: { nodes: { registerType: (type, d) => { def = d; } }, validators: { regex: ok, number: ok }, _: (k) => k },
        AttendanceBridgeEditor: new Proxy({}, { get: () => ok }),
        $: () => ({ length: 0 }),
    };
    vm.runInNewContext(code, sandbox);
    return def;
}

describe('identity-map editor validators (issue 13, case 4)', function () {
    it('a table with __proto__ (or constructor) mapped to two different employees is invalid', function () {
        const validate = loadDefinition().defaults.table.validate;
        validate([{ source: 'a', target: '1' }, { source: 'b', target: '2' }]).should.be.true();
        validate([{ source: '__proto__', target: '1' }, { source: '__proto__', target: '2' }]).should.be.false();
        validate([{ source: 'constructor', target: '1' }, { source: 'constructor', target: '2' }]).should.be.false();
        validate([{ source: '__proto__', target: '1' }, { source: '__proto__', target: '1' }]).should.be.true();
    });
});
