import * as fs from "node:fs";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

const MUTATING = process.env.STRYKER_MUTATOR_WORKER !== undefined;

/**
 * Scratch folders in memory where the machine has room there (/dev/shm with a gigabyte free):
 * renders, diffs and fixtures write and remove thousands of files, which a disk's file system
 * makes slow.
 */
function inMemoryTmpdir(): Record<string, string> {
    try {
        const { bavail, bsize } = fs.statfsSync("/dev/shm");
        return bavail * bsize >= 2 ** 30 ? { TMPDIR: "/dev/shm" } : {};
    } catch {
        return {};
    }
}

/** Quickest files first: Stryker stops a mutant's run at its first failing test. */
class QuickestFirst extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
        return (await super.sort(files)).reverse();
    }
}

export default defineConfig({
    test: {
        include: ["test/**/*.test.ts"],
        // The upstream reference data, fetched when this clone has none beside it.
        globalSetup: ["test/globalSetup.ts"],
        // Under `npm run mutate` (Stryker's workers), so data computed where a file is collected counts.
        setupFiles: MUTATING ? ["test/helpers/strykerSetup.ts"] : [],
        ...(MUTATING ? { sequence: { sequencer: QuickestFirst } } : {}),
        pool: "forks",
        // Both cores: many tests wait on real tools (amtool, promtool, Alertmanager, tsx).
        maxWorkers: 2,
        // Test files share a worker so the Pulumi SDK loads once per worker. The SDK's mocks are
        // process-global: every program or component run installs fresh mocks and config
        // through test/harness.ts, so no state carries over from one file to the next.
        isolate: false,
        testTimeout: 30_000,
        // Transformed modules kept on disk by content (node_modules/.experimental-vitest-cache): a warm run skips the transform.
        experimental: { fsModuleCache: true },
        env: inMemoryTmpdir(),
    },
});
