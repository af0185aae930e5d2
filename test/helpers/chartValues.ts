/** The pinned charts' reference data (../shared/reference/charts): their versions and default values. */
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

/** Helm's coalescing of values over defaults (a parent chart's `<subchart>:` values, or a release's): maps merge, null deletes a default. */
export function coalesce(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
    const result: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(override)) {
        if (value === null) delete result[key];
        else result[key] = isPlainObject(value) && isPlainObject(result[key]) ? coalesce(result[key] as Record<string, unknown>, value) : value;
    }
    return result;
}
