/**
 * Turns HikCentral door-event records (polled) and OnEventNotify events (pushed) into attendance
 * events: filters, person / device, direction from HCP's checkInAndOutType (or iSecure Center's
 * inAndOutType) with the per-door / per-reader override table. Every record gets exactly one outcome:
 * an event, a skip (not attendance) or a problem.
 */
import { AttendanceEvent, Direction, isRecord } from '../types';
import { formatIso, parseOffsetTime } from '../time';

/** Face authentication FAILED: never attendance, even when configured. */
export const FAILED_FACE_TYPE = 197151;
export const DEFAULT_EVENT_TYPES = [196893, 198914];

export type OverrideAction = 'in' | 'out' | 'ignore';

export interface DirectionOverride {
    /** Door index code or reader (device) index code. */
    id: string;
    action: OverrideAction;
}

export interface NormaliseOptions {
    /** Accepted event types (197151 is always refused). Empty: the defaults. */
    eventTypes: number[];
    /** Accepted door index codes; empty: all. */
    doorIndexCodes: string[];
    overrides: DirectionOverride[];
}

export type Outcome =
    | { kind: 'event'; event: AttendanceEvent; ms: number }
    | { kind: 'skip'; reason: string; id?: string }
    | { kind: 'problem'; reason: string; id?: string };

/** Parses the editor's event-type text ("196893, 198914") into numbers; 197151 is removed. */
export function parseEventTypes(value: unknown): { types: number[]; refused: number[]; invalid: string[] } {
    const parts = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[\s,;]+/);
    const types: number[] = [];
    const refused: number[] = [];
    const invalid: string[] = [];
    for (const raw of parts) {
        const p = raw.trim();
        if (p === '') continue;
        if (!/^\d+$/.test(p)) {
            invalid.push(p);
            continue;
        }
        const n = Number(p);
        if (n === FAILED_FACE_TYPE) {
            if (!refused.includes(n)) refused.push(n);
        } else if (!types.includes(n)) types.push(n);
    }
    return { types, refused, invalid };
}

/** Parses a comma / space separated list of door codes. */
export function parseCodeList(value: unknown): string[] {
    const parts = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[\s,;]+/);
    return [...new Set(parts.map((p) => p.trim()).filter((p) => p !== ''))];
}

/** Validates the editor's override rows; bad rows are reported, not used. */
export function parseOverrides(value: unknown): { overrides: DirectionOverride[]; invalid: string[] } {
    const overrides: DirectionOverride[] = [];
    const invalid: string[] = [];
    if (!Array.isArray(value)) return { overrides, invalid };
    for (const row of value) {
        if (!isRecord(row)) continue;
        const id = String(row.id ?? '').trim();
        const action = String(row.action ?? '').trim().toLowerCase();
        if (id === '') continue;
        if (action !== 'in' && action !== 'out' && action !== 'ignore') invalid.push(id);
        else overrides.push({ id, action });
    }
    return { overrides, invalid };
}

function str(value: unknown): string | undefined {
    if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return undefined;
}

/** iSecure Center's inAndOutType / ExtEventInOut: 1 = in, 0 = out, anything else unknown. */
export function directionFromCode(value: unknown): Direction | null {
    const s = str(value);
    if (s === '1') return 'in';
    if (s === '0') return 'out';
    return null;
}

/**
 * HikCentral Professional's checkInAndOutType (attendance status): 1 check-in, 4 break-in, 5 overtime-in → in;
 * 2 check-out, 3 break-out, 6 overtime-out → out; 0 (unknown), missing or anything else → unknown.
 */
export function directionFromCheckType(value: unknown): Direction | null {
    const s = str(value);
    if (s === '1' || s === '4' || s === '5') return 'in';
    if (s === '2' || s === '3' || s === '6') return 'out';
    return null;
}

/** The record's direction: HCP's checkInAndOutType, else iSecure's inAndOutType (when present), else unknown. */
export function recordDirection(record: Record<string, unknown>): Direction | null {
    return directionFromCheckType(record.checkInAndOutType) ?? directionFromCode(record.inAndOutType);
}

/** The override of a reader (HCP readerIndexCode, iSecure readerDevIndexCode) before that of the door. */
function findOverride(overrides: DirectionOverride[], readers: Array<string | undefined>, door: string | undefined): DirectionOverride | undefined {
    if (overrides.length === 0) return undefined;
    for (const id of [...readers, door]) {
        if (id === undefined) continue;
        const found = overrides.find((o) => o.id === id);
        if (found) return found;
    }
    return undefined;
}

const NO_PERSON = new Set(['0', '-1']);

/**
 * A polled door-event record (acs/v1/door/events `data.list[i]`). Records with an empty / "0" / "-1"
 * personId are door events without a person and are skipped; a record without the personId field
 * at all, without eventId, or with a bad eventTime is a problem.
 */
export function normaliseDoorEvent(record: unknown, options: NormaliseOptions): Outcome {
    if (!isRecord(record)) return { kind: 'problem', reason: 'record is not an object' };
    const eventId = str(record.eventId);
    if (eventId === undefined) return { kind: 'problem', reason: 'record has no eventId' };
    const id = `hikcentral:${eventId}`;
    const eventType = Number(str(record.eventType));
    if (eventType === FAILED_FACE_TYPE) return { kind: 'skip', reason: 'failed face authentication (197151)', id };
    const types = options.eventTypes.length > 0 ? options.eventTypes : DEFAULT_EVENT_TYPES;
    if (!types.includes(eventType)) return { kind: 'skip', reason: `event type ${String(record.eventType)} not selected`, id };
    const door = str(record.doorIndexCode);
    if (options.doorIndexCodes.length > 0 && (door === undefined || !options.doorIndexCodes.includes(door))) {
        return { kind: 'skip', reason: `door ${door ?? '(none)'} not selected`, id };
    }
    if (!('personId' in record)) return { kind: 'problem', reason: 'record has no personId field', id };
    const personId = str(record.personId);
    if (personId === undefined || NO_PERSON.has(personId)) return { kind: 'skip', reason: 'no person (door event)', id };
    const parsed = parseEventTime(record.eventTime);
    if (!parsed) return { kind: 'problem', reason: `bad eventTime ${JSON.stringify(record.eventTime ?? null).slice(0, 60)}`, id };

    let direction = recordDirection(record);
    const override = findOverride(options.overrides, [str(record.readerIndexCode), str(record.readerDevIndexCode)], door);
    if (override) {
        if (override.action === 'ignore') return { kind: 'skip', reason: `ignored by override for ${override.id}`, id };
        direction = override.action;
    }
    const given = str(record.personGivenName);
    const family = str(record.personFamilyName);
    const name = str(record.personName) ?? ([given, family].filter((x) => x !== undefined).join(' ') || undefined);
    const code = str(record.personCode) ?? str(record.jobNo) ?? str(record.ExtEventPersonNo);
    const event: AttendanceEvent = {
        id,
        source: 'hikcentral',
        person: { id: personId, ...(code !== undefined ? { code } : {}), ...(name !== undefined ? { name } : {}) },
        time: parsed.iso,
        direction,
        ...(door !== undefined ? { device: { id: door, ...(str(record.doorName) ? { name: str(record.doorName) } : {}) } } : {}),
        raw: record,
    };
    return { kind: 'event', event, ms: parsed.ms };
}

/** HikCentral's own format: `2024-09-20T17:58:14+08:00`, optionally with a fraction or `Z`. */
const HIK_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * An event time as epoch ms and as the AttendanceEvent `time` text (milliseconds, the offset it was
 * written with; UTC as `Z`). HikCentral's fixed format is read with a regex and Date.UTC, about 50 times
 * faster than luxon; anything else (other ISO 8601 spellings, 24:00, years before 1000) goes through
 * luxon as before, so the result is the same as `formatIso(parseOffsetTime(value).dt)`.
 */
export function parseEventTime(value: unknown): { ms: number; iso: string } | null {
    if (typeof value !== 'string') return null;
    const m = HIK_TIME.exec(value.trim());
    if (m) {
        const year = Number(m[1]);
        const month = Number(m[2]);
        const day = Number(m[3]);
        const hour = Number(m[4]);
        const minute = Number(m[5]);
        const second = Number(m[6]);
        const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
        const oh = m[10] === undefined ? 0 : Number(m[10]);
        const om = m[11] === undefined ? 0 : Number(m[11]);
        if (
            year >= 1000 &&
            month >= 1 &&
            month <= 12 &&
            day >= 1 &&
            day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]) &&
            hour <= 23 &&
            minute <= 59 &&
            second <= 59 &&
            oh <= 23 &&
            om <= 59
        ) {
            // luxon's rounding of fractions (truncated to milliseconds), kept exactly
            const millis = m[7] === undefined ? 0 : Math.floor(parseFloat('0.' + m[7]) * 1000);
            const offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
            const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMin * 60000;
            const offset = offsetMin === 0 ? 'Z' : `${m[9]}${m[10]}:${m[11]}`;
            const frac = millis < 10 ? '00' + millis : millis < 100 ? '0' + millis : String(millis);
            return { ms, iso: `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${frac}${offset}` };
        }
    }
    const parsed = parseOffsetTime(value);
    return parsed ? { ms: parsed.ms, iso: formatIso(parsed.dt) } : null;
}

/**
 * An OnEventNotify event mapped to the door-event record shape, so one normaliser and one dedup serve
 * both modes. HCP pushes `data.{personId, personCode, cardNo, checkInAndOutType, readerIndexCode, readerName}`;
 * iSecure Center pushes `data.ExtEvent*`, whose person number (ExtEventPersonNo) `resolvePerson` maps to the
 * polled personId and name when the person list is known (for HCP it only adds the name).
 */
export function pushToDoorRecord(
    ev: unknown,
    resolvePerson?: (personNo: string) => { personId: string; personCode?: string; personName?: string } | undefined,
): unknown {
    if (!isRecord(ev)) return ev;
    const data: Record<string, unknown> = isRecord(ev.data) ? ev.data : Object.create(null);
    const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(data, key);
    const record: Record<string, unknown> = {
        eventId: ev.eventId,
        eventType: ev.eventType ?? data.ExtEventCode,
        eventTime: ev.happenTime,
        doorIndexCode: ev.srcIndex ?? data.ExtEventDoorID,
        doorName: ev.srcName,
        cardNo: has('cardNo') ? data.cardNo : data.ExtEventCardNo,
        pushed: ev,
    };
    if (has('checkInAndOutType')) record.checkInAndOutType = data.checkInAndOutType;
    if (has('ExtEventInOut')) record.inAndOutType = data.ExtEventInOut;
    if (has('readerIndexCode')) record.readerIndexCode = data.readerIndexCode;
    if (has('readerName')) record.readerName = data.readerName;
    if (has('ExtEventReaderID')) record.readerDevIndexCode = data.ExtEventReaderID;
    if (has('personId')) {
        // HCP: the person is in the push itself
        const personId = str(data.personId);
        record.personId = personId ?? '';
        if (personId !== undefined && !NO_PERSON.has(personId)) {
            const code = str(data.personCode);
            if (code !== undefined) record.personCode = code;
            const found = resolvePerson ? resolvePerson(personId) : undefined;
            const name = str(data.personName) ?? (found && found.personId === personId ? found.personName : undefined);
            if (name !== undefined) record.personName = name;
        }
    } else if (has('ExtEventPersonNo')) {
        const personNo = str(data.ExtEventPersonNo);
        record.personId = personNo ?? '';
        if (personNo !== undefined && !NO_PERSON.has(personNo)) {
            const found = resolvePerson ? resolvePerson(personNo) : undefined;
            record.personId = found ? found.personId : personNo;
            record.personCode = found?.personCode ?? personNo;
            if (found?.personName) record.personName = found.personName;
        }
    }
    return record;
}

/** The events of an OnEventNotify body (`params.events`), or null when the body is not one. */
export function pushEvents(body: unknown): unknown[] | null {
    if (!isRecord(body)) return null;
    const params = isRecord(body.params) ? body.params : undefined;
    if (!params || !Array.isArray(params.events)) return null;
    return params.events;
}

/** person list entries → lookup by personId and by personCode. */
export interface PersonInfo {
    personId: string;
    personCode?: string;
    personName?: string;
}

export function indexPersons(list: unknown[]): { byId: Map<string, PersonInfo>; byCode: Map<string, PersonInfo> } {
    const byId = new Map<string, PersonInfo>();
    const byCode = new Map<string, PersonInfo>();
    for (const p of list) {
        if (!isRecord(p)) continue;
        const personId = str(p.personId);
        if (personId === undefined) continue;
        const given = str(p.personGivenName);
        const family = str(p.personFamilyName);
        const info: PersonInfo = {
            personId,
            personCode: str(p.personCode) ?? str(p.jobNo),
            personName: str(p.personName) ?? ([given, family].filter((x) => x !== undefined).join(' ') || undefined),
        };
        byId.set(personId, info);
        if (info.personCode) byCode.set(info.personCode, info);
    }
    return { byId, byCode };
}
