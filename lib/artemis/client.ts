/**
 * Artemis OpenAPI client: signed POSTs, envelope classification, paging through door events in
 * windows of at most 31 days (ascending, every door or ≤ 10 per query, following `total`, halving the
 * page size when HikCentral says the answer is too long), the per-event-type fallback (merged by
 * eventId), the person list and the event subscription calls. No Node-RED dependency.
 */
import { createHttpClient, HttpClient, HttpClientOptions, HttpFailure } from '../http';
import { isRecord } from '../types';
import { signRequest } from './sign';
import { apiError, ArtemisError, EVENT_TYPE_REQUIRED_CODES, hasCode, redactArtemisMessage, TOO_LONG_CODE } from './errors';
import { splitWindows } from './window';

export const PATHS = {
    doorEvents: '/artemis/api/acs/v1/door/events',
    personList: '/artemis/api/resource/v1/person/personList',
    subscribe: '/artemis/api/eventService/v1/eventSubscriptionByEventTypes',
    unsubscribe: '/artemis/api/eventService/v1/eventUnSubscriptionByEventTypes',
} as const;

export interface ArtemisClientOptions extends Omit<HttpClientOptions, 'maxBodyBytes'> {
    appKey: string;
    appSecret: string;
    maxBodyBytes?: number;
    /** For tests: a fixed clock for x-ca-timestamp. */
    now?: () => number;
}

/** HCP's door/events takes pageSize 1–500. */
export const MAX_PAGE_SIZE = 500;
/** HCP's door/events takes at most 10 door index codes per query. */
export const MAX_DOORS_PER_QUERY = 10;

export interface Page {
    total: number;
    pageNo: number;
    pageSize: number;
    list: unknown[];
}

/** How door events are queried: without eventType (auto-falling back to per-type), or always per type. */
export type EventTypeMode = 'auto' | 'perType';

export interface DoorEventQuery {
    /** Epoch ms, inclusive. */
    fromMs: number;
    /** Epoch ms. */
    toMs: number;
    eventTypes: number[];
    doorIndexCodes: string[];
    pageSize: number;
    /** Formats a request time (ISO 8601 with offset). */
    formatTime: (ms: number) => string;
    signal?: AbortSignal;
    /** Safety bound on pages per window and type. */
    maxPages?: number;
    /**
     * Streaming: receives the records page by page (the next page is already being fetched meanwhile),
     * in the order `records` would have had, and `records` is then returned empty with `streamed: true`.
     */
    onRecords?: (records: unknown[]) => void | Promise<void>;
}

export interface DoorEventResult {
    /** Records in the order received, unique by eventId (records without eventId are kept as they are). */
    records: unknown[];
    pages: number;
    /** True when the per-type fallback was used. */
    perType: boolean;
    /** True when the records went to `query.onRecords` instead of `records`. */
    streamed?: boolean;
}

const TOO_LONG_SET: ReadonlySet<string> = new Set([TOO_LONG_CODE]);

/**
 * Whether a page follows page `pageNo`: paging follows `total`, counted in the pages the server really
 * serves (`served`: the longest page seen, since a server may cap pageSize silently below the request),
 * not a short page; an empty page ends it.
 */
export function morePages(pageNo: number, listLength: number, served: number, total: number): boolean {
    return listLength > 0 && served > 0 && pageNo * served < total;
}

export class ArtemisClient {
    private readonly http: HttpClient;
    /** Learnt from the server: it refuses door-event queries without eventType. */
    requiresEventType = false;
    /** Learnt from the server: the largest door-event page it answered without "response too long" (0x00072004). */
    pageSizeLimit = MAX_PAGE_SIZE;

    constructor(private readonly options: ArtemisClientOptions) {
        this.http = createHttpClient({ ...options, maxBodyBytes: options.maxBodyBytes ?? 50 * 1024 * 1024 });
    }

    /** One signed call; resolves `data` of a `code: "0"` envelope, throws ArtemisError otherwise. */
    async call(path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
        const signed = signRequest({
            appKey: this.options.appKey,
            appSecret: this.options.appSecret,
            method: 'POST',
            path,
            timestamp: this.options.now ? this.options.now() : undefined,
        });
        const secrets = { appKey: this.options.appKey, appSecret: this.options.appSecret, stringToSign: signed.stringToSign };
        let res;
        try {
            res = await this.http.request('POST', path, { headers: signed.headers, body, signal });
        } catch (err) {
            if (err instanceof HttpFailure) {
                const short = err.kind === 'tls' ? 'TLS' : err.kind === 'timeout' ? 'timeout' : err.kind;
                const hint = err.kind === 'too-large' ? ': reduce the page size' : '';
                throw new ArtemisError('transport', err.message + hint, short);
            }
            throw err;
        }
        if (res.status !== 200) {
            const hint =
                res.status === 404
                    ? ': path not found (is the OpenAPI component installed, is the port right?)'
                    : res.status === 401 || res.status === 403
                      ? ': refused (check AppKey/AppSecret and the clock)'
                      : '';
            const gatewayMsg = res.headers['x-ca-error-message'];
            const extra = gatewayMsg ? ` (${redactArtemisMessage(gatewayMsg, secrets)})` : '';
            throw new ArtemisError('http', `HTTP ${res.status}${hint}${extra}`, `HTTP ${res.status}`, { status: res.status });
        }
        if (!isRecord(res.json)) {
            const looksHtml = /^\s*</.test(res.text);
            throw new ArtemisError(
                'malformed',
                looksHtml ? 'the server answered an HTML page instead of JSON' : 'the server answered invalid or truncated JSON',
                looksHtml ? 'HTML answer' : 'bad JSON',
            );
        }
        const code = res.json.code === undefined || res.json.code === null ? '' : String(res.json.code);
        if (code !== '0') throw apiError(code === '' ? '(none)' : code, res.json.msg, secrets);
        return res.json.data;
    }

    /** A paged call: `data` must be `{ total, list: [] }`. */
    async page(path: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<Page> {
        const data = await this.call(path, body, signal);
        // Empty results: no data, `data: []`, or `{total: 0, pageNo: 0, pageSize: 0}` without list (seen on HCP).
        if (data === undefined || data === null || (Array.isArray(data) && data.length === 0)) {
            return { total: 0, pageNo: Number(body.pageNo) || 1, pageSize: Number(body.pageSize) || 0, list: [] };
        }
        if (!isRecord(data) || (data.list !== undefined && data.list !== null && !Array.isArray(data.list))) {
            throw new ArtemisError('malformed', 'the server answered a page without a list', 'bad page');
        }
        const list = Array.isArray(data.list) ? data.list : [];
        const total = Number(data.total);
        return {
            total: Number.isFinite(total) ? total : list.length,
            pageNo: Number(data.pageNo) || Number(body.pageNo) || 1,
            pageSize: Number(data.pageSize) || Number(body.pageSize) || list.length,
            list,
        };
    }

    /** All pages of a paged call, as long as `total` says more follow (see `morePages`). */
    async allPages(path: string, body: Record<string, unknown>, pageSize: number, signal?: AbortSignal, maxPages = 10000): Promise<{ list: unknown[]; pages: number }> {
        const list: unknown[] = [];
        let pages = 0;
        let served = 0;
        for (let pageNo = 1; pageNo <= maxPages; pageNo++) {
            const page = await this.page(path, { ...body, pageNo, pageSize }, signal);
            pages++;
            list.push(...page.list);
            served = Math.max(served, page.list.length);
            if (!morePages(pageNo, page.list.length, served, page.total)) break;
        }
        return { list, pages };
    }

    /**
     * Like allPages, but hands each page's list to `onPage` while the next page is already requested, so
     * the caller's processing overlaps the server's work and the transfer.
     */
    async eachPage(
        path: string,
        body: Record<string, unknown>,
        pageSize: number,
        onPage: (list: unknown[]) => void | Promise<void>,
        signal?: AbortSignal,
        maxPages = 10000,
    ): Promise<number> {
        let pages = 0;
        let served = 0;
        let pending: Promise<Page> | undefined = this.page(path, { ...body, pageNo: 1, pageSize }, signal);
        for (let pageNo = 1; pending; pageNo++) {
            const page: Page = await pending;
            pages++;
            served = Math.max(served, page.list.length);
            const more = pageNo < maxPages && morePages(pageNo, page.list.length, served, page.total);
            pending = more ? this.page(path, { ...body, pageNo: pageNo + 1, pageSize }, signal) : undefined;
            // (a failure of the prefetch is reported by the await above, not as an unhandled rejection)
            pending?.catch(() => undefined);
            await onPage(page.list);
        }
        return pages;
    }

    /** Door events of [fromMs, toMs] in ≤31-day windows; per configured type when the server requires eventType. */
    async doorEvents(query: DoorEventQuery, mode: EventTypeMode = 'auto'): Promise<DoorEventResult> {
        const merged = new Map<string, unknown>();
        const ids = new Set<string>();
        const loose: unknown[] = [];
        const stream = query.onRecords;
        let pages = 0;
        let perType = mode === 'perType' || this.requiresEventType;
        /** The records not seen before (first one of an eventId wins); records without eventId go last. */
        const add = (records: unknown[]): unknown[] => {
            const fresh: unknown[] = [];
            for (const r of records) {
                const id = isRecord(r) && (typeof r.eventId === 'string' || typeof r.eventId === 'number') ? String(r.eventId) : undefined;
                if (id === undefined || id === '') loose.push(r);
                else if (stream) {
                    if (!ids.has(id)) {
                        ids.add(id);
                        fresh.push(r);
                    }
                } else if (!merged.has(id)) merged.set(id, r);
            }
            return fresh;
        };
        const fetchOnce = async (body: Record<string, unknown>, pageSize: number): Promise<void> => {
            if (stream) {
                pages += await this.eachPage(PATHS.doorEvents, body, pageSize, async (list) => {
                    const fresh = add(list);
                    if (fresh.length > 0) await stream(fresh);
                }, query.signal, query.maxPages);
            } else {
                const r = await this.allPages(PATHS.doorEvents, body, pageSize, query.signal, query.maxPages);
                pages += r.pages;
                add(r.list);
            }
        };
        /** One query, all its pages; "response too long" halves the page size (down to 1) and asks again from page 1. */
        const fetchAll = async (body: Record<string, unknown>): Promise<void> => {
            for (;;) {
                const pageSize = Math.max(1, Math.min(query.pageSize, MAX_PAGE_SIZE, this.pageSizeLimit));
                try {
                    return await fetchOnce(body, pageSize);
                } catch (err) {
                    if (!hasCode(err, TOO_LONG_SET) || pageSize <= 1) throw err;
                    // the records already handed over are not handed over again (merged by eventId)
                    this.pageSizeLimit = Math.max(1, Math.floor(pageSize / 2));
                }
            }
        };
        // Every query names its doors (HCP requires doorIndexCodes; an empty list means all doors), at most 10 at a time,
        // and asks in ascending time order (HCP's default is descending), so paging stays stable while events arrive.
        const doorGroups: string[][] = [];
        for (let i = 0; i < query.doorIndexCodes.length; i += MAX_DOORS_PER_QUERY) doorGroups.push(query.doorIndexCodes.slice(i, i + MAX_DOORS_PER_QUERY));
        if (doorGroups.length === 0) doorGroups.push([]);
        for (const [from, to] of splitWindows(query.fromMs, query.toMs)) {
            for (const doorIndexCodes of doorGroups) {
                const base: Record<string, unknown> = { startTime: query.formatTime(from), endTime: query.formatTime(to), doorIndexCodes, sortField: 'SwipeTime', orderType: 0 };
                if (!perType) {
                    try {
                        await fetchAll(base);
                        continue;
                    } catch (err) {
                        if (!hasCode(err, EVENT_TYPE_REQUIRED_CODES) || query.eventTypes.length === 0) throw err;
                        perType = true;
                        this.requiresEventType = true;
                    }
                }
                for (const eventType of query.eventTypes) await fetchAll({ ...base, eventType });
            }
        }
        if (stream) {
            if (loose.length > 0) await stream(loose);
            return { records: [], pages, perType, streamed: true };
        }
        return { records: [...merged.values(), ...loose], pages, perType };
    }

    /** The whole person list. */
    async persons(pageSize = 200, signal?: AbortSignal): Promise<unknown[]> {
        return (await this.allPages(PATHS.personList, {}, pageSize, signal, 1000)).list;
    }

    async subscribe(eventTypes: number[], eventDest: string, signal?: AbortSignal): Promise<void> {
        await this.call(PATHS.subscribe, { eventTypes, eventDest, passBack: 0 }, signal);
    }

    async unsubscribe(eventTypes: number[], signal?: AbortSignal): Promise<void> {
        await this.call(PATHS.unsubscribe, { eventTypes }, signal);
    }

    destroy(): void {
        this.http.destroy();
    }
}
