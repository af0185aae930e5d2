/** Judge 2: the pinned charts' default values, walked as the shared reference README says. */
import * as yaml from "js-yaml";
import { isPlainObject, readReference } from "./reference";

export interface ChartReference {
    name: string;
    version: string;
    defaults: Record<string, unknown>;
}

/** `charts/<chart>/Chart.yaml` and `values.yaml`. */
export function chartReference(chart: string): ChartReference {
    const meta = yaml.load(readReference("charts", chart, "Chart.yaml")) as { name: string; version: string };
    const defaults = (yaml.load(readReference("charts", chart, "values.yaml")) ?? {}) as Record<string, unknown>;
    return { name: meta.name, version: String(meta.version), defaults };
}

/** Default values of a subchart under `charts/<chart>/subcharts/<subchart>/values.yaml`. */
export function subchartDefaults(chart: string, subchart: string): Record<string, unknown> {
    return (yaml.load(readReference("charts", chart, "subcharts", subchart, "values.yaml")) ?? {}) as Record<string, unknown>;
}

/** Helm's coalescing of values over defaults (a parent chart's `<subchart>:` values, or a release's): maps merge, null deletes a default. */
export function coalesce(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
    const result: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(override)) {
        if (value === null) delete result[key];
        else result[key] = isPlainObject(value) && isPlainObject(result[key]) ? coalesce(result[key] as Record<string, unknown>, value) : value;
    }
    return result;
}

/** A values key path, one element per object level: dots inside a key are part of the key. */
export type KeyPath = readonly string[];

export interface ValuesRules {
    /**
     * Maps passed through as free-form data (argocd-cm, argocd-cmd-params-cm, selectors...),
     * even when the defaults list some keys: any child key is allowed.
     */
    readonly openMaps?: readonly KeyPath[];
    /**
     * Keys that are only commented out in values.yaml (or not there at all) although the
     * templates read them, with the type they must have.
     */
    readonly commentedOut?: readonly { path: KeyPath; type: ValueType | readonly ValueType[] }[];
}

export type ValueType = "map" | "list" | "string" | "bool" | "number" | "null";

export function valueType(value: unknown): ValueType {
    if (value === null || value === undefined) return "null";
    if (Array.isArray(value)) return "list";
    if (typeof value === "object") return "map";
    if (typeof value === "boolean") return "bool";
    if (typeof value === "number") return "number";
    return "string";
}

/** `configs.rbac."policy.csv"`: unambiguous even with dotted keys. */
export function formatKeyPath(keys: KeyPath): string {
    return keys.map((k) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k))).join(".");
}

const samePath = (a: KeyPath, b: KeyPath) => a.length === b.length && a.every((k, i) => k === b[i]);

/** An empty default: null, `""`, `{}`, `[]`. Its type says nothing about what may go there. */
function isEmptyDefault(value: unknown): boolean {
    return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0) || (isPlainObject(value) && Object.keys(value).length === 0);
}

/**
 * Every key path of `values` that the chart's defaults do not have, or whose type differs from
 * the default, following the README: split only on object nesting; `{}` defaults and the listed
 * open maps take any child key (a child the defaults do list is still checked); lists are
 * checked for their type only; commented-out keys come from an explicit allow-list. Scalars are
 * compared when the default is not null or empty; `{}` and `[]` still say map and list. Null
 * removes a key the defaults have, as Helm's coalescing does.
 */
export function valuesKeyProblems(values: Record<string, unknown>, defaults: Record<string, unknown>, rules: ValuesRules = {}, at: KeyPath = [], open = false): string[] {
    const problems: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        const keyPath = [...at, key];
        const where = formatKeyPath(keyPath);
        const actual = valueType(value);
        if (!Object.hasOwn(defaults, key)) {
            const commented = rules.commentedOut?.find((c) => samePath(c.path, keyPath));
            if (commented) {
                const allowed: readonly ValueType[] = typeof commented.type === "string" ? [commented.type] : commented.type;
                if (!allowed.includes(actual)) problems.push(`${where}: the templates read a ${allowed.join(" or ")}, got ${actual}`);
            } else if (!open) {
                problems.push(`${where}: no such key in the chart's values.yaml`);
            }
            continue;
        }
        const fallback = defaults[key];
        // Helm drops a default whose key a values file sets to null.
        if (fallback === null || fallback === undefined || actual === "null") continue;
        const expected = valueType(fallback);
        if (expected === "list" || expected === "map") {
            if (actual !== expected) {
                problems.push(`${where}: the chart's default is a ${expected}, got ${actual}`);
                continue;
            }
        } else if (!isEmptyDefault(fallback) && actual !== expected) {
            problems.push(`${where}: the chart's default is a ${expected} (${JSON.stringify(fallback)}), got ${actual}`);
            continue;
        }
        if (actual !== "map") continue;
        const childrenOpen = isEmptyDefault(fallback) || (rules.openMaps?.some((p) => samePath(p, keyPath)) ?? false);
        problems.push(...valuesKeyProblems(value as Record<string, unknown>, fallback as Record<string, unknown>, rules, keyPath, childrenOpen));
    }
    return problems;
}
