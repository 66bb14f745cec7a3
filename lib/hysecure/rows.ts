/**
 * Validation of report rows. A bad row is reported (kind + secret-free message) and skipped; the other
 * users' rows of the same report are unaffected. Rows of the same user and report day are merged
 * (earliest login, latest logout) and the merge is reported as a "duplicate".
 */
import type { DateTime } from 'luxon';
import { isRecord } from '../types';
import { ROW } from './api';
import { reportDay, DayOptions } from './reportday';
import { isDay, readReportTime } from './localtime';

export type ProblemKind =
    | 'not-object'
    | 'no-user'
    | 'no-login'
    | 'bad-login'
    | 'bad-logout'
    | 'logout-before-login'
    | 'duplicate'
    | 'future-login'
    | 'future-logout'
    /** A day's logout seen after a later day of that person was emitted: not emitted (out of order). */
    | 'late-logout';

export interface RowProblem {
    kind: ProblemKind;
    userId?: string;
    message: string;
}

export interface ReportSession {
    userId: string;
    name?: string;
    realm?: string;
    /** Report day, YYYY-MM-DD. */
    day: string;
    login: DateTime;
    loginText: string;
    /** Null while no logout is reported (still connected), or when the logout is unusable (see logoutProblem). */
    logout: DateTime | null;
    logoutText?: string;
    /** Set when a logout was reported but cannot be used: the "out" is then never emitted for this row. */
    logoutProblem?: ProblemKind;
    raw: Record<string, unknown>;
}

export interface ValidatedRows {
    sessions: ReportSession[];
    problems: RowProblem[];
    rows: number;
}

const MAX_SHOWN = 40;

/** A value shown in a message: shortened, printable. */
function show(value: unknown): string {
    let text: string;
    if (value === null) text = 'null';
    else if (value === undefined) text = 'missing';
    else if (typeof value === 'string') text = JSON.stringify(value);
    else text = JSON.stringify(value) ?? String(value);
    return text.length > MAX_SHOWN ? text.slice(0, MAX_SHOWN) + '…' : text;
}

function userIdOf(row: Record<string, unknown>): string | null {
    const v = row[ROW.userId];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    return null;
}

function firstString(row: Record<string, unknown>, names: readonly string[]): string | undefined {
    for (const n of names) {
        const v = row[n];
        if (typeof v === 'string' && v.trim() !== '') return v.trim();
    }
    return undefined;
}

export function validateRows(data: unknown, options: DayOptions): ValidatedRows {
    const problems: RowProblem[] = [];
    const list = Array.isArray(data) ? data : [];
    const byKey = new Map<string, ReportSession>();

    list.forEach((row, index) => {
        if (!isRecord(row)) {
            problems.push({ kind: 'not-object', message: `row ${index + 1} is not an object` });
            return;
        }
        const userId = userIdOf(row);
        if (!userId) {
            problems.push({ kind: 'no-user', message: `row ${index + 1} has no ${ROW.userId} (${show(row[ROW.userId])})` });
            return;
        }
        const loginValue = row[ROW.firstLogin];
        if (loginValue === null || loginValue === undefined || (typeof loginValue === 'string' && loginValue.trim() === '')) {
            problems.push({ kind: 'no-login', userId, message: `${userId}: no ${ROW.firstLogin} (${show(loginValue)})` });
            return;
        }
        const login = readReportTime(loginValue, options.zone);
        if (!login) {
            problems.push({ kind: 'bad-login', userId, message: `${userId}: unreadable ${ROW.firstLogin} ${show(loginValue)}` });
            return;
        }
        const loginDt = login.candidates[0];
        const loginText = String(loginValue).trim();
        const statedDay = firstString(row, ROW.day);
        const day = statedDay && isDay(statedDay) ? statedDay : reportDay(loginDt, options);

        const session: ReportSession = {
            userId,
            day,
            login: loginDt,
            loginText,
            logout: null,
            raw: row,
        };
        const name = firstString(row, ROW.name);
        if (name) session.name = name;
        const realm = firstString(row, [ROW.realm]);
        if (realm) session.realm = realm;

        const logoutValue = row[ROW.lastLogout];
        const noLogout = logoutValue === null || logoutValue === undefined || (typeof logoutValue === 'string' && logoutValue.trim() === '');
        if (!noLogout) {
            session.logoutText = String(logoutValue).trim();
            const logout = readReportTime(logoutValue, options.zone);
            if (!logout) {
                session.logoutProblem = 'bad-logout';
                problems.push({ kind: 'bad-logout', userId, message: `${userId} ${day}: unreadable ${ROW.lastLogout} ${show(logoutValue)}: no "out"` });
            } else {
                // In an overlap the logout is the earliest reading not before the login.
                const usable = logout.candidates.find((c) => c.toMillis() >= loginDt.toMillis());
                if (!usable) {
                    session.logoutProblem = 'logout-before-login';
                    problems.push({
                        kind: 'logout-before-login',
                        userId,
                        message: `${userId} ${day}: logout ${show(logoutValue)} before login ${show(loginValue)}: no "out"`,
                    });
                } else {
                    session.logout = usable;
                }
            }
        }

        const key = `${userId}\u0000${day}`;
        const prev = byKey.get(key);
        if (!prev) {
            byKey.set(key, session);
            return;
        }
        problems.push({ kind: 'duplicate', userId, message: `${userId} ${day}: more than one row: merged (earliest login, latest logout)` });
        byKey.set(key, merge(prev, session));
    });

    return { sessions: [...byKey.values()], problems, rows: list.length };
}

function merge(a: ReportSession, b: ReportSession): ReportSession {
    const first = b.login.toMillis() < a.login.toMillis() ? b : a;
    const out: ReportSession = { ...first };
    // Latest usable logout; a logout problem only counts when no usable logout exists.
    const logouts = [a, b].filter((s) => s.logout !== null);
    if (logouts.length > 0) {
        const last = logouts.reduce((x, y) => ((y.logout as DateTime).toMillis() > (x.logout as DateTime).toMillis() ? y : x));
        out.logout = last.logout;
        out.logoutText = last.logoutText;
        delete out.logoutProblem;
        if (out.logout && out.logout.toMillis() < out.login.toMillis()) {
            out.logout = null;
            out.logoutProblem = 'logout-before-login';
        }
    } else {
        out.logout = null;
        out.logoutText = a.logoutText ?? b.logoutText;
        const problem = a.logoutProblem ?? b.logoutProblem;
        if (problem) out.logoutProblem = problem;
        else delete out.logoutProblem;
    }
    out.name = a.name ?? b.name;
    if (out.name === undefined) delete out.name;
    return out;
}
