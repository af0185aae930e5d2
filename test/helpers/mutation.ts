/**
 * What `npm run mutate` (StrykerJS) needs of the tests' caches and shared setup. Stryker runs the
 * suite once to learn which test reaches which mutant, then each mutant against only those tests,
 * in one long-lived worker. A cache shared across tests would hide both: a test served from it
 * reaches nothing, and a result computed before the mutant was switched on outlives it.
 */
import { beforeAll, beforeEach } from "vitest";

interface StrykerState {
    activeMutant?: string;
    currentTestId?: string;
}
const stryker = () => (globalThis as { __stryker__?: StrykerState }).__stryker__;

/** Under Stryker, the mutant switched on and the test being measured; empty outside it. */
function mutationScope(): string {
    const state = stryker();
    return state === undefined ? "" : `${state.activeMutant ?? ""}#${state.currentTestId ?? ""}`;
}

/**
 * A cache of results by key, for the tests of a worker to share. Under Stryker it holds only
 * what was computed for the current mutant and test, so each test's reach is its own and no
 * result outlives the mutant it was computed with (nor piles up over thousands of mutants).
 */
export class TestCache<V> {
    private readonly entries = new Map<string, V>();
    private scope = "";

    get(key: string, compute: () => V): V {
        const scope = mutationScope();
        if (scope !== this.scope) {
            this.entries.clear();
            this.scope = scope;
        }
        if (!this.entries.has(key)) this.entries.set(key, compute());
        return this.entries.get(key) as V;
    }
}

/**
 * Setup the tests of a suite share: run once before them, or under Stryker before each of
 * them, because what setup reaches outside a test counts for no test.
 */
export function beforeAllTests(setup: () => Promise<void> | void, timeout?: number): void {
    if (stryker() === undefined) beforeAll(setup, timeout);
    else beforeEach(setup, timeout);
}
