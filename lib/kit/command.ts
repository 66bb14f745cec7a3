/**
 * Commands given in `msg.topic` ("retry", "refresh", "poll") share the topic with data: a source or
 * identity-map sets the topic to the person's or employee's id, so an employee whose id is "retry" would
 * have every punch taken for a command. The rule every node applies: a message is a command only when
 * its topic names it and its payload is not an attendance event.
 */
import { isRecord } from '../types';

/**
 * Whether a payload is (or is meant to be) an attendance event: an object with a `person` object, an
 * `employeeId` or a `time`. An incomplete one is still data (it is reported as invalid, not obeyed).
 */
export function isEventPayload(payload: unknown): boolean {
    if (!isRecord(payload)) return false;
    return isRecord(payload.person) || payload.employeeId !== undefined || payload.time !== undefined;
}

/** Whether `msg` is the command `name`: its topic is `name` and its payload is not an attendance event. */
export function isCommand(msg: { topic?: unknown; payload?: unknown }, name: string): boolean {
    return msg.topic === name && !isEventPayload(msg.payload);
}
