import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { sealedSecretsRelease, sealingKeySecret } from "../core/sealedSecrets";
import type { ClusterWideModel } from "../model/schema";
import type { SealingCertificate } from "../sealing/certificate";
import { registerChart, registerObject } from "./register";

export interface SealedSecretsControllerArgs {
    /** The controller's part of the model (`clusterWide.sealedSecrets`). */
    readonly sealedSecrets: ClusterWideModel["sealedSecrets"];
    /** The cluster's name (`cluster.name`), in the labels. */
    readonly cluster: string;
    /** The controller's certificate, already parsed and checked (`gitops:sealingCertificate`). */
    readonly certificate: SealingCertificate;
    /**
     * The controller's private key (`gitops:sealingKey`), a secret, installed before the
     * controller starts. Defaults to none: the controller keeps the key it generated.
     */
    readonly privateKeyPem?: pulumi.Output<string>;
}

/** The cluster's one Bitnami sealed-secrets controller, with the key it unseals with when one is configured. */
export class SealedSecretsController extends pulumi.ComponentResource {
    /** The controller's chart: SealedSecrets depend on it (CRD and controller). */
    public readonly chart: k8s.helm.v4.Chart;

    constructor(name: string, args: SealedSecretsControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:sealing:SealedSecretsController", name, {}, opts);
        const { sealedSecrets, privateKeyPem } = args;
        const keySecret = privateKeyPem ? registerObject(name, sealingKeySecret(sealedSecrets, args.cluster, args.certificate.pem, privateKeyPem), { parent: this }) : undefined;
        this.chart = registerChart(name, sealedSecretsRelease(sealedSecrets), { parent: this, dependsOn: keySecret ? [keySecret] : [] });
        // Stryker disable next-line ObjectLiteral: registered outputs only show in the component's state: nothing reads them, and Pulumi's mocks never see them
        this.registerOutputs({ chart: this.chart });
    }
}
