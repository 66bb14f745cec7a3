/**
 * The context-store check every stateful node runs at start: a store name the settings do not define
 * falls back to the default store, and a store that keeps nothing across restarts (memory, or no
 * contextStorage at all) breaks exactly-once. Both are warned once, with the node's own translated text.
 */
import type { Node, NodeAPI } from 'node-red';
import { isPersistentStore, storeExists } from '../context';

/**
 * Warns (translated, from `<type>.warn.unknownStore` / `<type>.warn.notPersistent` in the node's
 * catalog) when the store is unknown or not persistent. Returns true when the store is persistent.
 */
export function checkStore(RED: NodeAPI, node: Node, type: string, store: string): boolean {
    const contextStorage = (RED.settings as unknown as { contextStorage?: unknown }).contextStorage;
    if (!storeExists(contextStorage, store)) {
        node.warn(RED._(`${type}.warn.unknownStore`, { store }));
        return false;
    }
    if (!isPersistentStore(contextStorage, store)) {
        node.warn(RED._(`${type}.warn.notPersistent`));
        return false;
    }
    return true;
}
