/**
 * The push receiver of artemis-events: HikCentral POSTs OnEventNotify bodies to a path of Node-RED's
 * httpNode app. Each path is registered once per app and dispatched through a map path → the handler
 * of the node that currently owns it; when the node closes it removes its handler and the path answers
 * as if it had no route (404), without touching Express's internals.
 */
import { createHash, timingSafeEqual } from 'crypto';
import type { NextFunction, Request, Response } from 'express';
import { isRecord } from '../types';
import { pushEvents } from './events';

/** Largest push body read from the stream (larger ones are cut, hence refused as not JSON). */
export const MAX_PUSH_BYTES = 5 * 1024 * 1024;

export type PushHandler = (req: Request, res: Response) => void;

/** The part of an Express app the receiver needs. */
export interface PostApp {
    post(path: string, handler: (req: Request, res: Response, next: NextFunction) => void): unknown;
}

/** Per app: every path registered on it, and its current handler (undefined once its node closed). */
const routes = new WeakMap<object, Map<string, PushHandler | undefined>>();

/**
 * Routes POSTs of `path` on `app` to `handler` (replacing the handler another node registered for the
 * same path). Returns the function that removes this handler; the path then answers 404.
 */
export function registerPushRoute(app: PostApp, path: string, handler: PushHandler): () => void {
    let handlers = routes.get(app);
    if (!handlers) {
        handlers = new Map();
        routes.set(app, handlers);
    }
    const table = handlers;
    if (!table.has(path)) {
        app.post(path, (req, res, next) => {
            const current = table.get(path);
            if (current) current(req, res);
            else next();
        });
    }
    table.set(path, handler);
    return () => {
        if (table.get(path) === handler) table.set(path, undefined);
    };
}

function safeParse(text: string): unknown {
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return undefined;
    }
}

/**
 * The request body: the one a body parser already read (a JSON string is parsed), or else read from
 * the stream (at most MAX_PUSH_BYTES) and parsed; undefined when it is not JSON. Rejects on a stream error.
 */
export function readPushBody(req: Request): Promise<unknown> {
    if (req.body !== undefined && !(isRecord(req.body) && Object.keys(req.body).length === 0 && req.readable)) {
        return Promise.resolve(typeof req.body === 'string' ? safeParse(req.body) : (req.body as unknown));
    }
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= MAX_PUSH_BYTES) chunks.push(c);
        });
        req.on('end', () => resolve(safeParse(Buffer.concat(chunks).toString('utf8'))));
        req.on('error', reject);
    });
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Does `given` equal the token? Compared in constant time: both are hashed to equal-length buffers first, so
 * neither the content nor the length of the token can be timed.
 */
export function tokenMatches(given: unknown, token: string): boolean {
    const text = typeof given === 'string' ? given : Array.isArray(given) && typeof given[0] === 'string' ? given[0] : '';
    return timingSafeEqual(digest(text), digest(token));
}

/** The token a push carries: `?token=` (what the node puts in eventDest), else a `token` request header. */
function pushToken(req: Request): unknown {
    const query = (req.query as Record<string, unknown> | undefined)?.token;
    if (query !== undefined) return query;
    return (req.headers as Record<string, unknown> | undefined)?.token;
}

export interface PushReceiver {
    /** Required as `?token=` (or a `token` header) on every push; '' accepts every push. */
    token: string;
    /** Counts a refused push: a wrong token (403) or a body that is not OnEventNotify (400). */
    refused(kind: 'refusedPushes' | 'badPushes'): void;
    /** The events of an accepted push, called after HikCentral got its 200 answer. */
    accept(events: unknown[]): void;
}

/** The HTTP handler: token check, body, OnEventNotify parse, the answer HikCentral expects. */
export function pushHandler(receiver: PushReceiver): PushHandler {
    return (req, res) => {
        // The token is never logged nor echoed: the refusal's answer is fixed.
        if (receiver.token !== '' && !tokenMatches(pushToken(req), receiver.token)) {
            receiver.refused('refusedPushes');
            res.status(403).json({ code: '403', msg: 'forbidden' });
            return;
        }
        readPushBody(req).then(
            (body) => {
                const events = pushEvents(body);
                if (!events) {
                    receiver.refused('badPushes');
                    res.status(400).json({ code: '2', msg: 'expected an OnEventNotify body' });
                    return;
                }
                res.status(200).json({ code: '0', msg: 'success' });
                receiver.accept(events);
            },
            () => res.status(400).end(),
        );
    };
}
