/**
 * docs/catalogue.md's walkthrough, as `npm run test:walkthrough` follows it: its steps read from
 * the page, its diffs still applying to this checkout (git itself judges), the files it touches
 * as few as it promises, and the script it becomes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { APPLIED_HERE, MOST_FILES, type Step, WALKTHROUGH, walkthroughScript, walkthroughSteps } from "../../scripts/testWalkthrough";
import { ROOT } from "../harness";
import { launch } from "../helpers/launcher";

const steps = walkthroughSteps(fs.readFileSync(WALKTHROUGH, "utf8"));
const diffs = steps.filter((s): s is Extract<Step, { diff: string }> => "diff" in s);
const written = steps.filter((s): s is Extract<Step, { file: string }> => "file" in s);

/** In the walkthrough's own copy its diffs are applied and its file written: the checks of the files against the page are for a checkout. */
const applied = process.env[APPLIED_HERE] !== undefined;

describe.skipIf(applied)(`the walkthrough of docs/catalogue.md, against this checkout${applied ? " [skipped: the walkthrough is applied here]" : ""}`, () => {
    it("edits files that exist, writes one that does not, and touches at most six, the chart's generated index included", () => {
        const edited = [...new Set(diffs.flatMap((d) => d.files))];
        expect(edited.length).toBeGreaterThanOrEqual(4);
        for (const file of edited) expect(fs.existsSync(path.join(ROOT, file)), file).toBe(true);
        for (const { file } of written) expect(fs.existsSync(path.join(ROOT, file)), file).toBe(false);
        expect(steps.some((s) => "run" in s && s.run.includes("npm run chart-keys"))).toBe(true);
        expect(edited.length + written.length + 1).toBeLessThanOrEqual(MOST_FILES);
    });

    it.each(diffs.map((d) => [d.files.join(", "), d] as const))("has a diff of %s that git applies to this checkout", async (_, { diff }) => {
        const checked = await launch("git", ["apply", "--check", "--recount", "-"], { cwd: ROOT, input: diff });
        expect(checked.stderr).toBe("");
        expect(checked.error).toBeUndefined();
    });
});

describe("the walkthrough of docs/catalogue.md", () => {

    it("becomes one bash script: diffs through git apply, files by here-documents, commands as they are, in the page's order", () => {
        const page = ["<!-- walkthrough: run -->", "```sh runnable", "export A=1", "```", "```diff", "--- a/x.ts", "+++ b/x.ts", "@@ -1 +1 @@", "-a", "+b", "```", "<!-- walkthrough: file t/y.ts -->", "```ts", "const y = 1;", "```", "```sh", "not run", "```", ""].join("\n");
        expect(walkthroughSteps(page)).toStrictEqual([{ run: "export A=1\n" }, { diff: "--- a/x.ts\n+++ b/x.ts\n@@ -1 +1 @@\n-a\n+b\n", files: ["x.ts"] }, { file: "t/y.ts", text: "const y = 1;\n" }]);
        expect(walkthroughScript(walkthroughSteps(page))).toBe(
            ["set -euo pipefail", "export A=1", "git apply --recount <<'WALKTHROUGH_1'", "--- a/x.ts", "+++ b/x.ts", "@@ -1 +1 @@", "-a", "+b", "WALKTHROUGH_1", `mkdir -p "$(dirname 't/y.ts')"`, "cat > 't/y.ts' <<'WALKTHROUGH_2'", "const y = 1;", "WALKTHROUGH_2", ""].join("\n"),
        );
    });
});
