/**
 * `npm run check -- --stack <name> [--pre]`: the live cluster, checked through the kube context
 * `pulumi up` uses, before the first `up` (`--pre`: the cluster against the stack's profile, and
 * what the `up` would trip on) or after it (the platform running as the stack made it). One line
 * per check, a remedy under each failure, exit 1 on any failure; `--wait` polls until every check
 * passes or the time is up; `--output json` for CI.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { type CommandOutput, exitCodeOf, failureMessage } from "../render/renderCommand";
import { judgePost } from "./post";
import { judgePre } from "./pre";
import { type CheckPlan, loadPlan } from "./plan";
import { type CheckMode, readCluster } from "./read";
import { jsonReport, type RunHeader, summaryOf, textReport } from "./report";

interface Options {
    stack: string;
    pre?: boolean;
    context?: string;
    wait?: number;
    every: number;
    output: "text" | "json";
    model?: string;
    configFile?: string;
}

/** `90s`, `5m`, `1h`, `1m30s` in milliseconds. */
export function parseDuration(text: string): number {
    const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
    if (!match || text === "") throw new InvalidArgumentError(`"${text}" is not a duration such as 90s, 5m or 1h30m`);
    const [, h, m, s] = match.map((n) => Number(n ?? 0));
    return ((h * 60 + m) * 60 + s) * 1000;
}

/** `90000` as `1m30s`. */
export function formatDuration(ms: number): string {
    const seconds = Math.round(ms / 1000);
    const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
    return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s || (!h && !m) ? `${s}s` : ""}`;
}

/** How a run reports and how long it polls. */
export interface RunOptions {
    /** Poll until every check passes, for at most this many milliseconds; once when absent. */
    readonly wait?: number;
    /** Milliseconds between polls. */
    readonly every: number;
    readonly output: "text" | "json";
}

/** Reads the cluster of `plan` and judges it, polling as `options` say; resolves with the exit code. */
export async function checkCluster(plan: CheckPlan, mode: CheckMode, options: RunOptions, out: CommandOutput, sleep: (ms: number) => Promise<void>): Promise<number> {
    const started = Date.now();
    let slept = 0;
    for (;;) {
        const facts = await readCluster(plan, mode, plan.context);
        const results = mode === "pre" ? judgePre(plan, facts) : judgePost(plan, facts);
        const header: RunHeader = { stack: plan.stack, mode, context: facts.context, server: facts.server };
        const { passed, failed } = summaryOf(results);
        const elapsed = Math.max(Date.now() - started, slept);
        const waited = options.wait ?? 0;
        if (passed || elapsed + options.every > waited) {
            out.stdout(options.output === "json" ? jsonReport(header, results) : textReport(header, results));
            return passed ? 0 : 1;
        }
        const failing = results.filter((r) => r.verdict === "fail").map((r) => r.check);
        out.stderr(`◎ ${failed} of ${results.length} checks not passed yet (${failing.join(", ")}); again in ${formatDuration(options.every)} (${formatDuration(elapsed)} of ${formatDuration(waited)})\n`);
        await sleep(options.every);
        slept += options.every;
    }
}

async function check(options: Options, out: CommandOutput, sleep: (ms: number) => Promise<void>): Promise<number> {
    const plan = await loadPlan({ stack: options.stack, model: options.model, configFile: options.configFile, context: options.context });
    return checkCluster(plan, options.pre ? "pre" : "post", options, out, sleep);
}

/** Runs the command with the arguments after `check`; resolves with the exit code. */
export async function checkCommand(argv: readonly string[], out: CommandOutput, sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))): Promise<number> {
    let verdict = 0;
    const program = new Command()
        .name("check")
        .description(
            "Check the live cluster of a stack, through the kube context its pulumi up uses: with --pre before the first up (the cluster against the stack's profile: Kubernetes version, nodes, storage and ingress class, Gateway API, permissions, and what an up would trip on), without it after the up (every part's workloads, CRDs, SealedSecrets, certificates, Prometheus and Alertmanager, root Applications). Exits 1 when a check fails.",
        )
        .requiredOption("--stack <name>", "stack to check (its model, and gitops:kubeContext from Pulumi.<name>.yaml)")
        .option("--pre", "check before pulumi up: the cluster's profile, permissions and leftovers")
        .option("--context <name>", "kube context to use instead of gitops:kubeContext")
        .option("--wait <duration>", "poll until every check passes, for at most this long (90s, 5m, 1h)", parseDuration)
        .addOption(new Option("--every <duration>", "with --wait, how often to poll").argParser(parseDuration).default(5000, "5s"))
        .addOption(new Option("--output <format>", "text, or json for CI").choices(["text", "json"]).default("text"))
        .option("--model <file>", "model file to use instead of stacks/<stack>.ts (.ts, .json or .yaml)")
        .option("--config-file <file>", "YAML mapping of config keys to plaintext values, layered over Pulumi.<stack>.yaml")
        .action(async (options: Options) => {
            verdict = await check(options, out, sleep);
        });
    const code = await exitCodeOf(program, argv, out, failureMessage);
    return code !== 0 ? code : verdict;
}
