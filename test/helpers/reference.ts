/**
 * The upstream data the tests judge by (../shared/reference, see its README). The judges
 * themselves: crds.ts (CRD schemas), chartValues.ts (chart defaults), argocdRbac.ts (casbin
 * with Argo CD's model). Tests compare what the core builds with these, never with expectations
 * copied from the core itself.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The upstream reference data: `shared/reference` beside the checkout (as CI lays it out), or
 * wherever GITOPS_SHARED_DIR points (test/globalSetup.ts sets it to the fetched copy).
 */
export const SHARED = process.env.GITOPS_SHARED_DIR ?? path.join(__dirname, "../../../shared");
export const REFERENCE = path.join(SHARED, "reference");
if (!fs.existsSync(REFERENCE)) {
    // test/globalSetup.ts fetches it when it is missing: a test file run without it (or a helper imported elsewhere) ends here.
    throw new Error(`${REFERENCE} not found: the tests judge artifacts against shared/reference; run them with vitest (which fetches it), clone the project beside shared/, or set GITOPS_SHARED_DIR`);
}

export function readReference(...parts: string[]): string {
    return fs.readFileSync(path.join(REFERENCE, ...parts), "utf8");
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
