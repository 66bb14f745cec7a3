/**
 * The HySecure gateway connection settings: read once from the hysecure-server node's properties and
 * credentials, by the config node and by its Test-connection route alike, so the two cannot drift.
 */
import { isProblem, SettingsProblem } from '../kit/connection';
import { Endpoint, EndpointProperties, readEndpoint, text } from '../kit/endpoint';
import { HySecureClient } from './client';

export interface HySecureCredentials {
    username?: unknown;
    password?: unknown;
}

export interface HySecureSettings extends Endpoint {
    username: string;
    /** As typed: a password may start or end with a space. */
    password: string;
}

/** The settings, or why none can be built (a key of the hysecure-server catalog; never a secret). */
export function readHySecureSettings(props: EndpointProperties, credentials: HySecureCredentials): HySecureSettings | SettingsProblem {
    const endpoint = readEndpoint('hysecure-server', props, 30);
    if (isProblem(endpoint)) return endpoint;
    const username = text(credentials.username).trim();
    const password = text(credentials.password);
    if (username === '' || password === '') return { problem: 'hysecure-server.errors.noCredentials' };
    return { ...endpoint, username, password };
}

export function createHySecureClient(settings: HySecureSettings): HySecureClient {
    return new HySecureClient({ ...settings });
}
