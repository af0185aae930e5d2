/**
 * `npm run test:walkthrough`: follows docs/catalogue.md's "Adding a platform part" literally on a
 * copy of this checkout: its diffs applied with `git apply`, its new file written, its commands
 * run, in the page's order, as one shell script; then says how many files of the repository the
 * walkthrough touched (at most six, as the page promises) and whether the whole suite passed there.
 * Exits 1 when either does not hold. CI runs it after the suite (.ci/run).
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sharedDir } from "../render/layout";

const ROOT = path.join(__dirname, "..");
export const WALKTHROUGH = path.join(ROOT, "docs", "catalogue.md");

/** Set in the walkthrough's copy, where its diffs are applied already, so cannot be checked against the files again. */
export const APPLIED_HERE = "GITOPS_WALKTHROUGH_APPLIED";

/** The files the walkthrough may touch at most, the generated index included. */
export const MOST_FILES = 6;

/** A step of the walkthrough: a diff to apply, a file to write, or commands to run. */
export type Step = { readonly diff: string; readonly files: readonly string[] } | { readonly file: string; readonly text: string } | { readonly run: string };

/**
 * The page's steps, in order: every ```diff block (the files it names), every block after a
 * `<!-- walkthrough: file <path> -->` line, every block after `<!-- walkthrough: run -->`.
 */
export function walkthroughSteps(markdown: string): Step[] {
    const steps: Step[] = [];
    const blocks = /^(?:<!-- walkthrough: (file (\S+)|run) -->\n)?```(\w*)[^\n]*\n([\s\S]*?)^```$/gm;
    for (const [, marker, file, language, body] of markdown.matchAll(blocks)) {
        if (language === "diff") steps.push({ diff: body, files: [...body.matchAll(/^\+\+\+ b\/(\S+)$/gm)].map((m) => m[1]) });
        else if (file !== undefined) steps.push({ file, text: body });
        else if (marker === "run") steps.push({ run: body });
    }
    return steps;
}

/** The steps as one bash script, run from the top of a checkout: each diff through `git apply`, each file by a here-document. */
export function walkthroughScript(steps: readonly Step[]): string {
    const lines = ["set -euo pipefail"];
    steps.forEach((step, i) => {
        const end = `WALKTHROUGH_${i}`;
        if ("diff" in step) lines.push(`git apply --recount <<'${end}'`, step.diff.replace(/\n$/, ""), end);
        else if ("file" in step) lines.push(`mkdir -p "$(dirname '${step.file}')"`, `cat > '${step.file}' <<'${end}'`, step.text.replace(/\n$/, ""), end);
        else lines.push(step.run.replace(/\n$/, ""));
    });
    return `${lines.join("\n")}\n`;
}

/** A copy of this checkout's files (what Git would commit) as a repository of one commit, with this checkout's packages. */
function copyOfCheckout(): string {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "walkthrough-"));
    const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8", maxBuffer: 16 << 20 });
    for (const file of listed.split("\0").filter((f) => f !== "" && fs.existsSync(path.join(ROOT, f)))) {
        fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
        fs.copyFileSync(path.join(ROOT, file), path.join(copy, file));
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"));
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=walkthrough@example.com", "-c", "user.name=walkthrough", ...args], { cwd: copy });
    git("init", "-q");
    fs.appendFileSync(path.join(copy, ".git", "info", "exclude"), "node_modules\n");
    git("add", "-A");
    git("commit", "-qm", "the checkout");
    return copy;
}

function main(): number {
    const copy = copyOfCheckout();
    try {
        process.stdout.write(`following ${path.relative(process.cwd(), WALKTHROUGH)} in ${copy}\n`);
        // The copy has no shared/ beside it: it uses this checkout's.
        const ran = spawnSync("bash", ["-c", walkthroughScript(walkthroughSteps(fs.readFileSync(WALKTHROUGH, "utf8")))], { cwd: copy, stdio: "inherit", env: { ...process.env, GITOPS_SHARED_DIR: sharedDir(), [APPLIED_HERE]: "1" } });
        const touched = execFileSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: copy, encoding: "utf8" }).split("\n").filter((line) => line.trim() !== "");
        process.stdout.write(`the walkthrough touched ${touched.length} files of the repository (at most ${MOST_FILES}):\n${touched.map((line) => `  ${line}\n`).join("")}`);
        if (ran.status !== 0) process.stdout.write(`a step of the walkthrough failed (exit ${ran.status}); see its output above\n`);
        return ran.status === 0 && touched.length <= MOST_FILES ? 0 : 1;
    } finally {
        fs.rmSync(copy, { recursive: true, force: true });
    }
}

if (require.main === module) process.exitCode = main();
