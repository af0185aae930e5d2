import type { RolloutsModel, StackModel } from "../model/schema";
import type { HelmRelease } from "./helm";
import { type OwnedValue, releaseOf } from "./chartValues";
import type { PodGroup } from "./footprint";
import { disruptionBudget, requests, resources } from "./sizing";
import { prometheusUrl } from "./monitoring/release";
import { notificationsConfigData } from "./notifications";
import { clusterLabels, configMap, environmentLabels, type KubeObject } from "./objects";

/** Names the Argo Rollouts controller reads; fixed by Argo Rollouts. */
export const ROLLOUTS_NOTIFICATIONS_CM = "argo-rollouts-notification-configmap";
export const ROLLOUTS_NOTIFICATIONS_SECRET = "argo-rollouts-notification-secret";

/** The values the program sets (core/chartValues.ts): a model's `values` may not touch them. */
export const ROLLOUTS_OWNED_VALUES: readonly OwnedValue[] = [
    ...["nameOverride", "fullnameOverride"].map((key) => ({ path: [key], why: "the platform's ServiceMonitors select the metrics Service by the chart's names" })),
    { path: ["controller", "metrics", "enabled"], why: "the platform's ServiceMonitors scrape the controller's metrics Service" },
    { path: ["notifications", "configmap"], why: "the program makes the notifications ConfigMap from clusterWide.rollouts.notifications" },
    { path: ["notifications", "secret"], why: "the program seals the notifications secret from clusterWide.rollouts.notifications.secretData" },
];

/** The Argo Rollouts release; the program owns the notifications ConfigMap and secret. */
export function rolloutsRelease(rollouts: RolloutsModel): HelmRelease {
    return releaseOf(rollouts, {
        notifications: { configmap: { create: false }, secret: { create: false } },
        // More than one replica: one leads, the others stand by (leader election is on by default).
        // Its metrics Service, which the platform's ServiceMonitors scrape (core/monitoring/platform.ts).
        controller: { replicas: rollouts.replicas, pdb: disruptionBudget(rollouts.replicas), resources: resources(rollouts.size, "light"), metrics: { enabled: true } },
    });
}

/** Its controllers, one leading. */
export function rolloutsPods(rollouts: RolloutsModel): PodGroup[] {
    return [{ what: "the Argo Rollouts controller", sizeAt: "clusterWide.rollouts.size", size: rollouts.size, pods: rollouts.replicas, containers: [requests(rollouts.size, "light")] }];
}

export function rolloutsNotificationsConfigMap(rollouts: RolloutsModel, cluster: string): KubeObject {
    return configMap(ROLLOUTS_NOTIFICATIONS_CM, rollouts.namespace, clusterLabels(cluster, "argo-rollouts"), notificationsConfigData(rollouts.notifications));
}

/** The environment's cluster-wide AnalysisTemplates, for every team's Rollouts, querying the environment's Prometheus. */
export function clusterAnalysisTemplates(model: StackModel): KubeObject[] {
    return model.rollouts.analysisTemplates.map((t) => ({
        apiVersion: "argoproj.io/v1alpha1",
        kind: "ClusterAnalysisTemplate",
        metadata: { name: `${t.name}-${model.environment}`, labels: environmentLabels(model.environment, "argo-rollouts") },
        spec: {
            args: t.args.map((name) => ({ name })),
            metrics: t.metrics.map((m) => ({
                name: m.name,
                interval: m.interval,
                count: m.count,
                failureLimit: m.failureLimit,
                successCondition: m.successCondition,
                provider: { prometheus: { address: prometheusUrl(model), query: m.query } },
            })),
        },
    }));
}
