import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { sealedSecret, sealedSecretAdoption, toYaml } from "../../core/objects";

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
            // Within three minutes, not the provider's ten: the controller unseals in seconds, or cannot (metadata/overrides.go, timeoutSeconds).
            metadata: { name: "s", namespace: "ns", labels: { team: "a" }, annotations: { "pulumi.com/waitFor": "condition=Synced", "pulumi.com/timeoutSeconds": "180" } },
            spec: { encryptedData: { key: "AgB" }, template: { metadata: { name: "s", namespace: "ns", labels: { team: "a" } }, type: "Opaque" } },
        });
    });

    it("has the controller patch a Secret it shares with its own controller, keeping the keys that one writes (sealed-secrets controller.go, patch)", () => {
        const shared = sealedSecret("argocd-secret", "argocd", {}, { key: "AgB" }, { sharedWithItsController: true });
        expect((shared.spec as any).template.metadata.annotations).toStrictEqual({ "sealedsecrets.bitnami.com/patch": "true" });
        expect(sealedSecretAdoption(shared)).toStrictEqual({ metadata: { name: "argocd-secret", namespace: "argocd", annotations: { "sealedsecrets.bitnami.com/managed": "true", "sealedsecrets.bitnami.com/patch": "true" } }, type: "Opaque" });
        const own = sealedSecret("tls", "ns", {}, { key: "AgB" }, { type: "kubernetes.io/tls" });
        expect((own.spec as any).template.metadata.annotations).toBeUndefined();
        expect(sealedSecretAdoption(own)).toStrictEqual({ metadata: { name: "tls", namespace: "ns", annotations: { "sealedsecrets.bitnami.com/managed": "true" } }, type: "kubernetes.io/tls" });
    });
});
