/**
 * Classification of Humand's answer to one clock request. Only Humand's own JSON error (a 4xx whose
 * body has a string `code` and a string `message`) is a verdict; anything else that is not 2xx (an
 * HTML page, a redirect, a proxy's 405/407/413, an unparsable body) is retried and shown as the
 * problem. Humand documents one generic 400 `INVALID_DATA` for every business error, so a 400/409/422
 * whose text is not one of the known ones asks for a read-back of what Humand holds (`verify`).
 */
import { HttpResult, retryAfterMs } from '../http';
import { Direction, isRecord } from '../types';
import { humandMessage } from './client';

export type Outcome =
    | { kind: 'delivered'; duplicate: boolean; status: number; body: unknown }
    | { kind: 'future'; status: number; message: string; body: unknown }
    | { kind: 'rejected'; status: number; message: string; body: unknown; drift?: Direction }
    | { kind: 'auth'; status: number; message: string }
    | { kind: 'retry'; status: number; message: string; retryAfterMs?: number }
    /** Humand refused the record without saying why: read back what it holds before deciding. */
    | { kind: 'verify'; status: number; message: string; body: unknown };

// Texts of earlier (or other) Humand versions, recognised without a read-back.
const DUPLICATE = /duplicat|already (exists|registered)|ya existe|repetid/i;
const FUTURE = /futur/i;
const OPEN_ENTRY = /without exit|sin salida|open entry exists|already (clocked|checked) in|ya tiene una entrada|entrada abierta/i;
const NO_OPEN_ENTRY = /without entry|no open entry|sin entrada|not (clocked|checked) in|no tiene una entrada/i;

/** 4xx statuses that are never Humand's verdict on a record: the request did not reach it as sent. */
const NOT_A_VERDICT = new Set([405, 407, 413]);

/** Is this body Humand's own JSON error: `{code: string, message: string, ...}`? */
export function isHumandError(json: unknown): json is { code: string; message: string } {
    return isRecord(json) && typeof json.code === 'string' && typeof json.message === 'string';
}

/** What an answer that is not Humand's is, in a few words (for the status, health and logs). */
function notHumand(res: HttpResult): string {
    const status = res.status;
    if (status >= 300 && status <= 399) {
        const to = res.headers.location ? ` to ${res.headers.location.slice(0, 200)}` : '';
        return `redirect${to} (not followed: check the base URL, e.g. https://)`;
    }
    const type = (res.headers['content-type'] ?? '').split(';')[0].trim();
    const what = /html/i.test(type) || /^\s*</.test(res.text) ? 'an HTML page' : res.json === undefined ? 'a body that is not JSON' : 'not a Humand error';
    return `not Humand's answer (${what}; a proxy, gateway or maintenance page?)`;
}

export function classifyResponse(action: Direction, res: HttpResult, nowMs: number): Outcome {
    const status = res.status;
    const body = res.json ?? (res.text.length > 500 ? res.text.slice(0, 500) + '…' : res.text);
    const said = humandMessage(res);
    const message = said || `HTTP ${status}`;
    if (status >= 200 && status <= 299) return { kind: 'delivered', duplicate: false, status, body };
    if (status === 401 || status === 403) return { kind: 'auth', status, message };
    const retryAfter = retryAfterMs(res.headers['retry-after'], nowMs);
    if (status === 429 || status >= 500 || status === 408) return { kind: 'retry', status, message, retryAfterMs: retryAfter };
    if (status < 400 || NOT_A_VERDICT.has(status)) {
        return { kind: 'retry', status, message: `${said ? said + ' · ' : ''}${notHumand(res)}`, retryAfterMs: retryAfter };
    }
    if (status === 409 || status === 422 || status === 400) {
        const text = `${isRecord(res.json) && typeof res.json.code === 'string' ? res.json.code : ''} ${said}`;
        if (said !== '') {
            if (DUPLICATE.test(text)) return { kind: 'delivered', duplicate: true, status, body };
            if (FUTURE.test(text)) return { kind: 'future', status, message, body };
            if (OPEN_ENTRY.test(text)) return { kind: 'rejected', status, message, body, drift: 'in' };
            if (NO_OPEN_ENTRY.test(text)) return { kind: 'rejected', status, message, body, drift: 'out' };
            // Another alternation complaint: Humand's state is not what we sent.
            if (/alternat|altern/i.test(text)) return { kind: 'rejected', status, message, body, drift: action === 'in' ? 'in' : 'out' };
        }
        if (isHumandError(res.json)) return { kind: 'verify', status, message, body };
    }
    if (isHumandError(res.json)) return { kind: 'rejected', status, message, body };
    return { kind: 'retry', status, message: notHumand(res), retryAfterMs: retryAfter };
}
