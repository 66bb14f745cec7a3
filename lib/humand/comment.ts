/** The `comment` sent with each Humand record, from a small template such as "{{source}} · {{device}}". */
import { AttendanceEvent } from '../types';

export const DEFAULT_COMMENT = '{{source}} · {{device}}';

const SOURCE_LABELS: Record<string, string> = { hikcentral: 'HikCentral', hysecure: 'HySecure' };

export function renderComment(template: string, event: AttendanceEvent): string {
    const values: Record<string, string> = {
        source: SOURCE_LABELS[event.source] ?? event.source ?? '',
        device: event.device?.name || event.device?.id || '',
        person: event.person?.name || event.person?.code || event.person?.id || '',
        employeeId: event.employeeId ?? '',
        direction: event.direction ?? '',
        id: event.id ?? '',
    };
    const text = (template ?? '').replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name: string) => values[name] ?? '');
    // Drop separators left dangling by empty values ("HikCentral · " → "HikCentral").
    return text
        .replace(/(\s*·\s*){2,}/g, ' · ')
        .replace(/^\s*·\s*|\s*·\s*$/g, '')
        .trim()
        .slice(0, 250);
}
