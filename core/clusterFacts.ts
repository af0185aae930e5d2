/**
 * The facts a stack that installs the cluster-wide parts exports as `clusterFacts`, and the
 * custom resource kinds on either side: what the cluster-wide parts' charts bring CRDs for, and
 * what an environment's parts create.
 */
import { deploymentTargets } from "../model/checks/overlap";
import { type ClusterFacts, clusterViewOf } from "../model/cluster";
import type { StackModel } from "../model/schema";

/** `<group>/<Kind>` of every CRD the cluster-wide charts install (their `crds/` and CRD templates). */
export const CLUSTER_CUSTOM_RESOURCE_KINDS: readonly string[] = [
    "bitnami.com/SealedSecret",
    ...["Application", "ApplicationSet", "AppProject"].map((k) => `argoproj.io/${k}`),
    ...["AnalysisRun", "AnalysisTemplate", "ClusterAnalysisTemplate", "Experiment", "Rollout"].map((k) => `argoproj.io/${k}`),
    ...["Alertmanager", "AlertmanagerConfig", "PodMonitor", "Probe", "Prometheus", "PrometheusAgent", "PrometheusRule", "ScrapeConfig", "ServiceMonitor", "ThanosRuler"].map(
        (k) => `monitoring.coreos.com/${k}`,
    ),
];

/** `<group>/<Kind>` of every custom resource an environment's parts create, directly or through its chart. */
export const ENVIRONMENT_CUSTOM_RESOURCE_KINDS: readonly string[] = [
    "bitnami.com/SealedSecret",
    "argoproj.io/Application",
    "argoproj.io/ApplicationSet",
    "argoproj.io/ClusterAnalysisTemplate",
    ...["Alertmanager", "Prometheus", "PrometheusRule", "ServiceMonitor"].map((k) => `monitoring.coreos.com/${k}`),
];

/** What a stack that installs the cluster-wide parts tells the stacks that share its cluster. */
export function clusterFacts(model: StackModel & { clusterWide: NonNullable<StackModel["clusterWide"]> }, stack: string, settings: { certificateFingerprint: string; kubeContext?: string }): ClusterFacts {
    return {
        version: 1,
        stack,
        cluster: { name: model.cluster.name, mode: model.cluster.mode },
        // Unset, Pulumi leaves it out of the output.
        kubeContext: settings.kubeContext,
        sealingCertificateFingerprint: settings.certificateFingerprint,
        customResourceKinds: [...CLUSTER_CUSTOM_RESOURCE_KINDS],
        deployments: deploymentTargets(model).map(({ at: _, ...target }) => target),
        ...clusterViewOf(model.clusterWide),
    };
}
