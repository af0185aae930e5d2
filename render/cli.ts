/**
 * `npm run render -- --stack <name>`: runs the Pulumi program under the runtime's mocks and
 * writes every object it would create, offline, for review, GitOps commits and diffs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Command } from "commander";
import { CONFIG_NAMESPACE } from "../model/config";
import { loadStackModel } from "../core/stackModel";
import { defaultModelFile } from "../model/load";
import { StackInputError } from "../model/problems";
import { runMockedProgram, startMockRuntime } from "./mockRuntime";
import { offlineOwnerOutputs } from "./ownerFacts";
import { offlineStackConfig, PROJECT_DIR } from "./stackConfig";
import { renderTree } from "./tree";

/** Marks a folder as a render output, so a re-render may replace it and nothing else. */
const MARKER = ".gitops-render";

interface Options {
    stack: string;
    out?: string;
    configFile?: string;
    model?: string;
    dumpModel?: boolean;
}

/** Refuses, before any work, a folder that holds anything but an earlier render. */
function checkOutDir(out: string): void {
    if (fs.existsSync(out) && fs.readdirSync(out).length > 0 && !fs.existsSync(path.join(out, MARKER))) {
        throw new Error(`${out} is not empty and is not an earlier render (no ${MARKER} file); choose another --out folder`);
    }
}

function prepareOutDir(out: string): void {
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, MARKER), "Written by `npm run render`; the whole folder is replaced on every render.\n");
}

async function render(options: Options): Promise<void> {
    const { stack } = options;
    const { values: config, demoFile } = offlineStackConfig(stack, options.configFile);
    if (demoFile) process.stderr.write(`note: stack "${stack}" has no config of its own yet; using the demo config ${path.relative(process.cwd(), demoFile)}\n`);
    const modelFile = path.resolve(options.model ?? config[`${CONFIG_NAMESPACE}:model`] ?? defaultModelFile(stack));
    if (options.dumpModel) {
        process.stdout.write(`${JSON.stringify(loadStackModel(stack, modelFile), null, 2)}\n`);
        return;
    }
    const out = path.resolve(options.out ?? path.join(PROJECT_DIR, "rendered", stack));
    checkOutDir(out);
    const recorder = startMockRuntime("gitops", stack, { ...config, [`${CONFIG_NAMESPACE}:model`]: modelFile }, true, offlineOwnerOutputs(stack, modelFile));
    const outputs = await runMockedProgram(() => import("../index.js"));
    const tree = await renderTree(recorder.resources);
    prepareOutDir(out);
    for (const [file, content] of tree.files) {
        fs.mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
        fs.writeFileSync(path.join(out, file), content);
    }
    for (const note of tree.notes) process.stdout.write(`note: ${note}\n`);
    process.stdout.write(`target: ${describeTarget(stack, outputs.target as Target)}\n`);
    process.stdout.write(`rendered stack "${stack}": ${tree.files.size} files in ${path.relative(process.cwd(), out) || "."}\n`);
}

interface Target {
    cluster: string;
    mode: "dedicated" | "shared";
    installsClusterParts: boolean;
    kubeContext: string;
}

/** Which cluster the stack deploys to, and what it installs there. */
function describeTarget(stack: string, target: Target): string {
    const context = target.kubeContext ? `kube context "${target.kubeContext}"` : `no kube context (pulumi up refuses until ${CONFIG_NAMESPACE}:kubeContext is set)`;
    const role =
        target.mode === "dedicated"
            ? "dedicated to it: it installs everything"
            : target.installsClusterParts
              ? `shared: stack "${stack}" installs the cluster-wide parts and its own environment`
              : "shared: it installs its own environment on the owner's cluster-wide parts";
    return `${context}, cluster "${target.cluster}", ${role}`;
}

function reportAndExit(error: unknown): never {
    const userMistake = error instanceof StackInputError || pulumi.RunError.isInstance(error);
    const message = userMistake ? (error as Error).message : `error: ${(error as Error)?.message ?? String(error)}`;
    process.stderr.write(`${message}\n`);
    if (process.env.GITOPS_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exit(1);
}

const program = new Command()
    .name("render")
    .description("Render every Kubernetes object and Helm release of a stack, offline.")
    .requiredOption("--stack <name>", "stack to render (reads Pulumi.<name>.yaml and stacks/<name>.ts)")
    .option("--out <dir>", "output folder (default: rendered/<stack>)")
    .option("--config-file <file>", "YAML mapping of config keys to plaintext values, layered over Pulumi.<stack>.yaml")
    .option("--model <file>", "model file to use instead of stacks/<stack>.ts (.ts, .json or .yaml)")
    .option("--dump-model", "print the resolved, validated model as JSON and exit")
    .action((options: Options) => render(options));

process.on("unhandledRejection", reportAndExit);
program.parseAsync().catch(reportAndExit);
