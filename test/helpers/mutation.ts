/**
 * What `npm run mutate` (StrykerJS) needs of the tests' caches. Stryker runs the suite once to
 * learn which test reaches which mutant, then each mutant against only those tests: a test
 * served from a cache another test filled would reach nothing, and never run against the
 * mutants it checks.
 */
import { it } from "vitest";

interface StrykerState {
    activeMutant?: string;
    currentTestId?: string;
}
const stryker = () => (globalThis as { __stryker__?: StrykerState }).__stryker__;

/**
 * Under Stryker, what a cached result may be shared within: in a mutant's run, that mutant (its
 * tests all run against it); in the dry run, which measures each test's reach, the test being
 * measured. Empty outside Stryker.
 */
function mutationScope(): string {
    const state = stryker();
    if (state === undefined) return "";
    return state.activeMutant !== undefined ? `mutant ${state.activeMutant}` : `test ${state.currentTestId ?? ""}`;
}

/**
 * A cache of results by key, for the tests of a worker to share. Under Stryker it holds only
 * what was computed in the current scope (above), so in the dry run each test's reach is its own,
 * and no result outlives the mutant it was computed with (nor piles up over thousands of mutants).
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
 * A test that runs at once with its concurrent neighbours, but one at a time under Stryker,
 * whose per-test coverage follows the one test being measured (`currentTestId`).
 */
export const itAtOnce: typeof it.concurrent = process.env.STRYKER_MUTATOR_WORKER === undefined ? it.concurrent : it;
