import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { sealedSecretsRelease, sealingKeySecret } from "../core/sealedSecrets";
import type { StackModel } from "../model/schema";
import { type SealingCertificate, saltFromPrivateKey } from "../sealing/certificate";
import { Sealer } from "../sealing/sealer";
import { registerChart, registerObject } from "./register";

export interface SealedSecretsControllerArgs {
    /** The validated stack model. */
    readonly model: StackModel;
    /** The controller's certificate, already parsed and checked (`gitops:sealingCertificate`). */
    readonly certificate: SealingCertificate;
    /**
     * The controller's private key (`gitops:sealingKey`), a secret. When set, it is installed
     * before the controller starts and the sealing salt is derived from it. Defaults to none:
     * the controller keeps the key it generated, and the salt is a random value kept in state.
     */
    readonly privateKeyPem?: pulumi.Output<string>;
}

/**
 * The Bitnami sealed-secrets controller in its namespace, and the `Sealer` every other
 * component uses to turn secret values into SealedSecrets for it.
 */
export class SealedSecretsController extends pulumi.ComponentResource {
    /** Seals values for this controller. */
    public readonly sealer: Sealer;
    /** The controller's chart: SealedSecrets depend on it (CRD and controller). */
    public readonly chart: k8s.helm.v4.Chart;

    constructor(name: string, args: SealedSecretsControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:sealing:SealedSecretsController", name, {}, opts);
        const { model, certificate, privateKeyPem } = args;

        const keySecret = privateKeyPem ? registerObject(name, sealingKeySecret(model, certificate.pem, privateKeyPem), { parent: this }) : undefined;
        this.chart = registerChart(name, sealedSecretsRelease(model), { parent: this, dependsOn: keySecret ? [keySecret] : [] });

        const salt = privateKeyPem
            ? pulumi.secret(privateKeyPem.apply((key) => saltFromPrivateKey(key).toString("base64")))
            : new random.RandomBytes(`${name}-salt`, { length: 32 }, { parent: this }).base64;
        this.sealer = new Sealer(certificate, salt);

        this.registerOutputs({ chart: this.chart });
    }
}
