/**
 * What the model asks of its cluster, held to the cluster's profile (`cluster` in the model)
 * before anything is registered: otherwise `pulumi up` waits ten minutes on pods that cannot be
 * scheduled, claims that cannot bind or drains that cannot finish, or succeeds while pods stay
 * Pending. The live cluster is held to the profile by `npm run check -- --pre`.
 */
import type { ProblemCollector } from "../model/problems";
import type { StackModel } from "../model/schema";
import { REDIS_HA_PODS } from "./argocd/sizing";
import { KUBERNETES_SUPPORT, platformPods, SUPPORTED_KUBERNETES } from "./catalogue";
import { podRequests, totalRequests } from "./footprint";
import { checkKubernetesVersion } from "./kubernetes";
import { bytes, formatCpu, formatMemory, millicores } from "./quantity";


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
    const argocd = model.clusterWide?.argocd;
    return [...(argocd ? [{ at: "clusterWide.argocd.expose", expose: argocd.expose }] : []), { at: "monitoring.grafana.expose", expose: model.monitoring.grafana.expose }];
}

/** The share of the nodes' allocatable the platform's requests may take: the rest is for the teams' workloads, and for a node drained. */
export const REQUESTS_HEADROOM = 0.8;

/**
 * The platform's requests against what the nodes give pods: every pod must fit one node, and all
 * of them four fifths of all nodes. Where they do not, the scheduler leaves pods Pending and
 * `pulumi up` waits on them until it times out.
 */
function checkRequestsFit(model: StackModel, problems: ProblemCollector): void {
    const { nodes } = model.cluster;
    if (nodes.allocatable === undefined) return;
    const node = { cpu: millicores(nodes.allocatable.cpu), memory: bytes(nodes.allocatable.memory) };
    const describe = (r: { cpu: number; memory: number }) => `${formatCpu(r.cpu)} and ${formatMemory(r.memory)}`;
    const groups = platformPods(model);
    for (const group of groups) {
        const pod = podRequests(group);
        if (pod.cpu > node.cpu || pod.memory > node.memory) {
            problems.add(group.sizeAt, `is "${group.size}": a pod of ${group.what} then requests ${describe(pod)}, more than a node gives pods (${describe(node)}, cluster.nodes.allocatable), so it could never be scheduled; set a smaller size here, or give the cluster larger nodes`);
        }
    }
    const total = totalRequests(groups, nodes.schedulable);
    const room = { cpu: node.cpu * nodes.schedulable * REQUESTS_HEADROOM, memory: node.memory * nodes.schedulable * REQUESTS_HEADROOM };
    if (total.cpu <= room.cpu && total.memory <= room.memory) return;
    const count = (g: (typeof groups)[number]) => (g.pods === "every node" ? nodes.schedulable : g.pods);
    const largest = [...groups]
        .map((g) => ({ g, cpu: podRequests(g).cpu * count(g), memory: podRequests(g).memory * count(g) }))
        .sort((a, b) => b.cpu / node.cpu + b.memory / node.memory - (a.cpu / node.cpu + a.memory / node.memory))
        .slice(0, 3)
        .map(({ g, cpu, memory }) => `${g.what} ${describe({ cpu, memory })} (${g.sizeAt}: "${g.size}")`);
    problems.add(
        "cluster.nodes",
        `give pods ${describe({ cpu: node.cpu * nodes.schedulable, memory: node.memory * nodes.schedulable })} on ${nodes.schedulable} node${nodes.schedulable === 1 ? "" : "s"}, but this stack's platform requests ${describe(total)}, more than ${REQUESTS_HEADROOM * 100}% of it; the largest: ${largest.join(", ")}; set a smaller size there, or give the cluster more or larger nodes`,
    );
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
    checkRequestsFit(model, problems);
    for (const { at, expose } of exposures(model)) {
        if (expose.ingress && cluster.ingressClass === undefined) problems.add(`${at}.ingress`, "is an Ingress, but the cluster serves none (cluster.ingressClass is unset): set the class of its ingress controller, or expose it through a Gateway");
        else if (expose.ingress && expose.ingress.className !== cluster.ingressClass) problems.add(`${at}.ingress.className`, `is "${expose.ingress.className}", but the cluster's ingress controller serves "${cluster.ingressClass}" (cluster.ingressClass); use that class`);
        if (expose.gateway && !cluster.gatewayApi) problems.add(`${at}.gateway`, "is a Gateway, but the cluster has no Gateway API (cluster.gatewayApi is false): install its CRDs and a Gateway and set it true, or expose it through an Ingress");
    }
}
