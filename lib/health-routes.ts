/**
 * Admin routes for monitoring: GET /attendance-bridge/health (HTTP 200 when healthy, 503 when a
 * source has failed for too long or an outbox is stuck) and POST /attendance-bridge/retry (retry
 * every outbox now). Protected like the other admin routes. Registered once per admin app, whichever
 * module of the package loads first.
 */
import type { NodeAPI } from 'node-red';
import type { Request, Response } from 'express';
import { DEFAULT_THRESHOLDS, healthReport, HealthThresholds, retryAll } from './health';

const registered = new WeakSet<object>();

interface HealthSettings {
    attendanceBridge?: { healthFailAfterMinutes?: number; healthStuckAfterMinutes?: number };
}

export function thresholdsFrom(settings: unknown): HealthThresholds {
    const ab = (settings as HealthSettings | undefined)?.attendanceBridge;
    const fail = Number(ab?.healthFailAfterMinutes);
    const stuck = Number(ab?.healthStuckAfterMinutes);
    return {
        failAfterMs: Number.isFinite(fail) && fail > 0 ? fail * 60_000 : DEFAULT_THRESHOLDS.failAfterMs,
        stuckAfterMs: Number.isFinite(stuck) && stuck > 0 ? stuck * 60_000 : DEFAULT_THRESHOLDS.stuckAfterMs,
    };
}

export function registerHealthRoutes(RED: NodeAPI): void {
    const app = RED.httpAdmin as unknown as object;
    if (!app || registered.has(app)) return;
    registered.add(app);
    RED.httpAdmin.get('/attendance-bridge/health', RED.auth.needsPermission('attendance-bridge.read'), (_req: Request, res: Response) => {
        const report = healthReport(Date.now(), thresholdsFrom(RED.settings));
        res.status(report.status === 'ok' ? 200 : 503).json(report);
    });
    RED.httpAdmin.post('/attendance-bridge/retry', RED.auth.needsPermission('attendance-bridge.write'), (_req: Request, res: Response) => {
        res.json({ retried: retryAll() });
    });
}
