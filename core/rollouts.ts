import type { HelmRelease } from "./helm";
import type { StackModel } from "../model/schema";
import { prometheusUrl } from "./monitoring/release";
import { notificationsConfigData } from "./notifications";
import { configMap, type KubeObject, platformLabels } from "./objects";

/** Names the Argo Rollouts controller reads; fixed by Argo Rollouts. */
export const ROLLOUTS_NOTIFICATIONS_CM = "argo-rollouts-notification-configmap";
export const ROLLOUTS_NOTIFICATIONS_SECRET = "argo-rollouts-notification-secret";

/** The Argo Rollouts release; the program owns the notifications ConfigMap and secret. */
export function rolloutsRelease(model: StackModel): HelmRelease {
    const { rollouts } = model;
    return {
        name: rollouts.releaseName,
        namespace: rollouts.namespace,
        ...rollouts.chart,
        values: { notifications: { configmap: { create: false }, secret: { create: false } } },
    };
}

export function rolloutsNotificationsConfigMap(model: StackModel): KubeObject {
    const data = notificationsConfigData(model.rollouts.notifications);
    return configMap(ROLLOUTS_NOTIFICATIONS_CM, model.rollouts.namespace, platformLabels(model.environment, "argo-rollouts"), data);
}

/** Cluster-wide AnalysisTemplates that every team's Rollouts can use, querying this environment's Prometheus. */
export function clusterAnalysisTemplates(model: StackModel): KubeObject[] {
    return model.rollouts.analysisTemplates.map((t) => ({
        apiVersion: "argoproj.io/v1alpha1",
        kind: "ClusterAnalysisTemplate",
        metadata: { name: `${t.name}-${model.environment}`, labels: platformLabels(model.environment, "argo-rollouts") },
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
