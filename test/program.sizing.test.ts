/**
 * How big the shipped stacks run, judged on what their charts render in each cluster: requests on
 * every container, the replicas the model asks for (production HA where a stack is production
 * sized), a disruption budget for whatever runs more than once, and the volumes that keep
 * Prometheus's samples, Alertmanager's silences and Grafana's database.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { platformPods } from "../core/catalogue";
import { podRequests, type Requests } from "../core/footprint";
import type { StackModel } from "../model/schema";
import { assertCanExpand, expansionTitle, skipExpansion } from "./helpers/charts";
import { type ClusterObject, identity, SCENARIOS, scenarioCluster, selects } from "./helpers/cluster";
import { stackModel } from "./helpers/models";

const WORKLOADS = ["Deployment", "StatefulSet", "DaemonSet", "Job"];

/** A workload's pod template spec. */
const podSpec = (o: ClusterObject) => o.object.spec.template.spec;
/** Every container of a pod spec, init containers included. */
const containersOf = (spec: Record<string, any>): Record<string, any>[] => [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
const hasRequests = (resources: Record<string, any> | undefined) => Boolean(resources?.requests?.cpu && resources?.requests?.memory);

describe.skipIf(skipExpansion).each(SCENARIOS)(expansionTitle("$name, sized"), (scenario) => {
    let objects: ClusterObject[] = [];
    /** The validated model of each of the scenario's stacks. */
    const models = new Map<string, StackModel>(scenario.stacks.map(([stack, topology]) => [stack, stackModel(stack, topology)]));
    const installer = [...models.values()].find((m) => m.clusterWide) as StackModel & { clusterWide: NonNullable<StackModel["clusterWide"]> };

    beforeAll(async () => {
        assertCanExpand();
        objects = (await scenarioCluster(scenario)).objects;
    }, 120_000);

    const ofKind = (kind: string) => objects.filter((o) => o.object.kind === kind);
    const named = (kind: string, name: string) => {
        const found = ofKind(kind).filter((o) => o.object.metadata.name === name);
        if (found.length !== 1) throw new Error(`${found.length} ${kind} named ${name}`);
        return found[0];
    };

    it("requests CPU and memory for every container it runs, and for Prometheus and Alertmanager", () => {
        const workloads = objects.filter((o) => WORKLOADS.includes(o.object.kind));
        // Fewer without Argo CD (a fleet spoke).
        expect(workloads.length).toBeGreaterThan(installer.clusterWide.argocd ? 10 : 5);
        const without = workloads.flatMap((o) => containersOf(podSpec(o)).filter((c) => !hasRequests(c.resources)).map((c) => `${identity(o)} container ${c.name}`));
        const customResources = [...ofKind("Prometheus"), ...ofKind("Alertmanager")];
        expect(customResources.length).toBe(2 * models.size);
        expect([...without, ...customResources.filter((o) => !hasRequests(o.object.spec.resources)).map(identity)]).toStrictEqual([]);
    });

    it("asks the scheduler for exactly the pods the parts declare (core/footprint.ts), each as it counts a pod's requests", () => {
        const nodes = installer.cluster.nodes.schedulable;
        // The operator gives each Prometheus and Alertmanager pod a config reloader, and its init container, of the requests it is started with.
        const operator = objects.find((o) => o.object.kind === "Deployment" && o.object.metadata.name.endsWith("-operator"))?.object.spec.template.spec.containers[0].args as string[];
        const flag = (name: string) => (operator.find((a) => a.startsWith(`--config-reloader-${name}-request=`)) as string).split("=")[1];
        const reloader: Requests = { cpu: flag("cpu"), memory: flag("memory") };
        const pod = (containers: Requests[], initContainers: Requests[] = []) => {
            const r = podRequests({ containers, initContainers });
            return `${r.cpu}m ${r.memory}B`;
        };
        const requestsOf = (containers: Record<string, any>[] = []) => containers.map((c) => c.resources.requests as Requests);
        const rendered = objects.flatMap((o): string[] => {
            const { kind, spec } = o.object;
            if (kind === "Prometheus" || kind === "Alertmanager") return Array(spec.replicas ?? 1).fill(pod([spec.resources.requests, reloader], [reloader]));
            if (!["Deployment", "StatefulSet", "DaemonSet"].includes(kind)) return [];
            return Array(kind === "DaemonSet" ? nodes : (spec.replicas ?? 1)).fill(pod(requestsOf(spec.template.spec.containers), requestsOf(spec.template.spec.initContainers)));
        });
        const declared = [...models.values()].flatMap((model) =>
            platformPods(model, installer.clusterWide.monitoring.size).flatMap((g) => Array(g.pods === "every node" ? nodes : g.pods).fill(pod([...g.containers], [...(g.initContainers ?? [])]))),
        );
        expect(declared.sort()).toStrictEqual(rendered.sort());
    });

    it("replicates Argo CD, Argo Rollouts and Redis as the model asks, two or more where production sized", () => {
        const { argocd, rollouts } = installer.clusterWide;
        expect(named("Deployment", "argo-rollouts").object.spec.replicas).toBe(rollouts.replicas);
        // Argo CD where the stack installs it (a fleet spoke has none: the hub's manages its cluster).
        if (argocd) {
            for (const name of ["argocd-server", "argocd-repo-server", "argocd-applicationset-controller"]) expect(named("Deployment", name).object.spec.replicas, name).toBe(argocd.replicas);
            // Redis HA: three Redis with their Sentinels, behind HAProxy; the single Redis otherwise.
            const redis = argocd.redisHa ? named("StatefulSet", "argocd-redis-ha-server") : named("Deployment", "argocd-redis");
            expect(redis.object.spec.replicas).toBe(argocd.redisHa ? 3 : 1);
            if (argocd.size === "production") {
                expect([argocd.replicas, rollouts.replicas].every((n) => n >= 2) && argocd.redisHa).toBe(true);
            }
        } else {
            expect(objects.filter((o) => o.namespace === "argocd").map(identity)).toStrictEqual([]);
        }
        for (const [stack, model] of models) {
            const alertmanager = ofKind("Alertmanager").find((o) => o.stack === stack);
            expect(alertmanager?.object.spec.replicas, stack).toBe(model.monitoring.alertmanager.replicas);
            if (model.monitoring.size === "production") expect(model.monitoring.alertmanager.replicas, stack).toBeGreaterThanOrEqual(2);
        }
    });

    it("keeps one pod of everything replicated running through a drain: one PodDisruptionBudget selects its pods", () => {
        const budgets = ofKind("PodDisruptionBudget");
        const budgetsOf = (namespace: string | undefined, labels: Record<string, string>) => budgets.filter((b) => b.namespace === namespace && selects(b.object.spec.selector, labels));
        const replicated = objects.filter((o) => ["Deployment", "StatefulSet"].includes(o.object.kind) && (o.object.spec.replicas ?? 1) > 1);
        const uncovered = replicated.filter((o) => budgetsOf(o.namespace, o.object.spec.template.metadata.labels).length !== 1).map(identity);
        // The operator's pods of an Alertmanager carry its name (the chart's budget selects them by it).
        const alertmanagers = ofKind("Alertmanager").filter((o) => o.object.spec.replicas > 1);
        const uncoveredAlertmanagers = alertmanagers.filter((o) => budgetsOf(o.namespace, { "app.kubernetes.io/name": "alertmanager", alertmanager: o.object.metadata.name }).length !== 1).map(identity);
        expect([...uncovered, ...uncoveredAlertmanagers]).toStrictEqual([]);
        // None would block a drain: each allows a pod down, of at least two.
        for (const budget of budgets) expect(budget.object.spec.maxUnavailable ?? 1, identity(budget)).toBeGreaterThanOrEqual(1);
        expect(budgets.length).toBeGreaterThanOrEqual(replicated.length > 0 ? 1 : 0);
    });

    it("keeps Prometheus's samples and Alertmanager's silences on volumes of the model's size, for as long as it says", () => {
        for (const [stack, model] of models) {
            const { prometheus, alertmanager } = model.monitoring;
            const claimOf = (kind: string, storagePath: (spec: Record<string, any>) => Record<string, any> | undefined) => storagePath(ofKind(kind).find((o) => o.stack === stack)?.object.spec ?? {});
            const promClaim = claimOf("Prometheus", (spec) => spec.storage?.volumeClaimTemplate?.spec);
            expect(promClaim?.resources?.requests?.storage, stack).toBe(prometheus.storage?.size);
            expect(ofKind("Prometheus").find((o) => o.stack === stack)?.object.spec.retention, stack).toBe(prometheus.retention);
            const amClaim = claimOf("Alertmanager", (spec) => spec.storage?.volumeClaimTemplate?.spec);
            expect(amClaim?.resources?.requests?.storage, stack).toBe(alertmanager.storage?.size);
        }
    });

    it("keeps Grafana's database on a volume where the model gives it one, and then never runs two Grafanas on it", () => {
        for (const [stack, model] of models) {
            const grafana = named("Deployment", `${model.monitoring.releaseName}-grafana`);
            const claimName = podSpec(grafana).volumes?.find((v: Record<string, any>) => v.name === "storage")?.persistentVolumeClaim?.claimName;
            const claim = ofKind("PersistentVolumeClaim").find((o) => o.stack === stack && o.object.metadata.name === claimName);
            expect(claim?.object.spec.resources.requests.storage, stack).toBe(model.monitoring.grafana.persistence?.size);
        }
        // Any Deployment on a ReadWriteOnce claim: a rolling update's second pod could not attach it.
        const claimed = objects.filter((o) => o.object.kind === "Deployment" && (podSpec(o).volumes ?? []).some((v: Record<string, any>) => v.persistentVolumeClaim));
        for (const deployment of claimed) expect(deployment.object.spec.strategy?.type, identity(deployment)).toBe("Recreate");
    });
});
