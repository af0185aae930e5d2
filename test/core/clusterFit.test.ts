/**
 * checkClusterFit: what the prod model asks of its cluster, held to the cluster's profile before
 * anything is registered. Each case shrinks the profile (or grows the model) by one thing.
 */
import { describe, expect, it } from "vitest";
import { validatedStack } from "../helpers/models";

/** The problems validation finds in prod with `edit`, as `[path, message]`. */
const problemsOf = (edit: (m: any) => void) => validatedStack(edit).problems;
const pathsOf = (edit: (m: any) => void) => problemsOf(edit).map(([path]) => path);

describe("checkClusterFit", () => {
    it("finds the shipped prod model fits the shipped profile", () => {
        expect(problemsOf(() => undefined)).toStrictEqual([]);
    });

    it("refuses Redis HA's hard anti-affinity on fewer than three nodes, and takes the soft one there", () => {
        const twoNodes = (m: any) => (m.cluster.nodes.schedulable = 2);
        expect(problemsOf(twoNodes)).toStrictEqual([
            ["clusterWide.argocd.redisHa", expect.stringMatching(/^runs 3 Redis pods that refuse to share a node .* the cluster has 2 schedulable nodes .*set clusterWide\.argocd\.redisHaAntiAffinity to "soft"/)],
        ]);
        expect(problemsOf((m) => (twoNodes(m), (m.clusterWide.argocd.redisHaAntiAffinity = "soft")))).toStrictEqual([]);
        expect(problemsOf((m) => (twoNodes(m), (m.clusterWide.argocd.redisHa = false)))).toStrictEqual([]);
        expect(problemsOf((m) => (m.cluster.nodes.schedulable = 3))).toStrictEqual([]);
    });

    it("refuses, on one node, every replicated part behind a disruption budget, which would block the node's drain", () => {
        const oneNode = (m: any) => ((m.cluster.nodes = { schedulable: 1, allocatable: { cpu: "16", memory: "64Gi" } }), (m.clusterWide.argocd.redisHaAntiAffinity = "soft"));
        const problems = problemsOf(oneNode);
        expect(problems.map(([path]) => path)).toStrictEqual(["clusterWide.argocd.replicas", "clusterWide.argocd.redisHa", "clusterWide.rollouts.replicas", "monitoring.alertmanager.replicas"]);
        expect(problems[0][1]).toMatch(/^runs 2 replicas behind a disruption budget .* a drain of that node .* blocks on the budget; run one replica/);
        expect(
            pathsOf((m) => {
                oneNode(m);
                m.clusterWide.argocd.replicas = m.clusterWide.rollouts.replicas = m.monitoring.alertmanager.replicas = 1;
                m.clusterWide.argocd.redisHa = false;
            }),
        ).toStrictEqual([]);
    });

    it("refuses a volume of the cluster's default class where the cluster has none, and takes one that names its class", () => {
        const noDefault = (m: any) => delete m.cluster.storageClass;
        expect(problemsOf(noDefault)).toStrictEqual(
            ["monitoring.prometheus.storage", "monitoring.alertmanager.storage", "monitoring.grafana.persistence"].map((at) => [at, expect.stringMatching(/^asks for a volume of the cluster's default storage class, but the cluster has none .*name one here \(storageClass\)/)]),
        );
        expect(
            pathsOf((m) => {
                noDefault(m);
                for (const storage of [m.monitoring.prometheus.storage, m.monitoring.alertmanager.storage, m.monitoring.grafana.persistence]) storage.storageClass = "fast";
            }),
        ).toStrictEqual([]);
    });

    it("refuses an Ingress the cluster does not serve, and a Gateway where it has no Gateway API", () => {
        expect(pathsOf((m) => delete m.cluster.ingressClass)).toStrictEqual(["clusterWide.argocd.expose.ingress", "monitoring.grafana.expose.ingress"]);
        expect(problemsOf((m) => (m.cluster.ingressClass = "traefik"))).toStrictEqual([
            ["clusterWide.argocd.expose.ingress.className", 'is "nginx", but the cluster\'s ingress controller serves "traefik" (cluster.ingressClass); use that class'],
            ["monitoring.grafana.expose.ingress.className", expect.stringContaining('serves "traefik"')],
        ]);
        const gateway = { name: "platform", namespace: "gateway-system" };
        const viaGateway = (m: any) => (m.monitoring.grafana.expose = { ...m.monitoring.grafana.expose, ingress: undefined, gateway });
        expect(problemsOf(viaGateway)).toStrictEqual([["monitoring.grafana.expose.gateway", expect.stringMatching(/^is a Gateway, but the cluster has no Gateway API \(cluster.gatewayApi is false\)/)]]);
        expect(problemsOf((m) => (viaGateway(m), (m.cluster.gatewayApi = true)))).toStrictEqual([]);
    });

    it("refuses requests beyond four fifths of what the nodes give pods, naming the largest and their size", () => {
        const nodesOf = (cpu: string, memory: string) => (m: any) => (m.cluster.nodes.allocatable = { cpu, memory });
        const [[path, message]] = problemsOf(nodesOf("2", "4Gi"));
        expect(path).toBe("cluster.nodes");
        expect(message).toMatch(/^give pods 6 CPU and 12Gi on 3 nodes, but this stack's platform requests 4\.[89]\d* CPU and 8\.\dGi, more than 80% of it; the largest: Prometheus of prod 1\.02 CPU and 2\.1Gi \(monitoring\.size: "production"\), Argo CD's application controller 1 CPU and 2Gi \(clusterWide\.argocd\.size: "production"\), .*; set a smaller size there, or give the cluster more or larger nodes$/);
        expect(problemsOf((m) => (nodesOf("2", "4Gi")(m), (m.monitoring.size = "small")))).toStrictEqual([]);
        expect(problemsOf(nodesOf("3", "4Gi"))).toStrictEqual([]);
        expect(problemsOf((m) => delete m.cluster.nodes.allocatable)).toStrictEqual([]);
    });

    it("refuses a size whose pod no node could hold", () => {
        const problems = problemsOf((m) => ((m.cluster.nodes = { schedulable: 20, allocatable: { cpu: "1", memory: "8Gi" } }), (m.clusterWide.argocd.size = "small")));
        expect(problems).toStrictEqual([["monitoring.size", expect.stringMatching(/^is "production": a pod of Prometheus of prod then requests 1\.02 CPU and 2\.1Gi, more than a node gives pods \(1 CPU and 8Gi, cluster\.nodes\.allocatable\), so it could never be scheduled; set a smaller size here, or give the cluster larger nodes$/)]]);
    });

    it("refuses a Kubernetes version outside the platform's range, naming the parts that bound it and their sources", () => {
        const [[path, message]] = problemsOf((m) => (m.cluster.kubernetes = "1.31"));
        expect(path).toBe("cluster.kubernetes");
        expect(message).toMatch(/^is 1\.31, outside the platform's supported range 1\.33–1\.35: cert-manager supports 1\.33–1\.36 \(cert-manager's supported releases.*\); argocd supports 1\.32–1\.35 \(.*\); run the platform on a supported version/);
        expect(problemsOf((m) => (m.cluster.kubernetes = "1.36"))).toStrictEqual([["cluster.kubernetes", expect.stringMatching(/^is 1\.36, .*: argocd supports 1\.32–1\.35 \([^)]*\); run/)]]);
        // At a part's own lowest version, only the others bound it.
        expect(problemsOf((m) => (m.cluster.kubernetes = "1.32"))).toStrictEqual([["cluster.kubernetes", expect.stringMatching(/^is 1\.32, outside the platform's supported range 1\.33–1\.35: cert-manager supports 1\.33–1\.36 \((?:(?!; ).)*\); run/)]]);
        for (const inRange of ["1.33", "1.35"]) expect(problemsOf((m) => (m.cluster.kubernetes = inRange))).toStrictEqual([]);
    });

    it("refuses a profile that is not one: an unknown distribution, no nodes, a version or quantity in another form", () => {
        expect(
            problemsOf((m) => {
                m.cluster.distribution = "openshift";
                m.cluster.nodes = { schedulable: 0, allocatable: { cpu: "4 cores", memory: "16GB" } };
                m.cluster.kubernetes = "v1.34.2";
            }),
        ).toStrictEqual([
            ["cluster.kubernetes", "must be a Kubernetes minor version such as 1.34"],
            ["cluster.distribution", expect.stringContaining('"kind"')],
            ["cluster.nodes.schedulable", expect.any(String)],
            ["cluster.nodes.allocatable.cpu", "must be a CPU quantity such as 4, 0.5 or 3800m"],
            ["cluster.nodes.allocatable.memory", "must be a memory quantity such as 16Gi, 512Mi or 15993212Ki"],
        ]);
    });
});
