/** Temporary folders of a test file. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach } from "vitest";

/** A maker of fresh temporary folders named `<prefix>...`, each removed after the test that made it. */
export function temporaryDirs(prefix: string): () => string {
    const made: string[] = [];
    afterEach(() => {
        for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    });
    return () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
        made.push(dir);
        return dir;
    };
}
