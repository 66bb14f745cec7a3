/**
 * The identity-map node's properties read once, with today's defaults: which event field is looked
 * up, the Humand field it is matched against, the table rows as text, the refresh interval and store.
 */
import { clampedNumber } from '../config';
import { isRecord } from '../types';
import { HumandField, isHumandField } from './directory';
import type { LookupPlace } from './lookup';
import type { TableEntry } from './table';

export type LookupField = LookupPlace['lookup'];
const LOOKUP_FIELDS: readonly string[] = ['person.code', 'person.id', 'person.name', 'msg'];

export interface IdentitySettings extends LookupPlace {
    humandField: HumandField;
    fallback: boolean;
    refreshMs: number;
    store: string;
    entries: TableEntry[];
}

function cell(value: unknown): string {
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

export function readIdentitySettings(config: Record<string, unknown>): IdentitySettings {
    const lookup = (LOOKUP_FIELDS.includes(String(config.lookup)) ? config.lookup : 'person.code') as LookupField;
    const lookupPath = (typeof config.lookupPath === 'string' ? config.lookupPath : '').trim().replace(/^msg\./, '');
    const rows: unknown[] = Array.isArray(config.table) ? config.table : [];
    return {
        lookup,
        lookupPath,
        fieldLabel: lookup === 'msg' ? 'msg.' + lookupPath : lookup,
        humandField: isHumandField(config.humandField) ? config.humandField : 'employeeInternalId',
        fallback: config.fallback === true,
        refreshMs: clampedNumber(config.refresh, 60, 1) * 60_000,
        store: (typeof config.store === 'string' ? config.store : '').trim(),
        entries: rows.map((r) => ({ source: isRecord(r) ? cell(r.source) : '', target: isRecord(r) ? cell(r.target) : '' })),
    };
}
