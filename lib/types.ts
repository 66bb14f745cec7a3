/** Shared types: the attendance event every source emits, and two small guards. */

export type Direction = 'in' | 'out';

export interface PersonRef {
    id: string;
    code?: string;
    name?: string;
}

export interface DeviceRef {
    id: string;
    name?: string;
}

export interface AttendanceEvent {
    /** Stable across polls and restarts, e.g. "hikcentral:<eventId>". */
    id: string;
    source: string;
    person: PersonRef;
    /** ISO 8601 with offset. */
    time: string;
    direction: Direction | null;
    device?: DeviceRef;
    raw?: unknown;
    /** Humand employeeInternalId, added by identity-map. An opaque string: leading zeros matter. */
    employeeId?: string;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function errorMessage(err: unknown): string {
    if (err instanceof Error) return err.message;
    return String(err);
}
