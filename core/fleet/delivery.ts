/**
 * What the hub delivers into each spoke itself: the secrets of the add-ons placed there, sealed
 * for that spoke's own controller (never the hub's, and never another spoke's), applied through
 * a Kubernetes provider of that spoke that authenticates as the hub's Argo CD does.
 */
import type { AddonModel, ClusterAuthModel, HubModel, SpokeModel } from "../../model/fleet";
import { type ExecCredential, singleContextKubeconfig } from "../provider";
import type { SpokeAccess } from "./clusterSecret";
import type { Placed } from "./placement";

/** One add-on secret one spoke receives. */
export interface SpokeSecret {
    readonly addon: string;
    readonly secret: AddonModel["secrets"][number];
}

/** The add-on secrets each spoke receives: those of the add-ons placed on it, by spoke name (every spoke listed). */
export function spokeSecrets(hub: HubModel, placed: readonly Placed[]): Map<string, SpokeSecret[]> {
    const bySpoke = new Map(hub.spokes.map((s): [string, SpokeSecret[]] => [s.name, []]));
    for (const p of placed) {
        if (p.kind !== "addon") continue;
        for (const cluster of p.clusters) for (const secret of (p.item as AddonModel).secrets) bySpoke.get(cluster)?.push({ addon: p.item.name, secret });
    }
    return bySpoke;
}

/**
 * The credential plugin a spoke's provider runs where the hub's Argo CD runs its own: for `aws`,
 * the AWS CLI's `aws eks get-token` (what `aws eks update-kubeconfig` writes; Argo CD's
 * argocd-k8s-auth does the same inside its image), for `exec`, the model's command. Either must be
 * installed where `pulumi up` runs.
 */
function execCredential(auth: Exclude<ClusterAuthModel, { type: "bearerToken" }>): ExecCredential {
    if (auth.type === "exec") return { apiVersion: auth.apiVersion, command: auth.command, args: auth.args };
    const role = auth.roleARN ? ["--role-arn", auth.roleARN] : [];
    return { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", auth.clusterName, ...role, "--output", "json"] };
}

/** A kubeconfig of one spoke, as the hub's Argo CD reaches it: its server and CA, and its token or the credential plugin of its `auth`. */
export function spokeKubeconfig(spoke: Pick<SpokeModel, "name" | "auth">, access: SpokeAccess): string {
    const caData = Buffer.from(access.caPem, "utf8").toString("base64");
    const credential = spoke.auth.type === "bearerToken" ? { token: access.bearerToken ?? "" } : { exec: execCredential(spoke.auth) };
    return singleContextKubeconfig({ context: spoke.name, cluster: spoke.name, server: access.server, caData, user: "argocd-manager", ...credential });
}
