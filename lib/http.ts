/**
 * One HTTP client shape for the three servers: keep-alive agents, TLS verified by default (a site CA
 * can be given, skipping verification is an explicit option), bounded response size, and failures
 * turned into secret-free, classified errors. HTTP statuses never throw: callers classify them.
 */
import http from 'http';
import https from 'https';
import axios, { AxiosInstance, AxiosError } from 'axios';

export interface HttpClientOptions {
    baseUrl: string;
    /** Request timeout in milliseconds. */
    timeoutMs: number;
    /** Verify the server certificate (default true). */
    rejectUnauthorized?: boolean;
    /** PEM of the site's CA or self-signed certificate. */
    ca?: string;
    /** Largest response accepted, in bytes (default 20 MB). */
    maxBodyBytes?: number;
}

export interface HttpResult {
    status: number;
    headers: Record<string, string>;
    text: string;
    /** Parsed JSON body, or undefined when the body is not JSON. */
    json: unknown;
}

export type HttpFailureKind = 'timeout' | 'network' | 'tls' | 'too-large' | 'aborted' | 'config';

const TLS_CODES = new Set([
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'ERR_SSL_WRONG_VERSION_NUMBER',
    'EPROTO',
]);

/** A request that got no usable HTTP answer. Its message never contains headers, bodies or secrets. */
export class HttpFailure extends Error {
    readonly kind: HttpFailureKind;
    readonly code: string | undefined;
    constructor(kind: HttpFailureKind, message: string, code?: string) {
        super(message);
        this.name = 'HttpFailure';
        this.kind = kind;
        this.code = code;
    }
}

export interface HttpClient {
    request(method: 'GET' | 'POST', path: string, options?: RequestOptions): Promise<HttpResult>;
    /** Frees the keep-alive sockets. */
    destroy(): void;
}

export interface RequestOptions {
    headers?: Record<string, string>;
    body?: unknown;
    params?: Record<string, string | number>;
    signal?: AbortSignal;
}

export function normaliseBaseUrl(url: string): string {
    return url.trim().replace(/\/+$/, '');
}

export function validateBaseUrl(url: string): string | null {
    try {
        const parsed = new URL(url);
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'the URL must start with http:// or https://';
        return null;
    } catch {
        return 'not a valid URL';
    }
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
    const baseUrl = normaliseBaseUrl(options.baseUrl);
    const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const httpsAgent = new https.Agent({
        keepAlive: true,
        maxSockets: 64,
        rejectUnauthorized: options.rejectUnauthorized !== false,
        ca: options.ca && options.ca.trim() !== '' ? options.ca : undefined,
    });
    const maxBody = options.maxBodyBytes ?? 20 * 1024 * 1024;
    const instance: AxiosInstance = axios.create({
        timeout: options.timeoutMs,
        httpAgent,
        httpsAgent,
        maxRedirects: 0,
        maxContentLength: maxBody,
        maxBodyLength: maxBody,
        responseType: 'text',
        transformResponse: [(data: unknown) => data],
        validateStatus: () => true,
        proxy: false,
    });

    return {
        async request(method, path, req = {}) {
            const url = baseUrl + path;
            try {
                const response = await instance.request<string>({
                    method,
                    url,
                    headers: req.headers,
                    params: req.params,
                    data: req.body === undefined ? undefined : JSON.stringify(req.body),
                    signal: req.signal,
                });
                const text = typeof response.data === 'string' ? response.data : String(response.data ?? '');
                const headers: Record<string, string> = {};
                for (const [key, value] of Object.entries(response.headers ?? {})) {
                    if (value !== undefined && value !== null) headers[key.toLowerCase()] = String(value);
                }
                return { status: response.status, headers, text, json: parseJson(text) };
            } catch (err) {
                throw toFailure(err, options.timeoutMs);
            }
        },
        destroy() {
            httpAgent.destroy();
            httpsAgent.destroy();
        },
    };
}

export function parseJson(text: string): unknown {
    if (text.trim() === '') return undefined;
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return undefined;
    }
}

function toFailure(err: unknown, timeoutMs: number): HttpFailure {
    if (err instanceof HttpFailure) return err;
    const ax = err as AxiosError;
    const code = typeof ax?.code === 'string' ? ax.code : undefined;
    const causeCode = (ax?.cause as { code?: string } | undefined)?.code;
    const anyCode = causeCode ?? code;
    if (axios.isCancel(err) || code === 'ERR_CANCELED') return new HttpFailure('aborted', 'request aborted', code);
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(ax?.message ?? '')) {
        return new HttpFailure('timeout', `no answer within ${Math.round(timeoutMs / 1000)} s (timeout)`, 'ETIMEDOUT');
    }
    if (code === 'ERR_BAD_RESPONSE' && /maxContentLength/i.test(ax?.message ?? '')) {
        return new HttpFailure('too-large', 'response larger than the allowed maximum', code);
    }
    if (/maxContentLength|maxBodyLength/i.test(ax?.message ?? '')) {
        return new HttpFailure('too-large', 'response larger than the allowed maximum', code);
    }
    if (anyCode && TLS_CODES.has(anyCode)) {
        return new HttpFailure(
            'tls',
            `TLS certificate not accepted (${anyCode}): supply the server's CA certificate, or explicitly allow unverified certificates`,
            anyCode,
        );
    }
    if (code === 'ERR_INVALID_URL') return new HttpFailure('config', 'invalid server URL', code);
    const label = anyCode ?? 'network error';
    const known: Record<string, string> = {
        ECONNREFUSED: 'connection refused',
        ECONNRESET: 'connection reset by the server',
        ENOTFOUND: 'host name not found',
        EHOSTUNREACH: 'host unreachable',
        ENETUNREACH: 'network unreachable',
        EAI_AGAIN: 'DNS lookup failed',
        EPIPE: 'connection closed by the server',
        ERR_BAD_RESPONSE: 'invalid response from the server',
    };
    return new HttpFailure('network', `${known[label] ?? 'network error'} (${label})`, anyCode);
}

/** Removes any of the given secrets from a text (for messages that echo what was sent). */
export function redact(text: string, secrets: Array<string | undefined>): string {
    let out = text;
    for (const secret of secrets) {
        if (secret && secret.length >= 3) out = out.split(secret).join('***');
    }
    return out;
}

/**
 * Removes secrets from a text that a server may have echoed: each secret as sent, JSON-escaped and
 * URL-encoded, and the value of any `Authorization` header or `Basic`/`Bearer` credential in it.
 */
export function redactCredentials(text: string, secrets: Array<string | undefined>): string {
    const forms: string[] = [];
    for (const secret of secrets) {
        if (!secret || secret.length < 3) continue;
        forms.push(secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret));
    }
    // Longest first, so that a form containing another is removed whole.
    let out = redact(text, [...new Set(forms)].sort((a, b) => b.length - a.length));
    out = out.replace(/(authorization\\?["']?\s*[:=]\s*\\?["']?)(?:(basic|bearer)\s+)?[^\s"'\\,;}]+/gi, (_m, head: string, scheme?: string) => `${head}${scheme ? scheme + ' ' : ''}***`);
    out = out.replace(/\b(Basic|Bearer)\s+(?!\*\*\*)[A-Za-z0-9._~+/=-]{8,}/g, '$1 ***');
    return out;
}

/** Parses a Retry-After header (seconds or HTTP date) into milliseconds from now. */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
    if (!header) return undefined;
    const trimmed = header.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(parseFloat(trimmed) * 1000);
    const date = Date.parse(trimmed);
    if (Number.isNaN(date)) return undefined;
    return Math.max(0, date - nowMs);
}
