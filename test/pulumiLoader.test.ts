/**
 * `pulumi up` loads index.ts through ts-node, not tsx or vitest: the program must load that way too.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { demoConfig, ROOT, runProgram } from "./harness";

describe("index.ts under Pulumi's own TypeScript loader", () => {
    it.each([
        ["prod", ["alertmanagerConfigSecret", "argocdAdminPassword", "argocdUrl", "clusterFacts", "environment", "runbook", "target"]],
        ["dev", ["alertmanagerConfigSecret", "argocdUrl", "environment", "runbook", "target"]],
    ])("%s: registers what the harness registers and exports the stack outputs", async (stack, outputs) => {
        const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, "test", "helpers", "loadLikePulumi.cjs"), stack]);
        const loaded = JSON.parse(stdout);
        const run = await runProgram(stack, demoConfig(stack));
        expect(loaded.registered).toBe(run.resources.length);
        expect(loaded.outputs).toStrictEqual(outputs);
    }, 30_000);
});
