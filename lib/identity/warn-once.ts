/**
 * Logs each distinct lookup problem once per directory: a new directory (another refresh time)
 * forgets what was logged, and at most `max` distinct problems are logged per directory, so a
 * flood of one bad id does not flood the log.
 */
import type { UnmappedResult } from './lookup';

/** Distinct unmapped values logged per directory refresh. */
const MAX_WARNED = 200;

export class WarnOnce {
    private warned = new Set<string>();
    private generation: number | undefined;

    constructor(private readonly max = MAX_WARNED) {}

    /** True when this problem should be logged: first seen for this directory, and under the limit. */
    first(result: UnmappedResult, generation: number | undefined): boolean {
        if (generation !== this.generation) {
            this.warned = new Set();
            this.generation = generation;
        }
        const key = result.code + '|' + (result.params.value ?? result.detail);
        if (this.warned.has(key) || this.warned.size >= this.max) return false;
        this.warned.add(key);
        return true;
    }
}
