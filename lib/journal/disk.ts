/**
 * The journal on disk: `<dir>/<YYYY-MM-DD>/<NN>.jsonl`, one folder per day, each day's lines spread over
 * BUCKETS files by person key (a search reads one file per day, not the whole day), plus `people.jsonl`
 * and `parked.jsonl`. Lines are appended in batches every `flushMs` (one write per file), never
 * rewritten; a day past the retention is deleted as a whole. A failed write (disk full, read-only,
 * permissions) keeps its lines for the next try up to `pendingLimit`, reports the error and never throws.
 */
import { appendFileSync, closeSync, openSync, readSync, statSync, promises as fs } from 'fs';
import * as path from 'path';
import { errorMessage } from '../types';
import { isDay } from './codec';

export const BUCKETS = 16;

/** FNV-1a of the key, the person's bucket. */
export function bucketOf(key: string, buckets = BUCKETS): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) {
        h ^= key.charCodeAt(i);
        h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % buckets;
}

export function bucketFile(bucket: number): string {
    return `${String(bucket).padStart(2, '0')}.jsonl`;
}

export interface DiskOptions {
    dir: string;
    flushMs: number;
    /** Lines kept for a later write while writing fails; beyond, the oldest are given up (counted). */
    pendingLimit: number;
    now: () => number;
    /** Told once per failure streak (and once when writing works again). */
    log: (text: string) => void;
}

interface Pending {
    lines: string[];
}

/** Whether `dir` can hold the journal: created if missing, a file written and removed. The error text when not. */
export async function probeDir(dir: string): Promise<string | undefined> {
    try {
        await fs.mkdir(dir, { recursive: true });
        const probe = path.join(dir, `.probe-${process.pid}`);
        await fs.writeFile(probe, 'ok');
        await fs.unlink(probe);
        return undefined;
    } catch (err) {
        return errorMessage(err);
    }
}

export class DiskFiles {
    /** Relative file -> lines waiting to be appended. */
    private pending = new Map<string, Pending>();
    /** The batch being written: its lines are not in the files yet, and still found by readers. */
    private inFlight = new Map<string, Pending>();
    private pendingCount = 0;
    private timer: ReturnType<typeof setTimeout> | undefined;
    private flushing: Promise<void> | undefined;
    private readonly checked = new Set<string>();
    private closed = false;
    bytes = 0;
    days = new Set<string>();
    lastWriteError?: string;
    lastWriteErrorAt?: number;
    failingSince?: number;
    droppedLines = 0;

    constructor(private readonly opts: DiskOptions) {}

    /** Sizes and days of what is stored. */
    async scan(): Promise<void> {
        this.bytes = 0;
        this.days.clear();
        for (const name of await fs.readdir(this.opts.dir).catch(() => [] as string[])) {
            if (isDay(name)) {
                this.days.add(name);
                for (const f of await fs.readdir(path.join(this.opts.dir, name)).catch(() => [] as string[])) {
                    this.bytes += (await fs.stat(path.join(this.opts.dir, name, f)).catch(() => ({ size: 0 }))).size;
                }
            }
        }
    }

    oldestDay(): string | undefined {
        let oldest: string | undefined;
        for (const d of this.days) if (oldest === undefined || d < oldest) oldest = d;
        return oldest;
    }

    /** Queues a line for `file` (relative to the journal folder). */
    append(file: string, line: string): void {
        if (this.closed) return;
        let p = this.pending.get(file);
        if (!p) {
            p = { lines: [] };
            this.pending.set(file, p);
        }
        p.lines.push(line);
        this.pendingCount++;
        if (this.pendingCount > this.opts.pendingLimit) this.dropOldest();
        if (!this.timer) {
            this.timer = setTimeout(() => {
                this.timer = undefined;
                void this.flush();
            }, this.opts.flushMs);
            this.timer.unref?.();
        }
    }

    /**
     * Appends one line at once (synchronously): for the rare lines a crash must not take (a parked record, whose
     * event the outbox or the source no longer holds). Queued like the others when that write fails.
     */
    appendNow(file: string, line: string): void {
        if (this.closed) return;
        if (this.pending.has(file) || this.inFlight.has(file)) return this.append(file, line);
        try {
            const full = path.join(this.opts.dir, file);
            let prefix = '';
            if (!this.checked.has(file)) {
                const size = (() => {
                    try {
                        return statSync(full).size;
                    } catch {
                        return 0;
                    }
                })();
                if (size > 0) {
                    const fd = openSync(full, 'r');
                    try {
                        const last = Buffer.alloc(1);
                        readSync(fd, last, 0, 1, size - 1);
                        if (last[0] !== 0x0a) prefix = '\n';
                    } finally {
                        closeSync(fd);
                    }
                }
                this.checked.add(file);
            }
            appendFileSync(full, prefix + line + '\n', 'utf8');
        } catch {
            this.append(file, line);
        }
    }

    /**
     * Lines of `file` not written yet (being written, or waiting). A reader takes these before it reads the
     * file: a line whose write completes in between is in both, and readers drop the repeat.
     */
    unwritten(file: string): readonly string[] {
        const writing = this.inFlight.get(file)?.lines ?? [];
        const waiting = this.pending.get(file)?.lines ?? [];
        return writing.length === 0 ? waiting : waiting.length === 0 ? writing : [...writing, ...waiting];
    }

    private dropOldest(): void {
        // The oldest day's lines go first (a long failure keeps the newest).
        const files = [...this.pending.keys()].sort();
        for (const f of files) {
            const p = this.pending.get(f) as Pending;
            const n = Math.min(p.lines.length, this.pendingCount - this.opts.pendingLimit);
            p.lines.splice(0, n);
            this.pendingCount -= n;
            this.droppedLines += n;
            if (p.lines.length === 0) this.pending.delete(f);
            if (this.pendingCount <= this.opts.pendingLimit) return;
        }
    }

    /** Writes what is pending (one append per file); resolves when done, never rejects. */
    flush(): Promise<void> {
        // A flush asked during one waits for it, then writes what came meanwhile (once: no loop while writes fail).
        return this.flushing ? this.flushing.then(() => this.flushOnce()) : this.flushOnce();
    }

    private flushOnce(): Promise<void> {
        if (this.flushing) return this.flushing;
        if (this.pendingCount === 0) return Promise.resolve();
        const run = this.writeAll().finally(() => {
            this.flushing = undefined;
        });
        this.flushing = run;
        return run;
    }

    private async writeAll(): Promise<void> {
        const batch = this.pending;
        this.pending = new Map();
        this.pendingCount = 0;
        this.inFlight = batch;
        let failed: string | undefined;
        for (const [file, p] of batch) {
            if (failed) {
                this.requeue(file, p.lines);
                continue;
            }
            try {
                await this.write(file, p.lines);
            } catch (err) {
                failed = errorMessage(err);
                this.requeue(file, p.lines);
            }
            batch.delete(file);
        }
        this.inFlight = new Map();
        if (failed) {
            const first = this.failingSince === undefined;
            this.lastWriteError = failed;
            this.lastWriteErrorAt = this.opts.now();
            this.failingSince ??= this.lastWriteErrorAt;
            if (first) this.opts.log(`attendance journal: cannot write to ${this.opts.dir} (${failed}); punches still flow, the journal keeps up to ${this.opts.pendingLimit} lines in memory and tries again`);
            // Try again later, not in a tight loop.
            if (!this.timer && !this.closed && this.pendingCount > 0) {
                this.timer = setTimeout(() => {
                    this.timer = undefined;
                    void this.flush();
                }, Math.max(this.opts.flushMs, 5_000));
                this.timer.unref?.();
            }
        } else if (this.failingSince !== undefined) {
            // The last error stays visible (with its time) in the health view.
            this.opts.log(`attendance journal: writing to ${this.opts.dir} works again`);
            this.failingSince = undefined;
        }
    }

    private requeue(file: string, lines: string[]): void {
        const p = this.pending.get(file);
        if (p) p.lines.unshift(...lines);
        else this.pending.set(file, { lines });
        this.pendingCount += lines.length;
        if (this.pendingCount > this.opts.pendingLimit) this.dropOldest();
    }

    private async write(file: string, lines: string[]): Promise<void> {
        const full = path.join(this.opts.dir, file);
        const day = file.slice(0, 10);
        const inDay = isDay(day) && file.length > 10;
        let prefix = '';
        if (!this.checked.has(file)) {
            if (inDay) await fs.mkdir(path.join(this.opts.dir, day), { recursive: true });
            // A line torn by a crash (kill -9 during a write) must not swallow the next one.
            const size = (await fs.stat(full).catch(() => undefined))?.size ?? 0;
            if (size > 0) {
                const handle = await fs.open(full, 'r');
                try {
                    const last = Buffer.alloc(1);
                    await handle.read(last, 0, 1, size - 1);
                    if (last[0] !== 0x0a) prefix = '\n';
                } finally {
                    await handle.close();
                }
            }
            this.checked.add(file);
        }
        const data = prefix + lines.join('\n') + '\n';
        await fs.appendFile(full, data, 'utf8');
        if (inDay) {
            this.bytes += Buffer.byteLength(data);
            this.days.add(day);
        }
    }

    /** Replaces a small file (people, parked) with `lines`, atomically. */
    async rewrite(file: string, lines: string[]): Promise<void> {
        const full = path.join(this.opts.dir, file);
        const tmp = `${full}.tmp`;
        await fs.writeFile(tmp, lines.length ? lines.join('\n') + '\n' : '', 'utf8');
        await fs.rename(tmp, full);
        this.checked.add(file);
    }

    /** The text of a file ('' when missing). */
    async read(file: string): Promise<string> {
        return fs.readFile(path.join(this.opts.dir, file), 'utf8').catch(() => '');
    }

    /** The bytes of a file (undefined when missing). */
    async readBuffer(file: string): Promise<Buffer | undefined> {
        return fs.readFile(path.join(this.opts.dir, file)).catch(() => undefined);
    }

    async dayFiles(day: string): Promise<string[]> {
        const names = await fs.readdir(path.join(this.opts.dir, day)).catch(() => [] as string[]);
        return names.filter((n) => n.endsWith('.jsonl')).map((n) => `${day}/${n}`);
    }

    /** Deletes the days before `cutoff`; returns them. */
    async sweep(cutoff: string): Promise<string[]> {
        const removed: string[] = [];
        for (const day of [...this.days].sort()) {
            if (day >= cutoff) break;
            try {
                await fs.rm(path.join(this.opts.dir, day), { recursive: true, force: true });
                this.days.delete(day);
                removed.push(day);
                for (const f of this.checked) if (f.startsWith(day)) this.checked.delete(f);
            } catch (err) {
                this.lastWriteError = `retention: ${errorMessage(err)}`;
                this.lastWriteErrorAt = this.opts.now();
            }
        }
        if (removed.length) await this.scan();
        return removed;
    }

    async close(): Promise<void> {
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        await this.flush();
        this.closed = true;
    }
}
