/**
 * The render diff itself on small trees: what a change shows, and the Markdown report as GitHub
 * reads it (end to end on a fixture repository: diffRun.test.ts).
 */
import { applyPatch, parsePatch } from "diff";
// marked is an ES module only: its types are imported as one, the lexer is loaded below.
import type { Tokens, TokensList } from "marked" with { "resolution-mode": "import" };
import { beforeAll, describe, expect, it } from "vitest";
import { COMMENT_LIMIT, diffTrees, type DiffReport, markdown, report, trimmed } from "../../render/diff";
import { toYaml } from "../../core/objects";

const sealed = (data: Record<string, string>, annotations: Record<string, string> = {}) =>
    `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  annotations: ${JSON.stringify(annotations)}\n  name: s\n  namespace: ns\nspec:\n  encryptedData: ${JSON.stringify(data)}\n`;

describe("diffTrees", () => {
    it("names a file that is no Kubernetes object (no kind) an object, and an object by its kind", () => {
        const changes = diffTrees(new Map(), new Map([["notes/a.yaml", "a: 1\n"], ["ns/configmap/c.yaml", "kind: ConfigMap\nmetadata:\n  name: c\n  namespace: ns\n"]]));
        expect(changes.map((c) => [c.path, c.kind, c.title])).toStrictEqual([
            ["notes/a.yaml", "object", expect.any(String)],
            ["ns/configmap/c.yaml", "ConfigMap", "ConfigMap ns/c"],
        ]);
    });

    it("names a fleet hub's placement table as such, and an object it applies into a spoke with that spoke", () => {
        const table = "# Fleet placement\n\n| cluster | labels |\n|---|---|\n| eu | region=eu |\n";
        const inSpoke = "kind: Namespace\nmetadata:\n  name: metrics\n";
        const changes = diffTrees(new Map(), new Map([["fleet/placement.md", table], ["_spokes/eu/_cluster/namespace/metrics.yaml", inSpoke]]));
        expect(changes.map((c) => [c.path, c.kind, c.title])).toStrictEqual([
            ["_spokes/eu/_cluster/namespace/metrics.yaml", "Namespace", "Namespace metrics in spoke eu"],
            ["fleet/placement.md", "fleet placement", "placement of the fleet's add-ons and applications"],
        ]);
    });

    it("reports a SealedSecret by data key: which changed, which came and went, never a ciphertext", () => {
        const base = new Map([["ns/sealedsecret/s.yaml", sealed({ a: "AgAAA1", b: "AgBBB1", gone: "AgGGG1" })]]);
        const head = new Map([["ns/sealedsecret/s.yaml", sealed({ a: "AgAAA2", b: "AgBBB1", fresh: "AgFFF1" })]]);
        const [change] = diffTrees(base, head);
        expect(change.notes).toStrictEqual(["`encryptedData.a` changed", "`encryptedData.fresh` added", "`encryptedData.gone` removed"]);
        const text = markdown(report([{ stack: "dev", changes: [change], charts: [] }], "main", "the working tree"));
        for (const ciphertext of ["AgAAA1", "AgAAA2", "AgBBB1", "AgGGG1", "AgFFF1"]) expect(text).not.toContain(ciphertext);
        // What stands in for a ciphertext says that it is sealed.
        expect(change.patch).toMatch(/^\+ {4}fresh: \S*sealed/m);
    });

    it("shows what a sealed key holds through its preview, and nothing when only a ciphertext changed", () => {
        const base = new Map([["ns/sealedsecret/s.yaml", sealed({ k: "AgX" }, { "gitops-platform/preview.k": "route: 12h" })]]);
        const [change] = diffTrees(base, new Map([["ns/sealedsecret/s.yaml", sealed({ k: "AgY" }, { "gitops-platform/preview.k": "route: 6h" })]]));
        expect(change.patch).toMatch(/-\s+gitops-platform\/preview.k: "route: 12h"\n\+\s+gitops-platform\/preview.k: "route: 6h"/);
        const [quiet] = diffTrees(base, new Map([["ns/sealedsecret/s.yaml", sealed({ k: "AgZ" }, { "gitops-platform/preview.k": "route: 12h" })]]));
        expect([quiet.notes, quiet.patch]).toStrictEqual([["`encryptedData.k` changed"], ""]);
    });

    it("shows a change with three lines of context, as git diff does, under the file's names", () => {
        const lines = Array.from({ length: 20 }, (_, i) => `line${i + 1}: ${i + 1}`);
        const base = new Map([["ns/configmap/c.yaml", lines.join("\n") + "\n"]]);
        const [change] = diffTrees(base, new Map([["ns/configmap/c.yaml", lines.map((l, i) => (i === 9 ? "line10: ten" : l)).join("\n") + "\n"]]));
        const patch = change.patch.split("\n");
        expect(patch.slice(0, 3)).toStrictEqual(["--- base/ns/configmap/c.yaml", "+++ head/ns/configmap/c.yaml", "@@ -7,7 +7,7 @@"]);
        expect(applyPatch(base.get("ns/configmap/c.yaml") as string, change.patch)).toBe(lines.map((l, i) => (i === 9 ? "line10: ten" : l)).join("\n") + "\n");
    });

    it("finds nothing in identical trees, and names kinds and charts", () => {
        const tree = new Map([
            ["charts/argocd/values.yaml", "a: 1\n"],
            ["argocd/application/x.yaml", "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: x\n  namespace: argocd\n"],
        ]);
        expect(diffTrees(tree, new Map(tree))).toStrictEqual([]);
        const changes = diffTrees(tree, new Map([["charts/argocd/values.yaml", "a: 2\n"]]));
        expect(changes.map((c) => [c.change, c.kind, c.title])).toStrictEqual([
            ["removed", "Application", "Application argocd/x"],
            ["changed", "Helm values", "values of release argocd"],
        ]);
    });
});

describe("the Markdown report, as GitHub reads it", () => {
    const object = (kind: string, name: string, data: Record<string, string>) => toYaml({ apiVersion: "v1", kind, metadata: { name, namespace: "ns" }, data });
    const base = new Map([
        ["ns/configmap/c.yaml", object("ConfigMap", "c", { a: "1" })],
        ["ns/configmap/gone.yaml", object("ConfigMap", "gone", { a: "1" })],
        ["charts/argocd/release.yaml", "name: argocd\nversion: 1.0.0\n"],
        ["charts/argocd/values.yaml", "banner: |\n  ````\nreplicas: 1\n"],
        ["ns/sealedsecret/s.yaml", sealed({ a: "AgA1", b: "AgB1" })],
    ]);
    const head = new Map([
        ["ns/configmap/c.yaml", object("ConfigMap", "c", { a: "2" })],
        ["ns/application/new.yaml", object("Application", "new", {})],
        ["charts/argocd/release.yaml", "name: argocd\nversion: 1.0.1\n"],
        ["charts/argocd/values.yaml", "banner: |\n  ````\nreplicas: 2\n"],
        ["ns/sealedsecret/s.yaml", sealed({ a: "AgA2", b: "AgB1" })],
    ]);
    const chartBase = new Map([["ns/configmap/argocd-cm.yaml", object("ConfigMap", "argocd-cm", { url: "a" })]]);
    const chartHead = new Map([["ns/configmap/argocd-cm.yaml", object("ConfigMap", "argocd-cm", { url: "b" })]]);
    const r = report(
        [{ stack: "dev", changes: diffTrees(base, head), charts: [{ release: "argocd", changes: diffTrees(chartBase, chartHead) }, { release: "kps", changes: [], notExpanded: "kps 9.9.9 is not available here." }] }],
        "main (`abc1234`)",
        "the working tree",
    );
    let lexer: (markdown: string) => TokensList;
    let tokens: TokensList;
    beforeAll(async () => {
        lexer = (await import("marked")).marked.lexer;
        tokens = lexer(markdown(r));
    });
    const text = (type: string) => tokens.filter((t) => t.type === type).map((t) => (t as Tokens.Generic).text as string);

    it("opens with what it compares, then a table of changes by stack and kind", () => {
        expect(tokens[0]).toMatchObject({ type: "heading", depth: 2, text: "Render diff" });
        expect(text("paragraph")[0]).toBe("Render of dev: the working tree against main (`abc1234`). SealedSecrets are compared by data key; no secret value is shown.");
        const [table] = tokens.filter((t): t is Tokens.Table => t.type === "table");
        expect(table.header.map((h) => h.text)).toStrictEqual(["stack", "kind", "added", "changed", "removed"]);
        expect(table.align).toStrictEqual([null, null, "right", "right", "right"]);
        expect(table.rows.map((row) => row.map((cell) => cell.text))).toStrictEqual([
            ["dev", "Application", "1", "0", "0"],
            ["dev", "ConfigMap", "0", "1", "1"],
            ["dev", "Helm release", "0", "1", "0"],
            ["dev", "Helm values", "0", "1", "0"],
            ["dev", "SealedSecret", "0", "1", "0"],
            ["dev, chart argocd", "ConfigMap", "0", "1", "0"],
        ]);
    });

    it("gives each change a heading and a patch that turns the base file into the head file", () => {
        const headings = tokens.filter((t): t is Tokens.Heading => t.type === "heading" && t.depth === 4).map((t) => t.text);
        expect(headings).toStrictEqual([
            "changed: release argocd (dev)",
            "changed: values of release argocd (dev)",
            "added: Application ns/new (dev)",
            "changed: ConfigMap ns/c (dev)",
            "removed: ConfigMap ns/gone (dev)",
            "changed: SealedSecret ns/s (dev)",
            "changed: ConfigMap ns/argocd-cm (dev, chart argocd)",
            "chart kps (dev): its objects are not compared",
        ]);
        // A sealed value that changed is a note alone: its ciphertext is no patch.
        expect(tokens.filter((t): t is Tokens.List => t.type === "list").map((l) => l.items.map((i) => i.text))).toStrictEqual([["`encryptedData.a` changed"]]);
        const patches = tokens.filter((t): t is Tokens.Code => t.type === "code");
        expect(patches.map((p) => p.lang)).toStrictEqual(["diff", "diff", "diff", "diff", "diff", "diff"]);
        const files = [...["charts/argocd/release.yaml", "charts/argocd/values.yaml", "ns/application/new.yaml", "ns/configmap/c.yaml", "ns/configmap/gone.yaml"].map((f) => [base.get(f), head.get(f)]), [chartBase, chartHead].map((t) => t.get("ns/configmap/argocd-cm.yaml"))];
        patches.forEach((p, i) => {
            const [before, after] = files[i];
            // The fence outlasts the values' line of backticks, or that line would end it early.
            expect(applyPatch(before ?? "", p.text)).toBe(after ?? "");
            expect(p.text).not.toMatch(/\s$/);
            expect(p.text).toMatch(/^(---|\+\+\+) /);
            const [{ oldFileName, newFileName }] = parsePatch(p.text);
            expect([oldFileName, newFileName]).toStrictEqual([before === undefined ? "/dev/null" : expect.stringMatching(/^base\//), after === undefined ? "/dev/null" : expect.stringMatching(/^head\//)]);
        });
        expect(text("paragraph")).toContain("kps 9.9.9 is not available here.");
    });

    it("names each change's file right under its heading, and says nothing else beside the patches", () => {
        expect(text("paragraph")).toStrictEqual([
            expect.stringMatching(/^Render of dev: /),
            ...["charts/argocd/release.yaml", "charts/argocd/values.yaml", "ns/application/new.yaml", "ns/configmap/c.yaml", "ns/configmap/gone.yaml", "ns/sealedsecret/s.yaml", "ns/configmap/argocd-cm.yaml"].map((f) => `\`${f}\``),
            "kps 9.9.9 is not available here.",
        ]);
    });

    it("says there is nothing to show, and shows no table, when nothing changed", () => {
        const quiet = lexer(markdown(report([{ stack: "dev", changes: [], charts: [] }, { stack: "prod", changes: [], charts: [] }], "main", "the working tree")));
        expect(quiet.map((t) => t.type).filter((t) => t !== "space")).toStrictEqual(["heading", "paragraph", "paragraph"]);
        expect(quiet.filter((t): t is Tokens.Paragraph => t.type === "paragraph").map((t) => t.text)).toStrictEqual([
            "Render of dev, prod: the working tree against main. SealedSecrets are compared by data key; no secret value is shown.",
            "No changes: every object and chart renders exactly as on main.",
        ]);
    });
});

describe("trimmed", () => {
    /** A report with `n` sections of about `size` characters each. */
    const big = (n: number, size: number): DiffReport => ({ summary: "## Render diff\n\n| stack | kind |\n", sections: Array.from({ length: n }, (_, i) => `#### changed: ConfigMap ns/c${i}\n\n\`\`\`diff\n${"+x\n".repeat(size / 3)}\`\`\`\n`) });

    it("keeps a report that fits as it is", () => {
        const small = big(3, 300);
        expect(trimmed(small)).toBe(markdown(small));
    });

    it("fits as many whole sections as leave room for the note, at every limit", () => {
        const r = big(4, 120);
        const elsewhere = "the job summary and the render-diff artifact";
        const noteFor = (left: number) => `\n_${left} more ${left === 1 ? "change" : "changes"} not shown here: the whole diff is in ${elsewhere}._\n`;
        const full = markdown(r);
        for (let limit = r.summary.length + noteFor(4).length; limit <= full.length + 2; limit++) {
            const text = trimmed(r, limit);
            if (limit >= full.length) {
                expect(text).toBe(full);
                continue;
            }
            let shown = 0;
            while (shown < 4 && [r.summary, ...r.sections.slice(0, shown + 1)].join("\n").length + noteFor(4).length <= limit) shown++;
            expect(text, `limit ${limit}`).toBe([r.summary, ...r.sections.slice(0, shown)].join("\n") + noteFor(4 - shown));
            expect(text.length).toBeLessThanOrEqual(limit);
        }
    });

    it("cuts a summary that alone passes the limit, and still says that every change is elsewhere", () => {
        const r: DiffReport = { summary: `## Render diff\n\n${"x".repeat(400)}\n`, sections: ["#### one\n"] };
        const text = trimmed(r, 300, "the artifact");
        expect(text.length).toBe(300);
        expect(text.endsWith("\n_1 more change not shown here: the whole diff is in the artifact._\n")).toBe(true);
        expect(text.startsWith("## Render diff\n\nxxx")).toBe(true);
    });

    it("keeps the summary and whole sections under the limit, and says how many it left out and where they are", () => {
        const r = big(200, 1_000);
        const text = trimmed(r);
        expect(markdown(r).length).toBeGreaterThan(COMMENT_LIMIT);
        expect(text.length).toBeLessThanOrEqual(COMMENT_LIMIT);
        expect(text.startsWith(r.summary)).toBe(true);
        const shown = r.sections.filter((s) => text.includes(s)).length;
        expect(shown).toBeGreaterThan(50);
        // No section is cut: every fence opened is closed.
        expect(text.split("```").length % 2).toBe(1);
        expect(text).toContain(`_${200 - shown} more changes not shown here: the whole diff is in the job summary and the render-diff artifact._`);
    });
});
