/** identity-map's entry in the health registry: its sources, the directory's age and its errors. */
import type { HealthInfo, HealthTracker } from '../health';
import type { DirectoryState } from './service';

export interface IdentityHealthInput {
    id: string;
    name?: string;
    tableSize: number;
    fallback: boolean;
    /** The looked-up field, e.g. "person.code". */
    lookup: string;
    humandField: string;
    setupError?: string;
    state?: Readonly<DirectoryState>;
    tracker: HealthTracker;
}

export function identityHealth(input: IdentityHealthInput): HealthInfo {
    const { state: st, tracker } = input;
    const details: Record<string, string | number | boolean> = {
        tableSize: input.tableSize,
        fallback: input.fallback,
        lookup: input.lookup,
        humandField: input.humandField,
    };
    if (st?.directory) {
        details.directorySize = st.directory.size;
        details.inactive = st.directory.inactive;
        details.ambiguousKeys = st.directory.ambiguousKeys;
    }
    const refreshedAt = st?.refreshedAt !== undefined ? new Date(st.refreshedAt).toISOString() : undefined;
    if (refreshedAt !== undefined) details.refreshedAt = refreshedAt;
    if (st?.origin) details.directoryFrom = st.origin;
    return {
        id: input.id,
        type: 'identity-map',
        name: input.name || 'identity-map',
        lastSuccess: st?.lastSuccess ?? tracker.lastSuccess,
        cursor: refreshedAt,
        nextRetryAt: st?.nextRefreshAt,
        lastError: input.setupError ?? st?.lastError ?? tracker.lastError,
        lastErrorAt: st?.lastErrorAt ?? tracker.lastErrorAt,
        failingSince: st?.failingSince,
        counts: { ...tracker.counts },
        details,
    };
}
