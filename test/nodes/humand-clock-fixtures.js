'use strict';
// Shared by the humand-clock node specs: event times, events and the flow of one humand-server and one humand-clock.

/** ISO time `minutesAgo` before now, written with -03:00. */
function ago(minutesAgo, base = Date.now()) {
    return new Date(base - minutesAgo * 60000 - 3 * 3600000).toISOString().replace('Z', '-03:00');
}

function evt(id, employeeId, minutesAgo, direction = null, extra = {}) {
    return {
        id, source: 'hikcentral', person: { id: 'p' + employeeId, name: 'Ana' }, time: ago(minutesAgo), direction,
        device: { id: '12', name: 'Main door' }, employeeId, ...extra,
    };
}

/** humand-server s1 → humand-clock c1 with helper nodes ok / ko on its outputs and a catch node feeding `caught`. */
function flow(baseUrl, clockProps = {}, serverProps = {}) {
    return [
        { id: 'tab1', type: 'tab' },
        { id: 's1', type: 'humand-server', baseUrl, timeout: 2, rateLimit: 0, ...serverProps },
        { id: 'c1', z: 'tab1', type: 'humand-clock', server: 's1', debounce: 0, wires: [['ok'], ['ko']], ...clockProps },
        { id: 'ok', z: 'tab1', type: 'helper' },
        { id: 'ko', z: 'tab1', type: 'helper' },
        { id: 'catch1', z: 'tab1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', z: 'tab1', type: 'helper' },
    ];
}

module.exports = { ago, evt, flow };
