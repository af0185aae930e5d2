import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { sealedSecret, toYaml } from "../../core/objects";

describe("toYaml", () => {
    it("writes the same text for the same data, whatever the key order", () => {
        // GIVEN two objects equal but for the order of their keys, at every depth
        const a = { b: 1, a: { d: [{ y: 1, x: 2 }], c: "text" } };
        const b = { a: { c: "text", d: [{ x: 2, y: 1 }] }, b: 1 };
        // THEN their YAML is byte-identical and keys come out sorted
        expect(toYaml(a)).toBe(toYaml(b));
        expect(toYaml(a).split("\n")[0]).toBe("a:");
    });

    it("writes a value used twice out twice, with no YAML anchor a reader would have to follow", () => {
        const shared = { matchLabels: { release: "monitoring-dev" } };
        const text = toYaml({ ruleSelector: shared, podMonitorSelector: shared });
        expect(text).not.toMatch(/[&*]ref_/);
        expect(text.match(/release: monitoring-dev/g)).toHaveLength(2);
    });

    it("never folds long lines, so templates and URLs survive a round trip", () => {
        const data = { text: `${"word ".repeat(60)}{{ or .CommonLabels.namespace "N/A" }}`, url: `https://example.com/${"x".repeat(300)}` };
        expect(yaml.load(toYaml(data))).toStrictEqual(data);
        expect(toYaml(data).split("\n").filter((line) => line !== "")).toHaveLength(2);
    });
});

describe("sealedSecret", () => {
    it("binds the Secret it unseals into to the same namespace and name, and has pulumi up wait until the controller has", () => {
        const object = sealedSecret("s", "ns", { team: "a" }, { key: "AgB" });
        expect(object).toStrictEqual({
            apiVersion: "bitnami.com/v1alpha1",
            kind: "SealedSecret",
            // The condition the controller writes once it has unsealed (sealed-secrets pkg/apis/.../types.go: SealedSecretSynced).
            metadata: { name: "s", namespace: "ns", labels: { team: "a" }, annotations: { "pulumi.com/waitFor": "condition=Synced" } },
            spec: { encryptedData: { key: "AgB" }, template: { metadata: { name: "s", namespace: "ns", labels: { team: "a" } }, type: "Opaque" } },
        });
    });
});
