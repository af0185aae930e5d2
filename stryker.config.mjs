// @ts-check
/**
 * `npm run mutate`: StrykerJS mutates the program's code and runs the vitest suite against each
 * mutant, only the tests that reach it (per-test coverage), incrementally: a re-run after a small
 * change tests only what changed. Reports go to reports/mutation/ (git-ignored).
 */
import * as fs from "node:fs";
import * as path from "node:path";

// The tests find ../shared beside the checkout; the sandbox Stryker runs them in is elsewhere.
const shared = process.env.GITOPS_SHARED_DIR ?? path.resolve("..", "shared");
if (fs.existsSync(path.join(shared, "reference"))) process.env.GITOPS_SHARED_DIR = shared;

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
    testRunner: "vitest",
    // Not only the test files that import a mutated file: the program runs through a dynamic
    // import (test/harness.ts), which vitest's related-files search cannot see, so the tests
    // that judge index.ts, components/ and the chart values would never run against a mutant.
    vitest: { configFile: "vitest.config.mts", related: false },
    checkers: ["typescript"],
    tsconfigFile: "tsconfig.json",
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    coverageAnalysis: "perTest",
    // What only module loading reaches, outside every test file, would need the whole suite per
    // mutant; test/helpers/strykerSetup.ts credits what a file reaches outside its tests to them.
    ignoreStatic: true,
    mutate: ["core/**/*.ts", "model/**/*.ts", "sealing/**/*.ts", "components/**/*.ts", "render/**/*.ts", "policy/policies.ts", "lib/**/*.ts", "index.ts"],
    incremental: true,
    incrementalFile: "reports/mutation/stryker-incremental.json",
    reporters: ["html", "json", "clear-text", "progress"],
    htmlReporter: { fileName: "reports/mutation/mutation.html" },
    jsonReporter: { fileName: "reports/mutation/mutation.json" },
    thresholds: { high: 90, low: 85, break: null },
    // Stryker gives half to the TypeScript checkers: four makes two test runners, one per core.
    concurrency: 4,
    timeoutMS: 60_000,
    tempDirName: ".stryker-tmp",
};
