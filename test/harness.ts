/**
 * The one Pulumi mocks harness of the test suite: it runs the real program (index.ts) under
 * the same mock runtime as the offline render, and records every registered resource.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { defaultModelFile } from "../model/load";
import { type RecordedResource, runMockedProgram, settled, type StackOutputs, startMockRuntime } from "../render/mockRuntime";
import { offlineOwnerOutputs } from "../render/ownerFacts";
import type { CommandOutput } from "../render/renderCommand";
import { TestCache } from "./helpers/mutation";

export const ROOT = path.join(__dirname, "..");

/** The demo key pair (demo/): public on purpose, so tests may decrypt what is sealed for it. */
export const demoCertificatePem = fs.readFileSync(path.join(ROOT, "demo", "sealing.crt"), "utf8");
export const demoKeyPem = fs.readFileSync(path.join(ROOT, "demo", "sealing.key"), "utf8");

/** The demo config of a stack (demo/<stack>.yaml), as plain strings. */
export function demoConfig(stack: string): Record<string, string> {
    return yaml.load(fs.readFileSync(path.join(ROOT, "demo", `${stack}.yaml`), "utf8")) as Record<string, string>;
}

export interface ProgramRun {
    readonly resources: readonly RecordedResource[];
    /** The program's exports (stack outputs), or undefined when it threw. */
    readonly outputs?: Record<string, unknown>;
    /** What the program threw while loading, if anything. */
    readonly error?: unknown;
}

export interface RunOptions {
    /** False runs the program as `pulumi up` would; a preview by default. */
    readonly preview?: boolean;
    /**
     * What other stacks exported, for StackReferences. Defaults to what the offline render
     * computes: the owner of a shared cluster as its own model and demo config would export it.
     */
    readonly stackOutputs?: StackOutputs;
    /** The preview before the stack's first `up`: what providers compute is unknown (render/mockRuntime.ts). */
    readonly firstPreview?: boolean;
}

const runs = new TestCache<Promise<ProgramRun>>();

/**
 * Runs index.ts for `stack` with `config` (keys `gitops:<name>`). The program reads its stack,
 * config and model when it runs, so one loaded copy serves every run; the same inputs (in any
 * test file of the worker) get the same run, which callers must only read.
 */
export function runProgram(stack: string, config: Readonly<Record<string, string>>, opts: RunOptions = {}): Promise<ProgramRun> {
    const key = JSON.stringify([stack, Object.entries(config).sort(), opts.preview ?? true, opts.stackOutputs ?? null, opts.firstPreview ?? false]);
    return runs.get(key, () => runFresh(stack, config, opts));
}

async function runFresh(stack: string, config: Readonly<Record<string, string>>, opts: RunOptions): Promise<ProgramRun> {
    const stackOutputs = opts.stackOutputs ?? offlineOwnerOutputs(stack, config["gitops:model"] ?? defaultModelFile(stack));
    const recorder = startMockRuntime("gitops", stack, config, opts.preview ?? true, stackOutputs, opts.firstPreview);
    try {
        const outputs = await runMockedProgram(() => import("../index.js"));
        return { resources: recorder.resources, outputs };
    } catch (error) {
        return { resources: recorder.resources, error };
    }
}

/**
 * Runs `build` (which constructs components directly) under fresh mocks and returns what it
 * registered. For testing one component without the rest of the program.
 */
export async function runComponents(stack: string, build: () => unknown): Promise<ProgramRun> {
    const recorder = startMockRuntime("gitops", stack, {});
    const outputs = { built: build() } as Record<string, unknown>;
    await settled();
    return { resources: recorder.resources, outputs };
}

/** The value of an Output (or a plain value). */
export function promiseOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(output).apply((value) => resolve(value as T)));
}

/** Resources of one Pulumi type. */
export function ofType(run: ProgramRun, type: string): RecordedResource[] {
    return run.resources.filter((r) => r.type === type);
}

/** The one resource with this type and name; fails the test when missing. */
export function resource(run: ProgramRun, type: string, name: string): RecordedResource {
    const found = run.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} named ${name}; registered: ${run.resources.map((r) => r.name).join(", ")}`);
    return found;
}

/** Kubernetes objects registered, as `kind/namespace/name` keys. */
export function objectKeys(run: ProgramRun): string[] {
    return run.resources
        .filter((r) => r.type.startsWith("kubernetes:") && r.custom)
        .map((r) => {
            const o = r.inputs as { kind: string; metadata: { namespace?: string; name: string } };
            return `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
        })
        .sort();
}

/** The URNs `urn` waits for, directly or through what those wait for. */
export function waitsFor(run: ProgramRun, urn: string): Set<string> {
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const pending = [...(byUrn.get(urn)?.dependencies ?? [])];
    while (pending.length > 0) {
        const next = pending.pop() as string;
        if (seen.has(next)) continue;
        seen.add(next);
        pending.push(...(byUrn.get(next)?.dependencies ?? []));
    }
    return seen;
}

/** Where a command run in this process writes (`io`), and what it wrote. */
export function capturedOutput(): { io: CommandOutput; written: { stdout: string; stderr: string } } {
    const written = { stdout: "", stderr: "" };
    return { io: { stdout: (text) => (written.stdout += text), stderr: (text) => (written.stderr += text) }, written };
}
