import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { SealedSecretsController } from "../../components/sealedSecrets";
import { Sealing } from "../../components/sealing";
import { isSecretValue } from "../../render/mockRuntime";
import { parseSealingCertificate } from "../../sealing/certificate";
import { demoCertificatePem, demoKeyPem, ofType, promiseOf, resource, runComponents } from "../harness";
import { unseal } from "../helpers/unseal";
import { owner } from "./support";

const certificate = parseSealingCertificate(demoCertificatePem);
const controllerArgs = { sealedSecrets: owner.clusterWide.sealedSecrets, cluster: owner.cluster.name, certificate };

describe("SealedSecretsController", () => {
    it("installs a bring-your-own key, labelled active, before the controller starts", async () => {
        const run = await runComponents("prod", () => new SealedSecretsController("seal-test", { ...controllerArgs, privateKeyPem: pulumi.secret(demoKeyPem) }));
        const key = resource(run, "kubernetes:core/v1:Secret", "seal-test-secret-sealed-secrets-byo-key");
        expect(key.inputs.type).toBe("kubernetes.io/tls");
        expect(key.inputs.metadata).toMatchObject({ namespace: "kube-system", labels: { "sealedsecrets.bitnami.com/sealed-secrets-key": "active" } });
        // What the controller loads: the certificate as configured, and the key, still a secret.
        expect(isSecretValue(key.inputs.stringData)).toBe(true);
        expect((key.inputs.stringData as { value: unknown }).value).toStrictEqual({ "tls.crt": certificate.pem, "tls.key": demoKeyPem });
        const chart = resource(run, "kubernetes:helm.sh/v4:Chart", "seal-test-chart");
        expect(chart.dependencies).toContain(key.urn);
        // The name kubeseal --controller-name looks for, and no rotation behind the program's back.
        expect(chart.inputs.values).toStrictEqual({ fullnameOverride: "sealed-secrets", keyrenewperiod: "0" });
    });

    it("installs no key when the controller keeps its own", async () => {
        const run = await runComponents("prod", () => new SealedSecretsController("seal-test", controllerArgs));
        expect(ofType(run, "kubernetes:core/v1:Secret")).toStrictEqual([]);
        expect(resource(run, "kubernetes:helm.sh/v4:Chart", "seal-test-chart").dependencies).toStrictEqual([]);
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
