/**
 * `pulumi up` loads index.ts through ts-node, not tsx or vitest: the program must load that way too.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { demoConfig, ROOT, runProgram } from "./harness";

describe("index.ts under Pulumi's own TypeScript loader", () => {
    it("registers what the harness registers and exports the stack outputs", async () => {
        const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, "test", "helpers", "loadLikePulumi.cjs"), "dev"]);
        const loaded = JSON.parse(stdout);
        const run = await runProgram("dev", demoConfig("dev"));
        expect(loaded.registered).toBe(run.resources.length);
        expect(loaded.outputs).toStrictEqual(["alertmanagerConfigSecret", "argocdAdminPassword", "argocdUrl", "environment", "runbook"]);
    }, 30_000);
});
