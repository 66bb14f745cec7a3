'use strict';
// Child process of the state benchmark: what holding 100,000 employees costs a freshly started
// Node-RED-like process. Opens Node-RED's localfilesystem store on the directory the state run filled
// (cache on: the whole scope is read into memory, as at Node-RED start-up), starts a Outbox on it
// (it loads the outbox) and reports RSS and heap before and after, with garbage collected.
//   node --expose-gc bench/state-load.js <dir> <keyPrefix>
const c = require('./common');

(async () => {
    const [dir, keyPrefix] = process.argv.slice(2);
    const gc = global.gc || (() => undefined);
    gc();
    await c.sleep(100);
    const before = process.memoryUsage();
    const t0 = performance.now();
    const { store, close } = await c.nodeRedGlobalStore({ module: 'localfilesystem', config: { dir, cache: true, flushInterval: 3600 } });
    const { Outbox } = c.dist('lib/humand/outbox/index.js');
    const { RateLimiter } = c.dist('lib/backoff.js');
    const d = new Outbox({ store, keyPrefix, client: () => 'not sending', limiter: new RateLimiter(0), dryRun: false, concurrency: 4 });
    await d.whenStarted();
    const loadMs = performance.now() - t0;
    gc();
    gc();
    await c.sleep(300);
    gc();
    const after = process.memoryUsage();
    const keys = (await store.keys()).filter((k) => k.startsWith(keyPrefix)).length;
    await d.close();
    await close();
    process.stdout.write(JSON.stringify({ keys, loadMs: Math.round(loadMs), before, after }) + '\n');
})().catch((err) => {
    process.stderr.write(String(err && err.stack) + '\n');
    process.exit(1);
});
