/**
 * The journal's people: person key -> what the search matches (the source's person id and code, the
 * name, the Humand employee ids it was mapped to). Small (one entry per person seen), kept in memory
 * and stored as an append-only file of changes (the last line per key wins), compacted when it loads.
 */
import type { JournalEvent } from './types';
import { isRecord } from '../types';

export interface Person {
    key: string;
    id?: string;
    code?: string;
    name?: string;
    employeeIds: string[];
}

/** Employee ids one person keeps (a re-mapped person: the latest ones). */
const MAX_EMPLOYEE_IDS = 5;

/** Lower case, accents removed: "José" finds "jose". */
export function fold(text: string): string {
    return text
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .trim();
}

export class People {
    private readonly byKey = new Map<string, Person>();

    get size(): number {
        return this.byKey.size;
    }

    /** Notes what `event` (and `employeeId`) say of its person; returns the entry when it changed (to be stored). */
    note(key: string, event: JournalEvent, employeeId?: string): Person | undefined {
        const current = this.byKey.get(key);
        const p = event.person;
        const next: Person = {
            key,
            id: p?.id ?? current?.id,
            code: p?.code ?? current?.code,
            name: p?.name ?? current?.name,
            employeeIds: current ? [...current.employeeIds] : [],
        };
        const emp = employeeId ?? event.employeeId;
        if (emp && !next.employeeIds.includes(emp)) {
            next.employeeIds.push(emp);
            if (next.employeeIds.length > MAX_EMPLOYEE_IDS) next.employeeIds.shift();
        }
        if (current && current.id === next.id && current.code === next.code && current.name === next.name && current.employeeIds.join('\n') === next.employeeIds.join('\n')) {
            return undefined;
        }
        this.byKey.set(key, next);
        return next;
    }

    /** Loads one stored line (a Person as JSON); false when it is not one. */
    load(text: string): boolean {
        let raw: unknown;
        try {
            raw = JSON.parse(text);
        } catch {
            return false;
        }
        if (!isRecord(raw) || typeof raw.key !== 'string' || !Array.isArray(raw.employeeIds)) return false;
        const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
        this.byKey.set(raw.key, {
            key: raw.key,
            id: str(raw.id),
            code: str(raw.code),
            name: str(raw.name),
            employeeIds: raw.employeeIds.filter((e): e is string => typeof e === 'string').slice(-MAX_EMPLOYEE_IDS),
        });
        return true;
    }

    all(): IterableIterator<Person> {
        return this.byKey.values();
    }

    get(key: string): Person | undefined {
        return this.byKey.get(key);
    }

    /**
     * The keys of the people `query` means: an employee id, person id, person code or key (exact), or a
     * part of the name (two characters at least; case and accents ignored).
     */
    find(query: string): string[] {
        const q = query.trim();
        if (q === '') return [];
        const folded = fold(q);
        const out: string[] = [];
        for (const p of this.byKey.values()) {
            if (p.key === q || p.id === q || p.code === q || p.employeeIds.includes(q) || (folded.length >= 2 && p.name !== undefined && fold(p.name).includes(folded))) {
                out.push(p.key);
            }
        }
        return out;
    }

    /** The employee ids a query means (exact employee id, or the ones its people were mapped to). */
    employeesOf(keys: string[]): string[] {
        const out = new Set<string>();
        for (const k of keys) for (const e of this.byKey.get(k)?.employeeIds ?? []) out.add(e);
        return [...out];
    }
}
