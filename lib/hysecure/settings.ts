/**
 * The HySecure gateway connection settings: read once from the hysecure-server node's properties and
 * credentials, by the config node and by its Test-connection route alike, so the two cannot drift.
 */
import { validateBaseUrl } from '../http';
import { positiveNumber, readBool } from '../config';
import type { SettingsProblem } from '../kit/connection';
import { HySecureClient } from './client';

/** The hysecure-server properties as a flow or the editor's Test-connection form gives them. */
export interface HySecureProperties {
    baseUrl?: unknown;
    timeout?: unknown;
    rejectUnauthorized?: unknown;
    ca?: unknown;
}

export interface HySecureCredentials {
    username?: unknown;
    password?: unknown;
}

export interface HySecureSettings {
    baseUrl: string;
    timeoutMs: number;
    rejectUnauthorized: boolean;
    ca?: string;
    username: string;
    /** As typed: a password may start or end with a space. */
    password: string;
}

const DEFAULT_TIMEOUT_S = 30;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The settings, or why none can be built (a key of the hysecure-server catalog; never a secret). */
export function readHySecureSettings(props: HySecureProperties, credentials: HySecureCredentials): HySecureSettings | SettingsProblem {
    const baseUrl = text(props.baseUrl).trim();
    if (baseUrl === '') return { problem: 'hysecure-server.errors.noUrl' };
    const urlError = validateBaseUrl(baseUrl);
    if (urlError) return { problem: 'hysecure-server.errors.badUrl', data: { reason: urlError } };
    const username = text(credentials.username).trim();
    const password = text(credentials.password);
    if (username === '' || password === '') return { problem: 'hysecure-server.errors.noCredentials' };
    const ca = text(props.ca);
    return {
        baseUrl,
        timeoutMs: positiveNumber(props.timeout, DEFAULT_TIMEOUT_S) * 1000,
        rejectUnauthorized: readBool(props.rejectUnauthorized, true),
        ca: ca.trim() !== '' ? ca : undefined,
        username,
        password,
    };
}

export function createHySecureClient(settings: HySecureSettings): HySecureClient {
    return new HySecureClient({ ...settings });
}
