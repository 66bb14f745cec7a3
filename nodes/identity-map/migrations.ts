/** Versioned identity-map properties: version 1 is the release that introduced versioning. */
import { Migration, withDefaults } from '../../lib/kit/migrate';

export const MIGRATIONS: Migration[] = [
    {
        version: 1,
        up: withDefaults({
            name: '',
            lookup: 'person.code',
            lookupPath: '',
            table: [],
            server: '',
            humandField: 'employeeInternalId',
            refresh: 60,
            fallback: false,
            store: '',
        }),
    },
];
