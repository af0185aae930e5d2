/**
 * Before any test: the upstream reference data must be there. Beside the checkout (as CI lays it
 * out) or at GITOPS_SHARED_DIR it is used as it is; otherwise it is fetched at its pinned tags
 * into node_modules/.cache and GITOPS_SHARED_DIR points there for the test workers, and the
 * pinned charts from their repositories.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fetchReference, readSources } from "./helpers/referenceFetch";

const ROOT = path.join(__dirname, "..");

export default async function setup(): Promise<void> {
    const configured = process.env.GITOPS_SHARED_DIR;
    if (configured !== undefined) {
        if (!fs.existsSync(path.join(configured, "reference"))) throw new Error(`GITOPS_SHARED_DIR is ${configured}, which has no reference/ folder; point it at a folder that has one, or unset it`);
        return;
    }
    if (fs.existsSync(path.join(ROOT, "..", "shared", "reference"))) return;
    const cache = path.join(ROOT, "node_modules", ".cache", "gitops-reference");
    let fetched: number;
    try {
        ({ fetched } = await fetchReference(readSources(path.join(ROOT, ".github", "reference-sources.tsv")), path.join(cache, "reference")));
    } catch (e) {
        // One message, no stack trace: nothing can be tested without this data.
        process.stderr.write(`\nnpm test: ${(e as Error).message}\n\n`);
        process.exit(1);
    }
    if (fetched > 0) console.log(`fetched ${fetched} upstream reference files into ${path.relative(ROOT, cache)} (no ../shared/reference beside this clone)`);
    process.env.GITOPS_SHARED_DIR = cache;
    // Nor are the pinned charts, whose values the tests hold the committed indexes to: fetched as npm run chart-keys fetches them.
    try {
        const [{ chartDir, fetchChart }, { pinnedCharts }] = await Promise.all([import("../render/chartSources.js"), import("../scripts/chartKeys.js")]);
        for (const pin of pinnedCharts()) if (chartDir(pin) === undefined) await fetchChart(pin);
    } catch (e) {
        process.stderr.write(`\nnpm test: ${(e as Error).message}\n\n`);
        process.exit(1);
    }
}
