/**
 * Argo CD's size: every container's requests, and in HA (Argo CD's "High Availability" guide,
 * the chart's README) the API server, repo-server and ApplicationSet controller replicated with a
 * PodDisruptionBudget each, and Redis as redis-ha (three Redis and Sentinel pods behind HAProxy).
 * The application controller stays one replica (more would shard the clusters it manages, of
 * which there is one): it is sized instead.
 */
import type { ArgoCdModel } from "../../model/schema";
import type { PodGroup } from "../footprint";
import { disruptionBudget, requests, resources, type Weight } from "../sizing";

/** Redis HA's pods: three Redis (with Sentinel) and three HAProxies, the redis-ha chart's `replicas: 3` default, which the program keeps. */
export const REDIS_HA_PODS = 3;

export function argocdSizingValues(argocd: ArgoCdModel): Record<string, unknown> {
    const sized = (weight: Weight) => resources(argocd.size, weight);
    const replicated = (weight: Weight) => ({ replicas: argocd.replicas, pdb: disruptionBudget(argocd.replicas), resources: sized(weight) });
    return {
        controller: { resources: sized("heavy") },
        server: replicated("light"),
        repoServer: { ...replicated("medium"), copyutil: { resources: sized("tiny") } },
        applicationSet: replicated("light"),
        notifications: { resources: sized("light") },
        dex: { resources: sized("light"), initImage: { resources: sized("tiny") } },
        redis: { resources: sized("light") },
        ...(argocd.redisHa
            ? {
                  "redis-ha": {
                      enabled: true,
                      hardAntiAffinity: argocd.redisHaAntiAffinity === "hard",
                      redis: { resources: sized("light") },
                      sentinel: { resources: sized("tiny") },
                      splitBrainDetection: { resources: sized("tiny") },
                      init: { resources: sized("tiny") },
                      podDisruptionBudget: { maxUnavailable: 1 },
                      haproxy: { hardAntiAffinity: argocd.redisHaAntiAffinity === "hard", resources: sized("tiny"), podDisruptionBudget: { maxUnavailable: 1 }, init: { resources: sized("tiny") } },
                  },
              }
            : {}),
    };
}

/** Argo CD's pods as the values above size them: the replicated ones by `replicas`, Dex where it signs people in, Redis alone or in HA. */
export function argocdPods(argocd: ArgoCdModel): PodGroup[] {
    const sized = (weight: Weight) => requests(argocd.size, weight);
    const group = (what: string, pods: number, containers: Weight[], initContainers: Weight[] = []): PodGroup => ({
        what: `Argo CD's ${what}`,
        sizeAt: "clusterWide.argocd.size",
        size: argocd.size,
        pods,
        containers: containers.map(sized),
        ...(initContainers.length > 0 ? { initContainers: initContainers.map(sized) } : {}),
    });
    return [
        group("application controller", 1, ["heavy"]),
        group("API server", argocd.replicas, ["light"]),
        group("repo-server", argocd.replicas, ["medium"], ["tiny"]),
        group("ApplicationSet controller", argocd.replicas, ["light"]),
        group("notifications controller", 1, ["light"]),
        ...(argocd.sso?.dex ? [group("Dex", 1, ["light"], ["tiny"])] : []),
        ...(argocd.redisHa
            ? [group("Redis HA servers (Redis, Sentinel, split-brain fix)", REDIS_HA_PODS, ["light", "tiny", "tiny"], ["tiny"]), group("Redis HA proxies", REDIS_HA_PODS, ["tiny"], ["tiny"])]
            : [group("Redis", 1, ["light"])]),
    ];
}
