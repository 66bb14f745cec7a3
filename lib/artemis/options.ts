/**
 * The artemis-events node's properties read into what the engine, the loop and push mode need: one
 * place for the defaults and limits the node applies (the editor's defaults come from its migration).
 */
import { DEFAULT_EVENT_TYPES, parseCodeList, parseEventTypes, parseOverrides } from './events';
import type { EngineOptions } from './poll';
import { formatRequestTime } from './window';
import { MAX_PAGE_SIZE } from './client';

/** The node's properties as saved in the flow (strings or numbers, as the editor wrote them). */
export interface EventsProperties {
    interval?: unknown;
    overlap?: unknown;
    initialLookback?: unknown;
    pageSize?: unknown;
    eventTypes?: unknown;
    eventTypeMode?: unknown;
    doors?: unknown;
    overrides?: unknown;
    timezone?: unknown;
    store?: unknown;
    mode?: unknown;
    pushPath?: unknown;
    pushBaseUrl?: unknown;
    safetyInterval?: unknown;
}

export interface EventsOptions {
    mode: 'poll' | 'push';
    /** Poll interval: `interval` in poll mode, the safety interval in push mode. */
    pollEveryMs: number;
    store: string;
    /** The types subscribed to in push mode (the defaults when none is configured). */
    subscribedTypes: number[];
    /** What ArtemisEngine takes from the properties. */
    engine: Pick<EngineOptions, 'normalise' | 'overlapMs' | 'initialLookbackMs' | 'pageSize' | 'eventTypeMode' | 'formatTime'>;
    /** The push route under httpNodeRoot, always starting with "/". */
    pushPath: string;
    pushBaseUrl: string;
    /** What the node warns about: 197151 configured, types and override actions it ignores. */
    refusedTypes: number[];
    invalidTypes: string[];
    invalidOverrides: string[];
}

function num(value: unknown, fallback: number, min = 0): number {
    const n = typeof value === 'number' ? value : parseFloat(String(value ?? ''));
    return Number.isFinite(n) && n >= min ? n : fallback;
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

export function readEventsOptions(props: EventsProperties, nodeId: string): EventsOptions {
    const mode = props.mode === 'push' ? 'push' : 'poll';
    const types = parseEventTypes(props.eventTypes);
    const overrides = parseOverrides(props.overrides);
    const zone = text(props.timezone);
    const path = text(props.pushPath) || `/attendance-bridge/artemis/${nodeId}`;
    return {
        mode,
        pollEveryMs: mode === 'push' ? num(props.safetyInterval, 600, 10) * 1000 : num(props.interval, 60, 1) * 1000,
        store: text(props.store),
        subscribedTypes: types.types.length > 0 ? types.types : DEFAULT_EVENT_TYPES,
        engine: {
            normalise: { eventTypes: types.types, doorIndexCodes: parseCodeList(props.doors), overrides: overrides.overrides },
            overlapMs: num(props.overlap, 300) * 1000,
            initialLookbackMs: num(props.initialLookback, 0) * 60 * 1000,
            pageSize: Math.min(MAX_PAGE_SIZE, Math.max(1, Math.round(num(props.pageSize, 200, 1)))),
            eventTypeMode: props.eventTypeMode === 'perType' ? 'perType' : 'auto',
            formatTime: (ms) => formatRequestTime(ms, zone),
        },
        pushPath: path.startsWith('/') ? path : '/' + path,
        pushBaseUrl: text(props.pushBaseUrl),
        refusedTypes: types.refused,
        invalidTypes: types.invalid,
        invalidOverrides: overrides.invalid,
    };
}
