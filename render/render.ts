/**
 * The offline render: the Pulumi program under the runtime's mocks, turned into the files of a
 * render folder. `npm run render` is its command line; the benchmark and the diff use it too.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_NAMESPACE } from "../model/config";
import { defaultModelFile } from "../model/load";
import { offlineStackConfig, PROJECT_DIR } from "./stackConfig";
import type { RenderedTree } from "./tree";

/** Marks a folder as a render output, so a re-render may replace it and nothing else. */
export const MARKER = ".gitops-render";

export interface RenderOptions {
    readonly stack: string;
    /** A YAML file of plaintext config, layered over `Pulumi.<stack>.yaml`. */
    readonly configFile?: string;
    /** A model file instead of the stack's own. */
    readonly model?: string;
    /** The copy of the project whose config, demo config and stacks/ to render (one with the same code); this one by default. */
    readonly projectDir?: string;
    /** Also expand every release and write the objects Pulumi applies from it. */
    readonly charts?: boolean;
}

/** Where a stack deploys to and what it installs there (the program's `target` output). */
export interface Target {
    readonly cluster: string;
    readonly mode: "dedicated" | "shared";
    readonly installsClusterParts: boolean;
    readonly kubeContext: string;
}

export interface Render {
    readonly tree: RenderedTree;
    readonly target: Target;
    /** The demo config used, when the stack has no config of its own yet. */
    readonly demoFile?: string;
}

/** The stack's config and model file, as the render reads them. */
export function renderInputs(options: RenderOptions): { config: Record<string, string>; modelFile: string; demoFile?: string } {
    const projectDir = options.projectDir ?? PROJECT_DIR;
    const { values: config, demoFile } = offlineStackConfig(options.stack, options.configFile, undefined, projectDir);
    const modelFile = path.resolve(options.model ?? config[`${CONFIG_NAMESPACE}:model`] ?? defaultModelFile(options.stack, path.join(projectDir, "stacks")));
    return { config: { ...config, [`${CONFIG_NAMESPACE}:model`]: modelFile }, modelFile, demoFile };
}

/** A mistake in the stack's inputs that the program reported (a Pulumi RunError): its message says it all. */
export class RenderInputError extends Error {}

/**
 * Runs the stack's program under the mocks and builds its render tree, in memory. The Pulumi
 * SDK loads only here, so that the checks before it answer fast.
 */
export async function renderStack(options: RenderOptions): Promise<Render> {
    const { config, modelFile, demoFile } = renderInputs(options);
    const [{ RunError }, { runMockedProgram, startMockRuntime }, { offlineOwnerOutputs, ownerCrds }, { renderTree }, { appliedChartObjects }] = await Promise.all([
        import("@pulumi/pulumi"),
        import("./mockRuntime.js"),
        import("./ownerFacts.js"),
        import("./tree.js"),
        import("./applied.js"),
    ]);
    const recorder = startMockRuntime("gitops", options.stack, config, true, offlineOwnerOutputs(options.stack, modelFile, options.projectDir));
    try {
        const outputs = await runMockedProgram(() => import("../index.js"));
        const charts = options.charts ? await appliedChartObjects(recorder.resources, await ownerCrds(options.stack, modelFile, options.projectDir)) : undefined;
        return { tree: await renderTree(recorder.resources, charts), target: outputs.target as Target, demoFile };
    } catch (e) {
        throw RunError.isInstance(e) ? new RenderInputError((e as Error).message) : e;
    }
}

/** Refuses, before any work, an `--out` that is a file or under one, or a folder that holds anything but an earlier render. */
export function checkOutDir(out: string): void {
    for (let dir = out; ; dir = path.dirname(dir)) {
        if (fs.existsSync(dir)) {
            if (!fs.statSync(dir).isDirectory()) throw new Error(`--out ${out}: ${dir === out ? "it" : dir} is a file, not a folder; choose a folder for the render`);
            break;
        }
        // Stryker disable next-line ConditionalExpression: the file system's root always exists, so the loop ends above first
        if (path.dirname(dir) === dir) break;
    }
    if (fs.existsSync(out) && !isRenderOrEmpty(out)) {
        throw new Error(`${out} is not empty and is not an earlier render (no ${MARKER} file); choose another --out folder`);
    }
}

function isRenderOrEmpty(dir: string): boolean {
    return fs.readdirSync(dir).length === 0 || fs.existsSync(path.join(dir, MARKER));
}

/** How often a render that finds another one moving into `out` at the same moment tries again. */
const SWAP_ATTEMPTS = 20;

/**
 * Replaces `out` as a whole with the files of `tree`: they are written into a staging folder
 * beside it, which is then renamed into place, so `out` only ever holds a whole render. Of two
 * renders into the same folder at once, the last to move in stays.
 */
export function writeTree(out: string, tree: RenderedTree): void {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const staging = fs.mkdtempSync(`${out}.staging-`);
    try {
        fs.writeFileSync(path.join(staging, MARKER), "Written by `npm run render`; the whole folder is replaced on every render.\n");
        const made = new Set<string>();
        for (const [file, content] of tree.files) {
            const dir = path.dirname(path.join(staging, file));
            // Stryker disable next-line ConditionalExpression: making a folder that exists does nothing; the set only saves the calls
            if (!made.has(dir)) fs.mkdirSync(dir, { recursive: true });
            made.add(dir);
            fs.writeFileSync(path.join(staging, file), content);
        }
        moveInto(staging, out);
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
}

/** Renames `staging` to `out`, moving an earlier render there out of the way (and removing it). */
function moveInto(staging: string, out: string): void {
    for (let attempt = 1; ; attempt++) {
        const previous = `${staging}.previous-${attempt}`;
        try {
            fs.renameSync(out, previous);
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
        }
        if (fs.existsSync(previous) && !isRenderOrEmpty(previous)) {
            fs.renameSync(previous, out);
            throw new Error(`${out} was filled with something other than a render while this one was written; nothing was changed there, choose another --out folder`);
        }
        try {
            fs.renameSync(staging, out);
            return;
        } catch (e) {
            // Another render moved in between the two renames: move it out of the way too.
            const code = (e as NodeJS.ErrnoException).code;
            if ((code !== "ENOTEMPTY" && code !== "EEXIST") || attempt === SWAP_ATTEMPTS) throw e;
        } finally {
            fs.rmSync(previous, { recursive: true, force: true });
        }
    }
}
