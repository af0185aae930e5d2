/**
 * A spoke as the hub's Argo CD reads it: a Secret labelled `argocd.argoproj.io/secret-type:
 * cluster` with `name`, `server`, `config` (JSON of Argo CD's `ClusterConfig`) and, for a spoke
 * limited to some namespaces, `namespaces` and `clusterResources`. Its labels are what the
 * ApplicationSets' cluster generators select on; its annotations what their templates read.
 * Source: https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#clusters
 * (ClusterConfig: argo-cd pkg/apis/application/v1alpha1/types.go).
 */
import type { ClusterAuthModel, SpokeModel } from "../../model/fleet";

export const CLUSTER_SECRET_TYPE_LABEL = "argocd.argoproj.io/secret-type";
/** The annotations the program puts on every cluster Secret, for add-ons that need them. */
export const CLUSTER_ANNOTATIONS = {
    name: "gitops-platform/cluster-name",
    prometheusUrl: "gitops-platform/prometheus-url",
    ingressDomain: "gitops-platform/ingress-domain",
} as const;

/** What the hub knows of a spoke's API server and credentials: from the spoke's stack outputs, or from config secrets. */
export interface SpokeAccess {
    readonly server: string;
    /** The API server's certificate authority, PEM. */
    readonly caPem: string;
    /** The ServiceAccount token; absent where `auth` is not a bearer token. */
    readonly bearerToken?: string;
    /** Namespaces Argo CD may manage there; absent: the whole cluster. */
    readonly namespaces?: readonly string[];
}

/** Argo CD's `ClusterConfig`, the fields the program sets (their JSON names as Argo CD's Go struct tags spell them). */
export interface ClusterConfig {
    bearerToken?: string;
    /** `caData` is `[]byte` in Go: base64 of the PEM in JSON. */
    tlsClientConfig: { insecure: false; caData: string };
    awsAuthConfig?: { clusterName: string; roleARN?: string };
    execProviderConfig?: { command: string; args: string[]; apiVersion: string };
}

/** The `config` of a spoke's cluster Secret, by how the model says the hub authenticates there. */
export function clusterConfig(auth: ClusterAuthModel, access: SpokeAccess): ClusterConfig {
    const tlsClientConfig = { insecure: false as const, caData: Buffer.from(access.caPem, "utf8").toString("base64") };
    switch (auth.type) {
        case "bearerToken":
            if (access.bearerToken === undefined) throw new Error("a bearer token is needed for auth.type bearerToken");
            return { bearerToken: access.bearerToken, tlsClientConfig };
        case "aws":
            return { awsAuthConfig: { clusterName: auth.clusterName, ...(auth.roleARN ? { roleARN: auth.roleARN } : {}) }, tlsClientConfig };
        case "exec":
            return { execProviderConfig: { command: auth.command, args: auth.args, apiVersion: auth.apiVersion }, tlsClientConfig };
    }
}

/** The labels of a spoke's cluster Secret: the model's, and the one Argo CD finds cluster Secrets by. */
export function clusterSecretLabels(spoke: Pick<SpokeModel, "labels">): Record<string, string> {
    return { ...spoke.labels, [CLUSTER_SECRET_TYPE_LABEL]: "cluster" };
}

/** The annotations of a spoke's cluster Secret: the program's metadata for add-ons, then the model's. */
export function clusterSecretAnnotations(spoke: Pick<SpokeModel, "name" | "annotations" | "prometheusUrl" | "ingressDomain">): Record<string, string> {
    return {
        [CLUSTER_ANNOTATIONS.name]: spoke.name,
        ...(spoke.prometheusUrl ? { [CLUSTER_ANNOTATIONS.prometheusUrl]: spoke.prometheusUrl } : {}),
        ...(spoke.ingressDomain ? { [CLUSTER_ANNOTATIONS.ingressDomain]: spoke.ingressDomain } : {}),
        ...spoke.annotations,
    };
}

/** The data of a spoke's cluster Secret, every value a string as Argo CD reads it. */
export function clusterSecretData(spoke: Pick<SpokeModel, "name" | "auth">, access: SpokeAccess): Record<string, string> {
    return {
        name: spoke.name,
        server: access.server,
        config: JSON.stringify(clusterConfig(spoke.auth, access)),
        // With namespaces, Argo CD manages nothing cluster-scoped unless clusterResources is "true".
        ...(access.namespaces ? { namespaces: access.namespaces.join(","), clusterResources: "false" } : {}),
    };
}

/** The cluster Secret's name in Argo CD's namespace. */
export function clusterSecretName(spoke: Pick<SpokeModel, "name">): string {
    return `cluster-${spoke.name}`;
}
