/**
 * The lookup: source value -> Humand employee id. Table first, then the Humand directory, then (if
 * enabled) the source value unchanged. Never guesses: a value two active Humand users share, or a
 * table row with two different targets, is "ambiguous"; a match on an inactive user is "inactive".
 */
import type { Directory, DirectoryUser } from './directory';
import type { MappingTable } from './table';
import { errorMessage, isRecord } from '../types';

export type LookupVia = 'table' | 'directory' | 'fallback';
export type ReasonCode = 'unmapped' | 'ambiguous' | 'inactive' | 'invalid';

/** Why a lookup failed, for message catalogs: `identity-map.reason.<detail>` with `params`. */
export type ReasonDetail =
    | 'notEvent'
    | 'badPath'
    | 'noValue'
    | 'badValue'
    | 'notFound'
    | 'tableConflict'
    | 'directoryAmbiguous'
    | 'directoryInactive'
    | 'tableTargetInactive';

export interface MappedResult {
    ok: true;
    employeeId: string;
    via: LookupVia;
    humandUser?: { id: string; name: string };
}

export interface UnmappedResult {
    ok: false;
    code: ReasonCode;
    detail: ReasonDetail;
    params: Record<string, string>;
}

export type LookupResult = MappedResult | UnmappedResult;

export interface LookupSources {
    table?: MappingTable;
    directory?: Directory;
    fallback: boolean;
}

/**
 * The source value as text. Strings are used as they are (leading zeros kept); finite numbers are
 * written in decimal (a number has already lost its leading zeros upstream); anything else is
 * not an id.
 */
export function lookupValue(value: unknown): string | undefined {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value === 'bigint') return value.toString();
    return undefined;
}

function userRef(u: DirectoryUser): { id: string; name: string } {
    return { id: u.id, name: u.name };
}

function describe(users: DirectoryUser[]): string {
    return users
        .slice(0, 5)
        .map((u) => `${u.name || '?'} (${u.employeeInternalId})`)
        .join(', ');
}

export function resolveIdentity(raw: unknown, field: string, sources: LookupSources): LookupResult {
    if (raw === undefined || raw === null || raw === '') {
        return { ok: false, code: 'invalid', detail: 'noValue', params: { field } };
    }
    const value = lookupValue(raw);
    if (value === undefined || value.trim() === '') {
        return { ok: false, code: 'invalid', detail: value === undefined ? 'badValue' : 'noValue', params: { field, type: typeof raw } };
    }

    const hit = sources.table?.get(value);
    if (hit?.kind === 'conflict') {
        return { ok: false, code: 'ambiguous', detail: 'tableConflict', params: { value, targets: hit.targets.join(', ') } };
    }
    if (hit?.kind === 'target') {
        const check = sources.directory?.byEmployeeId(hit.target);
        if (check?.kind === 'inactive') {
            return { ok: false, code: 'inactive', detail: 'tableTargetInactive', params: { value, employeeId: hit.target, name: check.user.name } };
        }
        const result: MappedResult = { ok: true, employeeId: hit.target, via: 'table' };
        if (check?.kind === 'user') result.humandUser = userRef(check.user);
        return result;
    }

    const dir = sources.directory?.get(value);
    if (dir?.kind === 'user') {
        return { ok: true, employeeId: dir.user.employeeInternalId, via: 'directory', humandUser: userRef(dir.user) };
    }
    if (dir?.kind === 'ambiguous') {
        return {
            ok: false,
            code: 'ambiguous',
            detail: 'directoryAmbiguous',
            params: { value, count: String(dir.users.length), users: describe(dir.users), humandField: sources.directory?.field ?? '' },
        };
    }
    if (dir?.kind === 'inactive') {
        return { ok: false, code: 'inactive', detail: 'directoryInactive', params: { value, employeeId: dir.user.employeeInternalId, name: dir.user.name } };
    }

    if (sources.fallback) return { ok: true, employeeId: value, via: 'fallback' };
    return { ok: false, code: 'unmapped', detail: 'notFound', params: { value, field } };
}

/** Where the looked-up value is: a field of the event's person, or any msg property path. */
export interface LookupPlace {
    lookup: 'person.code' | 'person.id' | 'person.name' | 'msg';
    /** The msg property path (without "msg.") when lookup is "msg". */
    lookupPath: string;
    /** The field as reasons name it, e.g. "person.code" or "msg.payload.raw.cardNo". */
    fieldLabel: string;
}

/**
 * Looks up the employee for one message: its payload must be an event (an object); the value is
 * read from the place (`readPath` reads a msg property path and may throw) and then resolved.
 */
export function lookupMessage(
    msg: { payload?: unknown },
    place: LookupPlace,
    sources: LookupSources,
    readPath: (path: string) => unknown,
): LookupResult {
    if (!isRecord(msg.payload)) return { ok: false, code: 'invalid', detail: 'notEvent', params: {} };
    let raw: unknown;
    if (place.lookup === 'msg') {
        try {
            raw = readPath(place.lookupPath);
        } catch (err) {
            return { ok: false, code: 'invalid', detail: 'badPath', params: { field: place.lookupPath, error: errorMessage(err) } };
        }
    } else {
        const person = msg.payload.person;
        raw = isRecord(person) ? person[place.lookup.slice('person.'.length)] : undefined;
    }
    return resolveIdentity(raw, place.fieldLabel, sources);
}

/** English reason texts (the node uses its message catalog; these serve logs and unit tests). */
export function reasonText(r: UnmappedResult): string {
    const p = r.params;
    switch (r.detail) {
        case 'notEvent':
            return 'msg.payload is not an attendance event (an object)';
        case 'badPath':
            return `cannot read msg.${p.field}: ${p.error}`;
        case 'noValue':
            return `the event has no ${p.field}`;
        case 'badValue':
            return `${p.field} is a ${p.type}, not an id`;
        case 'notFound':
            return `no Humand employee for ${p.field} "${p.value}"`;
        case 'tableConflict':
            return `the table maps "${p.value}" to different employee ids: ${p.targets}`;
        case 'directoryAmbiguous':
            return `${p.count} active Humand users share ${p.humandField} "${p.value}": ${p.users}`;
        case 'directoryInactive':
            return `Humand user ${p.name} (${p.employeeId}) for "${p.value}" is inactive`;
        case 'tableTargetInactive':
            return `the table maps "${p.value}" to ${p.employeeId}, an inactive Humand user (${p.name})`;
    }
}
