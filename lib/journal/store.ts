/**
 * The journal's storage: day files on disk (disk.ts) or, without a writable directory, a bounded window
 * in memory; the people the search matches (people.ts); the parked records' file. Reads: one person's
 * events over a range of days, and one day as CSV, streamed in chunks that never hold the event loop long.
 */
import type { JournalEntry, JournalEvent, JournalHealth, JournalLine, ParkedItem } from './types';
import { isRecord } from '../types';
import { addDays, csvRow, CSV_HEADER, dayOf, decodeLine, encodeLine, entriesOf, keyNeedle, newestFirst, personKey } from './codec';
import { bucketFile, bucketOf, BUCKETS, DiskFiles, probeDir } from './disk';
import { People } from './people';

export interface StoreOptions {
    /** The journal folder (`<userDir>/attendance-bridge/journal/<tenant>`); undefined: memory only. */
    dir?: string;
    retentionDays: number;
    /** Lines the memory window keeps (memory mode). */
    memoryLines: number;
    /** Lines kept in memory while writing fails. */
    pendingLimit: number;
    flushMs: number;
    now: () => number;
    log: (text: string) => void;
}

/** People one search takes at most (a short name part can match many), and events it returns. */
export const MAX_SEARCH_PEOPLE = 50;
export const MAX_SEARCH_EVENTS = 5_000;
const CSV_CHUNK_ROWS = 1_000;

const PEOPLE_FILE = 'people.jsonl';
const PARKED_FILE = 'parked.jsonl';

type ParkOp = { op: 'park'; item: ParkedItem } | { op: 'unpark'; id: string; at: number };

interface MemoryLine {
    day: string;
    key: string;
    line: JournalLine;
    size: number;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class JournalStore {
    readonly mode: 'disk' | 'memory';
    readonly people = new People();
    /** Parked records as stored when the journal opened. */
    loadedParked: ParkedItem[] = [];
    private readonly disk?: DiskFiles;
    private memory: MemoryLine[] = [];
    private memoryBytes = 0;

    private constructor(
        private readonly opts: StoreOptions,
        mode: 'disk' | 'memory',
        readonly problem?: string,
    ) {
        this.mode = mode;
        if (mode === 'disk' && opts.dir) {
            this.disk = new DiskFiles({ dir: opts.dir, flushMs: opts.flushMs, pendingLimit: opts.pendingLimit, now: opts.now, log: opts.log });
        }
    }

    /** Opens the journal in `opts.dir`, or in memory (with the reason in `problem`) when it cannot be written. */
    static async open(opts: StoreOptions): Promise<JournalStore> {
        const problem = opts.dir ? await probeDir(opts.dir) : 'no directory';
        const store = new JournalStore(opts, problem === undefined ? 'disk' : 'memory', problem);
        if (store.disk) {
            await store.disk.scan();
            await store.loadPeople();
            await store.loadParked();
            await store.sweep();
        }
        return store;
    }

    private async loadPeople(): Promise<void> {
        const disk = this.disk as DiskFiles;
        const lines = (await disk.read(PEOPLE_FILE)).split('\n').filter((l) => l !== '');
        for (const l of lines) this.people.load(l);
        if (lines.length > 2 * this.people.size + 100) {
            await disk.rewrite(PEOPLE_FILE, [...this.people.all()].map((p) => JSON.stringify(p))).catch(() => undefined);
        }
    }

    private async loadParked(): Promise<void> {
        const disk = this.disk as DiskFiles;
        const lines = (await disk.read(PARKED_FILE)).split('\n').filter((l) => l !== '');
        const items = new Map<string, ParkedItem>();
        for (const l of lines) {
            let op: unknown;
            try {
                op = JSON.parse(l);
            } catch {
                continue;
            }
            if (!isRecord(op)) continue;
            if (op.op === 'park' && isRecord(op.item) && typeof op.item.id === 'string') items.set(op.item.id, op.item as unknown as ParkedItem);
            else if (op.op === 'unpark' && typeof op.id === 'string') items.delete(op.id);
        }
        this.loadedParked = [...items.values()];
        if (lines.length > 2 * items.size + 100) await this.rewriteParked(this.loadedParked);
    }

    /** Stores the parked records as they are now (compaction, retention). */
    async rewriteParked(items: ParkedItem[]): Promise<void> {
        await this.disk?.rewrite(PARKED_FILE, items.map((item) => JSON.stringify({ op: 'park', item }))).catch(() => undefined);
    }

    /** Records one step of `event`. Never throws, never waits: the line is written with the next batch. */
    write(line: JournalLine, event: JournalEvent): void {
        const key = personKey(event);
        const day = dayOf(event.time, line.at);
        const text = encodeLine(line, key);
        const person = this.people.note(key, event, line.employeeId);
        if (this.disk) {
            this.disk.append(`${day}/${bucketFile(bucketOf(key))}`, text);
            if (person) this.disk.append(PEOPLE_FILE, JSON.stringify(person));
            return;
        }
        this.memory.push({ day, key, line, size: text.length + 1 });
        this.memoryBytes += text.length + 1;
        if (this.memory.length > this.opts.memoryLines) {
            const drop = this.memory.length - this.opts.memoryLines;
            for (let i = 0; i < drop; i++) this.memoryBytes -= this.memory[i].size;
            this.memory.splice(0, drop);
        }
    }

    /**
     * Stores a park or unpark at once (disk only: in memory the service's index is all there is). At once: a
     * parked record's event is no longer in the outbox or the source, a crash must not take it.
     */
    writeParked(op: ParkOp): void {
        this.disk?.appendNow(PARKED_FILE, JSON.stringify(op));
    }

    /** Events of the people `query` means, between two days (inclusive), newest first. */
    async search(query: string, from: string, to: string): Promise<JournalEntry[]> {
        const keys = this.people.find(query).slice(0, MAX_SEARCH_PEOPLE);
        if (keys.length === 0) return [];
        const lines: JournalLine[] = [];
        if (!this.disk) {
            const wanted = new Set(keys);
            for (const m of this.memory) if (m.day >= from && m.day <= to && wanted.has(m.key)) lines.push(m.line);
        } else {
            const byBucket = new Map<number, string[]>();
            for (const k of keys) {
                const b = bucketOf(k);
                byBucket.set(b, [...(byBucket.get(b) ?? []), keyNeedle(k)]);
            }
            for (let day = to; day >= from && lines.length < MAX_SEARCH_EVENTS * 8; day = addDays(day, -1)) {
                for (const [bucket, needles] of byBucket) {
                    const file = `${day}/${bucketFile(bucket)}`;
                    // Not yet written first: a line written meanwhile is then in the file too, and dropped once.
                    const unwritten = this.disk.unwritten(file).filter((text) => needles.some((n) => text.includes(n)));
                    const buf = this.disk.days.has(day) || unwritten.length ? await this.disk.readBuffer(file) : undefined;
                    const texts = new Set<string>();
                    if (buf) collect(buf, needles, texts);
                    for (const text of unwritten) texts.add(text);
                    for (const text of texts) {
                        const d = decodeLine(text);
                        if (d) lines.push(d.line);
                    }
                }
            }
        }
        return entriesOf(lines).sort(newestFirst).slice(0, MAX_SEARCH_EVENTS);
    }

    /** One day's events as CSV (UTF-8 BOM, `;`), in time order, in chunks; each chunk is built in a short slice. */
    async *csv(day: string): AsyncGenerator<string> {
        yield '\ufeff' + CSV_HEADER.join(';') + '\r\n';
        const entries: JournalEntry[] = [];
        if (!this.disk) {
            entries.push(...entriesOf(this.memory.filter((m) => m.day === day).map((m) => m.line)));
        } else {
            const files = new Set(await this.disk.dayFiles(day));
            for (let b = 0; b < BUCKETS; b++) if (this.disk.unwritten(`${day}/${bucketFile(b)}`).length) files.add(`${day}/${bucketFile(b)}`);
            // A bucket file holds whole events (all lines of a person go to one bucket): grouped file by file.
            for (const file of files) {
                const unwritten = this.disk.unwritten(file);
                const texts = new Set((await this.disk.read(file)).split('\n'));
                for (const t of unwritten) texts.add(t);
                const lines: JournalLine[] = [];
                for (const t of texts) {
                    if (t === '') continue;
                    const d = decodeLine(t);
                    if (d) lines.push(d.line);
                    // A bucket file is ~5,000 lines on a 40,000-event day: decoded in slices, not in one block.
                    if (lines.length % 1000 === 0) await tick();
                }
                entries.push(...entriesOf(lines));
                await tick();
            }
        }
        const keyed = entries.map((e) => ({ ms: Date.parse(e.time) || 0, e }));
        keyed.sort((a, b) => a.ms - b.ms || (a.e.id < b.e.id ? -1 : 1));
        await tick();
        for (let i = 0; i < keyed.length; i += CSV_CHUNK_ROWS) {
            let chunk = '';
            for (const { e } of keyed.slice(i, i + CSV_CHUNK_ROWS)) chunk += csvRow(e);
            yield chunk;
            await tick();
        }
    }

    /** The first day kept: `retentionDays` days up to today. */
    cutoff(): string {
        return addDays(new Date(this.opts.now()).toISOString().slice(0, 10), -(this.opts.retentionDays - 1));
    }

    /** Deletes the days past the retention. */
    async sweep(): Promise<void> {
        const cutoff = this.cutoff();
        if (this.disk) {
            await this.disk.sweep(cutoff);
            return;
        }
        const kept = this.memory.filter((m) => m.day >= cutoff);
        if (kept.length !== this.memory.length) {
            this.memory = kept;
            this.memoryBytes = kept.reduce((n, m) => n + m.size, 0);
        }
    }

    stats(): Omit<JournalHealth, 'parked' | 'parkedByReason'> {
        if (!this.disk) {
            let oldest: string | undefined;
            for (const m of this.memory) if (oldest === undefined || m.day < oldest) oldest = m.day;
            return { mode: 'memory', bytes: this.memoryBytes, oldestDay: oldest, retentionDays: this.opts.retentionDays, lastWriteError: this.problem, droppedLines: 0 };
        }
        return {
            mode: 'disk',
            dir: this.opts.dir,
            bytes: this.disk.bytes,
            oldestDay: this.disk.oldestDay(),
            retentionDays: this.opts.retentionDays,
            lastWriteError: this.disk.lastWriteError,
            lastWriteErrorAt: this.disk.lastWriteErrorAt,
            failingSince: this.disk.failingSince,
            droppedLines: this.disk.droppedLines,
        };
    }

    flush(): Promise<void> {
        return this.disk ? this.disk.flush() : Promise.resolve();
    }

    close(): Promise<void> {
        return this.disk ? this.disk.close() : Promise.resolve();
    }
}

/** The lines of `buf` that contain one of `needles` (found without parsing the others). */
function collect(buf: Buffer, needles: string[], out: Set<string>): void {
    for (const needle of needles) {
        const n = Buffer.from(needle);
        let pos = buf.indexOf(n);
        while (pos !== -1) {
            const start = buf.lastIndexOf(0x0a, pos) + 1;
            let end = buf.indexOf(0x0a, pos);
            if (end === -1) end = buf.length;
            out.add(buf.toString('utf8', start, end));
            pos = buf.indexOf(n, end);
        }
    }
}

