/** Humand public API calls: one clock record per request, and the paged users list. */
import { createHttpClient, HttpClient, HttpResult, normaliseBaseUrl } from '../http';
import { Direction, isRecord } from '../types';

export const DEFAULT_BASE_URL = 'https://api-prod.humand.co/public/api/v1';
export const DEFAULT_CLOCK_IN_PATH = '/time-tracking/entries/clockIn';
export const DEFAULT_CLOCK_OUT_PATH = '/time-tracking/entries/clockOut';

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

    /** POST clockIn or clockOut. HTTP statuses are returned, network failures throw HttpFailure. */
    clock(action: Direction, body: ClockBody, signal?: AbortSignal): Promise<HttpResult> {
        const path = action === 'in' ? this.config.clockInPath : this.config.clockOutPath;
        return this.http.request('POST', path, { headers: this.headers(), body, signal });
    }

    /** GET /users?page&limit. Throws on HTTP errors and malformed bodies with a secret-free message. */
    async users(page: number, limit: number, signal?: AbortSignal): Promise<UsersPage> {
        const res = await this.http.request('GET', '/users', { headers: this.headers(), params: { page, limit }, signal });
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
