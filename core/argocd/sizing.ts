/**
 * Argo CD's size: every container's requests, and in HA (Argo CD's "High Availability" guide,
 * the chart's README) the API server, repo-server and ApplicationSet controller replicated with a
 * PodDisruptionBudget each, and Redis as redis-ha (three Redis and Sentinel pods behind HAProxy).
 * The application controller stays one replica (more would shard the clusters it manages, of
 * which there is one): it is sized instead.
 */
import type { ArgoCdModel } from "../../model/schema";
import { disruptionBudget, resources, type Weight } from "../sizing";

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
