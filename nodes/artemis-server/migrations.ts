/** Versioned artemis-server properties: version 1 is the release that introduced versioning. */
import { Migration, withDefaults } from '../../lib/kit/migrate';

export const MIGRATIONS: Migration[] = [
    { version: 1, up: withDefaults({ name: '', baseUrl: '', rejectUnauthorized: true, ca: '', timeout: 15 }) },
];
