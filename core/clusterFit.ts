/**
 * What the model asks of its cluster, held to the cluster's profile (`cluster` in the model)
 * before anything is registered: otherwise `pulumi up` waits ten minutes on pods that cannot be
 * scheduled, claims that cannot bind or drains that cannot finish, or succeeds while pods stay
 * Pending. The live cluster is held to the profile by `npm run check -- --pre`.
 */
import type { ProblemCollector } from "../model/problems";
import type { StackModel } from "../model/schema";
import { KUBERNETES_SUPPORT, SUPPORTED_KUBERNETES } from "./catalogue";
import { checkKubernetesVersion } from "./kubernetes";

/** Redis HA's pods: three Redis (with Sentinel) and three HAProxies (the redis-ha chart's defaults, `replicas: 3`). */
export const REDIS_HA_PODS = 3;

/** Every place the model asks for more than one replica behind a disruption budget (`maxUnavailable: 1`). */
function replicatedBehindBudgets(model: StackModel): { at: string; replicas: number }[] {
    const argocd = model.clusterWide?.argocd;
    const rollouts = model.clusterWide?.rollouts;
    return [
        ...(argocd ? [{ at: "clusterWide.argocd.replicas", replicas: argocd.replicas }, ...(argocd.redisHa ? [{ at: "clusterWide.argocd.redisHa", replicas: REDIS_HA_PODS }] : [])] : []),
        ...(rollouts ? [{ at: "clusterWide.rollouts.replicas", replicas: rollouts.replicas }] : []),
        { at: "monitoring.alertmanager.replicas", replicas: model.monitoring.alertmanager.replicas },
    ].filter((r) => r.replicas > 1);
}

/** Every volume the model asks for that names no storage class of its own. */
function volumesOfTheDefaultClass(model: StackModel): string[] {
    const { prometheus, alertmanager, grafana } = model.monitoring;
    return [
        ["monitoring.prometheus.storage", prometheus.storage],
        ["monitoring.alertmanager.storage", alertmanager.storage],
        ["monitoring.grafana.persistence", grafana.persistence],
    ].flatMap(([at, storage]) => (typeof storage === "object" && storage !== undefined && storage.storageClass === undefined ? [at as string] : []));
}

/** Every address the model exposes, by path. */
function exposures(model: StackModel) {
    return [...(model.clusterWide ? [{ at: "clusterWide.argocd.expose", expose: model.clusterWide.argocd.expose }] : []), { at: "monitoring.grafana.expose", expose: model.monitoring.grafana.expose }];
}

export function checkClusterFit(model: StackModel, problems: ProblemCollector): void {
    const { cluster } = model;
    checkKubernetesVersion(model, SUPPORTED_KUBERNETES, KUBERNETES_SUPPORT, problems);
    const nodes = cluster.nodes.schedulable;
    const argocd = model.clusterWide?.argocd;
    if (argocd?.redisHa && argocd.redisHaAntiAffinity === "hard" && nodes < REDIS_HA_PODS) {
        problems.add(
            "clusterWide.argocd.redisHa",
            `runs ${REDIS_HA_PODS} Redis pods that refuse to share a node (hard anti-affinity), but the cluster has ${nodes} schedulable node${nodes === 1 ? "" : "s"} (cluster.nodes.schedulable): the first pulumi up would wait on them and fail; give the cluster ${REDIS_HA_PODS} nodes, or set clusterWide.argocd.redisHaAntiAffinity to "soft" (the pods may then share a node)`,
        );
    }
    if (nodes === 1) {
        for (const { at, replicas } of replicatedBehindBudgets(model)) {
            problems.add(at, `runs ${replicas} replicas behind a disruption budget of one at a time, on a cluster of one schedulable node: a drain of that node evicts one, which has nowhere else to start, and then blocks on the budget; run one replica (the small size), or give the cluster a second node`);
        }
    }
    if (cluster.storageClass === undefined) {
        for (const at of volumesOfTheDefaultClass(model)) problems.add(at, "asks for a volume of the cluster's default storage class, but the cluster has none (cluster.storageClass is unset): state the cluster's default class there, name one here (storageClass), or remove the volume");
    }
    for (const { at, expose } of exposures(model)) {
        if (expose.ingress && cluster.ingressClass === undefined) problems.add(`${at}.ingress`, "is an Ingress, but the cluster serves none (cluster.ingressClass is unset): set the class of its ingress controller, or expose it through a Gateway");
        else if (expose.ingress && expose.ingress.className !== cluster.ingressClass) problems.add(`${at}.ingress.className`, `is "${expose.ingress.className}", but the cluster's ingress controller serves "${cluster.ingressClass}" (cluster.ingressClass); use that class`);
        if (expose.gateway && !cluster.gatewayApi) problems.add(`${at}.gateway`, "is a Gateway, but the cluster has no Gateway API (cluster.gatewayApi is false): install its CRDs and a Gateway and set it true, or expose it through an Ingress");
    }
}
