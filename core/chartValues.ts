/**
 * The values a model may set on a release (`values`, merged last): every key path checked against
 * the pinned chart's own values.yaml (its subcharts' under their keys), as indexed in
 * core/chartKeys/ by `npm run chart-keys`. Helm ignores a key no template reads, so a typo would
 * change nothing and say nothing; here it is an error naming the closest key the chart has.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { closest } from "fastest-levenshtein";
import type { HelmRelease } from "./helm";

/**
 * A values key as the chart's defaults give it: a scalar's type, a list, `open` for a map that
 * takes any key (an empty default map), `any` for an empty default (null or `""`), or a map of
 * the keys it has.
 */
export type KeyNode = "string" | "bool" | "number" | "list" | "open" | "any" | { readonly [key: string]: KeyNode };

/** A chart's index: its name, version and values keys, and the key paths its values.yaml documents only in comments (for suggestions). */
export interface ChartKeys {
    readonly chart: string;
    readonly version: string;
    readonly keys: { readonly [key: string]: KeyNode };
    readonly documented?: readonly string[];
}

/** Where the templates read more than the defaults show: maps passed through whole, keys only commented out in values.yaml. */
export interface ChartRules {
    /** Maps whose keys are the consumer's (argocd-cm's, grafana.ini's): any child key, a listed one still checked. */
    readonly openMaps?: readonly (readonly string[])[];
    /** Keys only commented out in values.yaml (or absent) that the templates read, with their type. */
    readonly commentedOut?: readonly { readonly path: readonly string[]; readonly type: KeyNode }[];
}

/** A key the program sets and a model may not: why, and where the model says it instead. */
export interface OwnedValue {
    readonly path: readonly string[];
    readonly why: string;
}

export const CHART_KEYS_DIR = path.join(__dirname, "chartKeys");

/**
 * What the pinned charts' templates read beyond their defaults (../shared/reference/README.md,
 * "Check Helm values keys against chart defaults"); any other chart is judged by its defaults.
 */
export const CHART_RULES: Readonly<Record<string, ChartRules>> = {
    "argo-cd": {
        // Passed through to argocd-cm and argocd-cmd-params-cm (Argo CD's operator manual), and the notifications' own maps.
        openMaps: [["configs", "cm"], ["configs", "params"], ["notifications", "notifiers"], ["notifications", "templates"], ["notifications", "triggers"], ["notifications", "secret", "items"]],
        // Not in the defaults; the templates read `index .Values.configs.params "server.insecure"`, a bool or a string.
        commentedOut: [{ path: ["configs", "params", "server.insecure"], type: "any" }],
    },
    "argo-rollouts": { openMaps: [["notifications", "secret", "items"]] },
    "kube-prometheus-stack": {
        // grafana.ini's sections are Grafana's own, passed through to its configuration file.
        openMaps: [["alertmanager", "config"], ["grafana", "grafana.ini"], ["grafana", "grafana.ini", "server"]],
        commentedOut: [
            // `# ingressClassName: nginx` in the grafana subchart; its Ingress template reads it.
            { path: ["grafana", "ingress", "ingressClassName"], type: "string" },
            // `# configSecret:` only; the Alertmanager CR template reads it.
            { path: ["alertmanager", "alertmanagerSpec", "configSecret"], type: "string" },
            // `# adminPassword: strongpassword` in the grafana subchart.
            { path: ["grafana", "adminPassword"], type: "string" },
            // `# annotations: {}` under the grafana subchart's persistence; its PVC template reads it.
            { path: ["grafana", "persistence", "annotations"], type: "open" },
        ],
    },
    "sealed-secrets": { openMaps: [["privateKeyLabels"], ["privateKeyAnnotations"], ["podAnnotations"]] },
};

/** The index of a pinned chart, or undefined when none is committed for it. */
export function chartKeys(chart: string): ChartKeys | undefined {
    const file = path.join(CHART_KEYS_DIR, `${chart}.json`);
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as ChartKeys) : undefined;
}

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** The key tree of a chart's defaults (values.yaml parsed), each subchart's defaults under its key coalesced with the parent's. */
export function keyTreeOf(defaults: unknown): KeyNode {
    if (Array.isArray(defaults)) return "list";
    if (isMap(defaults)) {
        const keys = Object.keys(defaults).sort();
        return keys.length === 0 ? "open" : Object.fromEntries(keys.map((key) => [key, keyTreeOf(defaults[key])]));
    }
    if (defaults === null || defaults === undefined || defaults === "") return "any";
    return typeof defaults === "boolean" ? "bool" : typeof defaults === "number" ? "number" : "string";
}

/** `configs.rbac."policy.csv"`, `datasources[0].url`: unambiguous even with dotted keys; a list item is `[i]`. */
export function formatKeyPath(keys: readonly string[]): string {
    return keys.map((k, i) => (/^\[\d+\]$/.test(k) ? k : `${i === 0 ? "" : "."}${/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k)}`)).join("");
}

function typeOf(value: unknown): KeyNode {
    return Array.isArray(value) ? "list" : isMap(value) ? "open" : typeof value === "boolean" ? "bool" : typeof value === "number" ? "number" : "string";
}

const samePath = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((k, i) => k === b[i]);

/** Every key path of a tree, formatted. */
export function allKeyPaths(node: KeyNode, at: string[] = []): string[] {
    if (typeof node === "string") return [];
    return Object.entries(node).flatMap(([key, child]) => [formatKeyPath([...at, key]), ...allKeyPaths(child, [...at, key])]);
}

/** A problem of a values key: its path under the values, and what is wrong. */
export interface ValuesProblem {
    readonly keyPath: readonly string[];
    readonly message: string;
}

/**
 * Every key path of `values` the chart does not have, or whose type is not the default's. A null
 * is allowed anywhere the chart has the key (Helm then drops its default); lists are checked as
 * lists only; a scalar against a non-empty default of the same type.
 */
export function valuesProblems(values: Record<string, unknown>, keys: ChartKeys, rules: ChartRules = CHART_RULES[keys.chart] ?? {}): ValuesProblem[] {
    // Where the closest to a misspelt key is looked for: the chart's keys, and those it documents only in comments.
    const paths = [...allKeyPaths(keys.keys), ...(rules.commentedOut ?? []).map((c) => formatKeyPath(c.path)), ...(keys.documented ?? [])];
    const walk = (value: Record<string, unknown>, node: { readonly [key: string]: KeyNode }, at: string[], open: boolean): ValuesProblem[] =>
        Object.entries(value).flatMap(([key, child]): ValuesProblem[] => {
            const keyPath = [...at, key];
            const commented = rules.commentedOut?.find((c) => samePath(c.path, keyPath));
            const expected = Object.hasOwn(node, key) ? node[key] : commented?.type;
            if (expected === undefined) {
                if (open) return [];
                return [{ keyPath, message: `chart ${keys.chart} ${keys.version} has no such value; did you mean ${closest(formatKeyPath(keyPath), paths)}?` }];
            }
            if (child === null || expected === "any") return [];
            const actual = typeOf(child);
            if (typeof expected === "string") return expected === actual ? [] : [{ keyPath, message: `chart ${keys.chart} takes ${kindName(expected)} here, got ${kindName(actual)}` }];
            if (actual !== "open") return [{ keyPath, message: `chart ${keys.chart} takes a map here, got ${kindName(actual)}` }];
            const childOpen = rules.openMaps?.some((p) => samePath(p, keyPath)) ?? false;
            return walk(child as Record<string, unknown>, expected, keyPath, childOpen);
        });
    return walk(values, keys.keys, [], false);
}

function kindName(node: KeyNode): string {
    return typeof node !== "string" || node === "open" ? "a map" : node === "list" ? "a list" : `a ${node}`;
}

/** Every key path of `values` that sets, deletes or replaces a value the program owns. */
export function ownedProblems(values: Record<string, unknown>, owned: readonly OwnedValue[]): ValuesProblem[] {
    const walk = (value: Record<string, unknown>, at: string[]): ValuesProblem[] =>
        Object.entries(value).flatMap(([key, child]): ValuesProblem[] => {
            const keyPath = [...at, key];
            const hit = owned.find((o) => o.path.length <= keyPath.length && o.path.every((k, i) => k === keyPath[i]));
            // A map on the way to an owned key is walked; anything else there would replace it.
            const replaced = owned.find((o) => o.path.length > keyPath.length && keyPath.every((k, i) => k === o.path[i]));
            if (hit) return [{ keyPath, message: `is the program's and cannot be set here: ${hit.why}` }];
            if (replaced && !isMap(child)) return [{ keyPath, message: `would replace ${formatKeyPath(replaced.path)}, which is the program's: ${replaced.why}` }];
            return isMap(child) ? walk(child, keyPath) : [];
        });
    return walk(values, []);
}

/**
 * Helm's coalescing of a values file over another: maps merge key by key, anything else (lists
 * included) replaces, and a null is kept so that Helm drops the chart's default for it.
 */
export function mergeValues(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(override)) {
        merged[key] = isMap(value) && isMap(merged[key]) ? mergeValues(merged[key] as Record<string, unknown>, value) : value;
    }
    return merged;
}

/** A release of a model slice: its name, namespace and pinned chart, the program's values with the slice's own merged last. */
export function releaseOf(slice: { readonly releaseName: string; readonly namespace: string; readonly chart: Omit<HelmRelease, "name" | "namespace" | "values">; readonly values?: Record<string, unknown> }, values: Record<string, unknown>): HelmRelease {
    return { name: slice.releaseName, namespace: slice.namespace, ...slice.chart, values: mergeValues(values, slice.values ?? {}) };
}
