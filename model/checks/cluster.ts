/**
 * Checks of the cluster topology: who installs the cluster-wide parts, and whether a stack that
 * shares a cluster agrees with the stack that installed them.
 */
import { isDeepStrictEqual } from "node:util";
import { type ClusterFacts, type ClusterView, installsClusterParts } from "../cluster";
import type { ProblemCollector } from "../problems";
import { CLUSTER_PROFILE_KEYS, type StackModel } from "../schema";
import { checkEnvironmentAccess } from "./access";
import { checkApplications, type ViewSource } from "./applications";
import { checkDeploymentsAgainstOwner } from "./overlap";

/** `cluster` and `clusterWide` agree with each other and with the stack's name. */
export function checkTopology(model: StackModel, stack: string, problems: ProblemCollector): void {
    const { cluster } = model;
    if (cluster.mode === "shared" && cluster.owner === undefined) {
        problems.add("cluster.owner", `a shared cluster needs the stack that installs its cluster-wide parts (Argo CD, Argo Rollouts, sealed-secrets, the prometheus-operator); name one of the stacks that share cluster "${cluster.name}", e.g. "prod"`);
        return;
    }
    if (cluster.mode === "dedicated" && cluster.owner !== undefined) {
        problems.add("cluster.owner", `only a shared cluster has an owner: in a dedicated cluster this stack installs everything; remove cluster.owner, or set cluster.mode to "shared"`);
        return;
    }
    const installs = installsClusterParts(model, stack);
    if (installs && model.clusterWide === undefined) {
        const why = cluster.mode === "dedicated" ? `its cluster "${cluster.name}" is dedicated to it` : `it is the owner of the shared cluster "${cluster.name}"`;
        problems.add("clusterWide", `is missing: stack "${stack}" installs the cluster-wide parts because ${why}; define them (see stacks/shared.ts)`);
    }
    if (!installs && model.clusterWide !== undefined) {
        problems.add("clusterWide", `must not be here: stack "${cluster.owner}" (cluster.owner) installs the cluster-wide parts of "${cluster.name}"; change them in that stack's model, or make this stack the owner`);
    }
}

/** The environment's parts against the cluster-wide parts they run on. */
export function checkEnvironmentAgainstCluster(model: StackModel, view: ClusterView, source: ViewSource, problems: ProblemCollector): void {
    checkApplications(model, view, source, problems);
    checkEnvironmentAccess(model, view, source.issuers, problems);
    const own = model.monitoring;
    const cluster = view.monitoring;
    if (own.chart.chart !== cluster.chart.chart || own.chart.version !== cluster.chart.version) {
        problems.add(
            "monitoring.chart",
            `is ${own.chart.chart} ${own.chart.version}, but the cluster release that installs its CRDs and operator (${source.monitoring}) runs ${cluster.chart.chart} ${cluster.chart.version}; use the same chart and version (upgrade the cluster release first)`,
        );
    }
    if (own.releaseName === cluster.releaseName) {
        problems.add("monitoring.releaseName", `"${own.releaseName}" is the cluster release's name (${source.monitoring}); give the environment's release its own, e.g. "monitoring-${model.environment}"`);
    }
}

/** Config values a stack must share with the owner of its cluster. */
export interface SharedSettings {
    readonly certificateFingerprint: string;
    readonly kubeContext?: string;
}

/**
 * A stack that shares a cluster against the facts its owner exported: the same cluster and
 * context, the same sealing certificate, and CRDs for every kind this stack creates.
 */
export function checkAgainstOwner(model: StackModel, facts: ClusterFacts, settings: SharedSettings, kinds: readonly string[], problems: ProblemCollector): void {
    const owner = model.cluster.owner as string;
    if (facts.cluster.mode !== "shared" || facts.cluster.name !== model.cluster.name) {
        problems.add("cluster", `names the shared cluster "${model.cluster.name}", but stack "${owner}" installed its cluster-wide parts in the ${facts.cluster.mode} cluster "${facts.cluster.name}"; name the same cluster in both stacks`);
    }
    checkProfileAgainstOwner(model, owner, facts.cluster.profile, problems);
    if (settings.kubeContext !== undefined && facts.kubeContext !== undefined && settings.kubeContext !== facts.kubeContext) {
        problems.add("gitops:kubeContext", `is "${settings.kubeContext}", but stack "${owner}" deploys to "${facts.kubeContext}": stacks that share a cluster must target the same one; set the same context with \`pulumi config set gitops:kubeContext ${facts.kubeContext}\``);
    }
    if (settings.certificateFingerprint !== facts.sealingCertificateFingerprint) {
        problems.add(
            "gitops:sealingCertificate",
            `is not the certificate of the sealed-secrets controller stack "${owner}" installed (${facts.sealingCertificateFingerprint}), so the controller could not open this stack's SealedSecrets; copy it with \`pulumi config set gitops:sealingCertificate -- "$(pulumi config get gitops:sealingCertificate --stack ${owner})"\``,
        );
    }
    const installed = new Set(facts.customResourceKinds);
    const missing = kinds.filter((k) => !installed.has(k)).sort();
    if (missing.length > 0) {
        problems.add("(cluster)", `stack "${owner}" installs no CRD for ${missing.join(", ")}, which this stack creates; bring "${owner}" up to date first (\`pulumi up --stack ${owner}\`)`);
    }
    const source = {
        projects: `stack "${owner}"'s clusterWide.argocd.projects`,
        notifications: `stack "${owner}"'s clusterWide.argocd.notifications`,
        monitoring: `stack "${owner}"'s clusterWide.monitoring`,
        issuers: `stack "${owner}"'s clusterWide.certManager.issuers`,
    };
    checkEnvironmentAgainstCluster(model, facts, source, problems);
    checkDeploymentsAgainstOwner(model, owner, facts.deployments, problems);
}

/** The cluster's profile is one cluster's: a stack that shares it states what its owner states. */
function checkProfileAgainstOwner(model: StackModel, owner: string, profile: Record<string, unknown> | undefined, problems: ProblemCollector): void {
    if (profile === undefined) return;
    for (const key of CLUSTER_PROFILE_KEYS) {
        const mine = model.cluster[key];
        if (isDeepStrictEqual(mine, profile[key])) continue;
        const theirs = profile[key] === undefined ? "leaves it unset" : `states ${JSON.stringify(profile[key])}`;
        problems.add(`cluster.${key}`, `is ${mine === undefined ? "unset" : JSON.stringify(mine)}, but stack "${owner}", which installs the cluster-wide parts, ${theirs}: stacks that share a cluster describe it alike; state the same in both models`);
    }
}
