/**
 * The artemis-events engine without Node-RED: poll (cursor − overlap … now), back-fill a window, accept
 * pushed events; normalise, drop already-emitted ids, emit in time order, then remember the ids and move
 * the cursor. All work is serialised, so a push arriving during a poll cannot emit an event twice.
 */
import type { AttendanceEvent } from '../types';
import { KeyValueStore, shortHash } from '../context';
import type { DoorEventQuery, DoorEventResult, EventTypeMode } from './client';
import { ArtemisError } from './errors';
import { NormaliseOptions, normaliseDoorEvent, Outcome } from './events';
import { EventState } from './state';
import { MAX_WINDOW_MS } from './window';

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
    maxRecent?: number;
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
    cursor?: string;
}

export class ArtemisEngine {
    readonly state: EventState;
    private chain: Promise<unknown> = Promise.resolve();
    private readonly now: () => number;

    constructor(private readonly options: EngineOptions) {
        this.state = new EventState(options.store, options.keyPrefix, options.maxRecent);
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
            const result = await this.fetch(source, from, to, signal);
            return this.process('poll', result.records, result.pages, from, to, to);
        });
    }

    /** Back-fill [fromMs, toMs]: only ids not yet emitted; the cursor does not move. */
    backfill(source: DoorEventSource, fromMs: number, toMs: number, signal?: AbortSignal): Promise<BatchReport> {
        return this.serial(async () => {
            await this.state.load();
            const result = await this.fetch(source, fromMs, toMs, signal);
            return this.process('backfill', result.records, result.pages, fromMs, toMs, undefined);
        });
    }

    /** Pushed records (already mapped to the door-event shape). */
    push(records: unknown[]): Promise<BatchReport> {
        return this.serial(async () => {
            await this.state.load();
            return this.process('push', records, 0, undefined, undefined, undefined);
        });
    }

    private fetch(source: DoorEventSource, from: number, to: number, signal?: AbortSignal): Promise<DoorEventResult> {
        return source.doorEvents(
            {
                fromMs: from,
                toMs: to,
                eventTypes: this.options.normalise.eventTypes,
                doorIndexCodes: this.options.normalise.doorIndexCodes,
                pageSize: this.options.pageSize,
                formatTime: this.options.formatTime,
                signal,
            },
            this.options.eventTypeMode,
        );
    }

    private async process(
        mode: BatchReport['mode'],
        records: unknown[],
        pages: number,
        from: number | undefined,
        to: number | undefined,
        newCursor: number | undefined,
    ): Promise<BatchReport> {
        const report: BatchReport = {
            mode,
            pages,
            received: records.length,
            emitted: 0,
            duplicates: 0,
            skipped: 0,
            problems: [],
            ...(from !== undefined ? { from: this.options.formatTime(from) } : {}),
            ...(to !== undefined ? { to: this.options.formatTime(to) } : {}),
        };
        const fresh: Array<{ event: AttendanceEvent; ms: number }> = [];
        const problemKeys: string[] = [];
        const seen = new Set<string>();
        for (let i = 0; i < records.length; i++) {
            // Large polls are processed in slices so that Node-RED keeps serving everything else.
            if (i > 0 && i % CHUNK === 0) await yieldToEventLoop();
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
                if (this.state.has(key) || seen.has(key)) report.duplicates++;
                else {
                    seen.add(key);
                    problemKeys.push(key);
                    report.problems.push({ reason: outcome.reason, id: outcome.id, record });
                }
            }
            else if (outcome.kind === 'skip') report.skipped++;
            else if (this.state.has(outcome.event.id) || seen.has(outcome.event.id)) report.duplicates++;
            else {
                seen.add(outcome.event.id);
                fresh.push(outcome);
            }
        }
        const byTime = (a: { event: AttendanceEvent; ms: number }, b: { event: AttendanceEvent; ms: number }): number =>
            a.ms - b.ms || (a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0);
        // HikCentral usually answers in time order: then the (long, synchronous) sort is skipped.
        let sorted = true;
        for (let i = 1; i < fresh.length && sorted; i++) sorted = byTime(fresh[i - 1], fresh[i]) <= 0;
        if (!sorted) fresh.sort(byTime);
        const events = fresh.map((f) => f.event);
        for (let i = 0; i < events.length; i += CHUNK) {
            if (i > 0) await yieldToEventLoop();
            await this.options.emit(events.slice(i, i + CHUNK), mode === 'backfill');
        }
        report.emitted = events.length;
        await this.state.commit([...problemKeys, ...events.map((e) => e.id)], newCursor);
        report.cursor = this.state.cursorIso;
        return report;
    }
}

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

export { ArtemisError, MAX_WINDOW_MS };
