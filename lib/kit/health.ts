/**
 * Health registration tied to a node's life: registered at construction, removed when the node
 * closes, so a re-deploy never leaves a stale entry in the health endpoint or the sidebar.
 */
import type { Node } from 'node-red';
import { HealthProvider, registerHealth, unregisterHealth } from '../health';

export function attachHealth(node: Pick<Node, 'id' | 'on'>, provider: HealthProvider, retry?: () => void): void {
    registerHealth(node.id, provider, retry);
    node.on('close', () => unregisterHealth(node.id));
}
