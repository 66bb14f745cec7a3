/**
 * Humand public API calls: one clock record per request, the paged users list and an employee's
 * entries (read-back). Every answer is returned with the API key and credentials removed from its
 * body and headers, so nothing Humand echoes reaches a log, status, health view or message.
 */
import { createHttpClient, HttpClient, HttpResult, normaliseBaseUrl, parseJson, redactCredentials } from '../http';
import { Direction, isRecord } from '../types';

export const DEFAULT_BASE_URL = 'https://api-prod.humand.co/public/api/v1';
export const DEFAULT_CLOCK_IN_PATH = '/time-tracking/entries/clockIn';
export const DEFAULT_CLOCK_OUT_PATH = '/time-tracking/entries/clockOut';
export const ENTRIES_PATH = '/time-tracking/entries';
/** Humand's list endpoints (`/users`, `/time-tracking/entries`, day summaries) accept `limit` 10–50 (400 outside). */
export const MIN_PAGE_LIMIT = 10;
export const MAX_PAGE_LIMIT = 50;

export interface HumandConfig {
    baseUrl: string;
    clockInPath: string;
    clockOutPath: string;
    /** Milliseconds. */
    timeoutMs: number;
    apiKey: string;
}

export interface ClockBody {
    employeeId: string;
    now: string;
    comment: string;
}

/** `GET /time-tracking/entries`: all three filters are required by Humand; dates are YYYY-MM-DD. */
export interface EntriesQuery {
    employeeId: string;
    startDate: string;
    endDate: string;
    page: number;
    limit: number;
}

export interface HumandUser {
    id?: number | string;
    employeeInternalId?: string;
    firstName?: string;
    lastName?: string;
    email?: string;
    status?: string;
    [key: string]: unknown;
}

export interface UsersPage {
    count: number;
    users: HumandUser[];
}

function normalisePath(path: string, fallback: string): string {
    const p = (path ?? '').trim() || fallback;
    return p.startsWith('/') ? p : '/' + p;
}

export class HumandClient {
    readonly config: HumandConfig;
    private readonly http: HttpClient;

    constructor(config: HumandConfig) {
        this.config = {
            ...config,
            baseUrl: normaliseBaseUrl(config.baseUrl || DEFAULT_BASE_URL),
            clockInPath: normalisePath(config.clockInPath, DEFAULT_CLOCK_IN_PATH),
            clockOutPath: normalisePath(config.clockOutPath, DEFAULT_CLOCK_OUT_PATH),
        };
        this.http = createHttpClient({ baseUrl: this.config.baseUrl, timeoutMs: this.config.timeoutMs });
    }

    private headers(): Record<string, string> {
        // The key is sent exactly as Humand issued it: never re-encoded.
        return {
            Authorization: `Basic ${this.config.apiKey}`,
            'Content-Type': 'application/json',
            Accept: 'application/json',
        };
    }

    /** The answer with the API key and any credential removed from its body and headers. */
    private clean(res: HttpResult): HttpResult {
        const secrets = [this.config.apiKey];
        const text = redactCredentials(res.text, secrets);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) headers[name] = redactCredentials(value, secrets);
        return { status: res.status, headers, text, json: text === res.text ? res.json : parseJson(text) };
    }

    /**
     * POST clockIn or clockOut. HTTP statuses are returned (redirects are not followed), network
     * failures throw HttpFailure.
     */
    async clock(action: Direction, body: ClockBody, signal?: AbortSignal): Promise<HttpResult> {
        const path = action === 'in' ? this.config.clockInPath : this.config.clockOutPath;
        return this.clean(await this.http.request('POST', path, { headers: this.headers(), body, signal }));
    }

    /** GET /time-tracking/entries for one employee and a range of days. HTTP statuses are returned. */
    async entries(query: EntriesQuery, signal?: AbortSignal): Promise<HttpResult> {
        const params = { employeeId: query.employeeId, startDate: query.startDate, endDate: query.endDate, page: query.page, limit: query.limit };
        return this.clean(await this.http.request('GET', ENTRIES_PATH, { headers: this.headers(), params, signal }));
    }

    /** GET /users?page&limit. Throws on HTTP errors and malformed bodies with a secret-free message. */
    async users(page: number, limit: number, signal?: AbortSignal): Promise<UsersPage> {
        const res = this.clean(await this.http.request('GET', '/users', { headers: this.headers(), params: { page, limit }, signal }));
        if (res.status < 200 || res.status > 299) {
            throw new Error(`Humand answered HTTP ${res.status}${humandMessage(res) ? ': ' + humandMessage(res) : ''}`);
        }
        const body = res.json;
        if (!isRecord(body) || !Array.isArray(body.users)) {
            throw new Error('Humand users list: the answer is not the expected JSON ({count, users})');
        }
        const count = typeof body.count === 'number' ? body.count : Number(body.count);
        return {
            count: Number.isFinite(count) ? count : body.users.length,
            users: body.users.filter(isRecord) as HumandUser[],
        };
    }

    destroy(): void {
        this.http.destroy();
    }
}

/** Humand's `{code, message}` error text, trimmed, or '' when absent. */
export function humandMessage(res: HttpResult): string {
    const body = res.json;
    if (isRecord(body)) {
        const code = typeof body.code === 'string' || typeof body.code === 'number' ? String(body.code) : '';
        const message = typeof body.message === 'string' ? body.message : '';
        return [code, message].filter((s) => s !== '').join(': ').slice(0, 300);
    }
    return '';
}
