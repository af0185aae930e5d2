/**
 * `pulumi up` loads index.ts through ts-node, not tsx or vitest: the program must load that way too.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { demoConfig, ROOT, runProgram } from "./harness";
import { execLaunched } from "./helpers/launcher";

describe("index.ts under Pulumi's own TypeScript loader", () => {
    const EXPECTED: Record<string, string[]> = {
        // No admin password: prod signs in with SSO only.
        prod: ["alertmanagerConfigSecret", "argocdUrl", "clusterFacts", "environment", "grafanaUrl", "runbook", "target"],
        dev: ["alertmanagerConfigSecret", "argocdUrl", "environment", "grafanaUrl", "runbook", "target"],
    };

    it("registers what the harness registers and exports the stack outputs, for the owner and for a stack that shares its cluster", async () => {
        const { stdout } = await execLaunched(process.execPath, [path.join(ROOT, "test", "helpers", "loadLikePulumi.cjs"), "prod", "dev"]);
        const loaded = JSON.parse(stdout) as Record<string, { registered: number; outputs: string[] }>;
        expect(Object.keys(loaded)).toStrictEqual(["prod", "dev"]);
        for (const [stack, outputs] of Object.entries(EXPECTED)) {
            const run = await runProgram(stack, demoConfig(stack));
            expect(loaded[stack].registered, stack).toBe(run.resources.length);
            expect(loaded[stack].outputs, stack).toStrictEqual(outputs);
        }
    }, 30_000);
});
