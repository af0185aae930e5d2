/** Temporary folders of a test file, none left behind. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach } from "vitest";

/**
 * A maker of fresh temporary folders named `<prefix>...`, each removed after the test that made
 * it, or with `"all"` after the last test of the file or describe block that calls this.
 */
export function temporaryDirs(prefix: string, removed: "each" | "all" = "each"): () => string {
    const made: string[] = [];
    (removed === "each" ? afterEach : afterAll)(() => {
        for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    });
    return () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
        made.push(dir);
        return dir;
    };
}
