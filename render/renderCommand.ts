/**
 * `npm run render -- --stack <name>`: runs the Pulumi program under the runtime's mocks and
 * writes every object it would create, offline, for review, GitOps commits and diffs.
 *
 * `--jobs <file>` renders a list of `{ stack, out, configFile?, projectDir?, charts? }` in this one
 * process, each from the config and stacks of its `projectDir` (a copy of this project with the
 * same code), and prints `[{ ok: true } | { ok: false, message }]`: `npm run diff` renders many
 * commits this way, paying for loading the program once.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError } from "commander";
import { loadStackModel } from "../core/stackModel";
import { CONFIG_NAMESPACE } from "../model/config";
import { StackInputError } from "../model/problems";
import { checkOutDir, writeTree } from "./folder";
import { RenderInputError, renderInputs, renderStack, type Target } from "./render";
import { PROJECT_DIR } from "./layout";

/** Where a command writes: the process's streams, or a test's buffers. */
export interface CommandOutput {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

interface Options {
    stack: string;
    out?: string;
    configFile?: string;
    model?: string;
    dumpModel?: boolean;
    jobs?: string;
    charts?: boolean;
}

/** One render of a `--jobs` list. */
interface Job {
    readonly stack: string;
    readonly out: string;
    readonly configFile?: string;
    readonly projectDir?: string;
    readonly charts?: boolean;
}

/** Renders every job, each into its folder; a job that fails does not stop the others. */
async function renderJobs(file: string, out: CommandOutput): Promise<void> {
    const results: ({ ok: true } | { ok: false; message: string })[] = [];
    for (const job of JSON.parse(fs.readFileSync(file, "utf8")) as Job[]) {
        try {
            const { modelFile } = renderInputs(job);
            loadStackModel(job.stack, modelFile);
            writeTree(job.out, (await renderStack(job)).tree);
            results.push({ ok: true });
        } catch (e) {
            if (!isUserMistake(e)) throw e;
            results.push({ ok: false, message: e.message });
        }
    }
    out.stdout(`${JSON.stringify(results)}\n`);
}

async function render(options: Options, out: CommandOutput): Promise<void> {
    if (options.jobs) return renderJobs(options.jobs, out);
    const { stack } = options;
    const { modelFile, demoFile } = renderInputs(options);
    if (demoFile) {
        const layered = options.configFile ? `, with ${options.configFile} layered over it` : "";
        out.stderr(`note: stack "${stack}" has no config of its own yet; using the demo config ${path.relative(process.cwd(), demoFile)}${layered}\n`);
    }
    const dir = path.resolve(options.out ?? path.join(PROJECT_DIR, "rendered", stack));
    if (!options.dumpModel) checkOutDir(dir);
    // The program checks the model too; checked here first, a mistake is told before the SDK loads.
    const model = loadStackModel(stack, modelFile);
    if (options.dumpModel) {
        out.stdout(`${JSON.stringify(model, null, 2)}\n`);
        return;
    }
    const { tree, target } = await renderStack(options);
    writeTree(dir, tree);
    for (const note of tree.notes) out.stdout(`note: ${note}\n`);
    out.stdout(`target: ${describeTarget(stack, target)}\n`);
    out.stdout(`rendered stack "${stack}": ${tree.files.size} files in ${path.relative(process.cwd(), dir) || "."}\n`);
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

function isUserMistake(error: unknown): error is Error {
    return error instanceof StackInputError || error instanceof RenderInputError;
}

/** A failure as one line: a user's mistake as it is, anything else marked as an error. */
export function failureMessage(error: unknown): string {
    const message = isUserMistake(error) ? error.message : `error: ${(error as Error)?.message ?? String(error)}`;
    const trace = process.env.GITOPS_DEBUG && error instanceof Error ? `${error.stack}\n` : "";
    return `${message}\n${trace}`;
}

/** Runs the command with the arguments after `render`; resolves with the exit code. */
export async function renderCommand(argv: readonly string[], out: CommandOutput): Promise<number> {
    const program = new Command()
        .name("render")
        .description("Render every Kubernetes object and Helm release of a stack, offline.")
        .option("--stack <name>", "stack to render (reads Pulumi.<name>.yaml and stacks/<name>.ts)")
        .option("--out <dir>", "output folder (default: rendered/<stack>)")
        .option("--config-file <file>", "YAML mapping of config keys to plaintext values, layered over Pulumi.<stack>.yaml (over the demo config while the stack has none)")
        .option("--model <file>", "model file to use instead of stacks/<stack>.ts (.ts, .json or .yaml)")
        .option("--dump-model", "print the resolved, validated model as JSON and exit")
        .option("--charts", "also expand every release (helm, or ../shared/tools/minihelm) and write the objects Pulumi applies from it")
        .option("--jobs <file>", "render the JSON list of { stack, out, configFile?, projectDir?, charts? } in this file, and print how each went")
        .action((options: Options) => {
            if (!options.stack && !options.jobs) program.error("error: required option '--stack <name>' not specified");
            return render(options, out);
        });
    return exitCodeOf(program, argv, out, failureMessage);
}

/** Runs `program` on `argv`, its output to `out`; resolves with the exit code, a failure told as `describe` tells it. */
export async function exitCodeOf(program: Command, argv: readonly string[], out: CommandOutput, describe: (error: unknown) => string): Promise<number> {
    try {
        await program.exitOverride().configureOutput({ writeOut: out.stdout, writeErr: out.stderr }).parseAsync([...argv], { from: "user" });
        return 0;
    } catch (e) {
        // Commander has written its own message (usage, --help) already.
        if (e instanceof CommanderError) return e.exitCode;
        out.stderr(describe(e));
        return 1;
    }
}
