/** A pinned chart's own files (render/chartSources.ts finds them): its name, version and default values. */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { chartDir } from "../../render/chartSources";
import { isPlainObject } from "./reference";

export interface ChartReference {
    name: string;
    version: string;
    defaults: Record<string, unknown>;
}

/** The chart's `Chart.yaml` and `values.yaml`, at the pinned version. */
export function chartReference(pin: { chart: string; version: string }): ChartReference {
    const dir = chartDir(pin);
    if (dir === undefined) throw new Error(`chart ${pin.chart} ${pin.version} is not on this machine: npm run chart-keys fetches it`);
    const meta = yaml.load(fs.readFileSync(path.join(dir, "Chart.yaml"), "utf8")) as { name: string; version: string };
    const defaults = (yaml.load(fs.readFileSync(path.join(dir, "values.yaml"), "utf8")) ?? {}) as Record<string, unknown>;
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
