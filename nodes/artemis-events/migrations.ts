/** Versioned properties of artemis-events (see lib/kit/migrate). Version 1: the properties of the first versioned release. */
import { DEFAULT_EVENT_TYPES } from '../../lib/artemis/events';
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
];
