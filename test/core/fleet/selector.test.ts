/** Label selectors as Argo CD's cluster generator evaluates them (Kubernetes' semantics), on a table of clusters and selectors. */
import { describe, expect, it } from "vitest";
import { selects, selectorText } from "../../../core/fleet/selector";
import { selectorSchema } from "../../../model/fleet";

const CLUSTERS: Record<string, Record<string, string>> = {
    "eu-prod": { environment: "prod", region: "eu", enable_metrics: "true" },
    "us-prod": { environment: "prod", region: "us" },
    "eu-dev": { environment: "dev", region: "eu", legacy: "" },
    bare: {},
};

/** [selector, the clusters it selects]. */
const TABLE: [unknown, string[]][] = [
    [{}, ["eu-prod", "us-prod", "eu-dev", "bare"]],
    [{ matchLabels: { environment: "prod" } }, ["eu-prod", "us-prod"]],
    [{ matchLabels: { environment: "prod", region: "eu" } }, ["eu-prod"]],
    [{ matchLabels: { legacy: "" } }, ["eu-dev"]],
    [{ matchExpressions: [{ key: "region", operator: "In", values: ["eu", "ap"] }] }, ["eu-prod", "eu-dev"]],
    // NotIn also selects clusters without the label at all.
    [{ matchExpressions: [{ key: "region", operator: "NotIn", values: ["eu"] }] }, ["us-prod", "bare"]],
    [{ matchExpressions: [{ key: "enable_metrics", operator: "Exists" }] }, ["eu-prod"]],
    // An empty value is still a label that exists.
    [{ matchExpressions: [{ key: "legacy", operator: "Exists" }] }, ["eu-dev"]],
    [{ matchExpressions: [{ key: "region", operator: "DoesNotExist" }] }, ["bare"]],
    // matchLabels and every expression must all hold.
    [{ matchLabels: { environment: "prod" }, matchExpressions: [{ key: "region", operator: "NotIn", values: ["us"] }, { key: "enable_metrics", operator: "Exists" }] }, ["eu-prod"]],
    [{ matchLabels: { environment: "staging" } }, []],
];

describe("a cluster generator's selector", () => {
    it.each(TABLE.map(([selector, expected]) => [JSON.stringify(selector), selector, expected] as const))("%s selects exactly its clusters", (_, selector, expected) => {
        const parsed = selectorSchema.parse(selector);
        expect(Object.keys(CLUSTERS).filter((name) => selects(parsed, CLUSTERS[name]))).toStrictEqual(expected);
    });

    it("is written as kubectl's -l writes it, for the placement table", () => {
        const parsed = selectorSchema.parse({ matchLabels: { environment: "prod" }, matchExpressions: [{ key: "region", operator: "In", values: ["eu", "us"] }, { key: "tier", operator: "NotIn", values: ["a"] }, { key: "gpu", operator: "Exists" }, { key: "legacy", operator: "DoesNotExist" }] });
        expect(selectorText(parsed)).toBe("environment=prod,region in (eu,us),tier notin (a),gpu,!legacy");
        expect(selectorText(selectorSchema.parse({}))).toBe("(every cluster)");
    });

    it("refuses In without values and Exists with values, as Kubernetes does", () => {
        expect(selectorSchema.safeParse({ matchExpressions: [{ key: "region", operator: "In" }] }).success).toBe(false);
        expect(selectorSchema.safeParse({ matchExpressions: [{ key: "region", operator: "Exists", values: ["eu"] }] }).success).toBe(false);
    });
});
