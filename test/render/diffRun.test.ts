/**
 * `npm run diff` end to end on a fixture repository (a copy of this project with one commit per
 * kind of change), each commit showing up as exactly its change and nothing else.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type DiffReport, markdown } from "../../render/diff";
import { HELM } from "../../render/charts";
import { diffCommand } from "../../render/diffCommand";
import { DiffError, renderCommits, runDiff } from "../../render/diffRun";
import { capturedOutput, demoConfig, ROOT } from "../harness";
import { expansionTitle, skipExpansion } from "../helpers/charts";
import { temporaryDirs } from "../helpers/tmp";
import { charts } from "../../stacks/shared/constants";

const exec = promisify(execFile);
const git = (cwd: string, ...args: string[]) => exec("git", args, { cwd }).then((r) => r.stdout.trim());

/** Makes `dir` a repository on `branch` whose one commit holds `files` (path: text), but the paths `excluded` matches; returns the commit. */
async function repositoryWith(dir: string, files: Readonly<Record<string, string>>, { branch = "main", excluded = [] as string[] } = {}): Promise<string> {
    for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
    }
    await git(dir, "init", "-q", "-b", branch);
    fs.appendFileSync(path.join(dir, ".git", "info", "exclude"), excluded.map((pattern) => `${pattern}\n`).join(""));
    await git(dir, "add", "-A");
    await git(dir, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "one");
    return git(dir, "rev-parse", "HEAD");
}

/** A commit of the fixture repository: the files it edits, and a message. */
type Edit = readonly [file: string, edit: (text: string) => string];

describe("npm run diff on a fixture repository", () => {
    let repo: string;
    let cache: string;
    let outerTmp: string | undefined;
    let privateTmp: string | undefined;
    const commits: string[] = [];
    let renderProcesses: string[] = [];

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
    const withCharts = skipExpansion ? [] : [4, 5, 6, 7, ...(HELM === undefined ? [1, 2] : [])];

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
        // (The part-of label; matched loosely, as Stryker's instrumented copy spells it otherwise.)
        commits.push(await commit("the program's code", ["core/objects.ts", (t) => t.replace('"gitops-platform"', '"gitops"')]));
        commits.push(await commit("a size", ["stacks/shared/constants.ts", (t) => t.replace("alertmanager: { replicas: 2,", "alertmanager: { replicas: 3,")]));
        // Every commit renders once, and once with its charts' objects where a test compares
        // those: the first six in one process (they differ in their stacks only), the last two in
        // one of their own code. Each Node process started meanwhile notes itself.
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

    it("finds no change between a commit and a working tree that holds it, rendered afresh, and gives the same bytes twice", async () => {
        const again = await runDiff({ cwd: repo, stacks: ["prod"], base: commits[5], cacheDir: cache });
        expect(again.sections).toStrictEqual([]);
        expect(again.summary).toContain(`No changes: every object and chart renders exactly as on ${commits[5]} (\`${commits[5].slice(0, 7)}\`).`);
        expect(markdown(await diffOf(1))).toBe(markdown(await diffOf(1)));
    }, 60_000);

    it("renders each commit with its own code: one that changes a label changes every object", async () => {
        const r = await runDiff({ cwd: repo, stacks: ["prod"], base: commits[5], head: commits[6], cacheDir: cache });
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
        const r = await runDiff({ cwd: repo, stacks: ["prod"], base: commits[6], head: commits[7], cacheDir: cache, charts: true });
        expect(r.sections.map((s) => s.split("\n")[0])).toStrictEqual(["#### changed: values of release monitoring-prod (prod)", "#### changed: Alertmanager monitoring-prod/monitoring-prod-kube-prome-alertmanager (prod, chart monitoring-prod)"]);
        expect(r.sections[1]).toMatch(/-\s+replicas: 2\n\+\s+replicas: 3/);
    }, 60_000);

    it.skipIf(skipExpansion || HELM !== undefined)(expansionTitle("with --charts, says why a release it cannot expand here is not compared"), async () => {
        const r = await runDiff({ cwd: repo, stacks: ["prod"], base: commits[1], head: commits[2], cacheDir: cache, charts: true });
        const bumped = charts.sealedSecrets.version.replace(/\d+$/, (patch) => String(Number(patch) + 1));
        expect(r.sections.at(-1)).toMatch(new RegExp(`^#### chart sealed-secrets \\(prod\\): its objects are not compared\n\n.*is sealed-secrets ${charts.sealedSecrets.version}, but the release pins ${bumped}`));
    }, 60_000);

    it("names a base ref that does not exist, and one that does not render, and leaves the repository as it was", async () => {
        await expect(runDiff({ cwd: repo, stacks: ["prod"], base: "no-such-branch", cacheDir: cache })).rejects.toThrow(/base ref "no-such-branch" does not exist in this repository/);
        const broken = await commit("a broken model", ["stacks/prod.ts", (t) => t.replace('revision: "release"', "revision: 42 as unknown as string")]);
        await expect(runDiff({ cwd: repo, stacks: ["prod"], base: broken, head: commits[5], cacheDir: cache })).rejects.toThrow(
            new RegExp(`base ref "${broken}" \\(${broken.slice(0, 7)}\\) does not render stack "prod":\\n.*stacks/prod.ts has \\d+ problems?`),
        );
        await git(repo, "reset", "-q", "--hard", commits[5]);
        expect(await git(repo, "status", "--porcelain")).toBe("");
        expect((await git(repo, "worktree", "list")).split("\n")).toHaveLength(1);
        expect(fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith("gitops-diff-"))).toStrictEqual([]);
    }, 60_000);

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

    it("runs as a command: Markdown on stdout and exit 0 when something changed, one line and exit 1 when it cannot", async () => {
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
});

describe("npm run diff on a repository git cannot read", () => {
    const tmp = temporaryDirs("diff-corrupt-");
    /** A repository of one commit of one file, with the object `gone` names (a rev-parse expression) removed. */
    async function corrupted(gone: string): Promise<{ repo: string; commit: string; object: string }> {
        const repo = tmp();
        const commit = await repositoryWith(repo, { file: "text\n" });
        const object = await git(repo, "rev-parse", gone);
        fs.rmSync(path.join(repo, ".git", "objects", object.slice(0, 2), object.slice(2)));
        return { repo, commit, object };
    }
    const renderIn = (repo: string, commit: string) => renderCommits({ cwd: repo, cacheDir: path.join(repo, "cache") }, [commit], ["prod"]);

    it("says what git said, in git's own words", async () => {
        // GIVEN a commit whose tree object is gone
        const { repo, commit } = await corrupted("HEAD^{tree}");
        const gitSaid = await exec("git", ["rev-parse", `${commit}^{tree}`], { cwd: repo }).then(
            () => "",
            (e: { stderr: string }) => e.stderr,
        );
        expect(gitSaid).toMatch(/^fatal: /);
        // THEN rendering it fails with git's message, as git printed it but for the final line break
        await expect(renderIn(repo, commit)).rejects.toThrow(new Error(gitSaid.trimEnd()));
    });

    it("says what git archive and tar said when a commit's file is gone", async () => {
        // GIVEN a commit whose one file's object is gone: its tree is intact, so only the export fails
        const { repo, commit, object } = await corrupted("HEAD:file");
        const failure = (await renderIn(repo, commit).catch((e: unknown) => e)) as Error;
        expect(failure.message).toMatch(new RegExp(`^git archive ${commit} \\| tar failed: [^]*${object}[^]*\\ntar: `));
    });
});

describe("npm run diff on a commit whose renderer predates --jobs", () => {
    // GIVEN a repository on main whose render/cli.ts renders one stack per process, as before
    // --jobs: it takes --stack, --out and --config-file only, writes its config file (or "demo")
    // as the stack's one file, and fails for "broken" with notes, blank lines and 14 problems.
    const renderer = `import * as fs from "node:fs";
import * as path from "node:path";
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) {
    if (!["--stack", "--out", "--config-file"].includes(process.argv[i]) || process.argv[i + 1] === undefined) {
        process.stderr.write("error: unexpected argument " + process.argv[i] + "\\n");
        process.exit(2);
    }
    args.set(process.argv[i], process.argv[i + 1]);
}
const [stack, out, config] = ["--stack", "--out", "--config-file"].map((name) => args.get(name));
if (stack === "broken") {
    const problems = Array.from({ length: 14 }, (_, i) => "  - problem " + (i + 1));
    process.stderr.write(["note: rendering offline", "", "stack broken: its model does not validate", "   ", ...problems, ""].join("\\n"));
    process.exit(1);
}
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, stack + ".yaml"), config ? fs.readFileSync(config, "utf8") : "demo\\n");
fs.writeFileSync(path.join(out, ".gitops-render"), "");
`;
    const tmp = temporaryDirs("diff-plain-");
    /** What the diff says of the broken stack's render: its first 12 lines that are neither notes nor blank. */
    const brokenSaid = ["stack broken: its model does not validate", ...Array.from({ length: 11 }, (_, i) => `  - problem ${i + 1}`)].join("\n");
    let repo: string;
    let cache: string;
    beforeAll(async () => {
        repo = fs.mkdtempSync(path.join(os.tmpdir(), "diff-old-"));
        cache = fs.mkdtempSync(path.join(os.tmpdir(), "diff-old-cache-"));
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"));
        await repositoryWith(repo, { "render/cli.ts": renderer }, { excluded: ["node_modules", "*.yaml"] });
    });
    afterAll(() => {
        for (const dir of [repo, cache]) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("takes the merge base with main as the base, and renders with a renderer that takes one stack per call", async () => {
        const diff = await runDiff({ cwd: repo, stacks: ["dev", "prod"], head: "HEAD", cacheDir: cache });
        const commit = (await git(repo, "rev-parse", "HEAD")).slice(0, 7);
        expect(diff.summary).toContain(`No changes: every object and chart renders exactly as on merge base with main (\`${commit}\`).`);
        const kept = fs.readdirSync(cache).sort();
        expect(kept.map((dir) => fs.readdirSync(path.join(cache, dir)).sort())).toStrictEqual([[".gitops-render", "dev.yaml"], [".gitops-render", "prod.yaml"]]);
    });

    it("keeps a commit's render by config file: another config renders it again", async () => {
        const config = (text: string) => (fs.writeFileSync(path.join(repo, "stack.yaml"), text), "stack.yaml");
        for (const text of ["first\n", "second\n"]) await runDiff({ cwd: repo, stacks: ["dev"], head: "HEAD", configFile: config(text), cacheDir: cache });
        const keptWithConfig = fs.readdirSync(cache).filter((dir) => !dir.endsWith("-demo"));
        expect(keptWithConfig.map((dir) => fs.readFileSync(path.join(cache, dir, "dev.yaml"), "utf8")).sort()).toStrictEqual(["first\n", "second\n"]);
        await expect(runDiff({ cwd: repo, stacks: ["dev"], configFile: "missing.yaml", cacheDir: cache })).rejects.toThrow(new DiffError("--config-file missing.yaml does not exist"));
    });

    it("names the stack a commit does not render, with what the renderer said but its notes and blank lines", async () => {
        const commit = (await git(repo, "rev-parse", "HEAD")).slice(0, 7);
        await expect(runDiff({ cwd: repo, stacks: ["broken"], head: "HEAD", cacheDir: cache })).rejects.toThrow(
            new DiffError(`base ref "merge base with main" (${commit}) does not render stack "broken":\n${brokenSaid}`),
        );
    });

    it("keeps renders in the repository's node_modules/.cache/gitops-render unless told where", async () => {
        // The repository's node_modules is this checkout's, linked.
        const kept = path.join(ROOT, "node_modules", ".cache", "gitops-render", `${await git(repo, "rev-parse", "HEAD^{tree}")}-dev-demo`);
        fs.rmSync(kept, { recursive: true, force: true });
        vi.stubEnv("GITOPS_RENDER_CACHE", undefined);
        try {
            await runDiff({ cwd: repo, stacks: ["dev"], head: "HEAD" });
            expect(fs.readdirSync(kept).sort()).toStrictEqual([".gitops-render", "dev.yaml"]);
        } finally {
            vi.unstubAllEnvs();
            fs.rmSync(kept, { recursive: true, force: true });
        }
    });

    it("names the stack the working tree does not render, also when its render process fails as a whole", async () => {
        const cli = path.join(repo, "render", "cli.ts");
        try {
            fs.writeFileSync(cli, renderer.replace('stack === "broken"', 'stack === "dev"'));
            await expect(runDiff({ cwd: repo, stacks: ["dev"], cacheDir: cache })).rejects.toThrow(new DiffError(`the working tree does not render stack "dev":\n${brokenSaid}`));
            // A renderer that takes "--jobs <file>" and dies before it reports on any job (a stack at a time, it would render).
            fs.writeFileSync(cli, `// "--jobs <file>"\nif (process.argv.includes("--jobs")) {\n    process.stderr.write("cannot start\\n");\n    process.exit(3);\n}\n${renderer}`);
            await expect(runDiff({ cwd: repo, stacks: ["dev", "prod"], cacheDir: cache })).rejects.toThrow(new DiffError('the working tree does not render stack "dev":\ncannot start'));
        } finally {
            await git(repo, "checkout", "--", "render/cli.ts");
        }
    });

    it("says when there is no git repository, or no main to take the merge base with", async () => {
        const plain = tmp();
        await expect(runDiff({ cwd: plain, stacks: ["dev"] })).rejects.toThrow(new DiffError(`${plain} is not inside a git repository: the diff compares a base ref with the working tree`));
        await repositoryWith(plain, {}, { branch: "trunk" });
        await expect(runDiff({ cwd: plain, stacks: ["dev"] })).rejects.toThrow(new DiffError("no merge base of HEAD with main or origin/main; name the base with --base <ref>"));
    });

    it("takes the merge base with origin/main where there is no main", async () => {
        const commit = (await git(repo, "rev-parse", "HEAD")).slice(0, 7);
        await git(repo, "branch", "-m", "main", "trunk");
        await git(repo, "update-ref", "refs/remotes/origin/main", "HEAD");
        try {
            const diff = await runDiff({ cwd: repo, stacks: ["dev"], head: "HEAD", cacheDir: cache });
            expect(diff.summary).toContain(`exactly as on merge base with origin/main (\`${commit}\`).`);
        } finally {
            await git(repo, "update-ref", "-d", "refs/remotes/origin/main");
            await git(repo, "branch", "-m", "trunk", "main");
        }
    });
});

describe("npm run diff --charts on commits whose renderer predates render --charts", () => {
    // GIVEN a renderer that knows --jobs but not --charts, and writes one release's values from web.txt
    const renderer = `import * as fs from "node:fs";
import * as path from "node:path";
const jobs = process.argv[2] === "--jobs" ? JSON.parse(fs.readFileSync(process.argv[3], "utf8")) : [];
for (const job of jobs) {
    fs.mkdirSync(path.join(job.out, "charts", "web"), { recursive: true });
    fs.writeFileSync(path.join(job.out, "charts", "web", "values.yaml"), fs.readFileSync(path.join(job.projectDir, "web.txt"), "utf8"));
    fs.writeFileSync(path.join(job.out, ".gitops-render"), "");
}
process.stdout.write(JSON.stringify(jobs.map(() => ({ ok: true }))));
// "--jobs <file>"
`;
    const tmp = temporaryDirs("diff-nocharts-");

    it("compares the values it has, and says the objects of each changed release are not compared, and why", async () => {
        const repo = tmp();
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"));
        await repositoryWith(repo, { "render/cli.ts": renderer, "web.txt": "replicas: 1\n" }, { excluded: ["node_modules"] });
        fs.writeFileSync(path.join(repo, "web.txt"), "replicas: 2\n");
        await git(repo, "commit", "-qam", "two");
        const r = await runDiff({ cwd: repo, stacks: ["dev"], base: "HEAD~1", head: "HEAD", cacheDir: tmp(), charts: true });
        expect(r.sections.map((s) => s.split("\n")[0])).toStrictEqual(["#### changed: values of release web (dev)", "#### chart web (dev): its objects are not compared"]);
        const base = (await git(repo, "rev-parse", "HEAD~1")).slice(0, 7);
        expect(r.sections[1]).toBe(`#### chart web (dev): its objects are not compared\n\nthe render of base ref "HEAD~1" (${base}) predates \`render --charts\`\n`);
    });
});
