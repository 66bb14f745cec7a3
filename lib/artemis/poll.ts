/**
 * The artemis-events engine without Node-RED: poll (cursor − overlap … now), back-fill a window, accept
 * pushed events; normalise, drop already-emitted ids, emit in time order, then remember the ids and move
 * the cursor. All work is serialised, so a push arriving during a poll cannot emit an event twice.
 */
import type { AttendanceEvent } from '../types';
import { KeyValueStore, shortHash } from '../context';
import type { DoorEventQuery, DoorEventResult, EventTypeMode } from './client';
import { NormaliseOptions, normaliseDoorEvent, Outcome } from './events';
import { EventState } from './state';
import { ClosedError, isClosed } from '../kit/poll-loop';

export interface DoorEventSource {
    doorEvents(query: DoorEventQuery, mode: EventTypeMode): Promise<DoorEventResult>;
}

export interface EngineOptions {
    store: KeyValueStore;
    keyPrefix: string;
    normalise: NormaliseOptions;
    overlapMs: number;
    initialLookbackMs: number;
    pageSize: number;
    eventTypeMode: EventTypeMode;
    formatTime: (ms: number) => string;
    /** Emitted ids remembered at least (default 20,000); the bound grows with the events of the overlap window. */
    maxRecent?: number;
    /** The most ids ever remembered (default 200,000). */
    maxRecentCap?: number;
    now?: () => number;
    /** Receives the new events of one batch, already in time order. */
    emit: (events: AttendanceEvent[], backfill: boolean) => void | Promise<void>;
}

export interface Problem {
    reason: string;
    id?: string;
    record: unknown;
}

export interface BatchReport {
    mode: 'poll' | 'backfill' | 'push';
    /** ISO times of the window queried (poll / back-fill). */
    from?: string;
    to?: string;
    pages: number;
    received: number;
    emitted: number;
    duplicates: number;
    skipped: number;
    problems: Problem[];
    /**
     * Back-fill: new events older than the cursor − overlap (yet inside what the polls had covered), i.e. events
     * that reached HikCentral after the overlap had passed them: the overlap is too short for this site.
     */
    late: number;
    cursor?: string;
}

export class ArtemisEngine {
    readonly state: EventState;
    private chain: Promise<unknown> = Promise.resolve();
    private readonly now: () => number;

    constructor(private readonly options: EngineOptions) {
        this.state = new EventState(options.store, options.keyPrefix, options.maxRecent, options.maxRecentCap);
        this.now = options.now ?? Date.now;
    }

    private serial<T>(work: () => Promise<T>): Promise<T> {
        const run = this.chain.then(work, work);
        this.chain = run.catch(() => undefined);
        return run;
    }

    /** Regular poll: from (cursor − overlap) to now; the cursor moves to `now` after the emit. */
    poll(source: DoorEventSource, signal?: AbortSignal): Promise<BatchReport> {
        return this.serial(async () => {
            await this.state.load();
            const to = Math.floor(this.now() / 1000) * 1000;
            const cursor = this.state.cursorMs ?? to - Math.max(0, this.options.initialLookbackMs);
            const from = Math.min(cursor, to) - Math.max(0, this.options.overlapMs);
            const batch = this.batch('poll', from, to);
            // the ids of the overlap window are re-read by the next poll: remember (at least) twice as many
            batch.countFrom = to - Math.max(0, this.options.overlapMs);
            batch.report.pages = await this.fetch(source, from, to, batch, signal);
            this.state.raiseBound(2 * batch.counted);
            this.state.markSince(from);
            return batch.finish(to);
        });
    }

    /** Back-fill [fromMs, toMs]: only ids not yet emitted; the cursor does not move. */
    backfill(source: DoorEventSource, fromMs: number, toMs: number, signal?: AbortSignal): Promise<BatchReport> {
        return this.serial(async () => {
            await this.state.load();
            const batch = this.batch('backfill', fromMs, toMs);
            const cursor = this.state.cursorMs;
            const since = this.state.sinceMs;
            if (cursor !== undefined && since !== undefined) batch.late = { from: since, before: cursor - Math.max(0, this.options.overlapMs) };
            batch.report.pages = await this.fetch(source, fromMs, toMs, batch, signal);
            return batch.finish(undefined);
        });
    }

    /** Pushed records (already mapped to the door-event shape). */
    push(records: unknown[]): Promise<BatchReport> {
        return this.serial(async () => {
            await this.state.load();
            const batch = this.batch('push', undefined, undefined);
            await batch.add(records);
            return batch.finish(undefined);
        });
    }

    private batch(mode: BatchReport['mode'], from: number | undefined, to: number | undefined): Batch {
        return new Batch(mode, this.state, this.options, from, to);
    }

    /**
     * Fetches the window; each page is normalised as it arrives (while the next one is on its way).
     * A source that does not stream (tests, other clients) hands all records over at the end instead.
     */
    private async fetch(source: DoorEventSource, from: number, to: number, batch: Batch, signal?: AbortSignal): Promise<number> {
        // The batch's emit stops too once this aborts (the node closes).
        batch.signal = signal;
        const result = await source.doorEvents(
            {
                fromMs: from,
                toMs: to,
                eventTypes: this.options.normalise.eventTypes,
                doorIndexCodes: this.options.normalise.doorIndexCodes,
                pageSize: this.options.pageSize,
                formatTime: this.options.formatTime,
                signal,
                onRecords: (records) => batch.add(records),
            },
            this.options.eventTypeMode,
        );
        if (!result.streamed) await batch.add(result.records);
        return result.pages;
    }
}

interface Fresh {
    event: AttendanceEvent;
    ms: number;
}

/** Time order; ids break ties (they are unique within a batch, so this is a total order). */
function byTime(a: Fresh, b: Fresh): number {
    return a.ms - b.ms || (a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0);
}

/**
 * One poll / back-fill / push: records are normalised and deduplicated in slices of CHUNK as they come,
 * each slice kept as a sorted run (slices that continue the time order extend the previous run); at the
 * end the runs are merged, emitted in slices, and only then the ids remembered and the cursor moved.
 * The event loop gets a turn between slices, so no step runs for more than a few milliseconds.
 */
class Batch {
    readonly report: BatchReport;
    /** Aborts when the node closes (poll / back-fill): no slice is emitted after that. */
    signal: AbortSignal | undefined;
    private readonly runs: Fresh[][] = [];
    private readonly problemKeys: string[] = [];
    private readonly seen = new Set<string>();
    private slices = 0;
    /** Poll: events (new or known) at or after this time are counted in `counted`. */
    countFrom: number | undefined;
    counted = 0;
    /** Back-fill: new events in [from, before) are reported as late. */
    late: { from: number; before: number } | undefined;

    constructor(
        mode: BatchReport['mode'],
        private readonly state: EventState,
        private readonly options: EngineOptions,
        from: number | undefined,
        to: number | undefined,
    ) {
        this.report = {
            mode,
            pages: 0,
            received: 0,
            emitted: 0,
            duplicates: 0,
            skipped: 0,
            problems: [],
            late: 0,
            ...(from !== undefined ? { from: options.formatTime(from) } : {}),
            ...(to !== undefined ? { to: options.formatTime(to) } : {}),
        };
    }

    async add(records: unknown[]): Promise<void> {
        const report = this.report;
        for (let start = 0; start < records.length; start += CHUNK) {
            // Large polls are processed in slices so that Node-RED keeps serving everything else.
            if (this.slices++ > 0) await yieldToEventLoop();
            const end = Math.min(records.length, start + CHUNK);
            report.received += end - start;
            const run: Fresh[] = [];
            for (let i = start; i < end; i++) {
                const record = records[i];
                let outcome: Outcome;
                try {
                    outcome = normaliseDoorEvent(record, this.options.normalise);
                } catch (err) {
                    outcome = { kind: 'problem', reason: err instanceof Error ? err.message : String(err) };
                }
                if (outcome.kind === 'problem') {
                    // Reported once: the overlap re-reads the same bad record on the next polls.
                    const key = 'problem:' + (outcome.id ?? shortHash(safeJson(record)));
                    if (this.state.has(key) || this.seen.has(key)) report.duplicates++;
                    else {
                        this.seen.add(key);
                        this.problemKeys.push(key);
                        report.problems.push({ reason: outcome.reason, id: outcome.id, record });
                    }
                } else if (outcome.kind === 'skip') report.skipped++;
                else {
                    if (this.countFrom !== undefined && outcome.ms >= this.countFrom) this.counted++;
                    if (this.state.has(outcome.event.id) || this.seen.has(outcome.event.id)) report.duplicates++;
                    else {
                        if (this.late && outcome.ms >= this.late.from && outcome.ms < this.late.before) report.late++;
                        this.seen.add(outcome.event.id);
                        run.push({ event: outcome.event, ms: outcome.ms });
                    }
                }
            }
            this.addRun(run);
        }
    }

    private addRun(run: Fresh[]): void {
        if (run.length === 0) return;
        // HikCentral usually answers in time order: then nothing is sorted and there is a single run.
        let sorted = true;
        for (let i = 1; i < run.length && sorted; i++) sorted = byTime(run[i - 1], run[i]) <= 0;
        if (!sorted) run.sort(byTime);
        const last = this.runs[this.runs.length - 1];
        if (last && byTime(last[last.length - 1], run[0]) <= 0) {
            for (const f of run) last.push(f);
        } else this.runs.push(run);
    }

    /** Merges the sorted runs pairwise, with a turn for the event loop every MERGE_STEP elements. */
    private async merged(): Promise<Fresh[]> {
        let runs = this.runs;
        let budget = MERGE_STEP;
        while (runs.length > 1) {
            const next: Fresh[][] = [];
            for (let r = 0; r < runs.length; r += 2) {
                const a = runs[r];
                const b = runs[r + 1];
                if (!b) {
                    next.push(a);
                    continue;
                }
                const out: Fresh[] = new Array<Fresh>(a.length + b.length);
                let i = 0;
                let j = 0;
                let k = 0;
                while (i < a.length || j < b.length) {
                    if (--budget <= 0) {
                        budget = MERGE_STEP;
                        await yieldToEventLoop();
                    }
                    out[k++] = j >= b.length || (i < a.length && byTime(a[i], b[j]) <= 0) ? a[i++] : b[j++];
                }
                next.push(out);
            }
            runs = next;
        }
        return runs[0] ?? [];
    }

    /**
     * Emits the merged events in slices, then remembers the ids and moves the cursor. Once the batch's
     * `signal` aborts (the node closes) no further slice is emitted: only the ids handed over are remembered, the
     * cursor stays and the problems are not marked as reported (the next start re-reads the window),
     * and the batch ends with a ClosedError.
     */
    async finish(newCursor: number | undefined): Promise<BatchReport> {
        const report = this.report;
        const signal = this.signal;
        const fresh = await this.merged();
        let sent = 0;
        while (sent < fresh.length && !isClosed(signal)) {
            const events: AttendanceEvent[] = [];
            for (let k = sent; k < Math.min(fresh.length, sent + CHUNK); k++) events.push(fresh[k].event);
            await this.options.emit(events, report.mode === 'backfill');
            sent += events.length;
            if (sent < fresh.length) await yieldToEventLoop();
        }
        const stopped = sent < fresh.length || isClosed(signal);
        report.emitted = sent;
        // Only the newest ids can stay remembered (the state keeps a bounded list): pass just those.
        const problemKeys = stopped ? [] : this.problemKeys;
        const keep = Math.min(this.state.maxRecentIds, problemKeys.length + sent);
        const ids: string[] = [];
        const fromFresh = Math.min(keep, sent);
        for (let k = problemKeys.length - (keep - fromFresh); k < problemKeys.length; k++) ids.push(problemKeys[k]);
        for (let k = sent - fromFresh; k < sent; k++) ids.push(fresh[k].event.id);
        await this.state.commit(ids, stopped ? undefined : newCursor);
        report.cursor = this.state.cursorIso;
        if (stopped) throw new ClosedError();
        return report;
    }
}

/** Comparisons between two yields while the sorted runs of a batch are merged. */
const MERGE_STEP = 20000;

/** Records normalised or emitted between two yields to the event loop. */
export const CHUNK = 500;

function yieldToEventLoop(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
}

function safeJson(value: unknown): string {
    try {
        return JSON.stringify(value) ?? String(value);
    } catch {
        return String(value);
    }
}

/** Validates a back-fill request `{from, to}` (ISO with offset or epoch ms). */
export function parseBackfill(payload: unknown, parse: (v: unknown) => number | undefined): { fromMs: number; toMs: number } | string {
    if (typeof payload !== 'object' || payload === null) return 'payload must be {from, to}';
    const p = payload as Record<string, unknown>;
    const fromMs = parse(p.from);
    const toMs = parse(p.to);
    if (fromMs === undefined || toMs === undefined) return 'from and to must be ISO 8601 times with an offset (or epoch ms)';
    if (!(toMs > fromMs)) return '"to" must be after "from"';
    if (toMs - fromMs > 366 * 24 * 3600 * 1000) return 'back-fill windows are limited to one year';
    return { fromMs, toMs };
}
