/**
 * One owner of a node's `node.status`: every text goes through here, translated by the caller's
 * catalog keys, and frequent updates are coalesced (at most one write per `throttleMs`). After close
 * nothing is written and the pending timer is cleared.
 */
import type { Node } from 'node-red';
import { cappedTimeout } from './timer';

export type StatusFill = 'red' | 'green' | 'yellow' | 'blue' | 'grey';
export type StatusShape = 'ring' | 'dot';

export interface StatusValue {
    fill: StatusFill;
    shape: StatusShape;
    text: string;
}

/** Longest status text shown under a node; longer texts are cut with an ellipsis. */
export const MAX_STATUS_TEXT = 80;

export function shortText(text: string, max = MAX_STATUS_TEXT): string {
    return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

export class NodeStatus {
    private timer: NodeJS.Timeout | undefined;
    private closed = false;
    private last: string | undefined;

    /**
     * @param compute what the status should be now (used by `update()`), or undefined to leave it as it is.
     */
    constructor(
        private readonly node: Pick<Node, 'status'>,
        private readonly compute: () => StatusValue | undefined = () => undefined,
        private readonly throttleMs = 250,
    ) {}

    /** Writes a status now (and cancels a pending throttled update). */
    set(fill: StatusFill, shape: StatusShape, text: string): void {
        if (this.closed) return;
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        this.write({ fill, shape, text });
    }

    /** Writes the computed status now. */
    refresh(): void {
        if (this.closed) return;
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        const value = this.compute();
        if (value) this.write(value);
    }

    /** Writes the computed status soon: many calls within `throttleMs` give one write. */
    update(): void {
        if (this.closed || this.timer) return;
        this.timer = cappedTimeout(() => {
            this.timer = undefined;
            this.refresh();
        }, this.throttleMs);
    }

    /** Stops all writes; called from the node's close handler. */
    close(): void {
        this.closed = true;
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
    }

    private write(value: StatusValue): void {
        const text = shortText(value.text);
        const key = `${value.fill}|${value.shape}|${text}`;
        if (key === this.last) return;
        this.last = key;
        this.node.status({ fill: value.fill, shape: value.shape, text });
    }
}
