/**
 * The Humand directory: every user from GET /users (paged), indexed by the Humand field chosen in
 * the node (employeeInternalId, email or id), case- and space-insensitively. Inactive users are
 * kept aside so a match on them can be reported as "inactive" instead of "unknown".
 */
import { HumandUser, MAX_PAGE_LIMIT, MIN_PAGE_LIMIT, UsersPage } from '../humand/client';
import { normaliseKey } from './table';

export type HumandField = 'employeeInternalId' | 'email' | 'id';
const HUMAND_FIELDS: HumandField[] = ['employeeInternalId', 'email', 'id'];

export function isHumandField(value: unknown): value is HumandField {
    return typeof value === 'string' && (HUMAND_FIELDS as string[]).includes(value);
}

/** The part of a Humand user the node keeps (and caches). */
export interface DirectoryUser {
    id: string;
    employeeInternalId: string;
    name: string;
    email: string;
    active: boolean;
}

function text(value: unknown): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return '';
}

/**
 * Keeps what the directory needs. A user without employeeInternalId cannot be clocked and is left
 * out (null). A missing status counts as active; any status other than ACTIVE is inactive.
 */
export function compactUser(u: HumandUser): DirectoryUser | null {
    const employeeInternalId = text(u.employeeInternalId);
    if (employeeInternalId.trim() === '') return null;
    const status = typeof u.status === 'string' ? u.status.trim().toUpperCase() : '';
    return {
        id: text(u.id),
        employeeInternalId,
        name: [text(u.firstName).trim(), text(u.lastName).trim()].filter((s) => s !== '').join(' '),
        email: text(u.email),
        active: status === '' || status === 'ACTIVE',
    };
}

export type DirectoryHit =
    | { kind: 'user'; user: DirectoryUser }
    | { kind: 'ambiguous'; users: DirectoryUser[] }
    | { kind: 'inactive'; user: DirectoryUser };

interface Slot {
    active: DirectoryUser[];
    inactive: DirectoryUser[];
}

export interface Directory {
    readonly field: HumandField;
    /** Active users that can be matched. */
    readonly size: number;
    readonly inactive: number;
    /** Keys shared by two or more active users. */
    readonly ambiguousKeys: number;
    /** Match by the chosen field. */
    get(value: string): DirectoryHit | undefined;
    /** Match by employeeInternalId (used to check a table's targets). */
    byEmployeeId(employeeInternalId: string): DirectoryHit | undefined;
}

function hitOf(slot: Slot | undefined): DirectoryHit | undefined {
    if (!slot) return undefined;
    if (slot.active.length === 1) return { kind: 'user', user: slot.active[0] };
    if (slot.active.length > 1) return { kind: 'ambiguous', users: slot.active.slice() };
    if (slot.inactive.length > 0) return { kind: 'inactive', user: slot.inactive[0] };
    return undefined;
}

function index(users: DirectoryUser[], pick: (u: DirectoryUser) => string): Map<string, Slot> {
    const map = new Map<string, Slot>();
    for (const u of users) {
        const raw = pick(u);
        if (raw.trim() === '') continue;
        const key = normaliseKey(raw);
        let slot = map.get(key);
        if (!slot) {
            slot = { active: [], inactive: [] };
            map.set(key, slot);
        }
        (u.active ? slot.active : slot.inactive).push(u);
    }
    return map;
}

export function buildDirectory(users: DirectoryUser[], field: HumandField): Directory {
    const byField = index(users, (u) => u[field]);
    const byEmployee = field === 'employeeInternalId' ? byField : index(users, (u) => u.employeeInternalId);
    let ambiguousKeys = 0;
    for (const slot of byField.values()) if (slot.active.length > 1) ambiguousKeys++;
    return {
        field,
        size: users.filter((u) => u.active).length,
        inactive: users.filter((u) => !u.active).length,
        ambiguousKeys,
        get: (value) => hitOf(byField.get(normaliseKey(value))),
        byEmployeeId: (value) => hitOf(byEmployee.get(normaliseKey(value))),
    };
}

/** What fetchAllUsers needs: HumandClient satisfies it. */
export interface UsersSource {
    users(page: number, limit: number, signal?: AbortSignal): Promise<UsersPage>;
}

export interface FetchOptions {
    pageSize?: number;
    signal?: AbortSignal;
}

/** Safety stop: 10,000 pages (500,000 users at 50 a page). */
const MAX_PAGES = 10000;

export interface FetchResult {
    users: DirectoryUser[];
    /** Users Humand listed that have no employeeInternalId (left out). */
    withoutEmployeeId: number;
}

/**
 * Reads every page of GET /users. Stops at an empty page or once `count` users have been read; a
 * short page before that does not stop it (a server that caps `limit` below ours still gets read
 * to the end). Users listed twice while the list shifts under us are kept once (by id).
 */
export async function fetchAllUsers(source: UsersSource, options: FetchOptions = {}): Promise<FetchResult> {
    const pageSize = Math.min(MAX_PAGE_LIMIT, Math.max(MIN_PAGE_LIMIT, Math.floor(options.pageSize ?? MAX_PAGE_LIMIT)));
    const seen = new Map<string, DirectoryUser>();
    let withoutEmployeeId = 0;
    let read = 0;
    let previousFirst: string | undefined;
    let page = 0;
    for (;;) {
        if (options.signal?.aborted) throw new Error('aborted');
        page++;
        if (page > MAX_PAGES) throw new Error(`Humand users list: more than ${MAX_PAGES} pages, stopped`);
        const res = await source.users(page, pageSize, options.signal);
        if (res.users.length === 0) break;
        const first = JSON.stringify(res.users[0]);
        if (previousFirst !== undefined && first === previousFirst) {
            throw new Error(`Humand users list: page ${page} repeats page ${page - 1} (is paging supported?)`);
        }
        previousFirst = first;
        read += res.users.length;
        for (const raw of res.users) {
            const u = compactUser(raw);
            if (!u) {
                withoutEmployeeId++;
                continue;
            }
            seen.set(u.id !== '' ? 'id:' + u.id : 'e:' + u.employeeInternalId, u);
        }
        if (read >= res.count) break;
    }
    return { users: [...seen.values()], withoutEmployeeId };
}

/** Cached form: compact rows so 100,000 users stay a few MB in the context store. */
export interface CachedDirectory {
    v: 1;
    /** The Humand tenant (humand-server stateNamespace) the list came from. */
    ns: string;
    refreshedAt: number;
    users: Array<[string, string, string, string, 0 | 1]>;
}

export function toCache(users: DirectoryUser[], ns: string, refreshedAt: number): CachedDirectory {
    return { v: 1, ns, refreshedAt, users: users.map((u) => [u.id, u.employeeInternalId, u.name, u.email, u.active ? 1 : 0]) };
}

/** The cached users, or undefined when the value is not a cache of this tenant. */
export function fromCache(value: unknown, ns: string): { users: DirectoryUser[]; refreshedAt: number } | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    const c = value as Partial<CachedDirectory>;
    if (c.v !== 1 || c.ns !== ns || typeof c.refreshedAt !== 'number' || !Array.isArray(c.users)) return undefined;
    const users: DirectoryUser[] = [];
    for (const row of c.users) {
        if (!Array.isArray(row) || row.length < 5) continue;
        const [id, employeeInternalId, name, email, active] = row;
        if (typeof employeeInternalId !== 'string' || employeeInternalId === '') continue;
        users.push({ id: String(id ?? ''), employeeInternalId, name: String(name ?? ''), email: String(email ?? ''), active: active === 1 });
    }
    return { users, refreshedAt: c.refreshedAt };
}
