/**
 * "Another sender is evidently active": Humand answering "duplicate" to the first attempt of a record
 * this process accepted means someone else sent it first (a second copy of the flows in FlowFuse's HA
 * mode, a staging copy against production, a copied config node in another Node-RED). Counted, and
 * suspected when several come within a window. Pure apart from the clock it is given.
 */

/** Foreign duplicates within this window that make another sender suspected. */
export const FOREIGN_DUPLICATES_WINDOW_MS = 10 * 60 * 1000;
export const FOREIGN_DUPLICATES_SUSPECT = 3;

export class ForeignDuplicates {
    private total = 0;
    private times: number[] = [];

    constructor(private readonly now: () => number) {}

    /** Counts one; true when this one makes another sender suspected (the moment to log it once). */
    add(): boolean {
        this.total += 1;
        this.times.push(this.now());
        return this.recent() === FOREIGN_DUPLICATES_SUSPECT;
    }

    get count(): number {
        return this.total;
    }

    get suspected(): boolean {
        return this.recent() >= FOREIGN_DUPLICATES_SUSPECT;
    }

    private recent(): number {
        const since = this.now() - FOREIGN_DUPLICATES_WINDOW_MS;
        if (this.times.length > 0 && this.times[0] < since) this.times = this.times.filter((t) => t >= since);
        return this.times.length;
    }
}
