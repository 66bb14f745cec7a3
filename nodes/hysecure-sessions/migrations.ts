/** Versioned properties of hysecure-sessions (see lib/kit/migrate). Version 1: the properties of the first versioned release. */
import { ALL_USERS } from '../../lib/hysecure/api';
import { Migration, withDefaults } from '../../lib/kit/migrate';

export const MIGRATIONS: Migration[] = [
    {
        version: 1,
        up: withDefaults({
            name: '',
            interval: 300,
            days: 2,
            userName: ALL_USERS,
            startOfDay: '00:00:00',
            timezone: '',
            closeGrace: 30,
            store: '',
        }),
    },
];
