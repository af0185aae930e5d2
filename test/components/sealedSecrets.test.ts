import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { SealedSecretsController } from "../../components/sealedSecrets";
import { Sealing } from "../../components/sealing";
import { isSecretValue } from "../../render/mockRuntime";
import { parseSealingCertificate } from "../../sealing/certificate";
import { keySecretName, retiredKeys } from "../../sealing/keys";
import { demoCertificatePem, demoKeyPem, ofType, promiseOf, resource, runComponents } from "../harness";
import { unseal } from "../helpers/unseal";
import { owner } from "./support";

const certificate = parseSealingCertificate(demoCertificatePem);
const controllerArgs = { sealedSecrets: owner.clusterWide.sealedSecrets, cluster: owner.cluster.name };
const fixture = (file: string) => fs.readFileSync(path.join(__dirname, "..", "fixtures", "sealing", file), "utf8");

describe("SealedSecretsController", () => {
    const rotated = parseSealingCertificate(fixture("rotated.crt"), { now: new Date("2027-01-01T00:00:00Z"), privateKeyPem: fixture("rotated.key") });
    const activeKey = { secretName: keySecretName(crypto.createPrivateKey(fixture("rotated.key"))), certificatePem: rotated.pem, privateKeyPem: fixture("rotated.key") };
    const keys = [activeKey, ...retiredKeys(demoKeyPem, rotated)];

    it("installs each key, active and retired, as a Secret of its own labelled active, before the controller starts", async () => {
        const run = await runComponents("prod", () => new SealedSecretsController("seal-test", { ...controllerArgs, keys }));
        const secrets = ofType(run, "kubernetes:core/v1:Secret");
        expect(secrets.map((s) => s.inputs.metadata.name).sort()).toStrictEqual(keys.map((k) => k.secretName).sort());
        const chart = resource(run, "kubernetes:helm.sh/v4:Chart", "seal-test-chart");
        for (const [secret, key] of secrets.map((s) => [s, keys.find((k) => k.secretName === s.inputs.metadata.name)] as const)) {
            expect(secret.inputs.type).toBe("kubernetes.io/tls");
            expect(secret.inputs.metadata).toMatchObject({ namespace: "kube-system", labels: { "sealedsecrets.bitnami.com/sealed-secrets-key": "active" } });
            // What the controller loads: the certificate, and the key, still a secret.
            expect(isSecretValue(secret.inputs.stringData)).toBe(true);
            expect((secret.inputs.stringData as { value: unknown }).value).toStrictEqual({ "tls.crt": key?.certificatePem, "tls.key": key?.privateKeyPem });
            expect(chart.dependencies).toContain(secret.urn);
        }
        // The name kubeseal looks for by default, and no renewal behind the program's back.
        expect(chart.inputs.values).toMatchObject({ fullnameOverride: "sealed-secrets-controller", keyrenewperiod: "0" });
    });

    it("restarts the controller when the key set changes, and only then: it loads keys only when it starts", async () => {
        const annotationOf = async (set: typeof keys) =>
            resource(await runComponents("prod", () => new SealedSecretsController("seal-test", { ...controllerArgs, keys: set })), "kubernetes:helm.sh/v4:Chart", "seal-test-chart").inputs.values.podAnnotations;
        const [both, again, activeOnly, reordered] = [await annotationOf(keys), await annotationOf(keys), await annotationOf([activeKey]), await annotationOf([...keys].reverse())];
        expect(Object.keys(both)).toStrictEqual(["gitops-platform/sealing-keys"]);
        expect(again).toStrictEqual(both);
        expect(reordered).toStrictEqual(both);
        expect(activeOnly).not.toStrictEqual(both);
    });

    it("installs no key and leaves the controller's pods alone when it keeps its own", async () => {
        const run = await runComponents("prod", () => new SealedSecretsController("seal-test", controllerArgs));
        expect(ofType(run, "kubernetes:core/v1:Secret")).toStrictEqual([]);
        const chart = resource(run, "kubernetes:helm.sh/v4:Chart", "seal-test-chart");
        expect(chart.dependencies).toStrictEqual([]);
        expect(chart.inputs.values).not.toHaveProperty("podAnnotations");
    });
});

describe("Sealing", () => {
    it("derives the salt from a configured key, with no state of its own", async () => {
        const run = await runComponents("prod", () => new Sealing("sealing-test", { certificate, privateKeyPem: pulumi.secret(demoKeyPem) }));
        expect(ofType(run, "random:index/randomBytes:RandomBytes")).toStrictEqual([]);
    });

    it("keeps a random salt in state without a key, and seals what only the controller's key opens", async () => {
        let sealing!: Sealing;
        const run = await runComponents("dev", () => {
            sealing = new Sealing("sealing-test", { certificate });
        });
        expect(resource(run, "random:index/randomBytes:RandomBytes", "sealing-test-salt").inputs.length).toBe(32);
        const sealed = await promiseOf(sealing.sealer.seal({ namespace: "ns", name: "n" }, { k: pulumi.secret("v") }));
        expect(unseal(demoKeyPem, "ns", "n", sealed.k)).toBe("v");
    });

    it("unsecrets only the ciphertext", async () => {
        let sealing!: Sealing;
        await runComponents("dev", () => {
            sealing = new Sealing("sealing-test", { certificate, privateKeyPem: pulumi.secret(demoKeyPem) });
        });
        const sealed = sealing.sealer.seal({ namespace: "ns", name: "n" }, { k: pulumi.secret("v") });
        expect(await pulumi.isSecret(sealed)).toBe(false);
        expect(JSON.stringify(await promiseOf(sealed))).not.toContain('"v"');
    });
});
