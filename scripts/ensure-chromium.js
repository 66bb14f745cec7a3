#!/usr/bin/env node
// npm's `pretest` step: the editor end-to-end suite drives Debian's chromium (never a downloaded
// browser). When it is missing, install the Debian package `chromium` with apt-get if this user is
// root and apt-get exists; otherwise exit non-zero naming the package. The tests are never skipped.
// The editor suite's harness finds the browser with the same `findChromium()`.
//   AB_CHROMIUM=/path/to/chromium   use that browser instead (it must exist)
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const DEFAULT_PATH = '/usr/bin/chromium';
const PACKAGE = 'chromium';

function executable(file) {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch (e) {
        return false;
    }
}

/** The first executable `name` on PATH, or undefined. */
function onPath(name) {
    for (const dir of (process.env.PATH || '').split(path.delimiter)) {
        if (dir && executable(path.join(dir, name))) return path.join(dir, name);
    }
    return undefined;
}

/**
 * The chromium the editor tests use: AB_CHROMIUM when set (even if missing, so the error names it),
 * else /usr/bin/chromium, else `chromium` on PATH; undefined when there is none.
 */
function findChromium() {
    if (process.env.AB_CHROMIUM) return executable(process.env.AB_CHROMIUM) ? process.env.AB_CHROMIUM : undefined;
    if (executable(DEFAULT_PATH)) return DEFAULT_PATH;
    return onPath('chromium');
}

/** The message for a machine where we cannot install chromium ourselves. */
function missingMessage(reason) {
    const where = process.env.AB_CHROMIUM ? `AB_CHROMIUM=${process.env.AB_CHROMIUM}` : `${DEFAULT_PATH} (or chromium on PATH)`;
    return (
        `The editor tests need Debian's chromium, which is missing: ${where}. ${reason}\n` +
        `Install the Debian package "${PACKAGE}" as root: apt-get install -y ${PACKAGE}\n` +
        'then run the tests again. (No browser is ever downloaded; AB_CHROMIUM=/path/to/chromium overrides the path.)'
    );
}

function run(cmd, args) {
    console.log(`ensure-chromium: ${cmd} ${args.join(' ')}`);
    const res = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return res.status === 0;
}

/** Returns the process exit code: 0 when chromium is there (found or installed now). */
function ensureChromium() {
    const found = findChromium();
    if (found) return 0;
    if (process.env.AB_CHROMIUM) {
        console.error(missingMessage('The path given in AB_CHROMIUM is not an executable file.'));
        return 1;
    }
    const apt = onPath('apt-get');
    const root = typeof process.getuid === 'function' && process.getuid() === 0;
    if (!apt || !root) {
        console.error(missingMessage(!apt ? 'apt-get is not available here.' : 'Installing it needs root, and this user is not root.'));
        return 1;
    }
    if (!run(apt, ['update', '-qq']) || !run(apt, ['install', '-y', '-qq', PACKAGE])) {
        console.error(missingMessage('apt-get failed (see above).'));
        return 1;
    }
    const installed = findChromium();
    if (!installed) {
        console.error(missingMessage(`apt-get installed "${PACKAGE}" but no chromium executable appeared.`));
        return 1;
    }
    console.log(`ensure-chromium: installed ${installed}`);
    return 0;
}

if (require.main === module) process.exit(ensureChromium());

module.exports = { findChromium, missingMessage };
