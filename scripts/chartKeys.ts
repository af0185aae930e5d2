/**
 * `npm run chart-keys`: indexes the values keys of every pinned chart (stacks/shared/constants.ts)
 * into core/chartKeys/<chart>.json, from the chart as ../shared/tools/minihelm holds it: its
 * values.yaml, with each subchart's values.yaml under its key, coalesced with what the parent sets
 * there as Helm coalesces them. Run it after changing a chart pin; the tests fail while an index
 * differs from its chart.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { CHART_KEYS_DIR, type ChartKeys, keyTreeOf, mergeValues } from "../core/chartValues";
import { sharedDir } from "../render/layout";
import { charts } from "../stacks/shared/constants";

/** Where the vendored charts are. */
export const CHARTS_DIR = path.join(sharedDir(), "tools", "minihelm", "charts");

interface ChartFile {
    readonly name: string;
    readonly version: string;
    readonly dependencies?: readonly { readonly name: string; readonly alias?: string }[];
}

const readYaml = (file: string) => (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as Record<string, unknown>;

/** A chart's defaults, each subchart's under its key (alias or name), the parent's settings there on top. */
function defaultsOf(chartDir: string): Record<string, unknown> {
    const meta = readYaml(path.join(chartDir, "Chart.yaml")) as unknown as ChartFile;
    const defaults = readYaml(path.join(chartDir, "values.yaml"));
    for (const dependency of meta.dependencies ?? []) {
        const key = dependency.alias ?? dependency.name;
        const sub = defaultsOf(path.join(chartDir, "charts", dependency.name));
        const fromParent = defaults[key];
        defaults[key] = mergeValues(sub, typeof fromParent === "object" && fromParent !== null ? (fromParent as Record<string, unknown>) : {});
    }
    return defaults;
}

/** The index of the chart in `chartDir`. */
export function chartKeysFrom(chartDir: string): ChartKeys {
    const meta = readYaml(path.join(chartDir, "Chart.yaml")) as unknown as ChartFile;
    return { chart: meta.name, version: String(meta.version), keys: keyTreeOf(defaultsOf(chartDir)) as ChartKeys["keys"] };
}

/** The index file's text: stable, one key per line, so a chart upgrade's diff reads. */
export function chartKeysText(keys: ChartKeys): string {
    return `${JSON.stringify(keys, null, 1)}\n`;
}

function main(): void {
    fs.mkdirSync(CHART_KEYS_DIR, { recursive: true });
    for (const { chart, version } of Object.values(charts)) {
        const keys = chartKeysFrom(path.join(CHARTS_DIR, chart));
        if (keys.version !== version) throw new Error(`${CHARTS_DIR}/${chart} is version ${keys.version}, but the pin is ${version}`);
        fs.writeFileSync(path.join(CHART_KEYS_DIR, `${chart}.json`), chartKeysText(keys));
        process.stdout.write(`indexed ${chart} ${version}\n`);
    }
}

if (require.main === module) main();
