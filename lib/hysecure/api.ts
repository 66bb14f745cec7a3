/**
 * Everything we assume about the HySecure HRMS reporting API (Accops KB008), in one place.
 *
 * Only KB008's prose is public: JWT authentication, a login/logout report filtered by start date, end date,
 * user name ("All Users" for everybody) and "start of day". The paths, JSON field names and envelope shape
 * below come from the project brief, not from an official schema, so they are UNCERTAIN: when a real gateway
 * answers differently, change them here (and only here) and the simulator's matching constants.
 */

/** `POST` with `{username, password}`, answers `{token}`. */
export const CONNECT_PATH = '/api/v1/auth/connect';
/** `POST` with `{Filters: {...}}` and `Authorization: Bearer <token>`. */
export const SESSIONS_PATH = '/api/v1/reporting/sessions';

/** A token is valid 2 minutes after it is issued. We never use one older than this (measured on our clock). */
export const TOKEN_TTL_MS = 2 * 60 * 1000;
/** Safety margin: a token is renewed when it is this close to its expiry (covers request time and clock drift). */
export const TOKEN_MARGIN_MS = 15 * 1000;

/** The literal user-name filter meaning "every user". */
export const ALL_USERS = 'All Users';

/** Login request body. */
export function connectBody(username: string, password: string): Record<string, string> {
    return { username, password };
}

/** Where the token may be in the login answer: the first non-empty string wins. */
export const TOKEN_PATHS: string[][] = [['token'], ['data', 'token'], ['accessToken'], ['access_token'], ['data', 'accessToken'], ['jwt']];

export interface ReportFilters {
    /** YYYY-MM-DD, first report day (shift day per StartOfDay). */
    startDate: string;
    /** YYYY-MM-DD, last report day, inclusive. */
    endDate: string;
    /** One user name, or ALL_USERS. */
    userName: string;
    /** "HH:MM:SS". */
    startOfDay: string;
    /** When the request was made, local wall time "YYYY-MM-DD HH:MM:SS" in the configured zone. */
    requestDate: string;
}

/** The report request body. */
export function sessionsBody(f: ReportFilters): Record<string, unknown> {
    return {
        Filters: {
            StartDate: f.startDate,
            EndDate: f.endDate,
            UserName: f.userName,
            StartOfDay: f.startOfDay,
            RequestDate: f.requestDate,
        },
    };
}

/** Envelope of every report answer: `{statusCode, statusMessage, responseDate, data}`. */
export const ENVELOPE = {
    statusCode: 'statusCode',
    statusMessage: 'statusMessage',
    responseDate: 'responseDate',
    data: 'data',
} as const;

/** The envelope's statusCode meaning success (a number or a numeric string). */
export const STATUS_OK = 200;

/** One report row: one user and one report day. */
export const ROW = {
    userId: 'UserID',
    realm: 'Realm',
    firstLogin: 'FirstLoginDateTime',
    lastLogout: 'LastLogoutDateTime',
    /** Optional fields used when present: a display name, and the report day if the gateway states it. */
    name: ['UserName', 'FullName', 'DisplayName'],
    day: ['Date', 'ReportDate', 'Day'],
} as const;
