/**
 * What the hub delivers into each spoke itself: the secrets of the add-ons placed there, sealed
 * for that spoke's own controller (never the hub's, and never another spoke's), applied through
 * a Kubernetes provider of that spoke that authenticates as the hub's Argo CD does.
 */
import type { AddonModel, HubModel } from "../../model/fleet";
import { singleContextKubeconfig } from "../provider";
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

/** A kubeconfig of one spoke, as the hub's Argo CD reaches it (its server, CA and token). */
export function spokeKubeconfig(name: string, access: SpokeAccess): string {
    const caData = Buffer.from(access.caPem, "utf8").toString("base64");
    return singleContextKubeconfig({ context: name, cluster: name, server: access.server, caData, user: "argocd-manager", token: access.bearerToken ?? "" });
}
