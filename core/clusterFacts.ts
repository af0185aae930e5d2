/** The facts a stack that installs the cluster-wide parts exports as `clusterFacts`. */
import { deploymentTargets } from "../model/checks/overlap";
import { CLUSTER_CUSTOM_RESOURCE_KINDS } from "./catalogue";
import { type ClusterFacts, clusterViewOf } from "../model/cluster";
import type { StackModel } from "../model/schema";

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
