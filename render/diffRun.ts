/**
 * Renders two versions of the project and compares them (render/diff.ts). Each version renders
 * with its own code: a commit is exported with `git archive` into a temporary folder (never a
 * worktree, never the working tree) and rendered by its own `render/cli.ts`, its render kept by
 * tree hash in node_modules/.cache; commits whose code is the same (they differ only in stacks/,
 * demo/ and Pulumi.<stack>.yaml) render in one process. The working tree renders in place, into a
 * temporary folder. With `--charts` each side writes the objects Pulumi applies from each of its
 * charts (`render --charts`), which are compared like the rest.
 */
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { type ChartDiff, type DiffReport, diffTrees, type FileChange, report, type StackDiff } from "./diff";
import { MARKER, readRender } from "./folder";
import { NOT_EXPANDED, sharedDir } from "./layout";

/** A failure of the diff itself, with what to do: printed without a stack trace. */
export class DiffError extends Error {}

export interface DiffOptions {
    /** The repository (any folder inside it). */
    readonly cwd: string;
    readonly stacks: readonly string[];
    /** The base ref; defaults to the merge base of HEAD with main (or origin/main). */
    readonly base?: string;
    /** A ref to compare instead of the working tree. */
    readonly head?: string;
    /** A plaintext config file, used for both sides; each side's own demo config otherwise. */
    readonly configFile?: string;
    /** Also compare the objects every release's chart renders, as Pulumi applies them. */
    readonly charts?: boolean;
    /** Where commits' renders are kept: GITOPS_RENDER_CACHE, else node_modules/.cache/gitops-render of the repository. */
    readonly cacheDir?: string;
}

function git(cwd: string, args: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile("git", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => (error ? reject(new Error(stderr.trim() || error.message)) : resolve(stdout.trim())));
    });
}

/** The top folder of the repository `cwd` is in. */
async function repositoryOf(cwd: string): Promise<string> {
    try {
        return await git(cwd, ["rev-parse", "--show-toplevel"]);
    } catch {
        throw new DiffError(`${cwd} is not inside a git repository: the diff compares a base ref with the working tree`);
    }
}

/** The commit a ref names, or a DiffError that names the ref. */
async function commitOf(root: string, ref: string, role: string): Promise<string> {
    try {
        return await git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    } catch {
        throw new DiffError(`${role} ref "${ref}" does not exist in this repository; name a branch, tag or commit (e.g. --${role} origin/main)`);
    }
}

/** The merge base of HEAD with main, or with origin/main. */
async function defaultBase(root: string): Promise<{ ref: string; commit: string }> {
    for (const branch of ["main", "origin/main"]) {
        try {
            return { ref: `merge base with ${branch}`, commit: await git(root, ["merge-base", "HEAD", branch]) };
        } catch {
            // try the next one
        }
    }
    throw new DiffError("no merge base of HEAD with main or origin/main; name the base with --base <ref>");
}

/** Writes the files of commit `commit` into `dir` (only `paths`, where given), with `git archive`. */
function exportCommit(root: string, commit: string, dir: string, paths?: readonly string[]): Promise<void> {
    return new Promise((resolve, reject) => {
        // Stryker disable next-line ArrayDeclaration: Node's default pipes stdin too, which git archive never reads
        const archive = spawn("git", ["archive", "--format=tar", commit, ...(paths ? ["--", ...paths] : [])], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
        const tar = spawn("tar", ["-x", "-C", dir], { stdio: ["pipe", "ignore", "pipe"] });
        let stderr = "";
        archive.stderr.on("data", (d) => (stderr += d));
        tar.stderr.on("data", (d) => (stderr += d));
        archive.stdout.pipe(tar.stdin);
        tar.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`git archive ${commit} | tar failed: ${stderr}`))));
        archive.on("error", reject);
    });
}

/** What a render process was asked: a stack of the copy of the project at `projectDir`, into `out`. */
interface Job {
    readonly stack: string;
    readonly out: string;
    readonly projectDir: string;
    readonly configFile?: string;
    readonly charts?: boolean;
}

/**
 * Runs a program; resolves with its stdout, or rejects with what it printed on stderr. A commit
 * exported elsewhere has no shared/ beside it: it expands charts with this checkout's.
 */
function runNode(args: readonly string[], cwd: string): Promise<string> {
    const env = { ...process.env, GITOPS_SHARED_DIR: sharedDir() };
    return new Promise((resolve, reject) => {
        execFile(process.execPath, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
            if (!error) return resolve(stdout);
            reject(new Error(stderr.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("note:")).slice(0, 12).join("\n") || error.message));
        });
    });
}

/** Whether the render of the project at `dir` has an option (commits from before it do not). */
function rendersWith(dir: string, option: string): boolean {
    // The options moved from cli.ts to renderCommand.ts; commits of either kind know them.
    return ["cli.ts", "renderCommand.ts"].some((file) => {
        const full = path.join(dir, "render", file);
        return fs.existsSync(full) && fs.readFileSync(full, "utf8").includes(`"${option}`);
    });
}

/**
 * What a render without `--charts` (a commit from before it) says of each release whose objects
 * were asked for: that they are not compared, and why.
 */
function markChartsNotRendered(dir: string, what: string): void {
    for (const release of fs.existsSync(path.join(dir, "charts")) ? fs.readdirSync(path.join(dir, "charts")) : []) {
        fs.writeFileSync(path.join(dir, "charts", release, NOT_EXPANDED), `the render of ${what} predates \`render --charts\`\n`);
    }
}

/**
 * Renders `jobs` with the code of `codeDir`: in one process when its render knows `--jobs`, one
 * process per job otherwise (a commit from before it). Resolves with each job's failure, if any.
 */
async function render(codeDir: string, jobs: readonly Job[]): Promise<(string | undefined)[]> {
    const cliOf = (dir: string) => path.join(dir, "render", "cli.ts");
    const node = (dir: string) => ["--import", pathToFileURL(require.resolve("tsx", { paths: [dir] })).href, cliOf(dir)];
    if (!rendersWith(codeDir, "--charts")) jobs = jobs.map(({ charts: _, ...job }) => job);
    if (rendersWith(codeDir, "--jobs <file>")) {
        const list = path.join(path.dirname(jobs[0].out), `jobs-${process.pid}-${Date.now()}.json`);
        fs.mkdirSync(path.dirname(list), { recursive: true });
        fs.writeFileSync(list, JSON.stringify(jobs));
        try {
            const results = JSON.parse(await runNode([...node(codeDir), "--jobs", list], codeDir)) as { ok: boolean; message?: string }[];
            return results.map((r) => (r.ok ? undefined : r.message));
        } catch (e) {
            return jobs.map(() => (e as Error).message);
        } finally {
            fs.rmSync(list, { force: true });
        }
    }
    return Promise.all(
        jobs.map((job) =>
            runNode([...node(job.projectDir), "--stack", job.stack, "--out", job.out, ...(job.configFile ? ["--config-file", job.configFile] : [])], job.projectDir).then(
                () => undefined,
                (e: Error) => e.message,
            ),
        ),
    );
}

/**
 * Whether a render failed only because the commit has no such stack: neither its
 * `Pulumi.<stack>.yaml` nor a demo config (render/stackConfig.ts says so in these words).
 */
function isAbsent(failure: string, stack: string): boolean {
    return failure.includes(`Pulumi.${stack}.yaml: does not exist`);
}

/** An empty render folder: a stack a commit does not have yet. */
function writeEmptyRender(dir: string): void {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, MARKER), "Written by `npm run diff`: the commit has no such stack.\n");
}

/** Files that hold what a stack is (its model and config), not how the program renders it. */
const isData = (file: string) => /^(stacks|demo)\//.test(file) || /^Pulumi\.[^/]+\.yaml$/.test(file);

/** A commit to render, and how to name it when it does not. */
interface Commit {
    readonly commit: string;
    readonly what: string;
}

/** A render of a commit's stack, with or without its charts' objects. */
interface CommitRender {
    readonly commit: Commit;
    readonly stack: string;
    readonly charts: boolean;
}

/** The value `compute` gives for `key`, computed once. */
function memo<V>(values: Map<string, V>, key: string, compute: () => V): V {
    if (!values.has(key)) values.set(key, compute());
    return values.get(key) as V;
}

/** Renders commits once per tree, stack and kind of render, keeping each by tree hash; commits with the same code share one process. */
class CommitRenders {
    private readonly renders = new Map<string, Promise<Map<string, string>>>();
    private readonly exports = new Map<string, Promise<string>>();
    /** Each commit's tree and code hash, asked of git once: every render of it needs them. */
    private readonly trees = new Map<string, Promise<string>>();
    private readonly codes = new Map<string, Promise<string>>();

    constructor(
        private readonly root: string,
        private readonly cache: string,
        private readonly scratch: string,
        private readonly configFile: string | undefined,
    ) {}

    private exported(commit: string): Promise<string> {
        let dir = this.exports.get(commit);
        if (!dir) {
            dir = (async () => {
                const target = fs.mkdtempSync(path.join(this.scratch, `${commit.slice(0, 7)}-`));
                await exportCommit(this.root, commit, target);
                // The commit's code runs with the installed packages of this checkout.
                fs.symlinkSync(path.join(this.root, "node_modules"), path.join(target, "node_modules"));
                return target;
            })();
            this.exports.set(commit, dir);
        }
        return dir;
    }

    /**
     * A commit whose code is that of `codeDir` (an export): its data files exported, the rest of
     * the project linked to `codeDir`'s, so that a process of that code renders it.
     */
    private async exportedData(commit: string, codeDir: string): Promise<string> {
        const target = fs.mkdtempSync(path.join(this.scratch, `${commit.slice(0, 7)}-data-`));
        const data = (await this.files(commit)).filter(isData);
        if (data.length > 0) await exportCommit(this.root, commit, target, data);
        for (const entry of fs.readdirSync(codeDir)) {
            if (!fs.existsSync(path.join(target, entry)) && !isData(entry) && !isData(`${entry}/`)) fs.symlinkSync(path.join(codeDir, entry), path.join(target, entry));
        }
        return target;
    }

    /** The files of a commit, by path. */
    private async files(commit: string): Promise<string[]> {
        return (await git(this.root, ["ls-tree", "-r", "--full-tree", "--name-only", commit])).split("\n").filter((file) => file !== "");
    }

    private async keep({ commit, stack, charts }: CommitRender): Promise<string> {
        const tree = await memo(this.trees, commit.commit, () => git(this.root, ["rev-parse", `${commit.commit}^{tree}`]));
        // Stryker disable next-line MethodExpression: how much of the config's hash names the kept folder changes only its name
        const config = this.configFile ? createHash("sha256").update(fs.readFileSync(this.configFile)).digest("hex").slice(0, 12) : "demo";
        return path.join(this.cache, `${tree}-${stack}-${config}${charts ? "-charts" : ""}`);
    }

    /** What identifies a commit's code: the hash of everything but its data. */
    private code(commit: string): Promise<string> {
        return memo(this.codes, commit, async () => {
            const files = (await git(this.root, ["ls-tree", "-r", "--full-tree", commit])).split("\n").filter((line) => !isData(line.split("\t")[1] ?? ""));
            return createHash("sha256").update(files.join("\n")).digest("hex");
        });
    }

    /**
     * The kept folder that answers `render`: its own, or for a render without the charts' objects
     * one with them, which holds every file of it and those objects besides.
     */
    private async answering(render: CommitRender): Promise<{ dir: string; chartsToDrop: boolean } | undefined> {
        for (const charts of render.charts ? [true] : [false, true]) {
            const dir = await this.keep({ ...render, charts });
            if (fs.existsSync(path.join(dir, MARKER))) return { dir, chartsToDrop: charts !== render.charts };
        }
        return undefined;
    }

    /** Renders every one of `wanted` that nothing kept answers yet; one failure becomes a DiffError naming its commit. */
    async prepare(wanted: readonly CommitRender[]): Promise<void> {
        const todo: (CommitRender & { kept: string })[] = [];
        const withCharts = (r: CommitRender) => wanted.some((w) => w.charts && w.commit.commit === r.commit.commit && w.stack === r.stack);
        for (const render of wanted) {
            if ((!render.charts && withCharts(render)) || (await this.answering(render))) continue;
            const kept = await this.keep(render);
            if (!todo.some((t) => t.kept === kept)) todo.push({ ...render, kept });
        }
        const groups = new Map<string, typeof todo>();
        for (const t of todo) {
            const code = await this.code(t.commit.commit);
            groups.set(code, [...(groups.get(code) ?? []), t]);
        }
        await Promise.all(
            [...groups.values()].map(async (group) => {
                const codeDir = await this.exported(group[0].commit.commit);
                // A process of the group's code renders the others' data; a renderer from before
                // --jobs renders each commit in its own copy.
                const byJobs = rendersWith(codeDir, "--jobs <file>");
                const copies = new Map<string, Promise<string>>([[group[0].commit.commit, Promise.resolve(codeDir)]]);
                const copyOf = (commit: string) => copies.get(commit) ?? copies.set(commit, byJobs ? this.exportedData(commit, codeDir) : this.exported(commit)).get(commit);
                const dirs = await Promise.all(group.map((t) => copyOf(t.commit.commit) as Promise<string>));
                const jobs = group.map((t, i) => ({ stack: t.stack, out: `${t.kept}.${process.pid}`, projectDir: dirs[i], configFile: this.configFile, charts: t.charts }));
                const failures = await render(dirs[0], jobs);
                group.forEach((t, i) => {
                    // A commit from before the stack existed renders nothing of it: every file of the other side is added.
                    const absent = failures[i] !== undefined && isAbsent(failures[i] as string, t.stack);
                    if (absent) writeEmptyRender(jobs[i].out);
                    if (failures[i] === undefined || absent) {
                        if (t.charts && !rendersWith(dirs[0], "--charts")) markChartsNotRendered(jobs[i].out, t.commit.what);
                        fs.rmSync(t.kept, { recursive: true, force: true });
                        fs.renameSync(jobs[i].out, t.kept);
                    }
                });
                const failed = group.findIndex((t, i) => failures[i] !== undefined && !isAbsent(failures[i] as string, t.stack));
                if (failed >= 0) throw new DiffError(`${group[failed].commit.what} does not render stack "${group[failed].stack}":\n${failures[failed]}`);
            }),
        );
    }

    /** The render of a commit's stack (rendering it first, when it is not kept yet). */
    read(render: CommitRender): Promise<Map<string, string>> {
        const key = `${render.commit.commit} ${render.stack} ${render.charts}`;
        let done = this.renders.get(key);
        if (!done) {
            done = this.prepare([render]).then(async () => {
                const { dir, chartsToDrop } = (await this.answering(render)) as { dir: string; chartsToDrop: boolean };
                const files = readRender(dir);
                return chartsToDrop ? new Map([...files].filter(([file]) => chartOf(file) === undefined)) : files;
            });
            this.renders.set(key, done);
            done.catch(() => this.renders.delete(key));
        }
        return done;
    }
}

/** The release whose chart objects (or note of why there are none) a render file is, if it is one. */
function chartOf(file: string): string | undefined {
    return new RegExp(`^charts/([^/]+)/(objects/|${NOT_EXPANDED.replace(".", "\\.")}$)`).exec(file)?.[1];
}

/**
 * A stack's changes, the objects of each chart apart: for every release that changed, its
 * objects compared, or, where either side could not expand it, why they are not.
 */
function withChartsApart(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, changes: readonly FileChange[]): { own: FileChange[]; charts: ChartDiff[] } {
    const releases = [...new Set(changes.flatMap((c) => /^charts\/([^/]+)\//.exec(c.path)?.[1] ?? []))].sort();
    const charts = releases.flatMap((release): ChartDiff[] => {
        const file = `charts/${release}/${NOT_EXPANDED}`;
        const reason = before.get(file) ?? after.get(file);
        if (reason !== undefined) return [{ release, changes: [], notExpanded: reason.trim() }];
        const objects = changes.filter((c) => chartOf(c.path) === release);
        return objects.length > 0 ? [{ release, changes: objects }] : [];
    });
    return { own: changes.filter((c) => chartOf(c.path) === undefined), charts };
}

/**
 * Renders commits of the repository at `cwd` into the render cache ahead of diffs that will read
 * them (each ref with its charts' objects where `charts` is set), sharing processes where their
 * code is the same.
 */
export async function renderCommits(options: Pick<DiffOptions, "cwd" | "configFile" | "cacheDir">, refs: readonly (string | { readonly ref: string; readonly charts: boolean })[], stacks: readonly string[]): Promise<void> {
    const root = await repositoryOf(options.cwd);
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-diff-"));
    try {
        const renders = new CommitRenders(root, cacheOf(root, options), scratch, options.configFile && path.resolve(options.cwd, options.configFile));
        const wanted = await Promise.all(
            refs.map(async (r) => {
                const { ref, charts } = typeof r === "string" ? { ref: r, charts: false } : r;
                return { commit: { commit: await commitOf(root, ref, "base"), what: `ref "${ref}"` }, charts };
            }),
        );
        await renders.prepare(wanted.flatMap((w) => stacks.map((stack) => ({ ...w, stack }))));
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
}

function cacheOf(root: string, options: Pick<DiffOptions, "cacheDir">): string {
    return options.cacheDir ?? process.env.GITOPS_RENDER_CACHE ?? path.join(root, "node_modules", ".cache", "gitops-render");
}

/** Renders both sides of every stack and compares them. */
export async function runDiff(options: DiffOptions): Promise<DiffReport> {
    const root = await repositoryOf(options.cwd);
    const configFile = options.configFile && path.resolve(options.cwd, options.configFile);
    if (configFile && !fs.existsSync(configFile)) throw new DiffError(`--config-file ${options.configFile} does not exist`);
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-diff-"));
    try {
        const renders = new CommitRenders(root, cacheOf(root, options), scratch, configFile);
        const charts = options.charts ?? false;
        const base = options.base ? { ref: options.base, commit: await commitOf(root, options.base, "base") } : await defaultBase(root);
        const baseCommit = { commit: base.commit, what: `base ref "${base.ref}" (${base.commit.slice(0, 7)})` };
        const head = options.head ? { commit: await commitOf(root, options.head, "head"), what: `head ref "${options.head}"` } : undefined;
        const commits = head ? [baseCommit, head] : [baseCommit];
        const [working] = await Promise.all([
            head ? Promise.resolve(undefined) : renderWorkingTree(root, options.stacks, configFile, scratch, charts),
            renders.prepare(commits.flatMap((commit) => options.stacks.map((stack) => ({ commit, stack, charts })))),
        ]);
        const diffs: StackDiff[] = [];
        for (const stack of options.stacks) {
            const before = await renders.read({ commit: baseCommit, stack, charts });
            const after = head ? await renders.read({ commit: head, stack, charts }) : (working as Map<string, Map<string, string>>).get(stack) as Map<string, string>;
            const apart = withChartsApart(before, after, diffTrees(before, after));
            diffs.push({ stack, changes: apart.own, charts: apart.charts });
        }
        const headName = head ? `${options.head} (\`${head.commit.slice(0, 7)}\`)` : "the working tree";
        return report(diffs, `${base.ref} (\`${base.commit.slice(0, 7)}\`)`, headName);
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
}

/** The working tree's render of every stack, in one process of its own code. */
async function renderWorkingTree(root: string, stacks: readonly string[], configFile: string | undefined, scratch: string, charts = false): Promise<Map<string, Map<string, string>>> {
    const jobs = stacks.map((stack) => ({ stack, out: path.join(scratch, `head-${stack}`), projectDir: root, configFile, charts }));
    const failures = await render(root, jobs);
    const failed = failures.findIndex((f) => f !== undefined);
    if (failed >= 0) throw new DiffError(`the working tree does not render stack "${stacks[failed]}":\n${failures[failed]}`);
    return new Map(stacks.map((stack, i) => [stack, readRender(jobs[i].out)]));
}
