import type * as pulumi from "@pulumi/pulumi";
import type { ClusterWideModel } from "../model/schema";
import type { HelmRelease } from "./helm";
import { clusterLabels, type KubeObject } from "./objects";

/** The label by which the controller finds its sealing keys. */
export const SEALING_KEY_LABEL = "sealedsecrets.bitnami.com/sealed-secrets-key";
/** The name `kubeseal --controller-name` expects. */
export const CONTROLLER_NAME = "sealed-secrets";

type SealedSecretsModel = ClusterWideModel["sealedSecrets"];

/** The controller's Helm release. */
export function sealedSecretsRelease(sealedSecrets: SealedSecretsModel): HelmRelease {
    return {
        name: sealedSecrets.releaseName,
        namespace: sealedSecrets.namespace,
        ...sealedSecrets.chart,
        values: {
            fullnameOverride: CONTROLLER_NAME,
            // The key is ours (bring-your-own) or fetched once into config: a rotation by the
            // controller would leave every SealedSecret this program seals on an old key.
            keyrenewperiod: "0",
        },
    };
}

/**
 * The controller's own key pair as a `kubernetes.io/tls` Secret, labelled active so the
 * controller loads it at start instead of generating one. The one plaintext Secret of the
 * platform: it cannot be sealed, since it is what unseals everything else.
 */
export function sealingKeySecret(sealedSecrets: SealedSecretsModel, cluster: string, certificatePem: string, privateKeyPem: pulumi.Input<string>): KubeObject {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
            name: `${CONTROLLER_NAME}-byo-key`,
            namespace: sealedSecrets.namespace,
            labels: { ...clusterLabels(cluster, "sealed-secrets"), [SEALING_KEY_LABEL]: "active" },
        },
        type: "kubernetes.io/tls",
        stringData: { "tls.crt": certificatePem, "tls.key": privateKeyPem },
    };
}
