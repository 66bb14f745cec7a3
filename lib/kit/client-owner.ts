/**
 * The ConnectionApi of a config node built from one factory: createClient is the factory (the caller
 * owns what it returns), getClient keeps the first client built as the shared one and destroys it
 * when the config node closes.
 */
import type { ConnectionApi } from './connection';

interface Destroyable {
    destroy(): void;
}

interface ClosingNode {
    on(event: 'close', listener: (removed: boolean, done: () => void) => void): unknown;
}

export function connectionApi<C extends Destroyable>(node: ClosingNode, create: () => C | string): ConnectionApi<C> {
    let shared: C | undefined;
    node.on('close', (_removed: boolean, done: () => void) => {
        shared?.destroy();
        shared = undefined;
        done();
    });
    return {
        createClient: create,
        getClient: () => {
            if (shared) return shared;
            const built = create();
            if (typeof built !== 'string') shared = built;
            return built;
        },
    };
}
