/**
 * Editor "Test connection" endpoints. Each config node posts its form values; a password field the
 * editor did not change arrives as the placeholder "__PWRD__", and is then taken from the deployed
 * node's credentials. Answers never contain a secret.
 */
import type { NodeAPI } from 'node-red';
import type { Request, Response } from 'express';
import { errorMessage, isRecord } from './types';

export const PASSWORD_PLACEHOLDER = '__PWRD__';

export interface TestResult {
    ok: boolean;
    message: string;
}

/** Credentials the editor sent, with unchanged password placeholders replaced by the deployed values. */
export function resolveCredentials(
    RED: NodeAPI,
    nodeId: unknown,
    sent: unknown,
    names: string[],
): Record<string, string> {
    const result: Record<string, string> = {};
    const given = isRecord(sent) ? sent : {};
    const deployed =
        typeof nodeId === 'string' && nodeId !== ''
            ? (RED.nodes.getCredentials(nodeId) as Record<string, unknown> | undefined) ?? {}
            : {};
    for (const name of names) {
        const value = given[name];
        if (typeof value === 'string' && value !== PASSWORD_PLACEHOLDER && value !== '') result[name] = value;
        else if (typeof deployed[name] === 'string') result[name] = deployed[name] as string;
        else result[name] = '';
    }
    return result;
}

export function registerTestEndpoint(
    RED: NodeAPI,
    type: string,
    test: (body: Record<string, unknown>) => Promise<TestResult>,
): void {
    RED.httpAdmin.post(
        `/attendance-bridge/${type}/test`,
        RED.auth.needsPermission(`${type}.write`),
        (req: Request, res: Response) => {
            const body = isRecord(req.body) ? req.body : {};
            test(body)
                .then((result) => res.json(result))
                .catch((err: unknown) => res.json({ ok: false, message: errorMessage(err) }));
        },
    );
}
