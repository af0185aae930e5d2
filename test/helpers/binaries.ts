/**
 * Programs the tests run, found on PATH. A missing one skips its suite with the reason in the
 * suite's title, except in CI (`CI` set), where it fails: CI installs them (`.ci/run`), so
 * absence there is a bug.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { launch } from "./launcher";

/** CI as most runners set it (`CI=true`); `CI=false` or `CI=0` mean a local run. */
export const IN_CI = process.env.CI !== undefined && !["", "0", "false"].includes(process.env.CI.toLowerCase());

/** A program the tests need, found on PATH (or not). */
export interface Binary {
    /** The name the suite reports, e.g. `amtool`. */
    readonly name: string;
    /** Absolute path, or undefined when none of the candidate names is on PATH. */
    readonly path: string | undefined;
    /** The Debian package that provides it. */
    readonly debianPackage: string;
}

/** The first of `names` found as an executable file on PATH. */
export function findBinary(debianPackage: string, ...names: string[]): Binary {
    const dirs = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
    for (const name of names) {
        for (const dir of dirs) {
            const candidate = path.join(dir, name);
            try {
                fs.accessSync(candidate, fs.constants.X_OK);
                if (fs.statSync(candidate).isFile()) return { name: names[0], path: candidate, debianPackage };
            } catch {
                // not here
            }
        }
    }
    return { name: names[0], path: undefined, debianPackage };
}

export const amtool = findBinary("prometheus-alertmanager", "amtool");
export const promtool = findBinary("prometheus", "promtool");
export const alertmanagerBinary = findBinary("prometheus-alertmanager", "prometheus-alertmanager", "alertmanager");
export const go = findBinary("golang-go", "go");

/** Binaries of `binaries` that are missing. */
function missing(binaries: readonly Binary[]): Binary[] {
    return binaries.filter((b) => b.path === undefined);
}

function missingMessage(binaries: readonly Binary[]): string {
    return missing(binaries)
        .map((b) => `${b.name} not found on PATH (apt-get install ${b.debianPackage})`)
        .join("; ");
}

/** True when a suite needing `binaries` must be skipped: one is missing and this is not CI. */
export function skipWithout(...binaries: Binary[]): boolean {
    return !IN_CI && missing(binaries).length > 0;
}

const warned = new Set<string>();

/** The suite title, with the reason appended (and warned once per binary) when the suite is skipped. */
export function suiteTitle(title: string, ...binaries: Binary[]): string {
    if (!skipWithout(...binaries)) return title;
    for (const b of missing(binaries)) {
        if (!warned.has(b.name)) console.warn(`Skipping the tests that need ${b.name}: ${missingMessage([b])}. In CI (CI=true) they fail instead.`);
        warned.add(b.name);
    }
    return `${title} [skipped: ${missingMessage(binaries)}]`;
}

/**
 * Throws when a binary is missing (call it in `beforeAll`): in CI that fails every test of the
 * suite with a clear message instead of skipping them.
 */
export function assertInstalled(...binaries: Binary[]): void {
    if (missing(binaries).length > 0) {
        throw new Error(`${missingMessage(binaries)}. CI is set, so missing consumers fail instead of skipping: install them as .ci/run does.`);
    }
}

/** The path of an installed binary (after `assertInstalled`). */
export function pathOf(binary: Binary): string {
    if (binary.path === undefined) throw new Error(`${binary.name} is not installed`);
    return binary.path;
}

export interface RunResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs a program without a shell; resolves with its exit code instead of rejecting on failure. */
export async function run(file: string, args: readonly string[], timeoutMs = 30_000): Promise<RunResult> {
    const { error, stdout, stderr } = await launch(file, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    if (error && typeof error.code !== "number") throw new Error(`${path.basename(file)} ${args.join(" ")} did not run: ${error.message}\n${stderr}`);
    return { code: error ? (error.code as number) : 0, stdout, stderr };
}
