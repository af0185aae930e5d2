/**
 * Runs `npm run check` for the shipped stacks against the replayed API server
 * (test/helpers/kubeApi.ts, replayCluster.ts), through a kubeconfig given as KUBECONFIG. The
 * stacks' plans come from the programs the other tests run (the same render `loadPlan` makes).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, vi } from "vitest";
import { checkCluster } from "../../check/command";
import { type CheckPlan, planOf } from "../../check/plan";
import type { CheckMode } from "../../check/read";
import type { CheckResult } from "../../check/result";
import { renderTree } from "../../render/tree";
import { capturedOutput, demoConfig, runProgram } from "../harness";
import { type KubeApi, startKubeApi } from "./kubeApi";
import { stackModel } from "./models";
import { type ReplayCluster, serve } from "./replayCluster";

/** The plan of a shipped stack, its kube context the replay server's. */
export async function shippedPlan(stack: string): Promise<CheckPlan> {
    const tree = await renderTree((await runProgram(stack, demoConfig(stack))).resources);
    const objects = [...tree.files.entries()].filter(([file]) => !file.startsWith("charts/")).map(([, text]) => yaml.load(text) as Parameters<typeof planOf>[2][number]);
    const model = stackModel(stack);
    return planOf(stack, model, objects, "replay", model.cluster.owner && model.cluster.owner !== stack ? stackModel(model.cluster.owner) : undefined);
}

export interface CheckRun {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
    readonly slept: number[];
}

/** Serves the replay API for the file's tests; `check` runs the check of a plan against the cluster given. */
export function replayServer(): {
    check: (plan: CheckPlan, mode: CheckMode, on: ReplayCluster, options?: { context?: string; output?: "text" | "json"; wait?: number; meanwhile?: ReplayCluster }) => Promise<CheckRun>;
    verdicts: (plan: CheckPlan, mode: CheckMode, on: ReplayCluster) => Promise<Map<string, CheckResult>>;
    withKubeconfig: <T>(on: ReplayCluster, run: () => Promise<T>) => Promise<T>;
} {
    let api: KubeApi;
    let cluster: ReplayCluster;
    let dir: string;
    beforeAll(async () => {
        api = await startKubeApi((request) => serve(cluster)(request));
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeconfig-"));
        fs.writeFileSync(path.join(dir, "config"), api.kubeconfig());
    });
    afterAll(async () => {
        fs.rmSync(dir, { recursive: true, force: true });
        await api.close();
    });
    /**
     * Runs `run` with KUBECONFIG pointing at the server, as kubectl and the client read it, serving
     * `on`. Only while it runs: the Kubernetes provider takes KUBECONFIG as its default too, and the
     * program runs other files share must not record it.
     */
    const withKubeconfig = async <T>(on: ReplayCluster, run: () => Promise<T>): Promise<T> => {
        cluster = on;
        vi.stubEnv("KUBECONFIG", path.join(dir, "config"));
        try {
            return await run();
        } finally {
            vi.unstubAllEnvs();
        }
    };
    const check = async (plan: CheckPlan, mode: CheckMode, on: ReplayCluster, options: { context?: string; output?: "text" | "json"; wait?: number; meanwhile?: ReplayCluster } = {}) => {
        const { io, written } = capturedOutput();
        const slept: number[] = [];
        const code = await withKubeconfig(on, () => checkCluster({ ...plan, context: options.context ?? "replay" }, mode, { every: 5000, output: options.output ?? "text", ...(options.wait ? { wait: options.wait } : {}) }, io, async (ms) => {
            slept.push(ms);
            // What the cluster has become by the next poll.
            cluster = options.meanwhile ?? cluster;
        }));
        return { code, ...written, slept };
    };
    const verdicts = async (plan: CheckPlan, mode: CheckMode, on: ReplayCluster) => {
        const report = JSON.parse((await check(plan, mode, on, { output: "json" })).stdout) as { checks: CheckResult[] };
        return new Map(report.checks.map((c) => [c.check, c]));
    };
    return { check, verdicts, withKubeconfig };
}
