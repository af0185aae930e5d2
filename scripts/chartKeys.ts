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
import { allKeyPaths, CHART_KEYS_DIR, type ChartKeys, formatKeyPath, keyTreeOf, mergeValues } from "../core/chartValues";
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

/**
 * The keys a values.yaml documents only in comments (`# adminPassword: strongpassword`, `# configSecret:`),
 * each under the keys its indentation puts it in: a commented key's column is the `#`'s, or
 * deeper by the spaces after it. A comment of prose (a key followed by more than one word) is
 * none. Only suggestions are made from them.
 */
export function documentedKeys(valuesYaml: string): string[][] {
    const open: { indent: number; key: string }[] = [];
    const found: string[][] = [];
    for (const line of valuesYaml.split("\n")) {
        const plain = /^( *)([A-Za-z_][\w./-]*|"[^"]+"):( |$)/.exec(line);
        const commented = /^( *)#( *)([A-Za-z_][\w./-]*):(?: +\S+)? *$/.exec(line);
        if (!plain && !commented) continue;
        const indent = plain ? plain[1].length : (commented as RegExpExecArray)[1].length + Math.max(0, (commented as RegExpExecArray)[2].length - 1);
        const key = plain ? plain[2].replace(/^"(.*)"$/, "$1") : (commented as RegExpExecArray)[3];
        while (open.length > 0 && (open.at(-1) as { indent: number }).indent >= indent) open.pop();
        if (!plain) found.push([...open.map((o) => o.key), key]);
        open.push({ indent, key });
    }
    return found;
}

/** A chart's defaults, each subchart's under its key (alias or name), the parent's settings there on top; and the keys documented in comments. */
function defaultsOf(chartDir: string): { defaults: Record<string, unknown>; documented: string[][] } {
    const meta = readYaml(path.join(chartDir, "Chart.yaml")) as unknown as ChartFile;
    const defaults = readYaml(path.join(chartDir, "values.yaml"));
    const documented = documentedKeys(fs.readFileSync(path.join(chartDir, "values.yaml"), "utf8"));
    for (const dependency of meta.dependencies ?? []) {
        const key = dependency.alias ?? dependency.name;
        const sub = defaultsOf(path.join(chartDir, "charts", dependency.name));
        const fromParent = defaults[key];
        defaults[key] = mergeValues(sub.defaults, typeof fromParent === "object" && fromParent !== null ? (fromParent as Record<string, unknown>) : {});
        documented.push(...sub.documented.map((keyPath) => [key, ...keyPath]));
    }
    return { defaults, documented };
}

/** The index of the chart in `chartDir`: its keys, and those its values.yaml documents only in comments. */
export function chartKeysFrom(chartDir: string): ChartKeys {
    const meta = readYaml(path.join(chartDir, "Chart.yaml")) as unknown as ChartFile;
    const { defaults, documented } = defaultsOf(chartDir);
    const keys = keyTreeOf(defaults) as ChartKeys["keys"];
    const known = new Set(allKeyPaths(keys));
    const commentsOnly = [...new Set(documented.map(formatKeyPath))].filter((p) => !known.has(p)).sort();
    return { chart: meta.name, version: String(meta.version), keys, documented: commentsOnly };
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
