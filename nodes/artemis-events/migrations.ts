/**
 * Versioned properties of artemis-events (see lib/kit/migrate). Version 1: the properties of the first versioned
 * release. Version 2: `pageSize` at most 500 (HikCentral Professional's door/events limit; 1,000 was allowed before).
 */
import { DEFAULT_EVENT_TYPES } from '../../lib/artemis/events';
import { MAX_PAGE_SIZE } from '../../lib/artemis/client';
import { Migration, withDefaults } from '../../lib/kit/migrate';

export const MIGRATIONS: Migration[] = [
    {
        version: 1,
        up: withDefaults({
            name: '',
            interval: 60,
            overlap: 300,
            initialLookback: 0,
            pageSize: 200,
            eventTypes: DEFAULT_EVENT_TYPES.join(', '),
            eventTypeMode: 'auto',
            doors: '',
            overrides: [],
            timezone: '',
            store: '',
            mode: 'poll',
            pushPath: '',
            pushBaseUrl: '',
            safetyInterval: 600,
        }),
    },
    {
        version: 2,
        up: (config) => {
            const n = typeof config.pageSize === 'number' ? config.pageSize : parseFloat(String(config.pageSize ?? ''));
            return Number.isFinite(n) && n > MAX_PAGE_SIZE ? { ...config, pageSize: MAX_PAGE_SIZE } : config;
        },
    },
];
