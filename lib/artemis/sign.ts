/**
 * Artemis "x-ca" request signing, as Hikvision's own client library does it:
 *
 *   x-ca-signature = Base64(HMAC-SHA256(appSecret, stringToSign))
 *   stringToSign   = METHOD "\n"
 *                    [Accept "\n"] [Content-MD5 "\n"] [Content-Type "\n"] [Date "\n"]   (each only if sent)
 *                    for each signed x-ca-* header, lower-case, sorted: name ":" value "\n"
 *                    path [ "?" k=v&... sorted by key, raw (not URL-encoded) ]
 *
 * The JSON body is not signed (Content-MD5, when sent, covers it). Pure functions, no I/O: the
 * simulator uses the same `stringToSign` to verify what a client sent.
 */
import { createHash, createHmac, randomUUID } from 'crypto';

/** The standard headers that appear as bare values, in this order, only when present. */
export const VALUE_HEADERS = ['accept', 'content-md5', 'content-type', 'date'] as const;

export type HeaderMap = Record<string, string | number | undefined>;

function lowerHeaders(headers: HeaderMap): Map<string, string> {
    const out = new Map<string, string>();
    for (const [name, value] of Object.entries(headers)) {
        if (value === undefined) continue;
        out.set(name.toLowerCase(), String(value));
    }
    return out;
}

/** `?k=v&...` sorted by key (ASCII), raw; a key with an empty value is written bare, as the SDK does. */
export function sortedQuery(query: Record<string, string | number | undefined> | undefined): string {
    if (!query) return '';
    const keys = Object.keys(query)
        .filter((k) => query[k] !== undefined)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (keys.length === 0) return '';
    return (
        '?' +
        keys
            .map((k) => {
                const v = String(query[k]);
                return v === '' ? k : `${k}=${v}`;
            })
            .join('&')
    );
}

/**
 * The names of the x-ca-* headers to sign: the ones listed in `x-ca-signature-headers` when that header is
 * given, otherwise every x-ca-* header except the signature headers themselves. Lower-case, sorted.
 */
export function signedHeaderNames(headers: HeaderMap): string[] {
    const lower = lowerHeaders(headers);
    const listed = lower.get('x-ca-signature-headers');
    let names: string[];
    if (listed !== undefined) {
        names = listed
            .split(',')
            .map((n) => n.trim().toLowerCase())
            .filter((n) => n !== '');
    } else {
        names = [...lower.keys()].filter((n) => n.startsWith('x-ca-') && n !== 'x-ca-signature' && n !== 'x-ca-signature-headers');
    }
    return [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface StringToSignInput {
    method: string;
    /** Path starting with /artemis/..., without query. */
    path: string;
    headers: HeaderMap;
    query?: Record<string, string | number | undefined>;
}

export function buildStringToSign(input: StringToSignInput): string {
    const lower = lowerHeaders(input.headers);
    let out = input.method.toUpperCase() + '\n';
    for (const name of VALUE_HEADERS) {
        const value = lower.get(name);
        if (value !== undefined) out += value + '\n';
    }
    for (const name of signedHeaderNames(input.headers)) {
        const value = lower.get(name);
        out += value === undefined || value === '' ? `${name}:\n` : `${name}:${value}\n`;
    }
    return out + input.path + sortedQuery(input.query);
}

export function hmacSignature(appSecret: string, stringToSign: string): string {
    return createHmac('sha256', Buffer.from(appSecret, 'utf8')).update(stringToSign, 'utf8').digest('base64');
}

/** Base64 MD5 of a body, the Content-MD5 header value. */
export function contentMd5(body: string): string {
    return createHash('md5').update(body, 'utf8').digest('base64');
}

export interface SignOptions {
    appKey: string;
    appSecret: string;
    method: string;
    path: string;
    query?: Record<string, string | number | undefined>;
    /** Serialised body; needed only with `withContentMd5`. */
    body?: string;
    /** Epoch ms for x-ca-timestamp (default Date.now()). */
    timestamp?: number;
    /** UUID v4 for x-ca-nonce (default random). */
    nonce?: string;
    accept?: string;
    contentType?: string;
    /** Send and sign Content-MD5 of `body` (optional; the official SDK does not). */
    withContentMd5?: boolean;
    /** Send and sign a Date header (RFC 1123), optional. */
    date?: string;
}

export interface SignedRequest {
    headers: Record<string, string>;
    stringToSign: string;
    signature: string;
}

/** Builds the full header set of a signed request. Deterministic when timestamp and nonce are given. */
export function signRequest(options: SignOptions): SignedRequest {
    const headers: Record<string, string> = {
        Accept: options.accept ?? '*/*',
        'Content-Type': options.contentType ?? 'application/json',
    };
    if (options.withContentMd5) headers['Content-MD5'] = contentMd5(options.body ?? '');
    if (options.date !== undefined) headers.Date = options.date;
    headers['x-ca-key'] = options.appKey;
    headers['x-ca-nonce'] = options.nonce ?? randomUUID();
    headers['x-ca-timestamp'] = String(options.timestamp ?? Date.now());
    headers['x-ca-signature-headers'] = 'x-ca-key,x-ca-nonce,x-ca-timestamp';
    const stringToSign = buildStringToSign({ method: options.method, path: options.path, headers, query: options.query });
    const signature = hmacSignature(options.appSecret, stringToSign);
    headers['x-ca-signature'] = signature;
    return { headers, stringToSign, signature };
}
