/**
 * The part of a config node's settings every vendor shares: base URL (the same check for all),
 * timeout and TLS. A problem is a key of the config node's own catalog: `<type>.errors.noUrl` or
 * `<type>.errors.badUrl` (data {reason}).
 */
import { validateBaseUrl } from '../http';
import { positiveNumber, readBool } from '../config';
import type { SettingsProblem } from './connection';

export interface EndpointProperties {
    baseUrl?: unknown;
    timeout?: unknown;
    rejectUnauthorized?: unknown;
    ca?: unknown;
}

export interface Endpoint {
    /** Trimmed. */
    baseUrl: string;
    timeoutMs: number;
    /** Verify the server certificate: true unless explicitly false. */
    rejectUnauthorized: boolean;
    /** The pasted PEM as it is, or undefined when blank. */
    ca?: string;
}

/** A string property, else ''. */
export function text(value: unknown): string {
    return typeof value === 'string' ? value : '';
}

export function readEndpoint(type: string, props: EndpointProperties, defaultTimeoutS: number): Endpoint | SettingsProblem {
    const baseUrl = text(props.baseUrl).trim();
    if (baseUrl === '') return { problem: `${type}.errors.noUrl` };
    const urlError = validateBaseUrl(baseUrl);
    if (urlError) return { problem: `${type}.errors.badUrl`, data: { reason: urlError } };
    const ca = text(props.ca);
    return {
        baseUrl,
        timeoutMs: positiveNumber(props.timeout, defaultTimeoutS) * 1000,
        rejectUnauthorized: readBool(props.rejectUnauthorized, true),
        ca: ca.trim() !== '' ? ca : undefined,
    };
}
