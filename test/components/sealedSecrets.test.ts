import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { SealedSecretsController } from "../../components/sealedSecrets";
import { parseSealingCertificate } from "../../sealing/certificate";
import { ofType, promiseOf, resource, runComponents } from "../harness";
import { unseal } from "../helpers/unseal";
import { demoCertificatePem, demoKeyPem } from "../harness";
import { model } from "./support";

const certificate = parseSealingCertificate(demoCertificatePem);

describe("SealedSecretsController", () => {
    it("installs a bring-your-own key, labelled active, before the controller starts", async () => {
        const run = await runComponents("dev", () => new SealedSecretsController("seal-test", { model, certificate, privateKeyPem: pulumi.secret(demoKeyPem) }));
        const key = resource(run, "kubernetes:core/v1:Secret", "seal-test-secret-sealed-secrets-byo-key");
        expect(key.inputs.type).toBe("kubernetes.io/tls");
        expect(key.inputs.metadata).toMatchObject({ namespace: "kube-system", labels: { "sealedsecrets.bitnami.com/sealed-secrets-key": "active" } });
        const chart = resource(run, "kubernetes:helm.sh/v4:Chart", "seal-test-chart");
        expect(chart.dependencies).toContain(key.urn);
        // The name kubeseal --controller-name looks for, and no rotation behind the program's back.
        expect(chart.inputs.values).toStrictEqual({ fullnameOverride: "sealed-secrets", keyrenewperiod: "0" });
        expect(ofType(run, "random:index/randomBytes:RandomBytes")).toStrictEqual([]);
    });

    it("keeps a random salt in state when the controller keeps its own key", async () => {
        let controller!: SealedSecretsController;
        const run = await runComponents("prod", () => {
            controller = new SealedSecretsController("seal-test", { model, certificate });
        });
        expect(ofType(run, "kubernetes:core/v1:Secret")).toStrictEqual([]);
        expect(resource(run, "random:index/randomBytes:RandomBytes", "seal-test-salt").inputs.length).toBe(32);
        const sealed = await promiseOf(controller.sealer.seal({ namespace: "ns", name: "n" }, { k: pulumi.secret("v") }));
        expect(unseal(demoKeyPem, "ns", "n", sealed.k)).toBe("v");
    });

    it("unsecrets only the ciphertext", async () => {
        let controller!: SealedSecretsController;
        await runComponents("dev", () => {
            controller = new SealedSecretsController("seal-test", { model, certificate, privateKeyPem: pulumi.secret(demoKeyPem) });
        });
        const sealed = controller.sealer.seal({ namespace: "ns", name: "n" }, { k: pulumi.secret("v") });
        expect(await pulumi.isSecret(sealed)).toBe(false);
        expect(JSON.stringify(await promiseOf(sealed))).not.toContain('"v"');
    });
});
