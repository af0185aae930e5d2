import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["test/**/*.test.ts"],
        // Pulumi mocks are process-global state: each test file gets its own worker.
        pool: "forks",
        // Both cores: many tests wait on real tools (amtool, promtool, Alertmanager, tsx).
        maxWorkers: 2,
        testTimeout: 30_000,
    },
});
