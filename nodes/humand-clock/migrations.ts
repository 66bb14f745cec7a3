/**
 * Versioned humand-clock properties: version 1 is the release that introduced versioning; version 2
 * adds `maxFuture` (hours) and `newShiftAfter` (hours) with their defaults (issue 13).
 */
import { Migration, withDefaults } from '../../lib/kit/migrate';

export const MIGRATIONS: Migration[] = [
    {
        version: 1,
        up: withDefaults({
            name: '',
            server: '',
            store: '',
            debounce: 60,
            futureTolerance: 120,
            nullDirection: 'toggle',
            sameDirection: 'send',
            concurrency: 4,
            comment: '{{source}} · {{device}}',
            dryRun: false,
        }),
    },
    {
        version: 2,
        up: withDefaults({
            maxFuture: 24,
            newShiftAfter: 10,
        }),
    },
];
