import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { require as requireTs } from "tsx/cjs/api";
import { StackInputError } from "./problems";
import type { StackModel } from "./schema";
import { type ModelCheck, validateModel } from "./validate";

/** Folder of the shipped stack models. */
export const STACKS_DIR = path.join(__dirname, "..", "stacks");

/** The model file of a stack: `stacks/<stack>.ts` (of another copy of the project with `stacksDir`). */
export function defaultModelFile(stack: string, stacksDir: string = STACKS_DIR): string {
    return path.join(stacksDir, `${stack}.ts`);
}

function fail(stack: string, file: string, message: string): never {
    throw new StackInputError(stack, path.relative(process.cwd(), file) || file, [{ path: "(model)", message }]);
}

/**
 * Requires a model module with tsx, which loads TypeScript the same way under pulumi, the render
 * and the tests. tsx replaces the `.ts` loader of the process as it does; the one that was there
 * (ts-node's, under `pulumi up`) is put back, or every later `.ts` require would fail.
 */
function requireModule(file: string): unknown {
    const tsLoader = require.extensions[".ts"];
    try {
        const mod = requireTs(file, __filename);
        return mod.default ?? mod.model;
    } finally {
        if (tsLoader) require.extensions[".ts"] = tsLoader;
    }
}

/** The model files (TypeScript, JSON, YAML) of a folder, none where there is no folder. */
function modelFilesIn(dir: string): string[] {
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.(ts|json|ya?ml)$/.test(f)).sort() : [];
}

/** Reads a model file without validating it: a `.ts`/`.js` module's default export, or JSON/YAML data. */
export function readModelFile(stack: string, file: string): unknown {
    if (!fs.existsSync(file)) {
        const shipped = modelFilesIn(STACKS_DIR).filter((f) => f.endsWith(".ts")).map((f) => f.replace(/\.ts$/, ""));
        const beside = path.resolve(path.dirname(file)) === STACKS_DIR ? [] : modelFilesIn(path.dirname(file));
        fail(stack, file, `no model file here; create it, or name another: the shipped stacks are ${shipped.join(", ")} (stacks/<stack>.ts)${beside.length > 0 ? `; beside it: ${beside.join(", ")}` : ""}`);
    }
    const ext = path.extname(file);
    try {
        if (ext === ".ts" || ext === ".js") return requireModule(path.resolve(file));
        const text = fs.readFileSync(file, "utf8");
        if (ext === ".json") return text.trim() === "" ? undefined : JSON.parse(text);
        if (ext === ".yaml" || ext === ".yml") return yaml.load(text);
    } catch (e) {
        fail(stack, file, `cannot be read (${(e as Error).message.split("\n")[0]}); fix its syntax`);
    }
    return fail(stack, file, `has an unsupported extension "${ext}"; use .ts, .json or .yaml`);
}

/** Loads and validates a stack's model; `outputChecks` as in `validateModel`. */
export function loadModel(stack: string, file: string = defaultModelFile(stack), outputChecks: readonly ModelCheck[] = []): StackModel {
    return validateModel(stack, path.relative(process.cwd(), file) || file, readModelFile(stack, file), outputChecks);
}
