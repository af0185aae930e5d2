/**
 * `npm run diff` on repositories other than this project: one git cannot read, and commits whose
 * renderer predates `--jobs` or `render --charts`, each a stand-in renderer of a few lines.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DiffError, renderCommits, runDiff } from "../../render/diffRun";
import { git, repositoryWith } from "../helpers/git";
import { execLaunched } from "../helpers/launcher";
import { itAtOnce } from "../helpers/mutation";
import { temporaryDirs } from "../helpers/tmp";

/**
 * Installs into `repo` a stand-in for tsx, which the diff imports into every render process: it
 * loads the stand-in renderers (JavaScript in .ts files) as they are, in a tenth of tsx's start.
 */
function installStandInTsx(repo: string): void {
    const dir = path.join(repo, "node_modules", "tsx");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), '{ "name": "tsx", "type": "module", "exports": "./index.js" }\n');
    fs.writeFileSync(path.join(dir, "index.js"), 'import { register } from "node:module";\nregister("./hooks.js", import.meta.url);\n');
    fs.writeFileSync(path.join(dir, "hooks.js"), 'export const load = (url, context, next) => next(url, url.endsWith(".ts") ? { ...context, format: "module" } : context);\n');
}

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
        const gitSaid = await execLaunched("git", ["rev-parse", `${commit}^{tree}`], { cwd: repo }).then(
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
const args = new Map();
for (let i = 2; i < process.argv.length; i += 2) {
    if (!["--stack", "--out", "--config-file"].includes(process.argv[i]) || process.argv[i + 1] === undefined) {
        process.stderr.write("error: unexpected argument " + process.argv[i] + "\\n");
        process.exit(2);
    }
    args.set(process.argv[i], process.argv[i + 1]);
}
const [stack, out, config] = ["--stack", "--out", "--config-file"].map((name) => args.get(name));
if (stack === "fresh") {
    process.stderr.write('Stack "fresh": the stack config has 1 problem:\\n  - Pulumi.fresh.yaml: does not exist; use one of: dev, prod\\n');
    process.exit(1);
}
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
        installStandInTsx(repo);
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

    // Independent of one another (the working tree's render/cli.ts is no commit's), at once:
    itAtOnce("keeps a commit's render by config file: another config renders it again", async () => {
        const config = (text: string) => (fs.writeFileSync(path.join(repo, "stack.yaml"), text), "stack.yaml");
        for (const text of ["first\n", "second\n"]) await runDiff({ cwd: repo, stacks: ["dev"], head: "HEAD", configFile: config(text), cacheDir: cache });
        const keptWithConfig = fs.readdirSync(cache).filter((dir) => !dir.endsWith("-demo"));
        expect(keptWithConfig.map((dir) => fs.readFileSync(path.join(cache, dir, "dev.yaml"), "utf8")).sort()).toStrictEqual(["first\n", "second\n"]);
        await expect(runDiff({ cwd: repo, stacks: ["dev"], configFile: "missing.yaml", cacheDir: cache })).rejects.toThrow(new DiffError("--config-file missing.yaml does not exist"));
    });

    itAtOnce("names the stack a commit does not render, with what the renderer said but its notes and blank lines", async () => {
        const commit = (await git(repo, "rev-parse", "HEAD")).slice(0, 7);
        await expect(runDiff({ cwd: repo, stacks: ["broken"], head: "HEAD", cacheDir: cache })).rejects.toThrow(
            new DiffError(`base ref "merge base with main" (${commit}) does not render stack "broken":\n${brokenSaid}`),
        );
    });

    itAtOnce("names the stack the working tree does not render, also when its render process fails as a whole", async () => {
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

    itAtOnce("says when there is no git repository, or no main to take the merge base with", async () => {
        const plain = tmp();
        await expect(runDiff({ cwd: plain, stacks: ["dev"] })).rejects.toThrow(new DiffError(`${plain} is not inside a git repository: the diff compares a base ref with the working tree`));
        await repositoryWith(plain, {}, { branch: "trunk" });
        await expect(runDiff({ cwd: plain, stacks: ["dev"] })).rejects.toThrow(new DiffError("no merge base of HEAD with main or origin/main; name the base with --base <ref>"));
    });

    it("shows a stack the base does not have yet as added, file by file", async () => {
        // GIVEN the working tree's renderer renders "fresh", which the committed one does not know
        const cli = path.join(repo, "render", "cli.ts");
        try {
            fs.writeFileSync(cli, renderer.replace('stack === "fresh"', 'stack === "never"'));
            const diff = await runDiff({ cwd: repo, stacks: ["fresh"], cacheDir: cache });
            expect(diff.sections).toHaveLength(1);
            expect(diff.sections[0]).toMatch(/added/);
            expect(diff.sections[0]).toContain("fresh.yaml");
        } finally {
            fs.writeFileSync(cli, renderer);
        }
    });

    // Each of these changes what the others see (the environment, the branches), alone:
    it("keeps renders in the repository's node_modules/.cache/gitops-render unless told where", async () => {
        const kept = path.join(repo, "node_modules", ".cache", "gitops-render", `${await git(repo, "rev-parse", "HEAD^{tree}")}-dev-demo`);
        vi.stubEnv("GITOPS_RENDER_CACHE", undefined);
        try {
            await runDiff({ cwd: repo, stacks: ["dev"], head: "HEAD" });
            expect(fs.readdirSync(kept).sort()).toStrictEqual([".gitops-render", "dev.yaml"]);
        } finally {
            vi.unstubAllEnvs();
        }
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
    // GIVEN a renderer that knows --jobs but not --charts, and writes one release's values from demo/web.txt (data: both commits render in one process)
    const renderer = `import * as fs from "node:fs";
import * as path from "node:path";
const jobs = process.argv[2] === "--jobs" ? JSON.parse(fs.readFileSync(process.argv[3], "utf8")) : [];
for (const job of jobs) {
    fs.mkdirSync(path.join(job.out, "charts", "web"), { recursive: true });
    fs.writeFileSync(path.join(job.out, "charts", "web", "values.yaml"), fs.readFileSync(path.join(job.projectDir, "demo", "web.txt"), "utf8"));
    fs.writeFileSync(path.join(job.out, ".gitops-render"), "");
}
process.stdout.write(JSON.stringify(jobs.map(() => ({ ok: true }))));
// "--jobs <file>"
`;
    const tmp = temporaryDirs("diff-nocharts-");

    it("compares the values it has, and says the objects of each changed release are not compared, and why", async () => {
        const repo = tmp();
        installStandInTsx(repo);
        await repositoryWith(repo, { "render/cli.ts": renderer, "demo/web.txt": "replicas: 1\n" }, { excluded: ["node_modules"] });
        fs.writeFileSync(path.join(repo, "demo", "web.txt"), "replicas: 2\n");
        await git(repo, "commit", "-qam", "two");
        const r = await runDiff({ cwd: repo, stacks: ["dev"], base: "HEAD~1", head: "HEAD", cacheDir: tmp(), charts: true });
        expect(r.sections.map((s) => s.split("\n")[0])).toStrictEqual(["#### changed: values of release web (dev)", "#### chart web (dev): its objects are not compared"]);
        const base = (await git(repo, "rev-parse", "HEAD~1")).slice(0, 7);
        expect(r.sections[1]).toBe(`#### chart web (dev): its objects are not compared\n\nthe render of base ref "HEAD~1" (${base}) predates \`render --charts\`\n`);
    });
});
