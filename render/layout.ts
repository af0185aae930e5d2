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

/** The file of a rendered release whose chart could not be expanded: why, in place of its objects. */
export const NOT_EXPANDED = "not-expanded.txt";
