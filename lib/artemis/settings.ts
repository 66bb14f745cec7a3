/**
 * The HikCentral (Artemis) connection settings: read once from the artemis-server node's properties and
 * credentials, by the config node and by its Test-connection route alike, so the two cannot drift.
 */
import { isProblem, SettingsProblem } from '../kit/connection';
import { Endpoint, EndpointProperties, readEndpoint, text } from '../kit/endpoint';
import { ArtemisClient } from './client';

export interface ArtemisCredentials {
    appKey?: unknown;
    appSecret?: unknown;
}

export interface ArtemisSettings extends Endpoint {
    appKey: string;
    appSecret: string;
}

/** The settings, or why none can be built (a key of the artemis-server catalog; never a secret). */
export function readArtemisSettings(props: EndpointProperties, credentials: ArtemisCredentials): ArtemisSettings | SettingsProblem {
    const endpoint = readEndpoint('artemis-server', props, 15);
    if (isProblem(endpoint)) return endpoint;
    const appKey = text(credentials.appKey).trim();
    const appSecret = text(credentials.appSecret).trim();
    if (appKey === '' || appSecret === '') return { problem: 'artemis-server.errors.noCredentials' };
    // Without a trailing /artemis: the client adds it to every path.
    return { ...endpoint, baseUrl: endpoint.baseUrl.replace(/\/artemis\/?$/i, ''), appKey, appSecret };
}

export function createArtemisClient(settings: ArtemisSettings): ArtemisClient {
    return new ArtemisClient({ ...settings });
}
