/**
 * Who installs what in a cluster, and what an environment's parts need to know of the
 * cluster-wide parts: the `ClusterView`. A stack that installs the cluster-wide parts sees its
 * own model; in a shared cluster every other stack sees the owner's `clusterFacts` output.
 */
import { z } from "zod";
import type { ArgoCdModel, ClusterWideModel, StackModel } from "./schema";

/** True when `stack` installs the cluster-wide parts: its cluster is dedicated, or it owns the shared one. */
export function installsClusterParts(model: StackModel, stack: string): boolean {
    return model.cluster.mode === "dedicated" || model.cluster.owner === stack;
}

const projectViewSchema = z.object({
    name: z.string(),
    sourceRepos: z.array(z.string()),
    destinations: z.array(z.object({ server: z.string(), namespace: z.string() })),
});

/** What the environment's parts use of the cluster-wide parts. */
export const clusterViewSchema = z.object({
    sealedSecrets: z.object({ namespace: z.string(), releaseName: z.string() }),
    /** None on a fleet spoke: the hub's Argo CD manages the cluster. */
    argocd: z
        .object({
            namespace: z.string(),
            url: z.string(),
            projects: z.array(projectViewSchema),
            /** Trigger and service names of `argocd-notifications-cm`, for Applications' subscriptions. */
            triggers: z.array(z.string()),
            services: z.array(z.string()),
        })
        .optional(),
    rollouts: z.object({ namespace: z.string() }),
    /** The ClusterIssuers that sign the certificates of the platform's addresses. */
    certManager: z.object({ issuers: z.array(z.string()) }),
    /** The cluster release of kube-prometheus-stack, whose CRDs, operator and exporters every environment uses. */
    monitoring: z.object({ namespace: z.string(), releaseName: z.string(), chart: z.object({ chart: z.string(), version: z.string(), repository: z.string() }) }),
});
export type ClusterView = z.infer<typeof clusterViewSchema>;
export type ProjectView = NonNullable<ClusterView["argocd"]>["projects"][number];

/** The service names a notifications config defines. */
export function notificationServices(n: ArgoCdModel["notifications"]): string[] {
    return [...n.webhooks.map((w) => w.name), ...(n.slack ? ["slack"] : [])];
}

/** The public URL of the cluster's Argo CD. */
export function argocdUrl(argocd: ArgoCdModel): string {
    return `https://${argocd.expose.host}`;
}

/** The view of the cluster-wide parts a model defines itself. */
export function clusterViewOf(clusterWide: ClusterWideModel): ClusterView {
    const { sealedSecrets, argocd, rollouts, monitoring, certManager } = clusterWide;
    return {
        sealedSecrets: { namespace: sealedSecrets.namespace, releaseName: sealedSecrets.releaseName },
        ...(argocd
            ? {
                  argocd: {
                      namespace: argocd.namespace,
                      url: argocdUrl(argocd),
                      projects: argocd.projects.map((p) => ({ name: p.name, sourceRepos: [...p.sourceRepos], destinations: p.destinations.map((d) => ({ server: d.server, namespace: d.namespace })) })),
                      triggers: argocd.notifications.triggers.map((t) => t.name),
                      services: notificationServices(argocd.notifications),
                  },
              }
            : {}),
        rollouts: { namespace: rollouts.namespace },
        certManager: { issuers: certManager.issuers.map((i) => i.name) },
        monitoring: { namespace: monitoring.namespace, releaseName: monitoring.releaseName, chart: { ...monitoring.chart } },
    };
}

/**
 * The stack output `clusterFacts` of a stack that installs the cluster-wide parts: the view,
 * plus what a stack sharing the cluster must agree with. Parsed leniently (`z.object`), so that
 * an owner on a newer revision that exports more still reads.
 */
export const clusterFactsSchema = clusterViewSchema.extend({
    version: z.literal(1),
    /** The stack that exported these facts. */
    stack: z.string(),
    /** The cluster, and its profile as the owner's model states it (absent from owners before profiles). */
    cluster: z.object({ name: z.string(), mode: z.enum(["dedicated", "shared"]), profile: z.record(z.string(), z.unknown()).optional() }),
    /** The kubeconfig context it deploys to (`gitops:kubeContext`), when set. */
    kubeContext: z.string().optional(),
    /** SHA-256 fingerprint of the sealing certificate the controller holds the key of. */
    sealingCertificateFingerprint: z.string(),
    /** `<group>/<Kind>` of every custom resource kind whose CRD the cluster-wide parts install. */
    customResourceKinds: z.array(z.string()),
    /** What the owner's own root Applications and ApplicationSets can deploy, so a stack sharing the cluster deploys none of it again. */
    deployments: z.array(z.object({ what: z.string(), repoURL: z.string(), path: z.string(), server: z.string(), namespace: z.string() })),
});
export type ClusterFacts = z.infer<typeof clusterFactsSchema>;

/** The name of the stack output that carries the facts. */
export const CLUSTER_FACTS_OUTPUT = "clusterFacts";
