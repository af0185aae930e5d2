/** The facts a stack that installs the cluster-wide parts exports as `clusterFacts`. */
import { deploymentTargets } from "../model/checks/overlap";
import { clusterCustomResourceKinds } from "./catalogue";
import { type ClusterFacts, clusterViewOf } from "../model/cluster";
import { CLUSTER_PROFILE_KEYS, type StackModel } from "../model/schema";

/** What a stack that installs the cluster-wide parts tells the stacks that share its cluster. */
export function clusterFacts(model: StackModel & { clusterWide: NonNullable<StackModel["clusterWide"]> }, stack: string, settings: { certificateFingerprint: string; kubeContext?: string }): ClusterFacts {
    return {
        version: 1,
        stack,
        cluster: { name: model.cluster.name, mode: model.cluster.mode, profile: profileOf(model) },
        // Unset, Pulumi leaves it out of the output.
        kubeContext: settings.kubeContext,
        sealingCertificateFingerprint: settings.certificateFingerprint,
        customResourceKinds: clusterCustomResourceKinds(model),
        deployments: deploymentTargets(model).map(({ at: _, ...target }) => target),
        ...clusterViewOf(model.clusterWide),
    };
}

/** The cluster's profile as the model states it, its unset fields left out (as Pulumi leaves them out of the output). */
function profileOf(model: StackModel): Record<string, unknown> {
    return Object.fromEntries(CLUSTER_PROFILE_KEYS.flatMap((key) => (model.cluster[key] === undefined ? [] : [[key, model.cluster[key]]])));
}
