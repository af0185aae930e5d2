/**
 * The platform's supported Kubernetes range: the parts' ranges met, and each range a chart states
 * held to that chart, as Helm holds a cluster to it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CLUSTER_PARTS, KUBERNETES_SUPPORT, SUPPORTED_KUBERNETES } from "../../core/catalogue";
import { describeRange, intersection, minorOf } from "../../core/kubernetes";
import { CLUSTER_PROFILE, charts } from "../../stacks/shared/constants";
import { expandRelease, expansionTitle, skipExpansion } from "../helpers/charts";
import { installerModel } from "../helpers/models";
import { ROOT } from "../harness";

describe("the supported range", () => {
    it("is where every part's range meets, and the shipped clusters lie in it", () => {
        expect(SUPPORTED_KUBERNETES).toStrictEqual({ min: 33, max: 35 });
        expect(describeRange(SUPPORTED_KUBERNETES)).toBe("1.33–1.35");
        expect(KUBERNETES_SUPPORT.map((s) => s.part)).toStrictEqual(CLUSTER_PARTS.map((p) => p.name));
        const minor = minorOf(CLUSTER_PROFILE.kubernetes);
        expect(minor >= SUPPORTED_KUBERNETES.min && minor <= (SUPPORTED_KUBERNETES.max ?? minor)).toBe(true);
    });

    it("is listed in docs/checking-a-cluster.md as the catalogue has it, with each part's source, every bound's part among them", () => {
        const guide = fs.readFileSync(path.join(ROOT, "docs", "checking-a-cluster.md"), "utf8");
        const table = /<!-- supported kubernetes -->\n((?:\|.*\n)+)/.exec(guide)?.[1] ?? "";
        const rows = table.trim().split("\n").slice(2).map((row) => row.split("|").slice(1, -1).map((cell) => cell.trim()));
        // A part a user adds (as docs/catalogue.md's walkthrough does) need not be listed unless it narrows the range.
        const listed = KUBERNETES_SUPPORT.filter((s) => rows.some(([part]) => part === s.part));
        expect(rows).toStrictEqual(listed.map((s) => [s.part, describeRange(s), s.source]));
        const bounding = KUBERNETES_SUPPORT.filter((s) => s.min === SUPPORTED_KUBERNETES.min || (s.max !== undefined && s.max === SUPPORTED_KUBERNETES.max));
        expect(bounding.length).toBeGreaterThan(0);
        expect(listed).toStrictEqual(expect.arrayContaining(bounding));
        expect(guide).toContain(`every part supports: **${describeRange(SUPPORTED_KUBERNETES)}**`);
    });

    it("writes ranges as people do, open-ended or of one version", () => {
        expect([describeRange({ min: 25 }), describeRange({ min: 33, max: 33 }), describeRange({ min: 32, max: 35 })]).toStrictEqual(["1.25 or later", "1.33", "1.32–1.35"]);
        expect(intersection([{ part: "a", min: 19, source: "" }, { part: "b", min: 25, source: "" }])).toStrictEqual({ min: 25 });
        expect(intersection([{ part: "a", min: 32, max: 35, source: "" }, { part: "b", min: 33, max: 36, source: "" }])).toStrictEqual({ min: 33, max: 35 });
        // Ranges that meet in one version only.
        expect(intersection([{ part: "a", min: 30, max: 34, source: "" }, { part: "b", min: 34, source: "" }])).toStrictEqual({ min: 34, max: 34 });
    });

    it("refuses pins that leave no version in common, naming each part's range", () => {
        expect(() =>
            intersection([
                { part: "old", min: 20, max: 28, source: "" },
                { part: "new", min: 30, source: "" },
            ]),
        ).toThrow("the pinned parts support no Kubernetes version in common: old 1.20–1.28, new 1.30 or later; pin versions whose ranges meet");
    });
});

describe.skipIf(skipExpansion)(expansionTitle("a range taken from a chart's kubeVersion"), () => {
    const model = installerModel("prod", "shared");
    const fromCharts = CLUSTER_PARTS.filter((p) => p.kubernetes.source.includes("kubeVersion"));

    it.each(fromCharts.map((p) => [p.name, p] as const))("%s: its chart refuses the version below and takes the lowest", async (_, part) => {
        const release = { ...part.release(model.clusterWide[part.key] as never, model), values: {} };
        const below = `1.${part.kubernetes.min - 1}`;
        await expect(expandRelease({ ...release, kubernetes: below })).rejects.toThrow(new RegExp(`chart requires kubeVersion: \\S+ which is incompatible with Kubernetes v?${below.replace(".", "\\.")}\\.0`));
        expect((await expandRelease({ ...release, kubernetes: `1.${part.kubernetes.min}` })).length).toBeGreaterThan(0);
    }, 60_000);

    it("covers the parts whose source is their chart", () => {
        const pinned = fromCharts.map((p) => p.release(model.clusterWide[p.key] as never, model).chart);
        expect(pinned).toEqual(expect.arrayContaining([charts.sealedSecrets.chart, charts.kubePrometheusStack.chart]));
    });
});
