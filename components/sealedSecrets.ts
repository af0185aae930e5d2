import * as pulumi from "@pulumi/pulumi";
import { sealedSecretsRelease, sealingKeySecret } from "../core/sealedSecrets";
import type { ClusterWideModel } from "../model/schema";
import type { ControllerKey } from "../sealing/keys";
import { type ClusterPartArgs, registerChart, registerObject } from "./register";

export interface SealedSecretsControllerArgs extends ClusterPartArgs {
    /** The controller's part of the model (`clusterWide.sealedSecrets`). */
    readonly sealedSecrets: ClusterWideModel["sealedSecrets"];
    /**
     * The controller's keys, active first then retired (`gitops:sealingKey`,
     * `gitops:sealingRetiredKeys`), each installed before the controller starts. Defaults to
     * none: the controller keeps the key it generated.
     */
    readonly keys?: readonly ControllerKey[];
}

/** The cluster's one Bitnami sealed-secrets controller, with the keys it unseals with when the program brings them. */
export class SealedSecretsController extends pulumi.ComponentResource {
    /** What SealedSecrets wait for: the controller's chart (its CRD and controller). */
    public readonly ready: readonly pulumi.Resource[];

    constructor(name: string, args: SealedSecretsControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:sealing:SealedSecretsController", name, {}, opts);
        const { sealedSecrets } = args;
        const keys = (args.keys ?? []).map((key) => ({ ...key, privateKeyPem: pulumi.secret(key.privateKeyPem) }));
        const after = [...(args.after ?? [])];
        const keySecrets = keys.map((key) => registerObject(name, sealingKeySecret(sealedSecrets, args.cluster, key), { parent: this, dependsOn: after }));
        this.ready = [registerChart(name, sealedSecretsRelease(sealedSecrets, keys), { parent: this, dependsOn: [...keySecrets, ...after] })];
        this.registerOutputs({});
    }
}
