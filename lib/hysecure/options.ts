/**
 * The hysecure-sessions node's properties read into the poll's configuration: one place for the
 * defaults and limits the node applies (the editor's defaults come from its migration).
 */
import { clampedNumber } from '../config';
import { ALL_USERS } from './api';
import { normaliseStartOfDay, SessionsConfig } from './poll';

export interface SessionsProperties {
    interval?: unknown;
    days?: unknown;
    userName?: unknown;
    startOfDay?: unknown;
    timezone?: unknown;
    closeGrace?: unknown;
    store?: unknown;
}

export interface SessionsOptions {
    intervalMs: number;
    store: string;
    /** False when StartOfDay is not a time of day (the node then does not start). */
    validStartOfDay: boolean;
    /** The poll's configuration; `zone` is the host's zone when none is set. */
    config: SessionsConfig;
}

/** The IANA zone of the Node-RED host ('UTC' when it cannot be told). */
export function hostZone(): string {
    try {
        return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    } catch {
        return 'UTC';
    }
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

export function readSessionsOptions(props: SessionsProperties): SessionsOptions {
    const startOfDay = normaliseStartOfDay(props.startOfDay);
    return {
        intervalMs: clampedNumber(props.interval, 300, 10) * 1000,
        store: text(props.store),
        validStartOfDay: startOfDay !== null,
        config: {
            zone: text(props.timezone) || hostZone(),
            startOfDay: startOfDay ?? '00:00:00',
            closeGraceMs: clampedNumber(props.closeGrace, 30, 0) * 60 * 1000,
            days: Math.floor(clampedNumber(props.days, 2, 0)),
            userName: text(props.userName) || ALL_USERS,
        },
    };
}
