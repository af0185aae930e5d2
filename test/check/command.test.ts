/**
 * `npm run check` against a local API server answering with a real one's recorded responses,
 * reached through a kubeconfig: the recorded cluster (everything a first `pulumi up` trips on),
 * a fresh one the shipped profile describes, and one where the platform runs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkCommand, formatDuration, parseDuration } from "../../check/command";
import type { CheckPlan } from "../../check/plan";
import type { CheckMode } from "../../check/read";
import { capturedOutput, ROOT } from "../harness";
import { replayServer, shippedPlan } from "../helpers/checkRun";
import { freshCluster, installedCluster, type ReplayCluster, recordedCluster } from "../helpers/replayCluster";

const { check: run, withKubeconfig } = replayServer();
const plans: Record<string, CheckPlan> = {};
beforeAll(async () => {
    for (const stack of ["prod", "dev"]) plans[stack] = await shippedPlan(stack);
}, 60_000);

/** One run of the check of a shipped stack. */
const check = (stack: string, mode: CheckMode, on: ReplayCluster, options?: Parameters<typeof run>[3]) => run(plans[stack], mode, on, options);

describe("npm run check --pre", () => {
    it("passes a fresh cluster the shipped profile describes, every check on a line of its own", async () => {
        const run = await check("prod", "pre", freshCluster());
        expect(run.stdout).toMatch(/^► checking the cluster of stack "prod" before pulumi up \(context replay, https:\/\/127\.0\.0\.1:\d+\)\n/);
        expect(run.stdout.split("\n").filter((l) => l.startsWith("✗"))).toStrictEqual([]);
        expect(run.stdout).toContain("✔ Kubernetes v1.34.2, in the supported range 1.33–1.35, as cluster.kubernetes states");
        expect(run.stdout).toContain("✔ 3 schedulable nodes, cluster.nodes.schedulable states 3");
        expect(run.stdout).toMatch(/✔ the context may do all \d+ things pulumi up asks/);
        expect(run.stdout).toMatch(/✔ all \d+ checks passed\n$/);
        expect(run.code).toBe(0);
    });

    it("refuses the recorded cluster for all it holds, each failure with what to do", async () => {
        const run = await check("prod", "pre", recordedCluster());
        expect(run.code).toBe(1);
        const failures = run.stdout.split("\n").filter((l) => l.startsWith("✗ ") && !/checks failed$/.test(l));
        expect(failures).toStrictEqual([
            expect.stringMatching(/^✗ Kubernetes v1\.28\.7 is outside the supported range 1\.33–1\.35: sealed-secrets|cert-manager supports 1\.33–1\.36; argocd supports 1\.32–1\.35$/),
            "✗ 2 schedulable nodes, but cluster.nodes.schedulable is 3",
            "✗ no storage class standard, which the stack's volumes come from (the cluster has local-path, nfs-client)",
            expect.stringMatching(/^✗ 22 CRDs of the platform's parts installed by another tool/),
            "✗ 1 release of the stack installed with Helm (argocd/argocd, deployed): pulumi up would fail on every object Helm holds, and a helm upgrade or uninstall would still act on them after",
            expect.stringMatching(/^✗ 1 Secret where the stack's SealedSecrets write, not theirs/),
            expect.stringMatching(/^✗ \d+ objects the stack creates exist already, made outside Pulumi/),
        ]);
        expect(run.stdout).toContain("    gitops-control-plane: tainted node-role.kubernetes.io/control-plane:NoSchedule\n");
        expect(run.stdout).toContain("    argocd/argocd-secret\n  → hand it to the controller in the first up (pulumi config set gitops:adoptExisting true marks it sealedsecrets.bitnami.com/managed), or delete it\n");
        expect(run.stdout).toContain("    kubectl delete secret -n argocd -l owner=helm,name=argocd\n  → take its objects over in the first up");
        expect(run.stdout).toContain("  → take them over in this stack's first up: pulumi config set gitops:adoptExisting true (unset it afterwards)\n");
        expect(run.stdout).toMatch(/✗ 7 of \d+ checks failed\n$/);
    });

    it("tells the permissions a context lacks, and a section it may not read", async () => {
        const run = await check("prod", "pre", freshCluster(), { context: "replay-viewer" });
        expect(run.stdout).toMatch(/^✗ the context may not create customresourcedefinitions\.apiextensions\.k8s\.io \(cluster-wide\), /m);
        expect(run.stdout).toContain("    create secrets in kube-system\n");
        expect(run.stdout).toMatch(/^✗ could not read the Secrets the SealedSecrets write: secrets is forbidden: User "viewer" cannot list/m);
    });

    it("stops at the API server when it refuses the credentials, or cannot be reached", async () => {
        const refused = await check("prod", "pre", freshCluster(), { context: "replay-bad-token" });
        expect(refused.stdout).toMatch(/^✗ Kubernetes API at https:\/\/127\.0\.0\.1:\d+ \(context replay-bad-token\) refuses the context's credentials: Unauthorized\n {2}→ renew them/m);
        expect(refused.stdout).toMatch(/✗ 1 of 1 checks failed\n$/);
        const unreachable = await check("prod", "pre", freshCluster(), { context: "unreachable" });
        expect(unreachable.stdout).toMatch(/^✗ Kubernetes API at https:\/\/127\.0\.0\.1:1 \(context unreachable\) not reachable: .*ECONNREFUSED.*\n {2}→ start the cluster, or point gitops:kubeContext \(or --context\) at one that runs/m);
        const unknown = await check("prod", "pre", freshCluster(), { context: "no-such-context" });
        expect(unknown.stdout).toContain('the kubeconfig has no context "no-such-context"');
    });

    it("holds a stack that shares a cluster to its owner's parts: missing before the owner's up, running after", async () => {
        const before = await check("dev", "pre", freshCluster());
        expect(before.stdout).toMatch(/^✗ no established CRD for .*argoproj\.io\/Application.*, which stack "prod" installs and this stack creates\n {2}→ pulumi up --stack prod first$/m);
        expect(before.stdout).toMatch(/^✗ \d+ workloads of stack "prod"'s cluster-wide parts not ready$/m);
        const after = await check("dev", "pre", installedCluster(plans.prod));
        expect(after.stdout).toMatch(/^✔ the CRDs stack "prod" installs are established$/m);
        expect(after.stdout).toMatch(/^✔ stack "prod"'s cluster-wide parts: all \d+ workloads ready$/m);
    });
});

describe("npm run check after pulumi up", () => {
    it("passes the cluster where the stack's platform runs", async () => {
        const run = await check("prod", "post", installedCluster(plans.prod));
        expect(run.stdout.split("\n").filter((l) => l.startsWith("✗"))).toStrictEqual([]);
        expect(run.stdout).toMatch(/✔ all \d+ SealedSecrets unsealed \(Synced\)/);
        expect(run.stdout).toMatch(/✔ Prometheus and 1 Alertmanager of prod available, configuration loaded/);
        expect(run.code).toBe(0);
    });

    it("names what the recorded cluster's controllers said of what is not ready", async () => {
        const run = await check("prod", "post", recordedCluster());
        expect(run.code).toBe(1);
        expect(run.stdout).toContain("    argocd: Deployment argocd/argocd-repo-server 0/2 ready (Deployment does not have minimum availability.)\n");
        expect(run.stdout).toContain("    argocd/argocd-secret: Synced=False (ErrUnsealFailed): no key could decrypt secret (oidc.clientSecret, server.secretkey)\n");
        expect(run.stdout).toContain("    Application frontend-prod: OutOfSync, Degraded\n");
        expect(run.stdout).toMatch(/^ {4}Prometheus: none in monitoring-prod$/m);
    });

    it("writes JSON for CI: the verdicts, the summary, each check by name", async () => {
        const run = await check("prod", "post", recordedCluster(), { output: "json" });
        const report = JSON.parse(run.stdout);
        expect(report).toMatchObject({ stack: "prod", mode: "post", context: "replay", passed: false });
        expect(report.failed).toBe(report.checks.filter((c: { verdict: string }) => c.verdict === "fail").length);
        expect(report.checks.find((c: { check: string }) => c.check === "sealed-secrets")).toMatchObject({ verdict: "fail", remedy: expect.stringContaining("kubeseal --fetch-cert") });
    });

    it("with --wait, polls until every check passes, telling what it waits for", async () => {
        const run = await check("prod", "post", recordedCluster(), { wait: 60_000, meanwhile: installedCluster(plans.prod) });
        expect(run.stderr).toMatch(/^◎ \d+ of \d+ checks not passed yet \(.*sealed-secrets.*\); again in 5s \(\d+s of 1m\)\n$/);
        expect(run.slept).toStrictEqual([5000]);
        expect(run.code).toBe(0);
    });

    it("with --wait, gives up when the time is up, with the last verdicts", async () => {
        const run = await check("prod", "post", recordedCluster(), { wait: 12_000 });
        expect(run.slept).toStrictEqual([5000, 5000]);
        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(/checks failed\n$/);
    });
});

describe("docs/checking-a-cluster.md", () => {
    const guide = fs.readFileSync(path.join(ROOT, "docs", "checking-a-cluster.md"), "utf8");
    const shown = (title: string) => new RegExp(`<!-- check output: ${title} -->\n\`\`\`text\n([\\s\\S]*?)\`\`\`\n`).exec(guide)?.[1];
    /**
     * What a run printed, its server's port as the guide writes it, and the platform's requests
     * as figures: they grow with every part a user adds (docs/catalogue.md's walkthrough adds one),
     * and test/program.sizing.test.ts holds the pods they are summed from to the charts.
     */
    const asShown = (stdout: string) => stdout.replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:6443").replace(/(the platform requests )[\d.]+ CPU and [\d.]+Gi/g, "$1<cpu> CPU and <memory>Gi");

    it.each([
        ["pre on a fresh cluster", () => freshCluster()],
        ["pre on the recorded cluster", () => recordedCluster()],
    ])("shows the run %s as the command prints it", async (title, cluster) => {
        expect(shown(title)).toBeDefined();
        expect(asShown((await check("prod", "pre", cluster())).stdout)).toBe(asShown(shown(title) ?? ""));
    });
});

describe("the command", () => {
    it("documents both modes and reads durations as people write them", async () => {
        const { io, written } = capturedOutput();
        expect(await checkCommand(["--help"], io)).toBe(0);
        for (const flag of ["--stack <name>", "--pre", "--context <name>", "--wait <duration>", "--output <format>"]) expect(written.stdout).toContain(flag);
        expect([parseDuration("90s"), parseDuration("5m"), parseDuration("1h30m")]).toStrictEqual([90_000, 300_000, 5_400_000]);
        expect(() => parseDuration("5 minutes")).toThrow('"5 minutes" is not a duration such as 90s, 5m or 1h30m');
        expect([formatDuration(90_000), formatDuration(0), formatDuration(3_600_000)]).toStrictEqual(["1m30s", "0s", "1h"]);
    });

    it("refuses a model that is not valid as the render does, naming the stack and the path", async () => {
        const { io, written } = capturedOutput();
        expect(await checkCommand(["--stack", "dev", "--model", path.join(ROOT, "test/fixtures/models/wrong-types.yaml"), "--pre"], io)).toBe(1);
        expect(written.stderr).toMatch(/^Stack "dev": .*wrong-types\.yaml has \d+ problems?:\n {2}- /);
        expect(written.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    });

    it("runs end to end from the stack's name, through its kube context", async () => {
        const { io, written } = capturedOutput();
        expect(await withKubeconfig(freshCluster(), () => checkCommand(["--stack", "prod", "--pre", "--context", "replay", "--output", "json"], io))).toBe(0);
        expect(JSON.parse(written.stdout)).toMatchObject({ stack: "prod", mode: "pre", passed: true });
    }, 60_000);
});
