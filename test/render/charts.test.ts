import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { expandRelease, minihelm, namespaceIn, parseHelmTemplate, type ReleaseToExpand, SHARED_DIR } from "../../render/charts";
import { charts } from "../../stacks/shared/constants";
import { expansionTitle, skipExpansion } from "../helpers/charts";

const run = promisify(execFile);
const release = (values: unknown = {}): ReleaseToExpand => ({ name: "sealed-secrets", namespace: "kube-system", ...charts.sealedSecrets, values });

describe("namespaceIn", () => {
    it("puts an object in its own namespace, else the release's, and a cluster-scoped kind in none", () => {
        expect(namespaceIn({ kind: "ConfigMap", metadata: { name: "a", namespace: "own" } }, "release")).toBe("own");
        expect(namespaceIn({ kind: "ConfigMap", metadata: { name: "a" } }, "release")).toBe("release");
        expect(namespaceIn({ kind: "ConfigMap" }, "release")).toBe("release");
        expect(namespaceIn({ kind: "ClusterRole", metadata: { name: "a", namespace: "ignored" } }, "release")).toBeUndefined();
    });
});

describe.skipIf(skipExpansion)(expansionTitle("expandRelease"), () => {
    it("reads `helm template` output as minihelm's JSON gives the same objects, hooks flagged", async () => {
        const values = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "charts-")), "values.yaml");
        fs.writeFileSync(values, "{}\n");
        const args = ["--chart", path.join(SHARED_DIR, "tools/minihelm/charts/argo-cd"), "--release", "argocd", "--namespace", "argocd", "--values", values];
        const binary = await minihelm();
        const [asYaml, asJson] = await Promise.all(["yaml", "json"].map((output) => run(binary, [...args, "--output", output], { maxBuffer: 64 << 20 }).then((r) => r.stdout)));
        const expected = (JSON.parse(asJson) as { source: string; hook: unknown; object: object | null }[]).filter((d) => d.object !== null).map((d) => ({ source: d.source, hook: d.hook !== null && d.hook !== undefined, object: d.object }));
        expect(expected.some((d) => d.hook)).toBe(true);
        // A block scalar that ends a document keeps its line break in js-yaml, not in Go's YAML.
        const unbroken = (value: unknown): unknown =>
            typeof value === "string" ? value.replace(/\n$/, "") : Array.isArray(value) ? value.map(unbroken) : value && typeof value === "object" ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unbroken(v)])) : value;
        expect(unbroken(parseHelmTemplate(asYaml))).toStrictEqual(unbroken(expected));
    }, 60_000);

    it("flags as hooks exactly the objects Helm runs as hooks (the helm.sh/hook annotation), which Chart v4 would drop", async () => {
        // argo-cd's defaults run a hook Job (redisSecretInit), beside hundreds of plain objects.
        const objects = await expandRelease({ name: "argocd", namespace: "argocd", ...charts.argoCd, values: {} });
        const annotated = (o: (typeof objects)[number]) => (o.object.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.["helm.sh/hook"] !== undefined;
        expect(objects.filter(annotated).length).toBeGreaterThan(0);
        expect(objects.filter((o) => !annotated(o)).length).toBeGreaterThan(10);
        for (const o of objects) expect(o.hook, `${o.object.kind} ${o.source}`).toBe(annotated(o));
    }, 60_000);

    it("expands a release once for the same values, and again for others", async () => {
        const first = expandRelease(release());
        expect(expandRelease(release())).toBe(first);
        expect(expandRelease(release({ fullnameOverride: "other" }))).not.toBe(first);
        const objects = await first;
        expect(objects.find((o) => o.object.kind === "Deployment")?.source).toBe("sealed-secrets/templates/deployment.yaml");
        expect(objects.every((o) => o.hook === false)).toBe(true);
    }, 60_000);

    it("names the release and the chart's own message when a template fails, and refuses a version other than the pinned one", async () => {
        await expect(expandRelease(release({ privateKeyAnnotations: { a: 1 } }))).rejects.toThrow(
            `minihelm: expanding sealed-secrets (sealed-secrets ${charts.sealedSecrets.version}) failed: `,
        );
        await expect(expandRelease(release({ privateKeyAnnotations: { a: 1 } }))).rejects.toThrow("Annotation values have to be strings");
        await expect(expandRelease({ ...release(), version: "0.0.1" })).rejects.toThrow(`is sealed-secrets ${charts.sealedSecrets.version}, but the release pins 0.0.1`);
        await expect(expandRelease({ ...release(), chart: "no-such-chart" })).rejects.toThrow(/expanding sealed-secrets \(no-such-chart .*\): no chart no-such-chart under /);
    }, 60_000);
});
