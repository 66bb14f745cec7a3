/**
 * One journal per folder for the whole Node-RED process: `journalOf(RED)` gives the nodes, the admin
 * routes and the sidebar the same one. Where it lives and how long it keeps days come from
 * settings.js (`attendanceBridge.journal`), defaults under the user directory.
 */
import * as path from 'path';
import type { NodeAPI } from 'node-red';
import { registerHealth } from '../health';
import { isRecord } from '../types';
import { Journal } from './service';
import type { StoreOptions } from './store';

export const DEFAULT_RETENTION_DAYS = 62;
export const DEFAULT_MEMORY_LINES = 20_000;
export const DEFAULT_PENDING_LINES = 50_000;
export const DEFAULT_FLUSH_MS = 200;
/** Health registry id of the journal. */
export const JOURNAL_HEALTH_ID = 'attendance-journal';

/** A folder name from a tenant label: letters, digits, dot, dash and underscore. */
export function tenantFolder(tenant: unknown): string {
    const t = typeof tenant === 'string' ? tenant.trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') : '';
    return t.slice(0, 64) || 'default';
}

/** The journal's options from Node-RED's settings (`userDir`, `attendanceBridge.journal`). */
export function journalOptions(settings: unknown, log: (text: string) => void, now: () => number = Date.now): StoreOptions {
    const s = isRecord(settings) ? settings : {};
    const ab = isRecord(s.attendanceBridge) ? s.attendanceBridge : {};
    const j = isRecord(ab.journal) ? ab.journal : {};
    const userDir = typeof s.userDir === 'string' && s.userDir !== '' ? s.userDir : undefined;
    const root = typeof j.dir === 'string' && j.dir !== '' ? path.resolve(userDir ?? '.', j.dir) : userDir ? path.join(userDir, 'attendance-bridge', 'journal') : undefined;
    const num = (v: unknown, def: number, min: number, max: number): number => {
        const n = Number(v);
        return Number.isFinite(n) && n >= min && n <= max ? Math.floor(n) : def;
    };
    return {
        dir: root ? path.join(root, tenantFolder(j.tenant)) : undefined,
        retentionDays: num(j.retentionDays, DEFAULT_RETENTION_DAYS, 1, 3660),
        memoryLines: num(j.memoryLines, DEFAULT_MEMORY_LINES, 100, 1_000_000),
        pendingLimit: num(j.pendingLines, DEFAULT_PENDING_LINES, 100, 1_000_000),
        flushMs: num(j.flushMs, DEFAULT_FLUSH_MS, 10, 10_000),
        now,
        log,
    };
}

const MEMORY_KEY = '\u0000memory';
const byFolder = new Map<string, Journal>();
let bySettings = new WeakMap<object, Journal>();

/** The journal of this Node-RED process (created on first use). */
export function journalOf(RED: NodeAPI): Journal {
    const settings = RED.settings as unknown as object;
    const known = bySettings.get(settings);
    if (known) return known;
    const opts = journalOptions(settings, (text) => RED.log.warn(text));
    // One per folder (the same files must have one writer), and one in memory without a folder. Not per settings
    // object: Node-RED gives each node set and plugin its own copy of the settings.
    const key = opts.dir ?? MEMORY_KEY;
    let journal = byFolder.get(key);
    if (!journal) {
        journal = new Journal(opts);
        byFolder.set(key, journal);
    }
    bySettings.set(settings, journal);
    const j = journal;
    registerHealth(JOURNAL_HEALTH_ID, () => {
        const h = j.health();
        return {
            id: JOURNAL_HEALTH_ID,
            type: 'attendance-journal',
            name: 'attendance journal',
            lastError: h.lastWriteError,
            lastErrorAt: h.lastWriteErrorAt,
            failingSince: h.failingSince,
            counts: { ...h.parkedByReason },
            details: {
                mode: h.mode,
                bytes: h.bytes,
                oldestDay: h.oldestDay ?? '',
                retentionDays: h.retentionDays,
                parked: h.parked,
                droppedLines: h.droppedLines,
            },
        };
    });
    return journal;
}

/** Closes and forgets every journal (tests: each starts with an empty one). */
export async function closeJournals(): Promise<void> {
    const all = [...byFolder.values()];
    byFolder.clear();
    bySettings = new WeakMap();
    await Promise.all(all.map((j) => j.close()));
}
