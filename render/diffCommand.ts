/**
 * `npm run diff -- --stack <name> [--stack <name>] [--base <ref>] [--head <ref>] [--config-file <file>] [--charts] [--comment-file <file>] [--summary-file <file>]`:
 * what a change does to the render of each stack, object by object, as Markdown on stdout.
 * Exits 0 whether or not anything changed; 1 only when the diff cannot be made.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { markdown, SUMMARY_LIMIT, trimmed } from "./diff";
import { DiffError, runDiff } from "./diffRun";
import { type CommandOutput, exitCodeOf } from "./renderCommand";
import { checkStackName } from "./stackConfig";

interface Options {
    stack: string[];
    base?: string;
    head?: string;
    configFile?: string;
    charts?: boolean;
    commentFile?: string;
    summaryFile?: string;
}

async function diff(options: Options, cwd: string, out: CommandOutput): Promise<void> {
    // Each stack names folders of the render cache.
    for (const stack of options.stack) checkStackName(stack);
    const result = await runDiff({ cwd, stacks: options.stack, base: options.base, head: options.head, configFile: options.configFile, charts: options.charts });
    out.stdout(markdown(result));
    if (options.commentFile) fs.writeFileSync(path.resolve(cwd, options.commentFile), trimmed(result));
    if (options.summaryFile) fs.writeFileSync(path.resolve(cwd, options.summaryFile), trimmed(result, SUMMARY_LIMIT, "the render-diff artifact"));
}

/** A failure as one line: what the diff could not do as it is, anything else marked as an error. */
export function diffFailureMessage(error: unknown): string {
    const known = error instanceof DiffError || (error instanceof Error && error.name === "StackInputError");
    const trace = process.env.GITOPS_DEBUG && error instanceof Error ? `${error.stack}\n` : "";
    return `${known ? "" : "error: "}${(error as Error)?.message ?? String(error)}\n${trace}`;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Runs the command with the arguments after `diff`, in the repository at `cwd`; resolves with the exit code. */
export async function diffCommand(argv: readonly string[], cwd: string, out: CommandOutput): Promise<number> {
    const program = new Command()
        .name("diff")
        .description("Render a base ref and the working tree (or --head) of each stack, offline, and print what differs as Markdown.")
        .requiredOption("--stack <name>", "stack to diff; repeat it for several", collect)
        .option("--base <ref>", "git ref to compare with (default: the merge base of HEAD with main)")
        .option("--head <ref>", "git ref to compare instead of the working tree")
        .option("--config-file <file>", "YAML mapping of config keys to plaintext values, used for both sides (default: each side's demo config)")
        .option("--charts", "also expand every changed release and diff the objects its chart renders")
        .option("--comment-file <file>", "also write the diff trimmed to fit a pull-request comment (65,000 characters)")
        .option("--summary-file <file>", "also write the diff trimmed to fit a workflow's job summary (1,000,000 characters)")
        .action((options: Options) => diff(options, cwd, out));
    return exitCodeOf(program, argv, out, diffFailureMessage);
}
