/**
 * `npm run diff`'s files for a diff too long for them, over a diff made up for the test (one
 * that long takes minutes to render): diffRun.test.ts runs the command on a real repository.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { StackInputError } from "../../model/problems";
import type { DiffReport } from "../../render/diff";
import { diffFailureMessage } from "../../render/diffCommand";
import { DiffError } from "../../render/diffRun";
import { capturedOutput, ROOT } from "../harness";
import { importAfresh } from "../helpers/afresh";
import { temporaryDirs } from "../helpers/tmp";

const tmp = temporaryDirs("diff-command-");

/** 12 changes of 100,000 characters each: more than a job summary (1,000,000) holds. */
const huge: DiffReport = {
    summary: "## Render diff\n\n12 changes\n",
    sections: Array.from({ length: 12 }, (_, i) => `### change ${i + 1}\n\n${"x".repeat(100_000)}\n`),
};

describe("npm run diff with a diff longer than a comment and a job summary", () => {
    it("prints it whole, and writes each file within its limit, saying how many changes are left out and where they are", async () => {
        const diffRun = async (actual: () => Promise<object>) => ({ ...(await actual()), runDiff: async () => huge });
        const mocks = { [path.join(ROOT, "render", "diffRun.ts")]: diffRun };
        const { diffCommand } = await importAfresh<typeof import("../../render/diffCommand.js")>(path.join(ROOT, "render", "diffCommand.ts"), { mocks });
        const dir = tmp();
        const { io, written } = capturedOutput();
        expect(await diffCommand(["--stack", "prod", "--comment-file", "comment.md", "--summary-file", "summary.md"], dir, io)).toBe(0);
        expect(written.stdout).toBe([huge.summary, ...huge.sections].join("\n"));
        const comment = fs.readFileSync(path.join(dir, "comment.md"), "utf8");
        const summary = fs.readFileSync(path.join(dir, "summary.md"), "utf8");
        expect(comment.length).toBeLessThanOrEqual(65_000);
        expect(comment).toMatch(/^## Render diff\n\n12 changes\n\n_12 more changes not shown here: the whole diff is in the job summary and the render-diff artifact\._\n$/);
        expect(summary.length).toBeLessThanOrEqual(1_000_000);
        expect(summary.split("### change ")).toHaveLength(1 + 9);
        expect(summary).toMatch(/\n_3 more changes not shown here: the whole diff is in the render-diff artifact\._\n$/);
    });
});

describe("npm run diff with a stack name that is a path", () => {
    it("refuses it before rendering anything, as the render does, with exit code 1", async () => {
        let rendered = false;
        const diffRun = async (actual: () => Promise<object>) => ({ ...(await actual()), runDiff: async () => ((rendered = true), huge) });
        const { diffCommand } = await importAfresh<typeof import("../../render/diffCommand.js")>(path.join(ROOT, "render", "diffCommand.ts"), { mocks: { [path.join(ROOT, "render", "diffRun.ts")]: diffRun } });
        const { io, written } = capturedOutput();
        expect(await diffCommand(["--stack", "dev", "--stack", "../x"], tmp(), io)).toBe(1);
        expect(written.stderr).toBe(`Stack "../x": the command line has 1 problem:\n  - --stack: "../x" is not a stack name: use the short name of a stack of this project (letters, digits, '-', '_' and '.'), such as prod\n`);
        expect(rendered).toBe(false);
    });
});

describe("diffFailureMessage", () => {
    it("tells what the diff cannot do as it is, and a stack's model mistakes, as they are; anything else as an error", () => {
        expect(diffFailureMessage(new DiffError('base ref "x" does not exist'))).toBe('base ref "x" does not exist\n');
        const mistake = new StackInputError("prod", "stacks/prod.ts", [{ path: "environment", message: "required" }]);
        expect(diffFailureMessage(mistake)).toBe(`${mistake.message}\n`);
        // A commit's own copy of the program throws its own class: known by name.
        expect(diffFailureMessage(Object.assign(new Error("from a commit's copy"), { name: "StackInputError" }))).toBe("from a commit's copy\n");
        expect(diffFailureMessage({ name: "StackInputError", message: "not an Error" })).toBe("error: not an Error\n");
        expect(diffFailureMessage(new TypeError("boom"))).toBe("error: boom\n");
        expect(diffFailureMessage(undefined)).toBe("error: undefined\n");
    });

    it("adds the stack trace with GITOPS_DEBUG set", () => {
        const error = new Error("boom");
        vi.stubEnv("GITOPS_DEBUG", "1");
        try {
            expect(diffFailureMessage(error)).toBe(`error: boom\n${error.stack}\n`);
        } finally {
            vi.unstubAllEnvs();
        }
        expect(diffFailureMessage(error)).toBe("error: boom\n");
    });
});
