/** Types of the identity-map node's configuration. */
import type { NodeDef } from 'node-red';
import type { LookupField } from '../../lib/identity/settings';

export interface IdentityMapDef extends NodeDef {
    [property: string]: unknown;
    version?: number;
    server: string;
    lookup: LookupField | string;
    /** msg property path when lookup is "msg", e.g. "payload.raw.cardNo". */
    lookupPath: string;
    humandField: string;
    table: Array<{ source?: unknown; target?: unknown }>;
    fallback: boolean;
    /** Minutes between directory refreshes. */
    refresh: number | string;
    store: string;
}
