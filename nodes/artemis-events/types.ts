/** Types of the artemis-events node. */
import type { Node, NodeDef } from 'node-red';

export interface ArtemisEventsDef extends NodeDef {
    server: string;
    interval: number | string;
    overlap: number | string;
    initialLookback: number | string;
    pageSize: number | string;
    eventTypes: string;
    eventTypeMode: string;
    doors: string;
    overrides: unknown;
    timezone: string;
    store: string;
    mode: string;
    pushPath: string;
    pushBaseUrl: string;
    safetyInterval: number | string;
}

export type ArtemisEventsNode = Node;
