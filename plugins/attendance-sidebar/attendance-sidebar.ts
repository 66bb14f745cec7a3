/**
 * attendance-sidebar: a Node-RED plugin. Runtime side: the health, retry and journal admin routes. Editor
 * side (attendance-sidebar.html): the "Attendance" sidebar tab showing the same health data.
 */
import type { NodeAPI } from 'node-red';
import { registerHealthRoutes } from '../../lib/health-routes';
import { journalOf } from '../../lib/journal/index';
import { registerJournalRoutes } from '../../lib/journal/routes';

interface PluginApi {
    plugins?: { registerPlugin(id: string, definition: Record<string, unknown>): void };
}

export = function (RED: NodeAPI): void {
    registerHealthRoutes(RED);
    registerJournalRoutes(RED, () => journalOf(RED));
    const api = RED as unknown as PluginApi;
    api.plugins?.registerPlugin('attendance-sidebar', { type: 'attendance-bridge-sidebar' });
};
