/**
 * `npm run diff` end to end on a fixture repository (a copy of this project with one commit per
 * kind of change), each commit showing up as exactly its change and nothing else.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type DiffReport, markdown } from "../../render/diff";
import { HELM } from "../../render/charts";
import { diffCommand } from "../../render/diffCommand";
import { renderCommits, runDiff } from "../../render/diffRun";
import { capturedOutput, demoConfig, ROOT } from "../harness";
import { expansionTitle, skipExpansion } from "../helpers/charts";
import { git } from "../helpers/git";
import { execLaunched } from "../helpers/launcher";
import { itAtOnce } from "../helpers/mutation";
import { charts } from "../../stacks/shared/constants";
const exec = execLaunched;

/** A commit of the fixture repository: the files it edits, and a message. */
type Edit = readonly [file: string, edit: (text: string) => string];

describe("npm run diff on a fixture repository", () => {
    let repo: string;
    let cache: string;
    let outerTmp: string | undefined;
    let privateTmp: string | undefined;
    const commits: string[] = [];
    let renderProcesses: string[] = [];
    let broken: string;

    async function commit(message: string, ...edits: Edit[]): Promise<string> {
        for (const [file, edit] of edits) {
            const full = path.join(repo, file);
            const before = fs.readFileSync(full, "utf8");
            const after = edit(before);
            if (after === before) throw new Error(`fixture edit of ${file} changed nothing`);
            fs.writeFileSync(full, after);
        }
        await git(repo, "commit", "-qam", message);
        return git(repo, "rev-parse", "HEAD");
    }

    /** The commits the tests below diff with --charts: a chart version bump only where minihelm refuses it (helm would fetch it). */
    const withCharts = skipExpansion ? [] : [4, 5, 6, ...(HELM === undefined ? [1, 2] : [])];

    /** Makes the fixture repository and renders its commits. */
    async function makeFixture(): Promise<void> {
        // A temporary folder of this file's own, so what the diff leaves behind is its alone to count.
        outerTmp = process.env.TMPDIR;
        privateTmp = fs.mkdtempSync(path.join(os.tmpdir(), "diff-tmp-"));
        process.env.TMPDIR = privateTmp;
        // GIVEN a copy of this project's files that Git would not ignore, with its installed packages
        repo = fs.mkdtempSync(path.join(os.tmpdir(), "diff-fixture-"));
        cache = fs.mkdtempSync(path.join(os.tmpdir(), "diff-cache-"));
        // Listed through an empty repository, so the copy Stryker makes (not a checkout) lists too.
        const lister = fs.mkdtempSync(path.join(os.tmpdir(), "diff-lister-"));
        await git(lister, "init", "-q");
        const listed = await exec("git", [`--git-dir=${lister}/.git`, `--work-tree=${ROOT}`, "ls-files", "-z", "--others", "--exclude-standard"], { cwd: ROOT, maxBuffer: 16 << 20 });
        fs.rmSync(lister, { recursive: true, force: true });
        // (node_modules is linked below; in Stryker's copy it is itself a link, which Git lists.)
        for (const file of listed.stdout.split("\0").filter((f) => f !== "" && f !== "node_modules")) {
            fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
            fs.copyFileSync(path.join(ROOT, file), path.join(repo, file));
        }
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"));
        await git(repo, "init", "-q", "-b", "main");
        fs.appendFileSync(path.join(repo, ".git", "info", "exclude"), "node_modules\n");
        await git(repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "empty");
        await git(repo, "config", "user.email", "t@example.com");
        await git(repo, "config", "user.name", "fixture");
        await git(repo, "add", "-A");
        await git(repo, "commit", "-qm", "the project");
        commits.push(await git(repo, "rev-parse", "HEAD"));
        // AND one commit per kind of change
        const webhook = demoConfig("prod")["gitops:argocdSlackWebhook"];
        commits.push(await commit("a webhook in the demo config", ["demo/prod.yaml", (t) => t.replace(webhook, `${webhook}-rotated`)]));
        const pinned = `chart: "sealed-secrets", version: "${charts.sealedSecrets.version}"`;
        commits.push(await commit("a chart version", ["stacks/shared/constants.ts", (t) => t.replace(pinned, pinned.replace(/\d+"$/, (patch) => `${Number(patch.slice(0, -1)) + 1}"`))]));
        commits.push(
            await commit("an Application", [
                "stacks/prod.ts",
                (t) =>
                    t.replace(
                        "const prod: StackModelInput = platformStack(prodSettings);",
                        `const shipped = platformStack(prodSettings);
const prod: StackModelInput = {
    ...shipped,
    argocd: { ...shipped.argocd, applications: [...(shipped.argocd?.applications ?? []), { name: "reports-prod", project: "team-backend", source: { repoURL: "https://github.com/example-org/platform-gitops", path: "apps/reports" }, destination: { server: "https://kubernetes.default.svc", namespace: "backend-reports-prod" } }] },
};`,
                    ),
            ]),
        );
        commits.push(await commit("an Alertmanager route", ["stacks/prod.ts", (t) => t.replace('repeatInterval: "12h"', 'repeatInterval: "6h"')]));
        commits.push(await commit("Argo CD's address", ["stacks/prod.ts", (t) => t.replace('argocdAddress: "argocd"', 'argocdAddress: "cd"')]));
        commits.push(await commit("a size", ["stacks/shared/constants.ts", (t) => t.replace("alertmanager: { replicas: 2,", "alertmanager: { replicas: 3,")]));
        // (The part-of label; matched loosely, as Stryker's instrumented copy spells it otherwise.)
        commits.push(await commit("the program's code", ["core/objects.ts", (t) => t.replace('"gitops-platform"', '"gitops"')]));
        // AND a commit on top whose model does not validate
        broken = await commit("a broken model", ["stacks/prod.ts", (t) => t.replace('revision: "release"', "revision: 42 as unknown as string")]);
        // Every commit renders once, with its charts' objects where a test compares those (a
        // render with them answers for one without): the first seven in one process (they differ
        // in their stacks only), the last in one of its own code. Each Node process started
        // meanwhile notes itself.
        const started = path.join(privateTmp, "processes.log");
        const outerOptions = process.env.NODE_OPTIONS;
        process.env.NODE_OPTIONS = `${outerOptions ?? ""} --require ${path.join(ROOT, "test/fixtures/noteProcess.cjs")}`;
        process.env.GITOPS_NOTE_PROCESS = started;
        try {
            await renderCommits({ cwd: repo, cacheDir: cache }, [...commits, ...withCharts.map((i) => ({ ref: commits[i], charts: true }))], ["prod"]);
        } finally {
            if (outerOptions === undefined) delete process.env.NODE_OPTIONS;
            else process.env.NODE_OPTIONS = outerOptions;
            delete process.env.GITOPS_NOTE_PROCESS;
        }
        renderProcesses = fs.existsSync(started) ? fs.readFileSync(started, "utf8").trim().split("\n") : [];
        await git(repo, "reset", "-q", "--hard", commits[5]);
    }
    // A failure in beforeAll only skips the tests, which Stryker would count as a surviving mutant:
    // each test fails with it instead.
    let fixtureFailure: unknown;
    beforeAll(() => makeFixture().catch((error: unknown) => void (fixtureFailure = error)), 120_000);
    beforeEach(() => {
        if (fixtureFailure !== undefined) throw fixtureFailure;
    });
    afterEach(() => vi.unstubAllEnvs());
    afterAll(() => {
        if (privateTmp !== undefined) fs.rmSync(privateTmp, { recursive: true, force: true });
        if (outerTmp === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = outerTmp;
    });

    /** The diff of prod between two fixture commits. */
    const diffOf = (i: number) => runDiff({ cwd: repo, stacks: ["prod"], base: commits[i - 1], head: commits[i], cacheDir: cache });
    const files = (r: DiffReport) => r.sections.map((s) => /\n`([^`]+)`\n/.exec(s)?.[1]);

    it("renders commits that differ only in their stacks in one process, one of other code in another", () => {
        expect(renderProcesses, renderProcesses.join("\n")).toHaveLength(2);
        expect(renderProcesses.every((argv) => argv.includes("--jobs"))).toBe(true);
    });

    it("shows a changed webhook as the one sealed key that holds it, and nothing else", async () => {
        const r = await diffOf(1);
        expect(files(r)).toStrictEqual(["argocd/sealedsecret/argocd-notifications-secret.yaml"]);
        expect(r.sections[0]).toContain("- `encryptedData.slack-webhook` changed");
        expect(r.sections[0]).not.toContain("```diff");
        expect(r.summary).toContain("| prod | SealedSecret | 0 | 1 | 0 |");
        const text = markdown(r);
        for (const value of Object.values(demoConfig("prod")).filter((v) => !v.includes("CERTIFICATE"))) expect(text).not.toContain(value);
    }, 60_000);

    it("shows a chart version bump as that release only", async () => {
        const r = await diffOf(2);
        expect(files(r)).toStrictEqual(["charts/sealed-secrets/release.yaml"]);
        expect(r.sections[0]).toMatch(/-version: 2\.18\.5\n\+version: 2\.18\.6/);
    }, 60_000);

    it("shows an added Application as one new object", async () => {
        const r = await diffOf(3);
        expect(files(r)).toStrictEqual(["argocd/application/reports-prod.yaml"]);
        expect(r.sections[0]).toMatch(/^#### added: Application argocd\/reports-prod \(prod\)/);
        expect(r.summary).toContain("| prod | Application | 1 | 0 | 0 |");
    }, 60_000);

    it("shows a changed route as the sealed config's key, with a readable diff of the generated config and no webhook", async () => {
        const r = await diffOf(4);
        expect(files(r)).toStrictEqual(["monitoring-prod/sealedsecret/alertmanager-config-prod.yaml"]);
        expect(r.sections[0]).toContain("- `encryptedData.alertmanager.yaml` changed");
        expect(r.sections[0]).toMatch(/-\s+repeat_interval: 12h\n\+\s+repeat_interval: 6h/);
        expect(r.sections[0]).not.toContain(demoConfig("prod")["gitops:alertmanagerSlackWebhook"]);
    }, 60_000);

    it("renders each commit with its own code: one that changes a label changes every object", async () => {
        const r = await runDiff({ cwd: repo, stacks: ["prod"], base: commits[6], head: commits[7], cacheDir: cache });
        expect(r.sections.length).toBeGreaterThan(20);
        for (const section of r.sections.filter((s) => !s.includes("charts/"))) expect(section).toMatch(/-\s+app.kubernetes.io\/part-of: gitops-platform\n\+\s+app.kubernetes.io\/part-of: gitops\n/);
    }, 60_000);

    it.skipIf(skipExpansion)(expansionTitle("with --charts, also compares the objects a changed release's chart renders"), async () => {
        const r = await runDiff({ cwd: repo, stacks: ["prod"], base: commits[4], head: commits[5], cacheDir: cache, charts: true });
        const own = files(r).filter((f) => !r.sections.find((s) => s.includes(`\`${f}\``))?.includes(", chart "));
        expect(own).toEqual(expect.arrayContaining(["charts/argocd/values.yaml", "argocd/configmap/argocd-notifications-cm.yaml"]));
        const chart = r.sections.filter((s) => s.includes("(prod, chart argocd)"));
        // Where `npm run render -- --charts` writes them: the objects Pulumi applies from the release.
        expect(chart.map((s) => /`([^`]+)`/.exec(s.split("\n")[2])?.[1]).sort()).toEqual(expect.arrayContaining(["charts/argocd/objects/argocd/configmap/argocd-cm.yaml", "charts/argocd/objects/argocd/ingress/argocd-server.yaml"]));
        expect(chart.find((s) => s.includes("argocd/ingress/argocd-server.yaml"))).toMatch(/-\s+- host: argocd.platform.example.com\n\+\s+- host: cd.platform.example.com/);
        expect(r.sections.filter((s) => /, chart (?!argocd\))/.test(s))).toStrictEqual([]);
        expect(r.summary).toMatch(/\| prod, chart argocd \| ConfigMap \| 0 \| \d+ \| 0 \|/);
    }, 60_000);

    it.skipIf(skipExpansion)(expansionTitle("with --charts, shows a sizing change as exactly the objects it changes"), async () => {
        const r = await runDiff({ cwd: repo, stacks: ["prod"], base: commits[5], head: commits[6], cacheDir: cache, charts: true });
        expect(r.sections.map((s) => s.split("\n")[0])).toStrictEqual(["#### changed: values of release monitoring-prod (prod)", "#### changed: Alertmanager monitoring-prod/monitoring-prod-kube-prome-alertmanager (prod, chart monitoring-prod)"]);
        expect(r.sections[1]).toMatch(/-\s+replicas: 2\n\+\s+replicas: 3/);
    }, 60_000);

    it.skipIf(skipExpansion || HELM !== undefined)(expansionTitle("with --charts, says why a release it cannot expand here is not compared"), async () => {
        const r = await runDiff({ cwd: repo, stacks: ["prod"], base: commits[1], head: commits[2], cacheDir: cache, charts: true });
        const bumped = charts.sealedSecrets.version.replace(/\d+$/, (patch) => String(Number(patch) + 1));
        expect(r.sections.at(-1)).toMatch(new RegExp(`^#### chart sealed-secrets \\(prod\\): its objects are not compared\n\n.*is sealed-secrets ${charts.sealedSecrets.version}, but the release pins ${bumped}`));
    }, 60_000);

    // The diffs that start render processes, at once.
    itAtOnce("finds no change between a commit and a working tree that holds it, rendered afresh, and gives the same bytes twice", async () => {
        const again = await runDiff({ cwd: repo, stacks: ["prod"], base: commits[5], cacheDir: cache });
        expect(again.sections).toStrictEqual([]);
        expect(again.summary).toContain(`No changes: every object and chart renders exactly as on ${commits[5]} (\`${commits[5].slice(0, 7)}\`).`);
        expect(markdown(await diffOf(1))).toBe(markdown(await diffOf(1)));
    }, 60_000);

    itAtOnce("names a base ref that does not exist, and one that does not render", async () => {
        await expect(runDiff({ cwd: repo, stacks: ["prod"], base: "no-such-branch", cacheDir: cache })).rejects.toThrow(/base ref "no-such-branch" does not exist in this repository/);
        await expect(runDiff({ cwd: repo, stacks: ["prod"], base: broken, head: commits[5], cacheDir: cache })).rejects.toThrow(
            new RegExp(`base ref "${broken}" \\(${broken.slice(0, 7)}\\) does not render stack "prod":\\n.*stacks/prod.ts has \\d+ problems?`),
        );
    }, 60_000);

    itAtOnce("runs as a command: Markdown on stdout and exit 0 when something changed, one line and exit 1 when it cannot", async () => {
        // The same cache as the other tests: commit 3 is rendered already.
        const env = { ...process.env, GITOPS_RENDER_CACHE: cache };
        const cli = (...args: string[]) =>
            exec(process.execPath, ["--import", "tsx", path.join(ROOT, "render", "diffCli.ts"), ...args], { cwd: repo, env }).then(
                (r) => ({ code: 0, ...r }),
                (e) => e as { code: number; stdout: string; stderr: string },
            );
        const fine = await cli("--stack", "prod", "--base", commits[3], "--head", commits[3]);
        expect(fine.code, fine.stderr).toBe(0);
        expect(fine.stdout).toMatch(/^## Render diff\n/);
        const bad = await cli("--stack", "prod", "--base", "no-such-branch");
        expect(bad.code).toBe(1);
        expect(bad.stderr).toBe('base ref "no-such-branch" does not exist in this repository; name a branch, tag or commit (e.g. --base origin/main)\n');
    }, 60_000);

    // (After the diffs that run at once above: they share the repository and its temporary folder.)
    it("leaves the repository as it was, and nothing in the temporary folder", async () => {
        expect(await git(repo, "status", "--porcelain")).toBe("");
        expect((await git(repo, "worktree", "list")).split("\n")).toHaveLength(1);
        expect(fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith("gitops-diff-"))).toStrictEqual([]);
    });

    it("writes the trimmed copies for a comment and a job summary where asked, relative to where it runs", async () => {
        const { io, written: out } = capturedOutput();
        // The same cache as the other tests: commits 3 and 4 are rendered already.
        vi.stubEnv("GITOPS_RENDER_CACHE", cache);
        const written = fs.mkdtempSync(path.join(os.tmpdir(), "diff-out-"));
        const [comment, summary] = ["comment.md", "summary.md"].map((f) => path.relative(repo, path.join(written, f)));
        const code = await diffCommand(["--stack", "prod", "--base", commits[3], "--head", commits[4], "--comment-file", comment, "--summary-file", summary], repo, io);
        expect(code, out.stderr).toBe(0);
        expect(out.stdout).toBe(markdown(await diffOf(4)));
        expect(fs.readFileSync(path.join(written, "comment.md"), "utf8")).toBe(out.stdout);
        expect(fs.readFileSync(path.join(written, "summary.md"), "utf8")).toBe(out.stdout);
        const missing = capturedOutput();
        expect(await diffCommand(["--base", commits[3]], repo, missing.io)).toBe(1);
        expect(missing.written.stderr).toBe("error: required option '--stack <name>' not specified\n");
    }, 60_000);
});
