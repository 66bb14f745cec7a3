/**
 * The mapping table edited in the node: source id -> Humand employeeInternalId. Keys are compared
 * case- and space-insensitively (see normaliseKey); values are used exactly as written (trimmed).
 */

export interface TableEntry {
    source: string;
    target: string;
}

/**
 * The comparison form of an id or name: Unicode NFC, trimmed, inner runs of white space collapsed
 * to one space, lower case. Accents are kept ("García" and "Garcia" differ), and so are leading
 * zeros ("000123" and "123" differ).
 */
export function normaliseKey(value: string): string {
    return value.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

export type TableIssueKind = 'blank-source' | 'blank-target' | 'duplicate' | 'conflict';

export interface TableIssue {
    /** 0-based row index in the table. */
    row: number;
    kind: TableIssueKind;
    source: string;
    /** For duplicate / conflict: the first row with the same source id. */
    firstRow?: number;
}

/**
 * Problems in a table: blank source ids or targets, and source ids that appear more than once
 * (case- and space-insensitively): "duplicate" when the later row maps to the same employee id,
 * "conflict" when it maps to a different one.
 */
export function validateTable(entries: ReadonlyArray<Partial<TableEntry>>): TableIssue[] {
    const issues: TableIssue[] = [];
    const first = new Map<string, number>();
    entries.forEach((e, row) => {
        const source = typeof e.source === 'string' ? e.source : '';
        const target = typeof e.target === 'string' ? e.target : '';
        if (source.trim() === '') {
            if (target.trim() !== '') issues.push({ row, kind: 'blank-source', source });
            return;
        }
        if (target.trim() === '') issues.push({ row, kind: 'blank-target', source });
        const key = normaliseKey(source);
        const seen = first.get(key);
        if (seen === undefined) {
            first.set(key, row);
            return;
        }
        const firstTarget = String(entries[seen].target ?? '').trim();
        issues.push({ row, kind: firstTarget === target.trim() ? 'duplicate' : 'conflict', source, firstRow: seen });
    });
    return issues;
}

export type TableHit = { kind: 'target'; target: string; row: number } | { kind: 'conflict'; targets: string[] };

export interface MappingTable {
    /** Number of distinct source ids. */
    readonly size: number;
    get(value: string): TableHit | undefined;
}

/**
 * Builds the lookup table. Rows without a source id or target are left out; a source id that maps
 * to two different employee ids answers "conflict" (never a guess); exact repeats are harmless.
 */
export function buildTable(entries: ReadonlyArray<Partial<TableEntry>> | undefined): MappingTable {
    const map = new Map<string, TableHit>();
    (entries ?? []).forEach((e, row) => {
        const source = typeof e?.source === 'string' ? e.source : typeof e?.source === 'number' ? String(e.source) : '';
        const target = typeof e?.target === 'string' ? e.target.trim() : typeof e?.target === 'number' ? String(e.target) : '';
        if (source.trim() === '' || target === '') return;
        const key = normaliseKey(source);
        const hit = map.get(key);
        if (!hit) {
            map.set(key, { kind: 'target', target, row });
        } else if (hit.kind === 'target' && hit.target !== target) {
            map.set(key, { kind: 'conflict', targets: [hit.target, target] });
        } else if (hit.kind === 'conflict' && !hit.targets.includes(target)) {
            hit.targets.push(target);
        }
    });
    return {
        size: map.size,
        get: (value) => map.get(normaliseKey(value)),
    };
}
