/**
 * HySecure HRMS reporting client: a fresh token for every poll (the gateway's tokens live 2 minutes),
 * never used past that age, one re-authentication when the report answers 401, and answers turned into
 * classified, secret-free errors. Paths and field names live in api.ts.
 */
import { createHttpClient, HttpClient, HttpFailure, HttpResult, redact } from '../http';
import { errorMessage, isRecord } from '../types';
import * as api from './api';

export interface HySecureClientOptions {
    baseUrl: string;
    timeoutMs: number;
    rejectUnauthorized?: boolean;
    ca?: string;
    username: string;
    password: string;
    /** Clock used for the token's age (tests inject one). */
    now?: () => number;
    /** An HTTP client to use instead of building one (tests). */
    http?: HttpClient;
}

export type HySecureErrorKind = 'auth' | 'http' | 'status' | 'format' | 'network' | 'timeout' | 'tls' | 'aborted' | 'config';

/** A failed login or report request. The message never contains the password or a token. */
export class HySecureError extends Error {
    readonly kind: HySecureErrorKind;
    readonly status?: number;
    constructor(kind: HySecureErrorKind, message: string, status?: number) {
        super(message);
        this.name = 'HySecureError';
        this.kind = kind;
        this.status = status;
    }
}

export interface ReportAnswer {
    /** The rows (an empty array when the gateway sent none / null). */
    rows: unknown[];
    statusMessage?: string;
    responseDate?: string;
}

function dig(value: unknown, path: string[]): unknown {
    let v = value;
    for (const p of path) {
        if (!isRecord(v)) return undefined;
        v = v[p];
    }
    return v;
}

const TITLE = /<title[^>]*>([^<]{0,200})<\/title>/i;

export class HySecureClient {
    private readonly http: HttpClient;
    private readonly now: () => number;
    private token: string | undefined;
    private tokenAt = 0;
    /** Tokens obtained so far (health / tests). */
    tokensIssued = 0;

    constructor(private readonly options: HySecureClientOptions) {
        this.now = options.now ?? Date.now;
        this.http =
            options.http ??
            createHttpClient({
                baseUrl: options.baseUrl,
                timeoutMs: options.timeoutMs,
                rejectUnauthorized: options.rejectUnauthorized,
                ca: options.ca,
            });
    }

    /** Forgets the token: the next request logs in again. Called at the start of every poll. */
    resetToken(): void {
        this.token = undefined;
        this.tokenAt = 0;
    }

    /** Is the current token still usable (younger than 2 minutes minus the safety margin)? */
    hasFreshToken(): boolean {
        return this.token !== undefined && this.now() - this.tokenAt < api.TOKEN_TTL_MS - api.TOKEN_MARGIN_MS;
    }

    private clean(text: string): string {
        return redact(text, [this.options.password, this.token]);
    }

    private async send(path: string, body: unknown, headers: Record<string, string>, signal?: AbortSignal): Promise<HttpResult> {
        try {
            return await this.http.request('POST', path, {
                headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...headers },
                body,
                signal,
            });
        } catch (err) {
            if (err instanceof HttpFailure) {
                const kind: HySecureErrorKind =
                    err.kind === 'too-large' ? 'format' : err.kind === 'config' ? 'config' : (err.kind as HySecureErrorKind);
                throw new HySecureError(kind, this.clean(err.message));
            }
            throw new HySecureError('network', this.clean(errorMessage(err)));
        }
    }

    /** Describes a body that is not the JSON we expect (HTML error pages, text). */
    private notJson(what: string, res: HttpResult): HySecureError {
        const type = res.headers['content-type'] ?? '';
        const title = TITLE.exec(res.text)?.[1]?.trim();
        const looksHtml = /html/i.test(type) || /^\s*</.test(res.text);
        const detail = looksHtml ? `an HTML page${title ? ` ("${this.clean(title).slice(0, 80)}")` : ''}` : 'a body that is not JSON';
        return new HySecureError('format', `${what}: HTTP ${res.status} with ${detail}`, res.status);
    }

    /** Logs in (`POST /api/v1/auth/connect`) and keeps the token. */
    async connect(signal?: AbortSignal): Promise<void> {
        this.resetToken();
        const res = await this.send(api.CONNECT_PATH, api.connectBody(this.options.username, this.options.password), {}, signal);
        if (res.status === 401 || res.status === 403) {
            throw new HySecureError('auth', `login refused: HTTP ${res.status} (check user name and password)`, res.status);
        }
        if (res.status < 200 || res.status >= 300) {
            if (res.json === undefined && res.text.trim() !== '') throw this.notJson('login failed', res);
            throw new HySecureError('http', `login failed: HTTP ${res.status}${this.envelopeText(res.json)}`, res.status);
        }
        if (res.json === undefined) throw this.notJson('login failed', res);
        let token: string | undefined;
        for (const path of api.TOKEN_PATHS) {
            const v = dig(res.json, path);
            if (typeof v === 'string' && v.trim() !== '') {
                token = v.trim();
                break;
            }
        }
        if (!token) throw new HySecureError('format', `login answer has no token${this.envelopeText(res.json)}`, res.status);
        this.token = token;
        this.tokenAt = this.now();
        this.tokensIssued += 1;
    }

    private envelopeText(json: unknown): string {
        if (!isRecord(json)) return '';
        const code = json[api.ENVELOPE.statusCode];
        const message = json[api.ENVELOPE.statusMessage];
        const parts: string[] = [];
        if (typeof code === 'number' || typeof code === 'string') parts.push(`statusCode ${code}`);
        if (typeof message === 'string' && message.trim() !== '') parts.push(this.clean(message.trim()).slice(0, 200));
        return parts.length > 0 ? ` (${parts.join(': ')})` : '';
    }

    /**
     * The sessions report. Uses the current token when fresh, logs in otherwise; on 401 logs in once more
     * and repeats the request; a second 401 is an authentication error.
     */
    async sessions(filters: api.ReportFilters, signal?: AbortSignal): Promise<ReportAnswer> {
        if (!this.hasFreshToken()) await this.connect(signal);
        let res = await this.reportRequest(filters, signal);
        if (res.status === 401) {
            await this.connect(signal);
            res = await this.reportRequest(filters, signal);
            if (res.status === 401) {
                this.resetToken();
                throw new HySecureError('auth', 'report refused a new token: HTTP 401', 401);
            }
        }
        return this.readReport(res);
    }

    private reportRequest(filters: api.ReportFilters, signal?: AbortSignal): Promise<HttpResult> {
        return this.send(api.SESSIONS_PATH, api.sessionsBody(filters), { Authorization: `Bearer ${this.token ?? ''}` }, signal);
    }

    private readReport(res: HttpResult): ReportAnswer {
        if (res.status === 403) throw new HySecureError('auth', `report refused: HTTP 403 (the user may lack reporting rights)${this.envelopeText(res.json)}`, 403);
        if (res.status < 200 || res.status >= 300) {
            if (res.json === undefined && res.text.trim() !== '') throw this.notJson('report failed', res);
            throw new HySecureError('http', `report failed: HTTP ${res.status}${this.envelopeText(res.json)}`, res.status);
        }
        if (res.json === undefined) throw this.notJson('report failed', res);
        const json = res.json;
        if (Array.isArray(json)) return { rows: json }; // a bare array: tolerated
        if (!isRecord(json)) throw new HySecureError('format', 'report answer is not a JSON object', res.status);
        const code = json[api.ENVELOPE.statusCode];
        if (code !== undefined && code !== null && Number(code) !== api.STATUS_OK) {
            throw new HySecureError('status', `report failed${this.envelopeText(json)}`, res.status);
        }
        const data = json[api.ENVELOPE.data];
        if (data !== undefined && data !== null && !Array.isArray(data)) {
            throw new HySecureError('format', `report "${api.ENVELOPE.data}" is not a list`, res.status);
        }
        const answer: ReportAnswer = { rows: Array.isArray(data) ? data : [] };
        const message = json[api.ENVELOPE.statusMessage];
        if (typeof message === 'string') answer.statusMessage = this.clean(message);
        const date = json[api.ENVELOPE.responseDate];
        if (typeof date === 'string') answer.responseDate = date;
        return answer;
    }

    destroy(): void {
        this.resetToken();
        if (!this.options.http) this.http.destroy();
    }
}
