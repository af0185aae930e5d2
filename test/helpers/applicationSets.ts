/**
 * ApplicationSets as Argo CD's controller expands them: each generator's parameters, and the
 * template's string fields rendered with them, by Go's text/template (test/helpers/gotemplate)
 * with goTemplate, or by plain `{{key}}` substitution without it.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../harness";
import { type Binary, pathOf } from "./binaries";
import { launch } from "./launcher";

type Params = Record<string, unknown>;
type Generator = { list?: { elements: Params[] }; git?: { directories: { path: string; exclude?: boolean }[] }; matrix?: { generators: Generator[] } };

/**
 * The parameters of a git directories generator for two directories it would find under each
 * pattern (none under an excluding one: they name other directories here), named as Argo CD
 * names them (`path.basename` and so on).
 */
function gitDirectoryParams(directories: readonly { path: string; exclude?: boolean }[]): Params[] {
    return directories.filter((d) => d.exclude !== true).flatMap(({ path: pattern }) =>
        ["alpha", "beta-two"].map((name) => {
            const dir = pattern.replace(/\*$/, name);
            const basename = path.posix.basename(dir);
            return { path: { path: dir, basename, basenameNormalized: basename.replace(/[^a-zA-Z0-9-]/g, "-"), segments: dir.split("/") } };
        }),
    );
}

/** Every parameter set the generators give: list elements, git directories, matrix products. */
export function generatorParams(generators: readonly Generator[]): Params[] {
    return generators.flatMap((g): Params[] => {
        if (g.list) return g.list.elements;
        if (g.git) return gitDirectoryParams(g.git.directories);
        if (g.matrix) {
            const [first, second] = g.matrix.generators.map((inner) => generatorParams([inner]));
            return first.flatMap((a) => second.map((b) => ({ ...a, ...b })));
        }
        throw new Error(`a generator this helper cannot expand: ${JSON.stringify(g)}`);
    });
}

/** The string leaves of a template, by path (`spec.source.path`). */
export function templateStrings(value: unknown, at = ""): [string, string][] {
    if (typeof value === "string") return [[at, value]];
    if (Array.isArray(value)) return value.flatMap((v, i) => templateStrings(v, `${at}[${i}]`));
    if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => templateStrings(v, at === "" ? k : `${at}.${k}`));
    return [];
}

/** Without goTemplate: `{{key}}` with dotted keys (`path.basename`), unknown keys left as they are. */
function substitute(template: string, params: Params): string {
    const flat = new Map<string, string>();
    const walk = (value: unknown, key: string) => {
        if (value !== null && typeof value === "object" && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) walk(v, key === "" ? k : `${key}.${k}`);
        else if (typeof value === "string") flat.set(key, value);
    };
    walk(params, "");
    return template.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (whole, key: string) => flat.get(key) ?? whole);
}

let build: Promise<string> | undefined;
/** The Go renderer, built once per source into node_modules/.cache (and once per process). */
function renderer(go: Binary): Promise<string> {
    build ??= new Promise((resolve, reject) => {
        const source = path.join(ROOT, "test", "helpers", "gotemplate", "main.go");
        const hash = createHash("sha256").update(fs.readFileSync(source)).digest("hex").slice(0, 16);
        const binary = path.join(ROOT, "node_modules", ".cache", "gitops-gotemplate", hash, "render");
        if (fs.existsSync(binary)) return resolve(binary);
        fs.mkdirSync(path.dirname(binary), { recursive: true });
        // Concurrent processes each write a file of their own and rename it into place.
        const partial = `${binary}.${process.pid}`;
        execFile(pathOf(go), ["build", "-o", partial, source], { env: { ...process.env, GO111MODULE: "off" } }, (error, _, stderr) => {
            if (error) return reject(new Error(`go build ${source} failed: ${stderr}`));
            fs.renameSync(partial, binary);
            resolve(binary);
        });
    });
    return build;
}

/** What rendering one template gave: its text, or the controller's error. */
export type Rendered = { text: string; error?: undefined } | { text?: undefined; error: string };

/** Renders `cases` as the controller would for an ApplicationSet with these goTemplate settings. */
export async function renderTemplates(go: Binary, settings: { goTemplate?: unknown; goTemplateOptions?: unknown }, cases: readonly { template: string; params: Params }[]): Promise<Rendered[]> {
    if (settings.goTemplate !== true) return cases.map((c) => ({ text: substitute(c.template, c.params) }));
    const binary = await renderer(go);
    const input = JSON.stringify({ options: settings.goTemplateOptions ?? [], cases });
    const { error, stdout, stderr } = await launch(binary, [], { maxBuffer: 16 << 20, input });
    if (error) throw new Error(`${binary}: ${stderr || error.message}`);
    return JSON.parse(stdout);
}
