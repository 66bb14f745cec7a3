/**
 * The first-load gate: events wait for the Humand directory's first load, but never longer than
 * `waitMs`; then they are handled with what there is. One shared promise keeps them in arrival order.
 */
import { cappedTimeout } from '../kit/timer';

export interface FirstLoadGate {
    /** Resolves (never rejects) once the first load ended or the wait ran out. */
    readonly opened: Promise<void>;
    /** Clears the wait timer (node close); an unopened gate then stays shut. */
    close(): void;
}

export function firstLoadGate(ready: Promise<void> | undefined, waitMs: number): FirstLoadGate {
    if (!ready) return { opened: Promise.resolve(), close: () => undefined };
    let timer: NodeJS.Timeout | undefined;
    const clear = (): void => {
        if (timer) clearTimeout(timer);
        timer = undefined;
    };
    const wait = new Promise<void>((resolve) => {
        timer = cappedTimeout(resolve, waitMs);
    });
    const opened = Promise.race([ready, wait]).then(clear, clear);
    return { opened, close: clear };
}
