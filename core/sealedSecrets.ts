import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterWideModel } from "../model/schema";
import type { HelmRelease } from "./helm";
import { type OwnedValue, releaseOf } from "./chartValues";
import type { PodGroup } from "./footprint";
import { requests, resources } from "./sizing";
import { clusterLabels, type KubeObject } from "./objects";

/** The label by which the controller finds its sealing keys. */
export const SEALING_KEY_LABEL = "sealedsecrets.bitnami.com/sealed-secrets-key";
/**
 * The controller's name (its Deployment and Service): the one `kubeseal` looks for without
 * `--controller-name` (sealed-secrets v0.36.6 cmd/kubeseal/main.go: "sealed-secrets-controller" in
 * "kube-system"), so that teams' plain `kubeseal` finds it.
 */
export const CONTROLLER_NAME = "sealed-secrets-controller";
/** The pod annotation whose change restarts the controller: it loads its keys only when it starts. */
export const KEY_SET_ANNOTATION = "gitops-platform/sealing-keys";

type SealedSecretsModel = ClusterWideModel["sealedSecrets"];

/** One key the program installs for the controller: its Secret's name, its certificate and its private key (a secret). */
export interface InstalledKey {
    readonly secretName: string;
    readonly certificatePem: string;
    readonly privateKeyPem: pulumi.Input<string>;
}

/** What identifies the key set: the hash of its certificates, in name order (public, unlike the keys). */
export function keySetChecksum(keys: readonly Pick<InstalledKey, "secretName" | "certificatePem">[]): string {
    const hash = createHash("sha256");
    for (const key of [...keys].sort((a, b) => (a.secretName < b.secretName ? -1 : 1))) hash.update(`${key.secretName}\n${key.certificatePem}`);
    return hash.digest("hex");
}

/** The values the program sets (core/chartValues.ts): a model's `values` may not touch them. */
export const SEALED_SECRETS_OWNED_VALUES: readonly OwnedValue[] = [
    { path: ["fullnameOverride"], why: "the controller is sealed-secrets-controller, where kubeseal looks for it by default" },
    { path: ["nameOverride"], why: "the platform's ServiceMonitors select the metrics Service by the chart's names" },
    { path: ["keyrenewperiod"], why: "the controller never renews its key: the program seals for the key in the stack's config (gitops:sealingCertificate)" },
    { path: ["podAnnotations", KEY_SET_ANNOTATION], why: "the checksum of the program's sealing keys restarts the controller when they change" },
];

/** Its one controller. */
export function sealedSecretsPods(sealedSecrets: SealedSecretsModel): PodGroup[] {
    return [{ what: "the sealed-secrets controller", sizeAt: "clusterWide.sealedSecrets.size", size: sealedSecrets.size, pods: 1, containers: [requests(sealedSecrets.size, "light")] }];
}

/**
 * The controller's Helm release. With keys of the program's own, the pod template carries their
 * checksum: a rotation restarts the controller, which reads keys only at start.
 */
export function sealedSecretsRelease(sealedSecrets: SealedSecretsModel, keys: readonly InstalledKey[] = []): HelmRelease {
    return releaseOf(sealedSecrets, {
        fullnameOverride: CONTROLLER_NAME,
        // The keys are ours (bring-your-own) or fetched once into config: a renewal by the
        // controller would start sealing with a key this program does not have.
        keyrenewperiod: "0",
        // One controller only: two would race to unseal the same SealedSecrets.
        resources: resources(sealedSecrets.size, "light"),
        ...(keys.length > 0 ? { podAnnotations: { [KEY_SET_ANNOTATION]: keySetChecksum(keys) } } : {}),
    });
}

/**
 * One of the controller's key pairs as a `kubernetes.io/tls` Secret labelled active, which the
 * controller loads at start. Plaintext Secrets, the only ones of the platform: they cannot be
 * sealed, since they are what unseals everything else.
 */
export function sealingKeySecret(sealedSecrets: SealedSecretsModel, cluster: string, key: InstalledKey): KubeObject {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
            name: key.secretName,
            namespace: sealedSecrets.namespace,
            labels: { ...clusterLabels(cluster, "sealed-secrets"), [SEALING_KEY_LABEL]: "active" },
        },
        type: "kubernetes.io/tls",
        stringData: { "tls.crt": key.certificatePem, "tls.key": key.privateKeyPem },
    };
}
