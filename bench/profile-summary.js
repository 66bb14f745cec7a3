'use strict';
// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per file, top N.
//   node bench/profile-summary.js file.cpuprofile [N]
const fs = require('fs');
const prof = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const top = Number(process.argv[3] || 25);
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = prof.timeDeltas;
for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i];
    self.set(id, (self.get(id) || 0) + (dt[i] || 0));
}
const fn = new Map();
const file = new Map();
let total = 0;
for (const [id, us] of self) {
    const n = byId.get(id);
    const cf = n.callFrame;
    const url = (cf.url || '').replace(/^file:\/\//, '').replace(/.*node_modules\//, 'nm/').replace(/.*\/work\/main\//, '');
    const key = `${cf.functionName || '(anon)'} ${url}:${cf.lineNumber + 1}`;
    fn.set(key, (fn.get(key) || 0) + us);
    const fk = url || cf.functionName;
    file.set(fk, (file.get(fk) || 0) + us);
    total += us;
}
const show = (m, title) => {
    console.log(`\n${title} (total ${(total / 1000).toFixed(0)} ms)`);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(us / 1000).toFixed(1).padStart(9)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
};
show(fn, 'self time by function');
show(file, 'self time by file');
