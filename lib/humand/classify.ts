/**
 * Classification of Humand's answer to one clock request. Status first; 422 messages are
 * matched loosely because their exact texts are not public.
 */
import { HttpResult, retryAfterMs } from '../http';
import { Direction, isRecord } from '../types';
import { humandMessage } from './client';

export type Outcome =
    | { kind: 'delivered'; duplicate: boolean; status: number; body: unknown }
    | { kind: 'future'; status: number; message: string; body: unknown }
    | { kind: 'rejected'; status: number; message: string; body: unknown; drift?: Direction }
    | { kind: 'auth'; status: number; message: string }
    | { kind: 'retry'; status: number; message: string; retryAfterMs?: number };

const DUPLICATE = /duplicat|already (exists|registered)|ya existe|repetid/i;
const FUTURE = /futur/i;
const OPEN_ENTRY = /without exit|sin salida|open entry exists|already (clocked|checked) in|ya tiene una entrada|entrada abierta/i;
const NO_OPEN_ENTRY = /without entry|no open entry|sin entrada|not (clocked|checked) in|no tiene una entrada/i;

export function classifyResponse(action: Direction, res: HttpResult, nowMs: number): Outcome {
    const status = res.status;
    const body = res.json ?? (res.text.length > 500 ? res.text.slice(0, 500) + '…' : res.text);
    const message = humandMessage(res) || `HTTP ${status}`;
    if (status >= 200 && status <= 299) return { kind: 'delivered', duplicate: false, status, body };
    if (status === 401 || status === 403) return { kind: 'auth', status, message };
    if (status === 429 || status >= 500 || status === 408) {
        return { kind: 'retry', status, message, retryAfterMs: retryAfterMs(res.headers['retry-after'], nowMs) };
    }
    if (status === 409 || status === 422 || status === 400) {
        const code = isRecord(res.json) && typeof res.json.code === 'string' ? res.json.code : '';
        const text = `${code} ${message}`;
        if (DUPLICATE.test(text)) return { kind: 'delivered', duplicate: true, status, body };
        if (FUTURE.test(text)) return { kind: 'future', status, message, body };
        if (OPEN_ENTRY.test(text)) return { kind: 'rejected', status, message, body, drift: 'in' };
        if (NO_OPEN_ENTRY.test(text)) return { kind: 'rejected', status, message, body, drift: 'out' };
        // Another alternation complaint without a recognisable text: Humand's state is not what we sent.
        if (/alternat|altern/i.test(text)) return { kind: 'rejected', status, message, body, drift: action === 'in' ? 'in' : 'out' };
    }
    return { kind: 'rejected', status, message, body };
}
