#!/usr/bin/env node
// Build: compile TypeScript (lib/, nodes/ and plugins/) to CommonJS in dist/, then copy each node's
// editor file (.html), locales and icons next to its compiled .js, where Node-RED looks for them.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const finalDist = path.join(root, 'dist');
// Build into a fresh directory and swap it in at the end, so a test run reading dist/ meanwhile
// never sees it half-built (and no stale file from a deleted source survives).
const dist = path.join(root, `.dist-build-${process.pid}`);

fs.rmSync(dist, { recursive: true, force: true });
const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
try {
    execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json'), '--outDir', dist], { stdio: 'inherit', cwd: root });
} catch (err) {
    fs.rmSync(dist, { recursive: true, force: true });
    console.error('build: TypeScript compilation failed');
    process.exit(1);
}

function copyDir(src, dst) {
    fs.mkdirSync(dst, { recursive: true });
    for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
        const s = path.join(src, entry.name);
        const d = path.join(dst, entry.name);
        if (entry.isDirectory()) copyDir(s, d);
        else fs.copyFileSync(s, d);
    }
}

for (const group of ['nodes', 'plugins']) {
    const groupDir = path.join(root, group);
    if (!fs.existsSync(groupDir)) continue;
    for (const name of fs.readdirSync(groupDir)) {
        const src = path.join(groupDir, name);
        if (!fs.statSync(src).isDirectory()) continue;
        const dst = path.join(dist, group, name);
        fs.mkdirSync(dst, { recursive: true });
        for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
            if (entry.isDirectory() && (entry.name === 'locales' || entry.name === 'icons')) {
                copyDir(path.join(src, entry.name), path.join(dst, entry.name));
            } else if (entry.isFile() && entry.name.endsWith('.html')) {
                fs.copyFileSync(path.join(src, entry.name), path.join(dst, entry.name));
            }
        }
    }
}
const old = path.join(root, `.dist-old-${process.pid}`);
if (fs.existsSync(finalDist)) fs.renameSync(finalDist, old);
fs.renameSync(dist, finalDist);
fs.rmSync(old, { recursive: true, force: true });
console.log('build: dist/ ready');
