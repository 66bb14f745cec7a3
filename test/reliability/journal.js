'use strict';
// What the reliability specs judge the Humand simulator's journal by, and the scripted inputs they share.
require('should');

/** Every employee's records alternate START/END in time order, no record twice. Returns records by employee. */
function checkJournal(journal) {
    const byEmployee = new Map();
    const seen = new Set();
    for (const r of journal) {
        const key = `${r.employeeInternalId}|${r.type}|${Date.parse(r.time)}`;
        seen.has(key).should.be.false(`record twice: ${key}`);
        seen.add(key);
        if (!byEmployee.has(r.employeeInternalId)) byEmployee.set(r.employeeInternalId, []);
        byEmployee.get(r.employeeInternalId).push(r);
    }
    for (const [emp, list] of byEmployee) {
        list.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
        list.forEach((r, i) => r.type.should.equal(i % 2 === 0 ? 'START' : 'END', `employee ${emp} record ${i}`));
    }
    return byEmployee;
}

/** The simulators' person n (1-based): HikCentral person and the Humand employeeInternalId it maps to. */
function person(i) {
    return { personId: String(i), personCode: String(100 + i).padStart(6, '0'), personName: `Person ${i}` };
}

/** Short time-outs and console debug output, so the log shows what the flow did. */
function sinkOptions(flow) {
    for (const n of flow) {
        if (n.type === 'humand-server') n.timeout = 3;
        if (n.type === 'debug') { n.console = true; n.active = true; }
    }
    return flow;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = { checkJournal, person, sinkOptions, sleep };
