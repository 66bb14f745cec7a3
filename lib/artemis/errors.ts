/**
 * HikCentral / Artemis gateway result codes and secret-free error texts. Every request answers HTTP 200;
 * success is `code === "0"`. The bad-signature answer (0x02401003) echoes the AppKey and the server's
 * string-to-sign: `redactArtemisMessage` removes both (and the AppSecret) before anything is shown.
 */
import { redact } from '../http';

/**
 * HikCentral Professional's result codes (HCP OpenAPI guide appendix and answers captured on a real HCP;
 * docs/real-apis.md), then the Artemis gateway's. iSecure Center's tables differ (it uses 0x02401007 for
 * "token expired"): this table is HCP's. A Map, so a code such as "constructor" or "__proto__" is unknown.
 */
const CODES: ReadonlyMap<string, string> = new Map([
    ['1', 'unknown error: the API consumer\'s partner parameter userId is probably 0 or not a real HikCentral user'],
    ['2', 'request parameter error (for example a door index code, or a time window longer than allowed); HikCentral checks parameters before permissions, so this can hide a missing permission'],
    ['6', 'server busy: retry later'],
    ['17', 'no permission for OpenAPI access: authorise the API consumer for this API group'],
    ['128', 'the requested resource does not exist (is the OpenAPI component of this API installed?)'],
    ['130', 'no permission for this resource (door or person): check the API consumer user\'s permissions'],
    ['0x02401000', 'AppKey missing'],
    ['0x02401001', 'no partner (API consumer) for this AppKey'],
    ['0x02401002', 'signature missing'],
    ['0x02401003', 'signature incorrect: check the AppSecret and the server clock'],
    ['0x02401004', 'API authentication failed'],
    ['0x02401005', 'API token missing'],
    ['0x02401006', 'API token abnormal'],
    ['0x02401007', 'no permission: the API consumer is not authorised for this API'],
    ['0x02401008', 'this API is not authorised for the API consumer'],
    ['0x02401009', 'API call limit reached: polling less often'],
    ['0x0240100a', 'parameter conversion error: check the parameters and the consumer\'s partner parameters'],
    ['0x0240100b', 'API call quota exceeded: polling less often'],
    ['0x0240100c', 'call statistics error'],
    ['0x02401010', 'the API consumer has no partner parameter userId: set it to a real HikCentral user'],
    ['0x0240101b', 'the API consumer is restricted by IP address'],
    ['0x0240101c', 'the API consumer is restricted by MAC address'],
    ['0x0240101d', 'the API consumer is restricted by IP and MAC address'],
    ['0x02401021', 'the server could not parse the request JSON'],
    ['0x02401022', 'the server could not produce the response JSON'],
    ['0x02401023', 'unsupported character set'],
    ['0x02401642', 'unknown AppKey: no such API consumer'],
    ['0x02400004', 'service call error'],
    ['0x00072001', 'a required parameter is empty'],
    ['0x00072002', 'a parameter is out of range'],
    ['0x00072003', 'a parameter has the wrong format'],
    ['0x00072004', 'response too long: reduce the page size'],
    ['0x00072005', 'a parameter does not exist'],
    ['0x00072006', 'a parameter is too long'],
    ['0x00052101', 'service at peak: retry later'],
    ['0x00052102', 'service error'],
    ['0x00052103', 'service timeout'],
    ['0x00052104', 'service unavailable'],
    ['0x00072201', 'no permission for this resource'],
    ['0x00072202', 'no permission for this resource, or it does not exist'],
    ['0x00072203', 'licence count exceeded'],
    ['0x00072204', 'licence lacks this feature'],
    ['0x00052301', 'unknown error'],
]);

/** Codes after which a query without eventType is retried once per configured event type. */
export const EVENT_TYPE_REQUIRED_CODES: ReadonlySet<string> = new Set(['2', '0x00072001', '0x00072003', '0x00072005', '0x0240100a']);

/** Codes that mean "slow down": the poller backs off longer (call limit, quota, service at peak, server busy). */
export const THROTTLE_CODES: ReadonlySet<string> = new Set(['0x02401009', '0x0240100b', '0x00052101', '6']);

/** "Response too long": the client halves the page size and asks again (down to 1). */
export const TOO_LONG_CODE = '0x00072004';

/** Is `err` an Artemis answer with one of `codes` (compared case-insensitively)? */
export function hasCode(err: unknown, codes: ReadonlySet<string>): boolean {
    return err instanceof ArtemisError && err.kind === 'api' && err.code !== undefined && codes.has(err.code.toLowerCase());
}

export function describeCode(code: string): string | undefined {
    return CODES.get(code.toLowerCase());
}

export interface RedactionSecrets {
    appKey?: string;
    appSecret?: string;
    stringToSign?: string;
}

/**
 * Removes secrets from a HikCentral message: everything from a "StringToSign" marker on, the exact
 * string-to-sign (raw and JSON-escaped), the AppKey and the AppSecret. Long messages are cut.
 */
export function redactArtemisMessage(text: unknown, secrets: RedactionSecrets): string {
    let out = typeof text === 'string' ? text : text === undefined || text === null ? '' : JSON.stringify(text);
    if (secrets.stringToSign) {
        const sts = secrets.stringToSign;
        for (const form of [sts, JSON.stringify(sts).slice(1, -1), sts.replace(/\n/g, ' '), sts.replace(/\n/g, '')]) {
            if (form.length >= 3) out = out.split(form).join('***');
        }
    }
    out = out.replace(/(string[\s_-]*to[\s_-]*sign)[\s\S]*$/i, '$1: ***');
    out = redact(out, [secrets.appKey, secrets.appSecret]);
    if (out.length > 300) out = out.slice(0, 300) + '…';
    return out;
}

export type ArtemisErrorKind = 'api' | 'http' | 'malformed' | 'transport' | 'config';

/** A failed Artemis call, with a secret-free message fit for status, log and msg. */
export class ArtemisError extends Error {
    readonly kind: ArtemisErrorKind;
    /** HikCentral result code (kind "api"), e.g. "0x02401003". */
    readonly code?: string;
    /** HTTP status (kind "http"). */
    readonly status?: number;
    /** Short text for the node status, e.g. "0x02401003" or "HTTP 502" or "timeout". */
    readonly short: string;
    constructor(kind: ArtemisErrorKind, message: string, short: string, extra: { code?: string; status?: number } = {}) {
        super(message);
        this.name = 'ArtemisError';
        this.kind = kind;
        this.short = short;
        this.code = extra.code;
        this.status = extra.status;
    }
}

/** The error for a non-"0" result code. */
export function apiError(code: string, msg: unknown, secrets: RedactionSecrets): ArtemisError {
    const described = describeCode(code);
    const serverText = redactArtemisMessage(msg, secrets);
    const parts = [`HikCentral code ${code}`];
    if (described) parts.push(described);
    if (serverText !== '') parts.push(`(server: ${serverText})`);
    return new ArtemisError('api', parts.join(': ').replace(/: \(server/, ' (server'), code, { code });
}
