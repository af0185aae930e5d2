/**
 * The fleet's ApplicationSet templates against the clusters they are generated for: the
 * parameters Argo CD's cluster generator gives one cluster, and what a template reads of them.
 * The ApplicationSets set `missingkey=error`, so a label or annotation a selected cluster lacks
 * fails that cluster's Application in the controller; here it is found before apply.
 * Source: https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Cluster/
 * (parameters `name`, `nameNormalized`, `server`, `project`, `metadata.labels.<key>`,
 * `metadata.annotations.<key>`; with goTemplate they nest under `.metadata`), and Generators-Git/
 * for what a directories generator adds (`path.path`, `path.basename`, `path.basenameNormalized`,
 * `path.segments`).
 */
import { GO_BUILTINS, readGoTemplate } from "../../lib/gotemplate";
import type { SpokeModel } from "../../model/fleet";
import { clusterSecretAnnotations, clusterSecretLabels } from "./clusterSecret";

/** The options every fleet ApplicationSet renders with: a missing key is an error, never `<no value>`. */
export const GO_TEMPLATE_OPTIONS = ["missingkey=error"];

/** The parameters the cluster generator gives a template for one spoke (goTemplate). */
export interface ClusterParams {
    readonly name: string;
    readonly nameNormalized: string;
    readonly server: string;
    readonly project: string;
    readonly metadata: { readonly labels: Record<string, string>; readonly annotations: Record<string, string> };
}

/** A spoke's parameters, as its cluster Secret gives them. */
export function clusterParams(spoke: Pick<SpokeModel, "name" | "labels" | "annotations" | "prometheusUrl" | "ingressDomain">, server: string): ClusterParams {
    return {
        name: spoke.name,
        // Argo CD: lowercase alphanumerics, '-' and '.', anything else as '-'.
        nameNormalized: spoke.name.toLowerCase().replace(/[^a-z0-9.-]/g, "-"),
        server,
        project: "",
        metadata: { labels: clusterSecretLabels(spoke), annotations: clusterSecretAnnotations(spoke) },
    };
}

const TOP_LEVEL = new Set(["name", "nameNormalized", "server", "project", "metadata"]);
/** What a git directories generator gives under `.path`. */
const PATH_KEYS = new Set(["path", "basename", "basenameNormalized", "segments"]);

/** What a template reads: the generator's top-level parameters, and the cluster's labels and annotations by key. */
export interface TemplateReads {
    readonly params: readonly string[];
    readonly labels: readonly string[];
    readonly annotations: readonly string[];
    /** Why the template cannot be checked or would fail in the controller. */
    readonly errors: readonly string[];
}

/** Reads a fleet template: its syntax (lib/gotemplate.ts), its functions, and every parameter it reads (`.path` only where a directories generator gives it). */
export function templateReads(template: string, directories = false): TemplateReads {
    const report = readGoTemplate(template);
    const errors = [...report.errors];
    for (const fn of report.functions) {
        if (!GO_BUILTINS.has(fn)) errors.push(`calls "${fn}", which the offline check cannot evaluate: use Go's own functions (index, printf, eq...)`);
    }
    // `range` and `with` move the dot away from the cluster's parameters, which the check reads by path.
    if (/\{\{-?\s*(range|with)\b/.test(template)) errors.push("uses range or with, which move the dot off the cluster's parameters: read them as .metadata.labels.<key> instead");
    const labels = new Set<string>();
    const annotations = new Set<string>();
    const params = new Set<string>();
    for (const action of template.matchAll(/\{\{(.*?)\}\}/gs)) {
        const code = action[1];
        for (const m of code.matchAll(/\.metadata\.(labels|annotations)\.([A-Za-z_][A-Za-z0-9_]*)/g)) (m[1] === "labels" ? labels : annotations).add(m[2]);
        for (const m of code.matchAll(/index\s+\.metadata\.(labels|annotations)\s+"([^"]+)"/g)) (m[1] === "labels" ? labels : annotations).add(m[2]);
        const unquoted = code.replace(/"(?:[^"\\]|\\.)*"|`[^`]*`/g, " ");
        for (const m of unquoted.matchAll(/(^|[^\w.$)\]])\.([A-Za-z_][A-Za-z0-9_]*)/g)) params.add(m[2]);
        for (const m of unquoted.matchAll(/(^|[^\w.$)\]])\.path\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
            if (directories && !PATH_KEYS.has(m[2])) errors.push(`reads .path.${m[2]}, which the git directories generator does not give: use .path.path, .path.basename, .path.basenameNormalized or index .path.segments n`);
        }
    }
    for (const p of params) {
        if (p === "path" && !directories) errors.push("reads .path, which only a git directories generator gives: set directories to place one Application per directory, or use the cluster's parameters");
        else if (p !== "path" && !TOP_LEVEL.has(p)) errors.push(`reads .${p}, which the cluster generator does not give: use .name, .nameNormalized, .server, .metadata.labels.<key> or .metadata.annotations.<key>`);
    }
    return { params: [...params].sort(), labels: [...labels].sort(), annotations: [...annotations].sort(), errors };
}

/** What a template reads that a cluster lacks, one message each. */
export function missingFor(reads: TemplateReads, params: ClusterParams): string[] {
    return [
        ...reads.labels.filter((key) => !Object.hasOwn(params.metadata.labels, key)).map((key) => `reads label "${key}", which cluster "${params.name}" does not have: add it to its labels, or narrow the selector`),
        ...reads.annotations.filter((key) => !Object.hasOwn(params.metadata.annotations, key)).map((key) => `reads annotation "${key}", which cluster "${params.name}" does not have: add it to its annotations, or narrow the selector`),
    ];
}
