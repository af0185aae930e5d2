import * as yaml from "js-yaml";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { describe, expect, it } from "vitest";
import type { RecordedResource } from "../../render/mockRuntime";
import { appliedChartObjects } from "../../render/applied";
import type { ReleaseToExpand } from "../../render/charts";
import { REDACTED, renderTree } from "../../render/tree";

/** A value as the mocked runtime hands over one marked secret. */
const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });

const object = (inputs: Record<string, unknown>, type = `kubernetes:core/v1:${String(inputs.kind)}`): RecordedResource => ({ type, name: String((inputs.metadata as { name: string }).name), custom: true, inputs, dependencies: [], transforms: [] });
const chart = (inputs: Record<string, unknown>): RecordedResource => ({ type: "kubernetes:helm.sh/v4:Chart", name: String(inputs.name), custom: true, inputs, dependencies: [], transforms: [] });

describe("the render tree", () => {
    it("writes each Kubernetes object at <namespace>/<kind>/<name>.yaml, cluster-scoped ones under _cluster, in path order", async () => {
        const tree = await renderTree([
            object({ apiVersion: "v1", kind: "Namespace", metadata: { name: "zeta" } }),
            object({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b", namespace: "apps" }, data: { k: "v" } }),
            object({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "apps" }, data: {} }),
            { type: "random:index/randomPassword:RandomPassword", name: "pw", custom: true, inputs: { length: 3 }, dependencies: [], transforms: [] },
            { type: "gitops:index:Part", name: "part", custom: false, inputs: {}, dependencies: [], transforms: [] },
        ]);
        expect([...tree.files.keys()]).toStrictEqual(["_cluster/namespace/zeta.yaml", "apps/configmap/a.yaml", "apps/configmap/b.yaml"]);
        expect(yaml.load(tree.files.get("apps/configmap/b.yaml") as string)).toStrictEqual({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b", namespace: "apps" }, data: { k: "v" } });
        expect(tree.notes).toStrictEqual([]);
    });

    it("leaves out an object that holds a secret anywhere, saying which and why, with its plaintext nowhere", async () => {
        const tree = await renderTree([
            object({ apiVersion: "v1", kind: "Secret", metadata: { name: "zz", namespace: "ns" }, stringData: { token: secret("hunter2") } }),
            object({ apiVersion: "v1", kind: "Secret", metadata: { name: "deep", namespace: "ns" }, data: { list: [{ plain: "x" }, { hidden: secret("hunter3") }] } }),
            object({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "plain", namespace: "ns" }, data: { list: ["a", "b"] } }),
        ]);
        expect([...tree.files.keys()]).toStrictEqual(["ns/configmap/plain.yaml"]);
        expect(tree.notes).toStrictEqual([
            "left out Secret ns/deep: it holds plaintext secret data (pulumi up creates it from stack config)",
            "left out Secret ns/zz: it holds plaintext secret data (pulumi up creates it from stack config)",
        ]);
    });

    it("refuses two objects that would share a file", async () => {
        const twice = object({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "ns" } });
        await expect(renderTree([twice, twice])).rejects.toThrow("two rendered objects share the path ns/configmap/a.yaml; names must be unique per namespace and kind");
    });

    it("writes a chart's release and its values as Helm merges them, secret values redacted under a header", async () => {
        const tree = await renderTree([
            chart({
                name: "kps",
                namespace: "monitoring",
                chart: "kube-prometheus-stack",
                version: "1.2.3",
                repositoryOpts: { repo: "https://charts.example.com" },
                values: { grafana: { adminUser: "admin", adminPassword: secret("pw"), ports: [1, secret(2)] }, replicas: 1 },
            }),
        ]);
        expect(yaml.load(tree.files.get("charts/kps/release.yaml") as string)).toStrictEqual({ name: "kps", namespace: "monitoring", chart: "kube-prometheus-stack", version: "1.2.3", repository: "https://charts.example.com" });
        const values = tree.files.get("charts/kps/values.yaml") as string;
        expect(values.split("\n")[0]).toBe(`# Secret values are shown as "${REDACTED}"; pulumi up passes them to Helm.`);
        expect(yaml.load(values)).toStrictEqual({ grafana: { adminUser: "admin", adminPassword: REDACTED, ports: [1, REDACTED] }, replicas: 1 });
        expect(values).not.toContain("pw");
    });

    it("says in each release the cluster version its chart is rendered for, and expands it for that version", async () => {
        const plain = chart({ name: "plain", namespace: "ns", chart: "c", version: "1", values: {} });
        const asked: ReleaseToExpand[] = [];
        const charts = await appliedChartObjects([plain], "1.33", [], async (release) => {
            asked.push(release);
            return [{ source: "c/templates/cm.yaml", hook: false, object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" } } }];
        });
        expect(asked.map((r) => r.kubernetes)).toStrictEqual(["1.33"]);
        const tree = await renderTree([plain], charts, "1.33");
        expect(yaml.load(tree.files.get("charts/plain/release.yaml") as string)).toStrictEqual({ name: "plain", namespace: "ns", chart: "c", version: "1", kubernetes: "1.33" });
        expect([...tree.files.keys()]).toContain("charts/plain/objects/ns/configmap/cm.yaml");
    });

    it("writes a chart with no secret values as they are, without the header", async () => {
        const given = { a: { b: [1] }, none: null };
        const tree = await renderTree([chart({ name: "plain", namespace: "ns", chart: "c", version: "1", values: given })]);
        expect(yaml.load(tree.files.get("charts/plain/release.yaml") as string)).toStrictEqual({ name: "plain", namespace: "ns", chart: "c", version: "1" });
        const values = tree.files.get("charts/plain/values.yaml") as string;
        expect(values.startsWith("#")).toBe(false);
        expect(yaml.load(values)).toStrictEqual(given);
    });

    it("redacts a secret that is a whole map, and keeps what is not secret", async () => {
        const tree = await renderTree([chart({ name: "mixed", namespace: "ns", chart: "c", version: "1", values: { keep: "yes", hide: secret({ a: "pw" }) } })]);
        const values = tree.files.get("charts/mixed/values.yaml") as string;
        expect(values.startsWith("# Secret values")).toBe(true);
        expect(yaml.load(values)).toStrictEqual({ keep: "yes", hide: REDACTED });
    });

});
