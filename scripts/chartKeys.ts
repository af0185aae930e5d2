/**
 * `npm run chart-keys`: indexes the values keys of every chart the shipped stacks pin (each
 * release of the catalogue's parts, and each environment's) into core/chartKeys/<chart>.json,
 * from the chart's own files: its values.yaml, each subchart's under its key (coalesced with what
 * the parent sets there, as Helm coalesces them), and the keys it documents only in comments. A
 * chart not on this machine (render/chartSources.ts) is fetched from its repository first. Run it
 * after adding or changing a chart pin; the tests fail while an index differs from its chart.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { CLUSTER_PARTS } from "../core/catalogue";
import { allKeyPaths, CHART_KEYS_DIR, type ChartKeys, formatKeyPath, keyTreeOf, mergeValues } from "../core/chartValues";
import { readModelFile, STACKS_DIR } from "../model/load";
import { stackModelSchema } from "../model/schema";
import { chartDir, type ChartPin, fetchChart } from "../render/chartSources";

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

/** The charts the stack models in `stacksDir` pin: each cluster-wide part's and each environment's release, once each, in order. */
export function pinnedCharts(stacksDir: string = STACKS_DIR): ChartPin[] {
    const pins = new Map<string, ChartPin>();
    for (const file of fs.readdirSync(stacksDir).filter((f) => f.endsWith(".ts")).sort()) {
        const parsed = stackModelSchema.safeParse(readModelFile(file.replace(/\.ts$/, ""), path.join(stacksDir, file)));
        if (!parsed.success) throw new Error(`stacks/${file} is not a valid model; npm run render -- --stack ${file.replace(/\.ts$/, "")} says why`);
        const { clusterWide, monitoring } = parsed.data;
        for (const { chart, version, repository } of [...(clusterWide ? CLUSTER_PARTS.flatMap((p) => clusterWide[p.key]?.chart ?? []) : []), monitoring.chart]) pins.set(`${chart} ${version}`, { chart, version, repository });
    }
    return [...pins.values()];
}

export const USAGE = `usage: npm run chart-keys

Indexes the values keys of every chart the stacks in stacks/ pin into core/chartKeys/<chart>.json,
fetching a chart from its repository where this machine has none (see render/chartSources.ts).
`;

/** Runs the command with the arguments after `chart-keys`, writing what it does to `out`. */
export async function chartKeys(argv: readonly string[], out: (text: string) => void): Promise<void> {
    if (argv.includes("--help") || argv.includes("-h")) return out(USAGE);
    if (argv.length > 0) throw new Error(`unexpected argument ${argv[0]}; it takes none (see --help)`);
    fs.mkdirSync(CHART_KEYS_DIR, { recursive: true });
    for (const pin of pinnedCharts()) {
        let dir = chartDir(pin);
        if (dir === undefined) {
            out(`fetching ${pin.chart} ${pin.version} from ${pin.repository}\n`);
            dir = await fetchChart(pin);
        }
        fs.writeFileSync(path.join(CHART_KEYS_DIR, `${pin.chart}.json`), chartKeysText(chartKeysFrom(dir)));
        out(`indexed ${pin.chart} ${pin.version} (${path.relative(process.cwd(), dir)})\n`);
    }
}

if (require.main === module) {
    chartKeys(process.argv.slice(2), (text) => process.stdout.write(text)).catch((e: Error) => {
        // One line, what to do included: the details a stack trace would add are the script's own.
        process.stderr.write(`chart-keys: ${e.message.split("\n")[0]}\n`);
        process.exitCode = 1;
    });
}
