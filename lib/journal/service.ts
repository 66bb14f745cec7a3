/**
 * The attendance journal (issue 12): the one place every node writes what it did with an event, the
 * parked records (ended without delivery for a reason a person can fix) and their replay into the node
 * where they stopped. Writing never throws and never waits: a punch never depends on the journal.
 * One journal per folder (per Node-RED process and tenant folder), shared by all nodes.
 */
import { EventEmitter } from 'events';
import type { AttendanceEvent } from '../types';
import { errorMessage } from '../types';
import { addDays, isDay, journalEvent } from './codec';
import { JournalStore, StoreOptions } from './store';
import type { HumandAnswer, JournalApi, JournalEntry, JournalEvent, JournalHealth, JournalLine, JournalOutcome, ParkedItem, ParkedSelection, ParkReason, StepName } from './types';
import { boundText } from './types';

/** Who writes a step: the node's type and id. */
export interface Writer {
    type: string;
    id: string;
}

export interface StepInfo {
    detail?: string;
    outcome?: JournalOutcome;
    employeeId?: string;
    reasonCode?: string;
    humand?: HumandAnswer;
    /** Written only when this is the first line for the event in this process (a direct input's `queued`). */
    onlyFirst?: boolean;
    /** Park the record: it needs a person (table row, employee in Humand, clock fixed) and a replay. */
    park?: { reasonCode: ParkReason; topic?: string };
}

/** What a node does with a replayed record: sends it into its own input again. */
export type ReplayTarget = (item: ParkedItem) => void;

/** Lines kept while the store opens, events whose first line was written, attempts in flight. */
const EARLY_LINES = 10_000;
const SEEN_IDS = 20_000;
const ATTEMPTS = 10_000;
/** How often the retention runs (well under 2^31-1 ms). */
const SWEEP_MS = 3_600_000;
/** Days a search covers when it is not told. */
export const DEFAULT_SEARCH_DAYS = 31;

export class Journal extends EventEmitter implements JournalApi {
    private store?: JournalStore;
    readonly opened: Promise<void>;
    /** Writes asked before the store opened (lines, parks), carried out once it is open. */
    private early: Array<(store: JournalStore) => void> = [];
    private readonly parkedItems = new Map<string, ParkedItem>();
    private readonly targets = new Map<string, ReplayTarget>();
    private readonly seen = new Set<string>();
    private readonly attempts = new Map<string, number>();
    private sweepTimer: ReturnType<typeof setInterval> | undefined;
    private openError?: string;

    constructor(private readonly opts: StoreOptions) {
        super();
        this.setMaxListeners(0);
        this.opened = JournalStore.open(opts).then(
            (store) => {
                this.store = store;
                // Parked while it opened: newer than what is stored.
                for (const item of store.loadedParked) if (!this.parkedItems.has(item.id)) this.parkedItems.set(item.id, item);
                if (store.mode === 'memory') {
                    opts.log(`attendance journal: ${opts.dir ? `cannot write to ${opts.dir} (${store.problem})` : 'no user directory'}; the journal keeps the last ${opts.memoryLines} steps in memory only (lost on restart)`);
                }
                const early = this.early;
                this.early = [];
                for (const write of early) write(store);
                // Parked records of days past the retention go at once, not with the first hourly sweep.
                void this.dropExpiredParked(store);
                this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_MS);
                this.sweepTimer.unref?.();
                // Records parked before a restart: the nodes' status shows them.
                if (store.loadedParked.length) this.emit('parked');
            },
            (err: unknown) => {
                this.openError = errorMessage(err);
                opts.log(`attendance journal: could not open (${this.openError}); nothing is journaled`);
            },
        );
    }

    /** Records one step of `event` by `writer`. Never throws. */
    record(writer: Writer, step: StepName, event: AttendanceEvent | JournalEvent, info: StepInfo = {}): void {
        try {
            const ev = journalEvent(event);
            if (!ev.id || (info.onlyFirst && this.seen.has(ev.id))) return;
            const attempt = this.attempts.get(ev.id) ?? 1;
            const outcome: JournalOutcome | undefined = info.park ? 'parked' : info.outcome;
            const line: JournalLine = { id: ev.id, at: this.opts.now(), node: writer.type, step, attempt };
            if (info.detail !== undefined) line.detail = boundText(info.detail);
            if (outcome) line.outcome = outcome;
            const employeeId = info.employeeId ?? ev.employeeId;
            if (employeeId) line.employeeId = employeeId;
            const reasonCode = info.park?.reasonCode ?? info.reasonCode;
            if (reasonCode) line.reasonCode = reasonCode;
            if (info.humand) line.humand = info.humand;
            if (!this.seen.has(ev.id)) {
                line.event = ev;
                remember(this.seen, ev.id, SEEN_IDS);
            }
            this.write(line, ev);
            if (info.park) this.park(writer, ev, employeeId, info.park, line, attempt);
            else if (outcome && outcome !== 'pending') this.attempts.delete(ev.id);
        } catch {
            /* the journal never stops a punch */
        }
    }

    private write(line: JournalLine, event: JournalEvent): void {
        this.withStore((store) => store.write(line, event));
    }

    private withStore(write: (store: JournalStore) => void): void {
        if (this.store) write(this.store);
        else if (this.early.length < EARLY_LINES && !this.openError) this.early.push(write);
    }

    private park(writer: Writer, ev: JournalEvent, employeeId: string | undefined, park: NonNullable<StepInfo['park']>, line: JournalLine, attempt: number): void {
        const node = writer.type === 'identity-map' ? 'identity-map' : 'humand-clock';
        const item: ParkedItem = {
            id: ev.id,
            person: ev.person,
            time: ev.time,
            direction: ev.direction,
            reason: line.detail ?? park.reasonCode,
            reasonCode: park.reasonCode,
            node,
            nodeId: writer.id,
            parkedAt: new Date(line.at).toISOString(),
            attempt,
            event: ev,
        };
        if (employeeId) item.employeeId = employeeId;
        if (park.topic !== undefined) item.topic = boundText(park.topic, 200);
        this.parkedItems.set(item.id, item);
        this.attempts.delete(ev.id);
        this.withStore((store) => store.writeParked({ op: 'park', item }));
        this.emit('parked', item.nodeId);
    }

    private unpark(item: ParkedItem): void {
        this.parkedItems.delete(item.id);
        const at = this.opts.now();
        this.withStore((store) => store.writeParked({ op: 'unpark', id: item.id, at }));
        this.emit('parked', item.nodeId);
    }

    /** A node that takes replayed records (identity-map, humand-clock), by its id. */
    registerTarget(nodeId: string, target: ReplayTarget): void {
        this.targets.set(nodeId, target);
    }

    unregisterTarget(nodeId: string, target?: ReplayTarget): void {
        if (!target || this.targets.get(nodeId) === target) this.targets.delete(nodeId);
    }

    parkedCount(nodeId?: string): number {
        if (nodeId === undefined) return this.parkedItems.size;
        let n = 0;
        for (const item of this.parkedItems.values()) if (item.nodeId === nodeId) n++;
        return n;
    }

    parked(): ParkedItem[] {
        return [...this.parkedItems.values()].sort((a, b) => (a.parkedAt < b.parkedAt ? 1 : a.parkedAt > b.parkedAt ? -1 : 0));
    }

    /** The parked records `selection` means, optionally only those parked at `nodeId`. */
    select(selection: ParkedSelection, nodeId?: string): ParkedItem[] {
        const all = this.parked().filter((i) => nodeId === undefined || i.nodeId === nodeId);
        if ('ids' in selection) {
            const ids = new Set(selection.ids);
            return all.filter((i) => ids.has(i.id));
        }
        if ('employee' in selection) {
            const e = selection.employee;
            return all.filter((i) => i.employeeId === e || i.person?.code === e || i.person?.id === e);
        }
        // "*": every parked record (of the node, for a command).
        return selection.reasonCode === '*' ? all : all.filter((i) => i.reasonCode === selection.reasonCode);
    }

    async replay(selection: ParkedSelection, nodeId?: string): Promise<number> {
        await this.opened;
        let n = 0;
        for (const item of this.select(selection, nodeId)) {
            const target = this.targets.get(item.nodeId);
            // Its node is not deployed (removed, disabled): it stays parked.
            if (!target) continue;
            this.unpark(item);
            const attempt = item.attempt + 1;
            remember(this.attempts, item.id, ATTEMPTS, attempt);
            this.record({ type: 'journal', id: '' }, 'replayed', item.event, { detail: `replay (attempt ${attempt}) into ${item.node}`, outcome: 'pending', employeeId: item.employeeId });
            try {
                target(item);
                n++;
            } catch (err) {
                this.record({ type: item.node, id: item.nodeId }, 'parked', item.event, {
                    detail: `replay failed: ${errorMessage(err)}`,
                    park: { reasonCode: item.reasonCode, topic: item.topic },
                });
            }
        }
        return n;
    }

    async dismiss(selection: ParkedSelection, nodeId?: string): Promise<number> {
        await this.opened;
        const items = this.select(selection, nodeId);
        for (const item of items) {
            this.unpark(item);
            this.record({ type: 'journal', id: '' }, 'dismissed', item.event, { detail: `dismissed (${item.reasonCode})`, outcome: 'dismissed', employeeId: item.employeeId });
        }
        return items.length;
    }

    async search(query: string, from?: string, to?: string): Promise<JournalEntry[]> {
        await this.opened;
        if (!this.store) return [];
        const last = isDay(to) ? to : addDays(new Date(this.opts.now()).toISOString().slice(0, 10), 1);
        const first = isDay(from) ? from : addDays(last, -DEFAULT_SEARCH_DAYS);
        return this.store.search(query, first, last);
    }

    async *csv(day: string): AsyncGenerator<string> {
        await this.opened;
        if (!this.store) return;
        yield* this.store.csv(day);
    }

    health(): JournalHealth {
        const byReason: Record<string, number> = {};
        for (const item of this.parkedItems.values()) byReason[item.reasonCode] = (byReason[item.reasonCode] ?? 0) + 1;
        const base = this.store?.stats() ?? { mode: 'memory' as const, bytes: 0, retentionDays: this.opts.retentionDays, droppedLines: 0, lastWriteError: this.openError };
        return { ...base, parked: this.parkedItems.size, parkedByReason: byReason };
    }

    /** Deletes days past the retention and the parked records parked before them. */
    async sweep(): Promise<void> {
        const store = this.store;
        if (!store) return;
        await store.sweep();
        await this.dropExpiredParked(store);
    }

    private async dropExpiredParked(store: JournalStore): Promise<void> {
        const cutoff = store.cutoff();
        let dropped = false;
        for (const item of [...this.parkedItems.values()]) {
            if (item.parkedAt.slice(0, 10) < cutoff) {
                this.parkedItems.delete(item.id);
                dropped = true;
            }
        }
        if (dropped) {
            await store.rewriteParked([...this.parkedItems.values()]);
            this.emit('parked');
        }
    }

    flush(): Promise<void> {
        return this.opened.then(() => this.store?.flush());
    }

    async close(): Promise<void> {
        if (this.sweepTimer) clearInterval(this.sweepTimer);
        this.sweepTimer = undefined;
        await this.opened;
        await this.store?.close();
        this.removeAllListeners();
    }
}

/** Adds `key` to a bounded insertion-ordered Set or Map (the oldest goes first). */
function remember<V>(bag: Set<string> | Map<string, V>, key: string, max: number, value?: V): void {
    bag.delete(key);
    if (bag instanceof Map) bag.set(key, value as V);
    else bag.add(key);
    if (bag.size > max) bag.delete(bag.keys().next().value as string);
}
