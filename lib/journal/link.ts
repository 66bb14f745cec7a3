/**
 * A node's tie to the journal: writes its steps, takes its replayed records (re-sent into its own
 * input), answers the `replay` / `dismiss` commands of `msg.topic`, and gives its status the parked
 * count and a journal write failure. Registered at construction, released on close.
 */
import type { NodeAPI } from 'node-red';
import type { AttendanceEvent } from '../types';
import { isRecord } from '../types';
import { isCommand } from '../kit/command';
import type { OutboxProgress, OutboxResult } from '../humand/outbox';
import { journalOf } from './index';
import { progressStep, resultStep } from './outbox';
import type { Journal, ReplayTarget, StepInfo } from './service';
import type { JournalEvent, ParkedSelection, StepName } from './types';

export type Translate = (key: string, data?: Record<string, string>) => string;

/** A selection from a command's payload: `{ids}`, `{employee}`, `{reasonCode}`; nothing (or `{}`): all of this node's. */
export function selectionOf(payload: unknown): ParkedSelection | undefined {
    if (!isRecord(payload)) return { reasonCode: '*' };
    if (Array.isArray(payload.ids)) return { ids: payload.ids.filter((i): i is string => typeof i === 'string') };
    if (typeof payload.id === 'string') return { ids: [payload.id] };
    if (typeof payload.employee === 'string') return { employee: payload.employee };
    if (typeof payload.reasonCode === 'string') return { reasonCode: payload.reasonCode };
    if (Object.keys(payload).length === 0) return { reasonCode: '*' };
    return undefined;
}

export class JournalLink {
    readonly journal: Journal;
    private readonly onParked: (nodeId?: string) => void;

    constructor(
        RED: NodeAPI,
        private readonly node: { id: string; type: 'identity-map' | 'humand-clock' },
        target: ReplayTarget,
        changed: () => void,
    ) {
        this.journal = journalOf(RED);
        this.journal.registerTarget(node.id, target);
        this.target = target;
        this.onParked = (nodeId) => {
            if (nodeId === undefined || nodeId === node.id) changed();
        };
        this.journal.on('parked', this.onParked);
    }

    private readonly target: ReplayTarget;
    private unfollow?: () => void;

    record(step: StepName, event: AttendanceEvent | JournalEvent, info?: StepInfo): void {
        this.journal.record(this.node, step, event, info);
    }

    parked(): number {
        return this.journal.parkedCount(this.node.id);
    }

    /** ` · 3 parked` and ` · journal: cannot write` for the status text ('' when neither). */
    statusSuffix(t: Translate, prefix: string): string {
        const n = this.parked();
        const h = this.journal.health();
        let text = n > 0 ? ' · ' + t(`${prefix}.status.parked`, { count: String(n) }) : '';
        if (h.failingSince !== undefined) text += ' · ' + t(`${prefix}.status.journalFailed`);
        return text;
    }

    /**
     * A `replay` or `dismiss` command (msg.topic) for this node's parked records; undefined when `msg` is
     * not one. Resolves to how many records it took.
     */
    command(msg: { topic?: unknown; payload?: unknown }): Promise<number> | undefined {
        const name = isCommand(msg, 'replay') ? 'replay' : isCommand(msg, 'dismiss') ? 'dismiss' : undefined;
        if (!name) return undefined;
        const selection = selectionOf(msg.payload);
        if (!selection) return Promise.reject(new Error(`${name}: payload must be {ids}, {employee} or {reasonCode}`));
        return name === 'replay' ? this.journal.replay(selection, this.node.id) : this.journal.dismiss(selection, this.node.id);
    }

    /** Carries out a `replay` / `dismiss` command and calls `done`; false when `msg` is not one. */
    takeCommand(msg: { topic?: unknown; payload?: unknown }, done: (err?: Error) => void): boolean {
        const asked = this.command(msg);
        if (!asked) return false;
        asked.then(
            () => done(),
            (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
        );
        return true;
    }

    /** humand-clock: an event it could not take (no connection, the outbox store failed); its error goes to done(err). */
    notAccepted(event: AttendanceEvent, reason: string): void {
        this.record('rejected', event, { detail: `not accepted: ${reason}`, outcome: 'rejected', reasonCode: 'not-accepted' });
    }

    /** humand-clock: journals the final answer of one of its records. */
    result(result: OutboxResult): void {
        const { step, info } = resultStep(result);
        this.record(step, result.item.event, info);
    }

    /** humand-clock: journals its records' waits in `outbox` (held, retried, paused) until close. */
    follow(outbox: { on(event: 'progress', l: (p: OutboxProgress) => void): unknown; off(event: 'progress', l: (p: OutboxProgress) => void): unknown }): void {
        const onProgress = (p: OutboxProgress): void => {
            if (p.item.meta.origin !== this.node.id) return;
            const { step, info } = progressStep(p);
            this.record(step, p.item.event, info);
        };
        outbox.on('progress', onProgress);
        this.unfollow = () => outbox.off('progress', onProgress);
    }

    /** Releases the node and writes what the journal still holds (a stop or re-deploy loses no line); at most `waitMs`. */
    close(waitMs = 2_000): Promise<void> {
        this.unfollow?.();
        this.journal.unregisterTarget(this.node.id, this.target);
        this.journal.off('parked', this.onParked);
        let timer: ReturnType<typeof setTimeout> | undefined;
        const late = new Promise<void>((resolve) => {
            timer = setTimeout(resolve, waitMs);
        });
        return Promise.race([this.journal.flush().catch(() => undefined), late]).then(() => clearTimeout(timer));
    }
}
