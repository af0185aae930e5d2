import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { sealedSecretsRelease, sealingKeySecret } from "../core/sealedSecrets";
import type { ClusterWideModel } from "../model/schema";
import type { ControllerKey } from "../sealing/keys";
import { registerChart, registerObject } from "./register";

export interface SealedSecretsControllerArgs {
    /** The controller's part of the model (`clusterWide.sealedSecrets`). */
    readonly sealedSecrets: ClusterWideModel["sealedSecrets"];
    /** The cluster's name (`cluster.name`), in the labels. */
    readonly cluster: string;
    /**
     * The controller's keys, active first then retired (`gitops:sealingKey`,
     * `gitops:sealingRetiredKeys`), each installed before the controller starts. Defaults to
     * none: the controller keeps the key it generated.
     */
    readonly keys?: readonly ControllerKey[];
}

/** The cluster's one Bitnami sealed-secrets controller, with the keys it unseals with when the program brings them. */
export class SealedSecretsController extends pulumi.ComponentResource {
    /** The controller's chart: SealedSecrets depend on it (CRD and controller). */
    public readonly chart: k8s.helm.v4.Chart;

    constructor(name: string, args: SealedSecretsControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:sealing:SealedSecretsController", name, {}, opts);
        const { sealedSecrets } = args;
        const keys = (args.keys ?? []).map((key) => ({ ...key, privateKeyPem: pulumi.secret(key.privateKeyPem) }));
        const keySecrets = keys.map((key) => registerObject(name, sealingKeySecret(sealedSecrets, args.cluster, key), { parent: this }));
        this.chart = registerChart(name, sealedSecretsRelease(sealedSecrets, keys), { parent: this, dependsOn: keySecrets });
        // Stryker disable next-line ObjectLiteral: registered outputs only show in the component's state: nothing reads them, and Pulumi's mocks never see them
        this.registerOutputs({ chart: this.chart });
    }
}
