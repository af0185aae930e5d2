/**
 * `npm run diff`: the comparison itself on small trees, and end to end on a fixture repository
 * (a copy of this project with one commit per kind of change), each commit showing up as exactly
 * its change and nothing else.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { applyPatch, parsePatch } from "diff";
// marked is an ES module only: its types are imported as one, the lexer is loaded below.
import type { Tokens, TokensList } from "marked" with { "resolution-mode": "import" };
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMENT_LIMIT, diffTrees, type DiffReport, markdown, report, SEALED_VALUE, trimmed } from "../../render/diff";
import { HELM } from "../../render/charts";
import { diffCommand } from "../../render/diffCommand";
import { renderCommits, runDiff } from "../../render/diffRun";
import { toYaml } from "../../core/objects";
import { capturedOutput, demoConfig, ROOT } from "../harness";
import { expansionTitle, skipExpansion } from "../helpers/charts";

const exec = promisify(execFile);
const git = (cwd: string, ...args: string[]) => exec("git", args, { cwd }).then((r) => r.stdout.trim());

const sealed = (data: Record<string, string>, annotations: Record<string, string> = {}) =>
    `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  annotations: ${JSON.stringify(annotations)}\n  name: s\n  namespace: ns\nspec:\n  encryptedData: ${JSON.stringify(data)}\n`;

describe("diffTrees", () => {
    it("reports a SealedSecret by data key: which changed, which came and went, never a ciphertext", () => {
        const base = new Map([["ns/sealedsecret/s.yaml", sealed({ a: "AgAAA1", b: "AgBBB1", gone: "AgGGG1" })]]);
        const head = new Map([["ns/sealedsecret/s.yaml", sealed({ a: "AgAAA2", b: "AgBBB1", fresh: "AgFFF1" })]]);
        const [change] = diffTrees(base, head);
        expect(change.notes).toStrictEqual(["`encryptedData.a` changed", "`encryptedData.fresh` added", "`encryptedData.gone` removed"]);
        const text = markdown(report([{ stack: "dev", changes: [change], charts: [] }], "main", "the working tree"));
        for (const ciphertext of ["AgAAA1", "AgAAA2", "AgBBB1", "AgGGG1", "AgFFF1"]) expect(text).not.toContain(ciphertext);
        expect(change.patch).toContain(`+    fresh: ${SEALED_VALUE}`);
    });

    it("shows what a sealed key holds through its preview, and nothing when only a ciphertext changed", () => {
        const base = new Map([["ns/sealedsecret/s.yaml", sealed({ k: "AgX" }, { "gitops-platform/preview.k": "route: 12h" })]]);
        const [change] = diffTrees(base, new Map([["ns/sealedsecret/s.yaml", sealed({ k: "AgY" }, { "gitops-platform/preview.k": "route: 6h" })]]));
        expect(change.patch).toMatch(/-\s+gitops-platform\/preview.k: "route: 12h"\n\+\s+gitops-platform\/preview.k: "route: 6h"/);
        const [quiet] = diffTrees(base, new Map([["ns/sealedsecret/s.yaml", sealed({ k: "AgZ" }, { "gitops-platform/preview.k": "route: 12h" })]]));
        expect([quiet.notes, quiet.patch]).toStrictEqual([["`encryptedData.k` changed"], ""]);
    });

    it("finds nothing in identical trees, and names kinds and charts", () => {
        const tree = new Map([
            ["charts/argocd/values.yaml", "a: 1\n"],
            ["argocd/application/x.yaml", "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: x\n  namespace: argocd\n"],
        ]);
        expect(diffTrees(tree, new Map(tree))).toStrictEqual([]);
        const changes = diffTrees(tree, new Map([["charts/argocd/values.yaml", "a: 2\n"]]));
        expect(changes.map((c) => [c.change, c.kind, c.title])).toStrictEqual([
            ["removed", "Application", "Application argocd/x"],
            ["changed", "Helm values", "values of release argocd"],
        ]);
    });
});

describe("the Markdown report, as GitHub reads it", () => {
    const object = (kind: string, name: string, data: Record<string, string>) => toYaml({ apiVersion: "v1", kind, metadata: { name, namespace: "ns" }, data });
    const base = new Map([
        ["ns/configmap/c.yaml", object("ConfigMap", "c", { a: "1" })],
        ["ns/configmap/gone.yaml", object("ConfigMap", "gone", { a: "1" })],
        ["charts/argocd/release.yaml", "name: argocd\nversion: 1.0.0\n"],
        ["charts/argocd/values.yaml", "banner: |\n  ````\nreplicas: 1\n"],
        ["ns/sealedsecret/s.yaml", sealed({ a: "AgA1", b: "AgB1" })],
    ]);
    const head = new Map([
        ["ns/configmap/c.yaml", object("ConfigMap", "c", { a: "2" })],
        ["ns/application/new.yaml", object("Application", "new", {})],
        ["charts/argocd/release.yaml", "name: argocd\nversion: 1.0.1\n"],
        ["charts/argocd/values.yaml", "banner: |\n  ````\nreplicas: 2\n"],
        ["ns/sealedsecret/s.yaml", sealed({ a: "AgA2", b: "AgB1" })],
    ]);
    const chartBase = new Map([["ns/configmap/argocd-cm.yaml", object("ConfigMap", "argocd-cm", { url: "a" })]]);
    const chartHead = new Map([["ns/configmap/argocd-cm.yaml", object("ConfigMap", "argocd-cm", { url: "b" })]]);
    const r = report(
        [{ stack: "dev", changes: diffTrees(base, head), charts: [{ release: "argocd", changes: diffTrees(chartBase, chartHead) }, { release: "kps", changes: [], notExpanded: "kps 9.9.9 is not available here." }] }],
        "main (`abc1234`)",
        "the working tree",
    );
    let lexer: (markdown: string) => TokensList;
    let tokens: TokensList;
    beforeAll(async () => {
        lexer = (await import("marked")).marked.lexer;
        tokens = lexer(markdown(r));
    });
    const text = (type: string) => tokens.filter((t) => t.type === type).map((t) => (t as Tokens.Generic).text as string);

    it("opens with what it compares, then a table of changes by stack and kind", () => {
        expect(tokens[0]).toMatchObject({ type: "heading", depth: 2, text: "Render diff" });
        expect(text("paragraph")[0]).toBe("Render of dev: the working tree against main (`abc1234`). SealedSecrets are compared by data key; no secret value is shown.");
        const [table] = tokens.filter((t): t is Tokens.Table => t.type === "table");
        expect(table.header.map((h) => h.text)).toStrictEqual(["stack", "kind", "added", "changed", "removed"]);
        expect(table.align).toStrictEqual([null, null, "right", "right", "right"]);
        expect(table.rows.map((row) => row.map((cell) => cell.text))).toStrictEqual([
            ["dev", "Application", "1", "0", "0"],
            ["dev", "ConfigMap", "0", "1", "1"],
            ["dev", "Helm release", "0", "1", "0"],
            ["dev", "Helm values", "0", "1", "0"],
            ["dev", "SealedSecret", "0", "1", "0"],
            ["dev, chart argocd", "ConfigMap", "0", "1", "0"],
        ]);
    });

    it("gives each change a heading and a patch that turns the base file into the head file", () => {
        const headings = tokens.filter((t): t is Tokens.Heading => t.type === "heading" && t.depth === 4).map((t) => t.text);
        expect(headings).toStrictEqual([
            "changed: release argocd (dev)",
            "changed: values of release argocd (dev)",
            "added: Application ns/new (dev)",
            "changed: ConfigMap ns/c (dev)",
            "removed: ConfigMap ns/gone (dev)",
            "changed: SealedSecret ns/s (dev)",
            "changed: ConfigMap ns/argocd-cm (dev, chart argocd)",
            "chart kps (dev): its objects are not compared",
        ]);
        // A sealed value that changed is a note alone: its ciphertext is no patch.
        expect(tokens.filter((t): t is Tokens.List => t.type === "list").map((l) => l.items.map((i) => i.text))).toStrictEqual([["`encryptedData.a` changed"]]);
        const patches = tokens.filter((t): t is Tokens.Code => t.type === "code");
        expect(patches.map((p) => p.lang)).toStrictEqual(["diff", "diff", "diff", "diff", "diff", "diff"]);
        const files = [...["charts/argocd/release.yaml", "charts/argocd/values.yaml", "ns/application/new.yaml", "ns/configmap/c.yaml", "ns/configmap/gone.yaml"].map((f) => [base.get(f), head.get(f)]), [chartBase, chartHead].map((t) => t.get("ns/configmap/argocd-cm.yaml"))];
        patches.forEach((p, i) => {
            const [before, after] = files[i];
            // The fence outlasts the values' line of backticks, or that line would end it early.
            expect(applyPatch(before ?? "", p.text)).toBe(after ?? "");
            expect(p.text).not.toMatch(/\s$/);
            const [{ oldFileName, newFileName }] = parsePatch(p.text);
            expect([oldFileName, newFileName]).toStrictEqual([before === undefined ? "/dev/null" : expect.stringMatching(/^base\//), after === undefined ? "/dev/null" : expect.stringMatching(/^head\//)]);
        });
        expect(text("paragraph")).toContain("kps 9.9.9 is not available here.");
    });

    it("says there is nothing to show, and shows no table, when nothing changed", () => {
        const quiet = lexer(markdown(report([{ stack: "prod", changes: [], charts: [] }], "main", "the working tree")));
        expect(quiet.map((t) => t.type).filter((t) => t !== "space")).toStrictEqual(["heading", "paragraph", "paragraph"]);
        expect((quiet.at(-1) as Tokens.Paragraph).text).toBe("No changes: every object and chart renders exactly as on main.");
    });
});

describe("trimmed", () => {
    /** A report with `n` sections of about `size` characters each. */
    const big = (n: number, size: number): DiffReport => ({ summary: "## Render diff\n\n| stack | kind |\n", sections: Array.from({ length: n }, (_, i) => `#### changed: ConfigMap ns/c${i}\n\n\`\`\`diff\n${"+x\n".repeat(size / 3)}\`\`\`\n`) });

    it("keeps a report that fits as it is", () => {
        const small = big(3, 300);
        expect(trimmed(small)).toBe(markdown(small));
    });

    it("fits as many whole sections as leave room for the note, at every limit", () => {
        const r = big(4, 120);
        const elsewhere = "the job summary and the render-diff artifact";
        const noteFor = (left: number) => `\n_${left} more ${left === 1 ? "change" : "changes"} not shown here: the whole diff is in ${elsewhere}._\n`;
        const full = markdown(r);
        for (let limit = r.summary.length + noteFor(4).length; limit <= full.length + 2; limit++) {
            const text = trimmed(r, limit);
            if (limit >= full.length) {
                expect(text).toBe(full);
                continue;
            }
            let shown = 0;
            while (shown < 4 && [r.summary, ...r.sections.slice(0, shown + 1)].join("\n").length + noteFor(4).length <= limit) shown++;
            expect(text, `limit ${limit}`).toBe([r.summary, ...r.sections.slice(0, shown)].join("\n") + noteFor(4 - shown));
            expect(text.length).toBeLessThanOrEqual(limit);
        }
    });

    it("cuts a summary that alone passes the limit, and still says that every change is elsewhere", () => {
        const r: DiffReport = { summary: `## Render diff\n\n${"x".repeat(400)}\n`, sections: ["#### one\n"] };
        const text = trimmed(r, 300, "the artifact");
        expect(text.length).toBe(300);
        expect(text.endsWith("\n_1 more change not shown here: the whole diff is in the artifact._\n")).toBe(true);
        expect(text.startsWith("## Render diff\n\nxxx")).toBe(true);
    });

    it("keeps the summary and whole sections under the limit, and says how many it left out and where they are", () => {
        const r = big(200, 1_000);
        const text = trimmed(r);
        expect(markdown(r).length).toBeGreaterThan(COMMENT_LIMIT);
        expect(text.length).toBeLessThanOrEqual(COMMENT_LIMIT);
        expect(text.startsWith(r.summary)).toBe(true);
        const shown = r.sections.filter((s) => text.includes(s)).length;
        expect(shown).toBeGreaterThan(50);
        // No section is cut: every fence opened is closed.
        expect(text.split("```").length % 2).toBe(1);
        expect(text).toContain(`_${200 - shown} more changes not shown here: the whole diff is in the job summary and the render-diff artifact._`);
    });
});

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

    beforeAll(async () => {
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
        commits.push(await commit("a chart version", ["stacks/shared/constants.ts", (t) => t.replace('chart: "sealed-secrets", version: "2.18.5"', 'chart: "sealed-secrets", version: "2.18.6"')]));
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
        commits.push(await commit("Argo CD's domain", ["stacks/prod.ts", (t) => t.replace('argocdDomain: "argocd.example.com"', 'argocdDomain: "cd.example.com"')]));
        // (The part-of label; matched loosely, as Stryker's instrumented copy spells it otherwise.)
        commits.push(await commit("the program's code", ["core/objects.ts", (t) => t.replace('"gitops-platform"', '"gitops"')]));
        // Every commit renders once: the first six in one process (they differ in their stacks
        // only), the last in one of its own code. Each Node process started meanwhile notes itself.
        const started = path.join(privateTmp, "processes.log");
        const outerOptions = process.env.NODE_OPTIONS;
        process.env.NODE_OPTIONS = `${outerOptions ?? ""} --require ${path.join(ROOT, "test/fixtures/noteProcess.cjs")}`;
        process.env.GITOPS_NOTE_PROCESS = started;
        try {
            await renderCommits({ cwd: repo, cacheDir: cache }, commits, ["prod"]);
        } finally {
            if (outerOptions === undefined) delete process.env.NODE_OPTIONS;
            else process.env.NODE_OPTIONS = outerOptions;
            delete process.env.GITOPS_NOTE_PROCESS;
        }
        renderProcesses = fs.existsSync(started) ? fs.readFileSync(started, "utf8").trim().split("\n") : [];
        await git(repo, "reset", "-q", "--hard", commits[5]);
    }, 120_000);
    afterAll(() => {
        if (privateTmp !== undefined) fs.rmSync(privateTmp, { recursive: true, force: true });
        if (outerTmp === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = outerTmp;
    });

    /** The diff of prod between two fixture commits. */
    const diffOf = (i: number) => runDiff({ cwd: repo, stacks: ["prod"], base: commits[i - 1], head: commits[i], cacheDir: cache });
    const files = (r: DiffReport) => r.sections.map((s) => /\n`([^`]+)`\n/.exec(s)?.[1]);

    it("renders commits that differ only in their stacks in one process, one of other code in another", () => {
        expect(renderProcesses).toHaveLength(2);
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
        expect(chart.map((s) => /`([^`]+)`/.exec(s.split("\n")[2])?.[1]).sort()).toEqual(expect.arrayContaining(["argocd/configmap/argocd-cm.yaml", "argocd/ingress/argocd-server.yaml"]));
        expect(chart.find((s) => s.includes("argocd/ingress/argocd-server.yaml"))).toMatch(/-\s+- host: argocd.example.com\n\+\s+- host: cd.example.com/);
        expect(r.sections.filter((s) => /, chart (?!argocd\))/.test(s))).toStrictEqual([]);
        expect(r.summary).toMatch(/\| prod, chart argocd \| ConfigMap \| 0 \| \d+ \| 0 \|/);
    }, 60_000);

    it.skipIf(skipExpansion || HELM !== undefined)(expansionTitle("with --charts, says why a release it cannot expand here is not compared"), async () => {
        const r = await runDiff({ cwd: repo, stacks: ["prod"], base: commits[1], head: commits[2], cacheDir: cache, charts: true });
        expect(r.sections.at(-1)).toMatch(/^#### chart sealed-secrets \(prod\): its objects are not compared\n\n.*is sealed-secrets 2.18.5, but the release pins 2.18.6/);
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
