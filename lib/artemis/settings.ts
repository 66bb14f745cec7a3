/**
 * The HikCentral (Artemis) connection settings: read once from the artemis-server node's properties and
 * credentials, by the config node and by its Test-connection route alike, so the two cannot drift.
 */
import { validateBaseUrl } from '../http';
import { positiveNumber, readBool } from '../config';
import type { SettingsProblem } from '../kit/connection';
import { ArtemisClient } from './client';

/** The artemis-server properties as a flow or the editor's Test-connection form gives them. */
export interface ArtemisProperties {
    baseUrl?: unknown;
    timeout?: unknown;
    rejectUnauthorized?: unknown;
    ca?: unknown;
}

export interface ArtemisCredentials {
    appKey?: unknown;
    appSecret?: unknown;
}

export interface ArtemisSettings {
    /** Without a trailing /artemis: the client adds it to every path. */
    baseUrl: string;
    timeoutMs: number;
    rejectUnauthorized: boolean;
    ca?: string;
    appKey: string;
    appSecret: string;
}

const DEFAULT_TIMEOUT_S = 15;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The settings, or why none can be built (a key of the artemis-server catalog; never a secret). */
export function readArtemisSettings(props: ArtemisProperties, credentials: ArtemisCredentials): ArtemisSettings | SettingsProblem {
    const baseUrl = text(props.baseUrl).trim();
    if (baseUrl === '') return { problem: 'artemis-server.errors.noUrl' };
    const urlError = validateBaseUrl(baseUrl);
    if (urlError) return { problem: 'artemis-server.errors.badUrl', data: { reason: urlError } };
    const appKey = text(credentials.appKey).trim();
    const appSecret = text(credentials.appSecret).trim();
    if (appKey === '' || appSecret === '') return { problem: 'artemis-server.errors.noCredentials' };
    const ca = text(props.ca);
    return {
        baseUrl: baseUrl.replace(/\/artemis\/?$/i, ''),
        timeoutMs: positiveNumber(props.timeout, DEFAULT_TIMEOUT_S) * 1000,
        rejectUnauthorized: readBool(props.rejectUnauthorized, true),
        ca: ca.trim() !== '' ? ca : undefined,
        appKey,
        appSecret,
    };
}

export function createArtemisClient(settings: ArtemisSettings): ArtemisClient {
    return new ArtemisClient({ ...settings });
}
