/**
 * Renders two versions of the project and compares them (render/diff.ts). Each version renders
 * with its own code, by its own `render/cli.ts`: a commit is exported with `git archive` into a
 * temporary folder (never a worktree, never the working tree) and rendered there once, its render
 * kept by tree hash in node_modules/.cache; the working tree renders in place, into a temporary
 * folder.
 */
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import * as yaml from "js-yaml";
import { toYaml } from "../core/objects";
import { expandRelease, namespaceIn } from "./charts";
import { type ChartDiff, chartObjectPath, type DiffReport, diffTrees, type FileChange, report, type StackDiff } from "./diff";
import { MARKER } from "./render";

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
    /** Also expand every changed release and compare the objects its chart renders. */
    readonly charts?: boolean;
    /** Where commits' renders are kept: GITOPS_RENDER_CACHE, else node_modules/.cache/gitops-render of the repository. */
    readonly cacheDir?: string;
}

function git(cwd: string, args: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile("git", args, { cwd, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => (error ? reject(new Error(stderr.trim() || error.message)) : resolve(stdout.trim())));
    });
}

/** The commit a ref names, or a DiffError that names the ref. */
async function commitOf(cwd: string, ref: string, role: string): Promise<string> {
    try {
        return await git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    } catch {
        throw new DiffError(`${role} ref "${ref}" does not exist in this repository; name a branch, tag or commit (e.g. --${role} origin/main)`);
    }
}

/** The merge base of HEAD with main, or with origin/main. */
async function defaultBase(cwd: string): Promise<{ ref: string; commit: string }> {
    for (const branch of ["main", "origin/main"]) {
        try {
            return { ref: `merge base with ${branch}`, commit: await git(cwd, ["merge-base", "HEAD", branch]) };
        } catch {
            // try the next one
        }
    }
    throw new DiffError("no merge base of HEAD with main or origin/main; name the base with --base <ref>");
}

/** Writes the files of commit `commit` into `dir`, with `git archive`. */
function exportCommit(cwd: string, commit: string, dir: string): Promise<void> {
    return new Promise((resolve, reject) => {
        const archive = spawn("git", ["archive", "--format=tar", commit], { cwd, stdio: ["ignore", "pipe", "pipe"] });
        const tar = spawn("tar", ["-x", "-C", dir], { stdio: ["pipe", "ignore", "pipe"] });
        let stderr = "";
        archive.stderr.on("data", (d) => (stderr += d));
        tar.stderr.on("data", (d) => (stderr += d));
        archive.stdout.pipe(tar.stdin);
        tar.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`git archive ${commit} | tar failed: ${stderr}`))));
        archive.on("error", reject);
    });
}

/** Every file of a render folder, by path. */
function readRender(dir: string): Map<string, string> {
    const files = new Map<string, string>();
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || entry.name === MARKER) continue;
        const full = path.join(entry.parentPath, entry.name);
        files.set(path.relative(dir, full), fs.readFileSync(full, "utf8"));
    }
    return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Runs `render/cli.ts` of the project in `dir` for `stack` into `out`. */
function renderIn(dir: string, stack: string, out: string, configFile: string | undefined, what: string): Promise<void> {
    const args = ["--import", pathToFileURL(require.resolve("tsx", { paths: [dir] })).href, path.join(dir, "render", "cli.ts"), "--stack", stack, "--out", out, ...(configFile ? ["--config-file", configFile] : [])];
    return new Promise((resolve, reject) => {
        execFile(process.execPath, args, { cwd: dir, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
            if (!error) return resolve();
            const problem = stderr.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("note:")).slice(0, 12).join("\n");
            reject(new DiffError(`${what} does not render stack "${stack}":\n${problem}`));
        });
    });
}

interface Side {
    /** How the report names it. */
    readonly name: string;
    readonly render: (stack: string) => Promise<Map<string, string>>;
}

/** Renders of commits in progress or done, by cache folder: both sides may be the same commit. */
const renderings = new Map<string, Promise<Map<string, string>>>();

/** A commit as one side: exported once, each stack rendered once and kept by tree hash. */
async function commitSide(options: DiffOptions, root: string, ref: string, commit: string, scratch: string, role: string): Promise<Side> {
    const tree = await git(root, ["rev-parse", `${commit}^{tree}`]);
    const configKey = options.configFile ? createHash("sha256").update(fs.readFileSync(options.configFile)).digest("hex").slice(0, 12) : "demo";
    const cache = options.cacheDir ?? process.env.GITOPS_RENDER_CACHE ?? path.join(root, "node_modules", ".cache", "gitops-render");
    let exported: Promise<string> | undefined;
    const source = () =>
        (exported ??= (async () => {
            const dir = fs.mkdtempSync(path.join(scratch, `${role}-`));
            await exportCommit(root, commit, dir);
            // The commit's code runs with the installed packages of this checkout.
            fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
            return dir;
        })());
    return {
        name: `${ref} (\`${commit.slice(0, 7)}\`)`,
        render: (stack) => {
            const kept = path.join(cache, `${tree}-${stack}-${configKey}`);
            let rendering = renderings.get(kept);
            if (!rendering) {
                rendering = (async () => {
                    if (!fs.existsSync(path.join(kept, MARKER))) {
                        const out = `${kept}.${process.pid}`;
                        await renderIn(await source(), stack, out, options.configFile, `${role} ref "${ref}" (${commit.slice(0, 7)})`);
                        fs.rmSync(kept, { recursive: true, force: true });
                        fs.renameSync(out, kept);
                    }
                    return readRender(kept);
                })();
                renderings.set(kept, rendering);
                rendering.catch(() => renderings.delete(kept));
            }
            return rendering;
        },
    };
}

/** The working tree as one side, rendered into the scratch folder. */
function workingTreeSide(root: string, configFile: string | undefined, scratch: string): Side {
    return {
        name: "the working tree",
        render: async (stack) => {
            const out = fs.mkdtempSync(path.join(scratch, `head-${stack}-`));
            fs.rmSync(out, { recursive: true });
            await renderIn(root, stack, out, configFile, "the working tree");
            return readRender(out);
        },
    };
}

/** The objects a rendered release's chart renders, keyed like render files. */
async function chartObjects(files: ReadonlyMap<string, string>, release: string): Promise<Map<string, string>> {
    const meta = files.get(`charts/${release}/release.yaml`);
    if (meta === undefined) return new Map();
    const { name, namespace, chart, version, repository } = yaml.load(meta) as Record<string, string>;
    const values = yaml.load(files.get(`charts/${release}/values.yaml`) ?? "{}");
    const objects = await expandRelease({ name, namespace, chart, version, repository, values });
    return new Map(objects.map(({ object }) => [chartObjectPath(object, namespaceIn(object, namespace)), toYaml(object)] as const).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The releases whose release or values file changed. */
function changedReleases(changes: readonly FileChange[]): string[] {
    return [...new Set(changes.flatMap((c) => /^charts\/([^/]+)\//.exec(c.path)?.[1] ?? []))].sort();
}

/** Renders both sides of every stack and compares them. */
export async function runDiff(options: DiffOptions): Promise<DiffReport> {
    let root: string;
    try {
        root = await git(options.cwd, ["rev-parse", "--show-toplevel"]);
    } catch {
        throw new DiffError(`${options.cwd} is not inside a git repository: the diff compares a base ref with the working tree`);
    }
    const configFile = options.configFile && path.resolve(options.cwd, options.configFile);
    if (configFile && !fs.existsSync(configFile)) throw new DiffError(`--config-file ${options.configFile} does not exist`);
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-diff-"));
    try {
        const base = options.base ? { ref: options.base, commit: await commitOf(root, options.base, "base") } : await defaultBase(root);
        const opts = { ...options, configFile };
        const baseSide = await commitSide(opts, root, base.ref, base.commit, scratch, "base");
        const headSide = options.head ? await commitSide(opts, root, options.head, await commitOf(root, options.head, "head"), scratch, "head") : workingTreeSide(root, configFile, scratch);
        const diffs: StackDiff[] = [];
        for (const stack of options.stacks) {
            const [before, after] = await Promise.all([baseSide.render(stack), headSide.render(stack)]);
            const changes = diffTrees(before, after);
            const charts: ChartDiff[] = [];
            for (const release of options.charts ? changedReleases(changes) : []) {
                try {
                    const [a, b] = await Promise.all([chartObjects(before, release), chartObjects(after, release)]);
                    charts.push({ release, changes: diffTrees(a, b) });
                } catch (e) {
                    charts.push({ release, changes: [], notExpanded: (e as Error).message });
                }
            }
            diffs.push({ stack, changes, charts });
        }
        return report(diffs, baseSide.name, headSide.name);
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
}
