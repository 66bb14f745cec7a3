/**
 * Versioned node properties. Every node's editor definition has a `version` default (the current
 * CONFIG_VERSION); a flow saved by an older release has a lower or no `version`, and its properties
 * are upgraded here, step by step, before the node reads them. A migration never removes what a
 * later step or the node still needs, and a flow from a newer release is read as it is (with a warning).
 * The pattern follows zachowj/node-red-contrib-home-assistant-websocket's migrations.
 */

/** The properties of one node as Node-RED hands them to its constructor. */
export type NodeProperties = Record<string, unknown> & { version?: unknown };

export interface Migration {
    /** The version this step produces; it runs for flows whose version is lower. */
    version: number;
    up(config: NodeProperties): NodeProperties;
}

export interface MigrationResult<T> {
    config: T;
    /** The version the flow was saved with (0 when it had none). */
    from: number;
    /** True when the flow was saved by a newer release than this one. */
    newer: boolean;
}

/** The version a flow was saved with: a missing or unreadable version is 0 (releases before versioning). */
export function configVersion(config: NodeProperties): number {
    const v = typeof config.version === 'number' ? config.version : parseInt(String(config.version ?? ''), 10);
    return Number.isInteger(v) && v >= 0 ? v : 0;
}

/** Applies every migration above the flow's version, in order, and stamps the latest version. */
export function migrate<T extends NodeProperties>(config: T, migrations: readonly Migration[]): MigrationResult<T> {
    const from = configVersion(config);
    const steps = [...migrations].sort((a, b) => a.version - b.version);
    const latest = steps.length > 0 ? steps[steps.length - 1].version : 0;
    let current: NodeProperties = { ...config };
    for (const step of steps) {
        if (step.version > from) current = { ...step.up(current), version: step.version };
    }
    return { config: current as T, from, newer: from > latest };
}

/** Fills properties that are missing (undefined) with their defaults: the usual first migration. */
export function withDefaults(defaults: Record<string, unknown>): (config: NodeProperties) => NodeProperties {
    return (config) => {
        const out: NodeProperties = { ...config };
        for (const [key, value] of Object.entries(defaults)) {
            if (out[key] === undefined) out[key] = value;
        }
        return out;
    };
}

/** The node-side step: migrates the properties and warns (once, at start) about a flow from a newer release. */
export function migrateNodeConfig<T extends NodeProperties>(
    node: { warn(text: string): void; type: string },
    config: T,
    migrations: readonly Migration[],
): T {
    const result = migrate(config, migrations);
    if (result.newer) {
        node.warn(`${node.type}: this flow was saved by a newer attendance-bridge (node version ${String(config.version)}); its properties are read as they are`);
    }
    return result.config;
}
