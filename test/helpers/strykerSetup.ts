/**
 * Setup for the suite under `npm run mutate` only (see vitest.config.mts), run after Stryker's own.
 *
 * Much of the suite computes its data where a test file is collected: describe-level renders,
 * `describe.each` over the stacks' models. Stryker counts what runs there for no test, and
 * switches a mutant on only when the first test starts, so that data never sees the mutant and
 * the tests that check it never run against it. Two changes make those tests count:
 * - in the dry run, what a file reaches outside its tests is credited to each of its tests, and
 *   the program's modules are loaded afresh for each file, so that a constant reached only where
 *   its module loads is credited to every file that loads it, not the first one alone;
 * - in a mutant run, the mutant is on before the file is collected (vitest evaluates the
 *   program's modules afresh on every run, so they see it too).
 */
import { afterAll, beforeEach, inject, vi } from "vitest";

type Hits = Record<string, number>;
interface StrykerState {
    activeMutant?: string;
    currentTestId?: string;
    mutantCoverage?: { static: Hits; perTest: Record<string, Hits> };
}
const state = (globalThis as { __stryker__?: StrykerState }).__stryker__ ?? {};
const provided = inject as (key: string) => unknown;

if (provided("mode") === "mutant") {
    state.activeMutant = provided("activeMutant") as string;
} else {
    vi.resetModules();
    const coverage = (state.mutantCoverage ??= { static: {}, perTest: {} });
    const before: Hits = { ...coverage.static };
    const testIds = new Set<string>();
    beforeEach(() => {
        if (state.currentTestId !== undefined) testIds.add(state.currentTestId);
    });
    afterAll(() => {
        for (const [mutant, hits] of Object.entries(coverage.static)) {
            const delta = hits - (before[mutant] ?? 0);
            if (delta === 0) continue;
            for (const id of testIds) {
                const perTest = (coverage.perTest[id] ??= {});
                perTest[mutant] = (perTest[mutant] ?? 0) + delta;
            }
            if (testIds.size > 0) coverage.static[mutant] = hits - delta;
            if (coverage.static[mutant] === 0) delete coverage.static[mutant];
        }
    });
}
