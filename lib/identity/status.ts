/**
 * What identity-map shows under the node and says when a refresh fails, composed from its sources
 * (table, Humand directory, fallback). Texts come from the caller's catalog through `t`.
 */
import type { StatusValue } from '../kit/status';
import { clockTime } from '../time';
import type { DirectoryState } from './service';

export type Translate = (key: string, data?: Record<string, string>) => string;

export interface IdentityView {
    /** A configuration problem: shown instead of everything else. */
    setupError?: string;
    tableSize: number;
    fallback: boolean;
    /** The Humand directory, when a humand-server is configured. */
    directory?: { state: Readonly<DirectoryState>; failing: boolean };
}

/** Longest part of a refresh error shown in the status. */
const STATUS_ERROR_CHARS = 60;

export function identityStatus(view: IdentityView, t: Translate): StatusValue {
    if (view.setupError) return { fill: 'red', shape: 'ring', text: view.setupError };
    const st = view.directory?.state;
    const failing = view.directory?.failing === true;
    const parts: string[] = [];
    if (view.tableSize > 0) parts.push(t('identity-map.status.table', { count: String(view.tableSize) }));
    if (st?.directory) {
        parts.push(
            t(failing ? 'identity-map.status.directoryFrom' : 'identity-map.status.directory', {
                count: String(st.directory.size),
                time: clockTime(st.refreshedAt),
            }),
        );
    }
    if (view.fallback) parts.push(t('identity-map.status.fallback'));
    const summary = parts.join(' · ');
    if (view.directory && !st?.directory && !failing) {
        return { fill: 'grey', shape: 'ring', text: t('identity-map.status.loading') + (summary ? ' · ' + summary : '') };
    }
    if (failing) {
        const error = (st?.lastError ?? '').slice(0, STATUS_ERROR_CHARS);
        if (parts.length === 0) return { fill: 'red', shape: 'ring', text: t('identity-map.status.failed', { error }) };
        return { fill: 'yellow', shape: 'ring', text: t('identity-map.status.refreshFailed', { error }) + ' · ' + summary };
    }
    if (parts.length === 0) return { fill: 'red', shape: 'ring', text: t('identity-map.status.noSource') };
    return { fill: 'green', shape: 'dot', text: summary };
}

/** The error reported for a failed refresh, saying which directory (if any) is kept. */
export function refreshErrorText(message: string, state: Readonly<DirectoryState> | undefined, t: Translate): string {
    return t('identity-map.errors.refresh', {
        error: message,
        kept: state?.directory ? t('identity-map.errors.kept', { count: String(state.directory.size), time: clockTime(state.refreshedAt) }) : '',
    });
}
