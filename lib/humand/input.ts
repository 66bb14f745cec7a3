/** Validation of what arrives at humand-clock: an attendance event with an employeeId. */
import { parseOffsetTime } from '../time';
import { AttendanceEvent, Direction, isRecord } from '../types';

export type ValidEvent = AttendanceEvent & { employeeId: string };

export type InputCheck = { ok: true; event: ValidEvent } | { ok: false; reason: string };

/**
 * Bounds of what is stored per record (issue 13): ids longer than these are refused (an id cut short
 * could match another one); names and other texts are cut.
 */
export const MAX_EVENT_ID = 200;
export const MAX_EMPLOYEE_ID = 64;
export const MAX_NAME = 200;
export const MAX_SOURCE = 64;

function cut(value: string, max: number): string {
    return value.length > max ? value.slice(0, max) : value;
}

/** Keeps the known string fields of a person or device, cut to MAX_NAME. */
function bounded<T extends { id: string }>(value: Record<string, unknown>, fields: ReadonlyArray<keyof T & string>): T {
    const out: Record<string, string> = { id: cut(String(value.id), MAX_NAME) };
    for (const f of fields) if (typeof value[f] === 'string') out[f] = cut(value[f] as string, MAX_NAME);
    return out as unknown as T;
}

const DIRECTIONS: Record<string, Direction | null> = {
    in: 'in',
    out: 'out',
    entry: 'in',
    exit: 'out',
    clockin: 'in',
    clockout: 'out',
    entrada: 'in',
    salida: 'out',
    '': null,
    null: null,
    unknown: null,
};

export function checkInput(payload: unknown): InputCheck {
    if (!isRecord(payload)) return { ok: false, reason: 'msg.payload is not an attendance event object' };
    const rawEmployee = payload.employeeId;
    if (typeof rawEmployee !== 'string' && typeof rawEmployee !== 'number') {
        return { ok: false, reason: 'missing employeeId (map the person to a Humand employee first, e.g. with identity-map)' };
    }
    const employeeId = String(rawEmployee).trim();
    if (employeeId === '') return { ok: false, reason: 'missing employeeId (empty)' };
    if (employeeId.length > MAX_EMPLOYEE_ID) {
        return { ok: false, reason: `employeeId too long (${employeeId.length} characters, at most ${MAX_EMPLOYEE_ID})` };
    }
    const parsed = parseOffsetTime(payload.time);
    if (!parsed) {
        return {
            ok: false,
            reason: payload.time === undefined ? 'missing time' : `unparseable time "${String(payload.time).slice(0, 60)}" (ISO 8601 with offset expected)`,
        };
    }
    let direction: Direction | null;
    const rawDir = payload.direction;
    if (rawDir === null || rawDir === undefined) direction = null;
    else if (typeof rawDir === 'string' && Object.prototype.hasOwnProperty.call(DIRECTIONS, normaliseDirection(rawDir))) {
        direction = DIRECTIONS[normaliseDirection(rawDir)];
    } else {
        return { ok: false, reason: `unknown direction value "${String(rawDir).slice(0, 30)}" (expected "in", "out" or null)` };
    }
    const source = typeof payload.source === 'string' && payload.source !== '' ? cut(payload.source, MAX_SOURCE) : 'manual';
    const id =
        typeof payload.id === 'string' && payload.id.trim() !== ''
            ? payload.id.trim()
            : `${source}:${employeeId}:${parsed.dt.toUTC().toISO()}:${direction ?? 'auto'}`;
    if (id.length > MAX_EVENT_ID) return { ok: false, reason: `event id too long (${id.length} characters, at most ${MAX_EVENT_ID})` };
    const person: AttendanceEvent['person'] = isRecord(payload.person) && typeof payload.person.id === 'string'
        ? bounded<AttendanceEvent['person']>(payload.person, ['code', 'name'])
        : { id: employeeId };
    const device = isRecord(payload.device) && typeof payload.device.id === 'string'
        ? bounded<NonNullable<AttendanceEvent['device']>>(payload.device, ['name'])
        : undefined;
    const event: ValidEvent = {
        id,
        source,
        person,
        time: String(payload.time).trim(),
        direction,
        employeeId,
    };
    if (device) event.device = device;
    if (payload.raw !== undefined) event.raw = payload.raw;
    return { ok: true, event };
}

function normaliseDirection(value: string): string {
    return value.trim().toLowerCase().replace(/[-_\s]/g, '');
}
