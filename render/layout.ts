/**
 * Where things are: the checkout, and `shared/` beside it. Free of the program's imports, as
 * render/folder.ts is, so that `npm run diff` starts without loading Pulumi or the model.
 */
import * as path from "node:path";

/** The checkout this code runs from. */
export const PROJECT_DIR = path.join(__dirname, "..");

/** Where `shared/` is: beside the checkout, or GITOPS_SHARED_DIR. */
export function sharedDir(): string {
    return process.env.GITOPS_SHARED_DIR ?? path.join(PROJECT_DIR, "..", "shared");
}

/** The folder of the objects a stack applies to other clusters than its own (a hub, into its spokes); no namespace can be named so. */
export const OTHER_CLUSTERS = "_spokes";

/** A fleet hub's placement table, for the reviewer: which spoke receives which add-on and application. */
export const PLACEMENT_FILE = "fleet/placement.md";

/** The file of a rendered release whose chart could not be expanded: why, in place of its objects. */
export const NOT_EXPANDED = "not-expanded.txt";
