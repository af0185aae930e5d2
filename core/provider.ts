import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "../model/config";

/** What the provider does with an object it is asked to create that exists already. */
export type ExistingObjects = "refuse" | "upsert";

/** Where a provider connects: a context of the user's kubeconfig (none set: no cluster at all), or a kubeconfig of its own (a fleet's spoke, as Argo CD reaches it). */
export type ProviderTarget = { readonly kubeContext?: string } | { readonly kubeconfig: pulumi.Input<string> };

/**
 * The arguments of a Kubernetes provider of the stack, from its cluster's name and its target:
 * - `clusterIdentifier`, the model's cluster: the provider (and everything under it) is replaced
 *   only when that changes, never when the context is renamed or the kubeconfig moves
 *   (pulumi-kubernetes >= 4.16, provider.go's DiffConfig);
 * - the context named in config, and without one a kubeconfig of a cluster that cannot exist
 *   (`.invalid`, RFC 2606), so that nothing ever reads whichever context is current: the provider
 *   marks such a cluster unreachable and Chart v4 refuses the preview, saying so;
 * - server-side apply: kube-prometheus-stack's CRDs are too large for client-side apply's
 *   last-applied annotation;
 * - force on every apply (`enablePatchForce`; await.go, patchForce): the platform's fields are
 *   Pulumi's, so a field Helm or kubectl also set (a cluster adopted, a hand edit) never stops an
 *   `up` as a server-side apply conflict, during adoption or after it;
 * - `upsertExistingObjects` where an object may exist already by design: for the `up` that adopts
 *   a cluster built by hand, and for the objects the platform keeps on delete (CRDs, the
 *   monitoring namespaces), which a rebuild finds (since 4.29 a new object is created with a plain
 *   create, which refuses one that exists: await.go, Creation).
 */
export function kubernetesProviderArgs(cluster: string, target: ProviderTarget, existing: ExistingObjects): k8s.ProviderArgs {
    const connection = "kubeconfig" in target ? { kubeconfig: target.kubeconfig } : target.kubeContext ? { context: target.kubeContext } : { kubeconfig: noClusterKubeconfig(cluster) };
    return {
        clusterIdentifier: cluster,
        ...connection,
        enableServerSideApply: true,
        enablePatchForce: true,
        ...(existing === "upsert" ? { upsertExistingObjects: true } : {}),
    };
}

/** A client-go credential plugin, as a kubeconfig's `user.exec` names it. */
export interface ExecCredential {
    readonly apiVersion: string;
    readonly command: string;
    readonly args: readonly string[];
}

/**
 * A kubeconfig of one cluster, one user and the one context that joins them (JSON, which kubeconfig
 * readers take as YAML). The user authenticates with a token, or a credential plugin that never
 * prompts (`interactiveMode: Never`, which client.authentication.k8s.io/v1 requires stated).
 */
export function singleContextKubeconfig(target: { context: string; cluster: string; server: string; caData?: string; user: string; token?: string; exec?: ExecCredential }): string {
    const user = target.token !== undefined ? { token: target.token } : target.exec ? { exec: { ...target.exec, interactiveMode: "Never" } } : {};
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: target.cluster, cluster: { server: target.server, ...(target.caData === undefined ? {} : { "certificate-authority-data": target.caData }) } }],
        contexts: [{ name: target.context, context: { cluster: target.cluster, user: target.user } }],
        users: [{ name: target.user, user }],
        "current-context": target.context,
    });
}

/** A kubeconfig whose one context points at a host that cannot resolve. */
function noClusterKubeconfig(cluster: string): string {
    return singleContextKubeconfig({ context: `${CONFIG_NAMESPACE}-kubeContext-not-set`, cluster, server: `https://${CONFIG_NAMESPACE}-kubecontext-not-set.invalid`, user: "none" });
}
