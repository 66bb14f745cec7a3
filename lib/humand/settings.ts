/**
 * The Humand connection settings: read once from the humand-server node's properties and credentials,
 * by the config node and by its Test-connection route alike, so the two cannot drift.
 */
import { readNumber } from '../config';
import { validateBaseUrl } from '../http';
import type { SettingsProblem } from '../kit/connection';
import { text } from '../kit/endpoint';
import { DEFAULT_BASE_URL, DEFAULT_CLOCK_IN_PATH, DEFAULT_CLOCK_OUT_PATH, HumandConfig } from './client';

export interface HumandProperties {
    baseUrl?: unknown;
    clockInPath?: unknown;
    clockOutPath?: unknown;
    timeout?: unknown;
}

/**
 * The client configuration, or why none can be built (a key of the humand-server catalog; never a
 * secret). A blank base URL or path is Humand's default; the timeout is in seconds, at least 1.
 */
export function readHumandSettings(props: HumandProperties, credentials: { apiKey?: unknown }): HumandConfig | SettingsProblem {
    const baseUrl = text(props.baseUrl).trim() || DEFAULT_BASE_URL;
    const urlError = validateBaseUrl(baseUrl);
    if (urlError) return { problem: 'humand-server.errors.badUrl', data: { reason: urlError } };
    const apiKey = text(credentials.apiKey).trim();
    if (apiKey === '') return { problem: 'humand-server.errors.noKey' };
    return {
        baseUrl,
        clockInPath: text(props.clockInPath) || DEFAULT_CLOCK_IN_PATH,
        clockOutPath: text(props.clockOutPath) || DEFAULT_CLOCK_OUT_PATH,
        timeoutMs: Math.max(1, readNumber(props.timeout, 15)) * 1000,
        apiKey,
    };
}
