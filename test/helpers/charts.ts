/**
 * Judge: the pinned charts themselves, expanded by render/charts.ts (helm, or minihelm). Where
 * neither can run the suites that need them are skipped with the reason, except in CI, where
 * they fail: CI installs what they need (`.ci/run`).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { cannotExpand, type ExpandedObject, expandRelease, HELM, minihelm, type ReleaseToExpand } from "../../render/charts";
import { IN_CI } from "./binaries";

export { type ExpandedObject, expandRelease, type ReleaseToExpand } from "../../render/charts";

const CACHE = path.join(__dirname, "..", "..", "node_modules", ".cache", "gitops-expansions");

/** The code that expands: an edit to it, or Stryker's copy of it with mutants in, keeps expansions of its own. */
const EXPANDER = createHash("sha256").update(fs.readFileSync(path.join(__dirname, "..", "..", "render", "charts.ts"))).digest("hex");

/**
 * What `release` renders, kept on disk across runs of the suite (and of `npm run mutate`, which
 * runs it thousands of times) by all that decides it: the tool (helm, or minihelm by its sources'
 * hash), the code that expands and the release with its values. render/charts.ts's own tests
 * expand without it.
 */
export async function expandCached(release: ReleaseToExpand): Promise<ExpandedObject[]> {
    const tool = HELM ?? (await minihelm());
    const file = path.join(CACHE, `${createHash("sha256").update(JSON.stringify([tool, EXPANDER, release])).digest("hex").slice(0, 32)}.json`);
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as ExpandedObject[];
    const objects = await expandRelease(release);
    fs.mkdirSync(CACHE, { recursive: true });
    // Concurrent runs each write a file of their own and rename it into place.
    fs.writeFileSync(`${file}.${process.pid}`, JSON.stringify(objects));
    fs.renameSync(`${file}.${process.pid}`, file);
    return objects;
}

/** True when the chart-expansion suites must be skipped: they cannot run and this is not CI. */
export const skipExpansion = cannotExpand !== undefined && !IN_CI;

/** A suite's title, with the reason it is skipped appended. */
export function expansionTitle(title: string): string {
    return skipExpansion ? `${title} [skipped: ${cannotExpand}]` : title;
}

/** Throws (in CI) when charts cannot be expanded: call it in beforeAll. */
export function assertCanExpand(): void {
    if (cannotExpand) throw new Error(`${cannotExpand}; CI is set, so this fails instead of skipping: install what .ci/run installs`);
}
