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
    /**
     * Set when the settings can never emit an "out" (the node then does not start): a key of the node's
     * `status` catalog and its arguments.
     */
    problem?: { key: 'noLookBack' | 'graceTooLong'; args: Record<string, string> };
}

const DAY_MINUTES = 24 * 60;

/**
 * Day D is re-read while D is within the look-back (until the start of D + days + 1) and its "out" is due
 * at the start of D + 1 plus the close grace: an "out" can be emitted only when grace < days × 1440 min.
 */
export function neverEmitsOut(days: number, closeGraceMinutes: number): SessionsOptions['problem'] {
    if (days < 1) return { key: 'noLookBack', args: {} };
    const window = days * DAY_MINUTES;
    if (closeGraceMinutes >= window) return { key: 'graceTooLong', args: { grace: String(closeGraceMinutes), window: String(window), days: String(days) } };
    return undefined;
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
    const days = Math.floor(clampedNumber(props.days, 2, 0));
    const closeGrace = clampedNumber(props.closeGrace, 30, 0);
    const problem = neverEmitsOut(days, closeGrace);
    return {
        intervalMs: clampedNumber(props.interval, 300, 10) * 1000,
        store: text(props.store),
        validStartOfDay: startOfDay !== null,
        config: {
            zone: text(props.timezone) || hostZone(),
            startOfDay: startOfDay ?? '00:00:00',
            closeGraceMs: closeGrace * 60 * 1000,
            days,
            userName: text(props.userName) || ALL_USERS,
        },
        ...(problem ? { problem } : {}),
    };
}
