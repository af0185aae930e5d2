/**
 * Where the files of a pinned chart are on this machine, for `npm run chart-keys` (which indexes
 * its values) and for expansions without helm (minihelm reads a chart folder). Looked for, in
 * order, in:
 *
 * - each folder GITOPS_CHARTS_DIR lists (separated as PATH is): a user's own charts, vendored or
 *   pulled (`helm pull <repo>/<chart> --version <version> --untar --untardir <folder>`);
 * - `../shared/tools/minihelm/charts`, beside this checkout;
 * - `node_modules/.cache/gitops-charts/<chart>-<version>/`, where `fetchChart` puts what it
 *   downloads from the chart's repository.
 *
 * A folder holds a chart as Helm unpacks one: `<folder>/<chart>/Chart.yaml`.
 */
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { PROJECT_DIR, sharedDir } from "./layout";

/** A chart as a release pins it. */
export interface ChartPin {
    readonly chart: string;
    readonly version: string;
    readonly repository: string;
}

/** Where `fetchChart` keeps what it downloads. */
export function fetchedCharts(): string {
    return path.join(PROJECT_DIR, "node_modules", ".cache", "gitops-charts");
}

/** The folders a chart is looked for in, first first (see above). */
export function chartFolders({ chart, version }: Pick<ChartPin, "chart" | "version">): string[] {
    const own = (process.env.GITOPS_CHARTS_DIR ?? "").split(path.delimiter).filter((dir) => dir !== "");
    return [...own, path.join(sharedDir(), "tools", "minihelm", "charts"), path.join(fetchedCharts(), `${chart}-${version}`)];
}

/** The version of the chart in `dir`, or undefined when there is none. */
function versionIn(dir: string): string | undefined {
    const file = path.join(dir, "Chart.yaml");
    return fs.existsSync(file) ? String((yaml.load(fs.readFileSync(file, "utf8")) as { version: unknown }).version) : undefined;
}

/**
 * The folder of the pinned chart, or undefined when none here holds it. Throws where only other
 * versions of it are here, naming them: a chart of another version would expand other objects.
 */
export function chartDir(pin: Pick<ChartPin, "chart" | "version">): string | undefined {
    const found = chartFolders(pin).map((folder) => path.join(folder, pin.chart)).flatMap((dir) => {
        const version = versionIn(dir);
        return version === undefined ? [] : [{ dir, version }];
    });
    const pinned = found.find((f) => f.version === pin.version);
    if (pinned) return pinned.dir;
    if (found.length > 0) throw new Error(`${found.map((f) => `${f.dir} is ${pin.chart} ${f.version}`).join(", ")}, but the release pins ${pin.version}; npm run chart-keys fetches the pinned one`);
    return undefined;
}

/** An entry of a Helm repository's index.yaml. */
interface IndexEntry {
    readonly version: unknown;
    readonly urls?: readonly string[];
    readonly digest?: string;
}

async function download(url: string, what: string): Promise<Buffer> {
    let response: Response;
    try {
        response = await fetch(url);
    } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        throw new Error(`cannot download ${what} from ${url} (${cause?.code ?? cause?.message ?? (e as Error).message}); with no network, put the chart into a folder GITOPS_CHARTS_DIR names`);
    }
    if (!response.ok) throw new Error(`cannot download ${what} from ${url} (HTTP ${response.status})`);
    return Buffer.from(await response.arrayBuffer());
}

/** Unpacks a chart archive into `dir` with tar, which every machine that runs this has. */
function untar(archive: string, dir: string): Promise<void> {
    return new Promise((resolve, reject) => execFile("tar", ["-xzf", archive, "-C", dir], (error, _, stderr) => (error ? reject(new Error(`cannot unpack ${archive}: ${stderr.trim() || error.message}`)) : resolve())));
}

/**
 * Downloads the pinned chart from its repository (its index.yaml, then the archive the index
 * names for the version, checked against the index's sha256 digest) into
 * node_modules/.cache/gitops-charts, and resolves with its folder. Helm's own `helm pull` does the
 * same; this needs no helm.
 */
export async function fetchChart(pin: ChartPin): Promise<string> {
    const what = `chart ${pin.chart} ${pin.version}`;
    const indexUrl = `${pin.repository.replace(/\/$/, "")}/index.yaml`;
    const index = yaml.load((await download(indexUrl, `the index of ${pin.repository}`)).toString("utf8")) as { entries?: Record<string, IndexEntry[]> };
    const versions = index.entries?.[pin.chart] ?? [];
    const entry = versions.find((e) => String(e.version) === pin.version);
    if (!entry?.urls?.[0]) {
        const offered = versions.map((e) => String(e.version)).slice(0, 5);
        throw new Error(`${pin.repository} has no ${what}${offered.length > 0 ? ` (its latest: ${offered.join(", ")})` : ` (it has no chart ${pin.chart})`}; check the pin`);
    }
    const archiveUrl = new URL(entry.urls[0], `${pin.repository.replace(/\/$/, "")}/`).href;
    const archive = await download(archiveUrl, what);
    const digest = createHash("sha256").update(archive).digest("hex");
    if (entry.digest !== undefined && entry.digest !== digest) throw new Error(`${what} from ${archiveUrl} has sha256 ${digest}, but the repository's index says ${entry.digest}; it was not kept`);
    const target = path.join(fetchedCharts(), `${pin.chart}-${pin.version}`);
    fs.mkdirSync(fetchedCharts(), { recursive: true });
    // Beside its place, so that it moves in with a rename, whole or not at all.
    const staging = fs.mkdtempSync(path.join(fetchedCharts(), ".staging-"));
    try {
        fs.writeFileSync(path.join(staging, "chart.tgz"), archive);
        fs.mkdirSync(path.join(staging, "unpacked"));
        await untar(path.join(staging, "chart.tgz"), path.join(staging, "unpacked"));
        if (versionIn(path.join(staging, "unpacked", pin.chart)) !== pin.version) throw new Error(`${archiveUrl} does not hold ${what} in a folder ${pin.chart}/; it was not kept`);
        fs.rmSync(target, { recursive: true, force: true });
        fs.renameSync(path.join(staging, "unpacked"), target);
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
    return path.join(target, pin.chart);
}
