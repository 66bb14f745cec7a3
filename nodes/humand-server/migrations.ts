/** Versioned humand-server properties: version 1 is the release that introduced versioning. */
import { Migration, withDefaults } from '../../lib/kit/migrate';

export const MIGRATIONS: Migration[] = [
    {
        version: 1,
        up: withDefaults({
            name: '',
            baseUrl: 'https://api-prod.humand.co/public/api/v1',
            clockInPath: '/time-tracking/entries/clockIn',
            clockOutPath: '/time-tracking/entries/clockOut',
            timeout: 15,
            rateLimit: 10,
            namespace: '',
        }),
    },
];
