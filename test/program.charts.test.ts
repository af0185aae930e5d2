/**
 * What the stacks put into a cluster once their charts are expanded (helpers/charts.ts): the
 * objects themselves, not the values passed. One shared cluster holds both shipped stacks; a
 * dedicated cluster holds one stack, which must then bring the whole platform alone.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { toYaml } from "../core/objects";
import { CLUSTER_PARTS, clusterCustomResourceKinds, ownClusterParts } from "../core/catalogue";
import { pathOf, promtool, run, skipWithout, suiteTitle } from "./helpers/binaries";
import { assertCanExpand, expandRelease, expansionTitle, skipExpansion } from "./helpers/charts";
import { type ClusterObject, configIn, duplicateIdentities, hostPorts, identity, images, type LabelSelector, requiredConfig, SCENARIOS, scenarioCluster, selectedBy, selects } from "./helpers/cluster";
import { customResourceProblems } from "./helpers/crds";
import { stackModel } from "./helpers/models";
import { violations } from "./helpers/policies";
import { temporaryDirs } from "./helpers/tmp";

/** The API groups of the custom resources the cluster-wide parts bring. */
const CUSTOM_GROUPS = [...new Set(CLUSTER_PARTS.flatMap((p) => p.customResources.map((k) => k.group)))];
const groupOf = (o: ClusterObject) => (String(o.object.apiVersion).includes("/") ? String(o.object.apiVersion).split("/")[0] : "");
/** A Helm test hook (`helm.sh/hook: test` or the older `test-success`). */
const isHelmTest = (o: Record<string, any>) => /^test(-success)?$/.test(o.metadata.annotations?.["helm.sh/hook"] ?? "");
const named = (o: ClusterObject) => `${o.stack}: ${identity(o)} (${o.origin})`;

/** The labels the prometheus-operator puts on the kubelet Service it maintains (`--kubelet-service`). */
const KUBELET_SERVICE_LABELS = { "k8s-app": "kubelet", "app.kubernetes.io/name": "kubelet", "app.kubernetes.io/managed-by": "prometheus-operator" };

describe.skipIf(skipExpansion).each(SCENARIOS)(expansionTitle("$name, charts expanded"), (scenario) => {
    const { stacks } = scenario;
    /** The model of the stack that installs the cluster-wide parts: Argo CD among them but on a fleet spoke. */
    const [installer] = stacks.map(([stack, topology]) => stackModel(stack, topology)).filter((m) => m.clusterWide);
    const argocd = installer.clusterWide?.argocd !== undefined;
    /** Each stack's environment: its name for the shipped stacks, `eu` for the example spoke fleet-eu. */
    const environmentOf = new Map(stacks.map(([stack, topology]) => [stack, stackModel(stack, topology).environment]));
    const monitoringOf = (stack: string) => `monitoring-${environmentOf.get(stack)}`;
    const rulesDir = temporaryDirs("rules-");
    let objects: ClusterObject[] = [];
    let releases: { stack: string; name: string; chart: string; values: any; rendered: ClusterObject[]; hooks: string[] }[] = [];

    beforeAll(async () => {
        assertCanExpand();
        const cluster = await scenarioCluster(scenario);
        objects = cluster.objects;
        releases = await Promise.all(
            cluster.releases.map(async (r) => ({
                stack: r.stack,
                name: r.name,
                chart: r.chart,
                values: r.values,
                rendered: objects.filter((o) => o.stack === r.stack && o.origin === `release ${r.name}`),
                // Helm test hooks run only under `helm test`, never at install: dropped either way, nothing lost.
                hooks: (await expandRelease(r)).filter((e) => e.hook && !isHelmTest(e.object)).map((e) => `${e.object.kind} ${e.object.metadata.name} (${e.source})`),
            })),
        );
    }, 120_000);

    const ofKind = (kind: string) => objects.filter((o) => o.object.kind === kind);
    const namespaceLabels = (ns: string): Record<string, string> => ({
        ...(ofKind("Namespace").find((n) => n.object.metadata.name === ns)?.object.metadata.labels ?? {}),
        "kubernetes.io/metadata.name": ns,
    });

    it("renders every release, with objects and not one Helm hook but tests (Chart v4 would drop it)", () => {
        expect(releases.length).toBeGreaterThan(0);
        for (const release of releases) {
            expect(release.rendered.length, release.name).toBeGreaterThan(0);
            expect(release.hooks, release.name).toStrictEqual([]);
        }
    });

    it("breaks no rule of the policy pack, over the charts' objects as over the program's", async () => {
        expect(await violations(objects.map((o) => o.object))).toStrictEqual([]);
        // What the rules are about is there: the Ingresses of Argo CD and of each Grafana, the CRDs of the charts.
        const ingresses = [...(argocd ? [`networking.k8s.io/Ingress argocd/argocd-server (release argocd)`] : []), ...stacks.map(([s]) => `networking.k8s.io/Ingress ${monitoringOf(s)}/${monitoringOf(s)}-grafana (release ${monitoringOf(s)})`)];
        expect(ofKind("Ingress").map((o) => `${identity(o)} (${o.origin})`).sort()).toStrictEqual(ingresses.sort());
        expect(ofKind("CustomResourceDefinition").length).toBeGreaterThan(10);
    });

    it.runIf(stacks.length > 1)("gives a stack that shares the cluster only objects of its own environment: destroying it removes nothing of another's", () => {
        for (const [stack] of stacks.filter(([s]) => s !== "prod")) {
            const own = objects.filter((o) => o.stack === stack);
            expect(own.length).toBeGreaterThan(50);
            // Every object is in its environment's namespace, or named after it (cluster-scoped ones, root Applications in the shared Argo CD).
            const foreign = own.filter((o) => o.namespace !== `monitoring-${stack}` && !String(o.object.metadata.name).includes(stack));
            expect(foreign.map(named)).toStrictEqual([]);
            expect(own.filter((o) => o.object.kind === "CustomResourceDefinition").map(named)).toStrictEqual([]);
        }
    });

    it("keeps every CRD and every environment's monitoring data when its release or stack is removed, and nothing else", () => {
        const kept = objects.filter((o) => o.retainOnDelete);
        // The environment's namespace holds the claims Prometheus's and Alertmanager's StatefulSets make; Grafana's is the chart's.
        const data = [...ofKind("Namespace").filter((o) => o.object.metadata.name === monitoringOf(o.stack)), ...ofKind("PersistentVolumeClaim").filter((o) => o.object.metadata.name.endsWith("-grafana"))];
        expect(data.filter((o) => o.object.kind === "Namespace")).toHaveLength(stacks.length);
        expect(kept.map(named).sort()).toStrictEqual([...ofKind("CustomResourceDefinition"), ...data].map(named).sort());
    });

    it("has each custom resource valid against its upstream CRD, with no unknown field", () => {
        const custom = objects.filter((o) => CUSTOM_GROUPS.includes(groupOf(o)) && o.object.kind !== "CustomResourceDefinition");
        expect(custom.length).toBeGreaterThan(10);
        for (const o of custom) expect(customResourceProblems(o.object as any), named(o)).toStrictEqual([]);
    });

    it("has no chart make a Secret: no credential is generated at render or left unsealed", () => {
        expect(ofKind("Secret").filter((o) => o.origin !== "program").map(named)).toStrictEqual([]);
        // Argo CD's own, which its chart would make, is the program's SealedSecret.
        expect(ofKind("SealedSecret").filter((o) => o.namespace === "argocd" && o.object.metadata.name === "argocd-secret")).toHaveLength(argocd ? 1 : 0);
    });

    it("produces no object twice: not two stacks, nor a chart and the program", () => {
        expect(objects.length).toBeGreaterThan(100);
        expect(duplicateIdentities(objects)).toStrictEqual({});
    });

    it("has every Secret and ConfigMap a workload needs to start: none is left to a hook or to nobody", () => {
        const workloads = objects.filter((o) => requiredConfig(o).length > 0);
        // Argo CD's are most of them; a fleet spoke has Grafana's.
        expect(workloads.length).toBeGreaterThan(argocd ? 5 : 0);
        const missing = workloads.flatMap((w) => requiredConfig(w).filter((ref) => !configIn(objects, w.namespace).has(ref)).map((ref) => `${named(w)} needs ${ref}`));
        expect(missing).toStrictEqual([]);
    });

    it("binds no host port twice", () => {
        const bound = objects.flatMap((o) => hostPorts(o).map((port) => [port, named(o)] as const));
        expect(bound.length).toBeGreaterThan(0);
        const twice = bound.filter(([port], i) => bound.findIndex(([other]) => other === port) !== i);
        expect(twice.map(([port, by]) => `${port}: ${bound.filter(([p]) => p === port).map(([, b]) => b).join(" and ")} (not ${by} too)`)).toStrictEqual([]);
    });

    it("runs exactly one prometheus-operator, one node-exporter and one kube-state-metrics", () => {
        const running = (image: string) => objects.filter((o) => images(o).some((i) => i.includes(image))).map(named);
        expect(running("/prometheus-operator/prometheus-operator:")).toHaveLength(1);
        expect(running("/prometheus/node-exporter:")).toHaveLength(1);
        expect(running("/kube-state-metrics/kube-state-metrics:")).toHaveLength(1);
    });

    it("installs the chart of each cluster-wide part once, and kube-prometheus-stack once for the cluster and once per environment", () => {
        const count = (chart: string) => releases.filter((r) => r.chart === chart).length;
        // Each cluster-wide part has a chart of its own; the environments' releases are the cluster release's chart.
        const charts = [...new Set(releases.map((r) => r.chart))];
        expect(charts.length).toBe(ownClusterParts(installer).length);
        for (const chart of charts) expect(count(chart), chart).toBe(chart === "kube-prometheus-stack" ? 1 + stacks.length : 1);
        // The CRDs come once, with the cluster release.
        expect(ofKind("CustomResourceDefinition").filter((o) => o.object.spec.group === "monitoring.coreos.com").map((o) => o.origin)).toStrictEqual(Array(10).fill("release kube-prometheus-stack"));
    });

    it("installs a CRD for every custom resource any stack creates, exactly the kinds the cluster facts promise", () => {
        const installed = ofKind("CustomResourceDefinition").map((o) => `${o.object.spec.group}/${o.object.spec.names.kind}`);
        expect([...installed].sort()).toStrictEqual(clusterCustomResourceKinds(installer).sort());
        const created = new Set(objects.filter((o) => CUSTOM_GROUPS.includes(groupOf(o)) && o.object.kind !== "CustomResourceDefinition").map((o) => `${groupOf(o)}/${o.object.kind}`));
        for (const kind of created) expect(installed).toContain(kind);
    });

    it("runs the sealed-secrets controller where kubeseal looks for it by default, never renewing its key", () => {
        const controllers = objects.filter((o) => o.object.kind === "Deployment" && images(o).some((i) => i.includes("/sealed-secrets-controller:")));
        expect(controllers.map(named)).toHaveLength(1);
        const [controller] = controllers;
        // kubeseal's defaults (sealed-secrets v0.36.6 cmd/kubeseal/main.go): --controller-namespace kube-system --controller-name sealed-secrets-controller.
        const service = ofKind("Service").filter((s) => s.namespace === "kube-system" && s.object.metadata.name === "sealed-secrets-controller");
        expect(service.map(named)).toHaveLength(1);
        expect(selects({ matchLabels: service[0].object.spec.selector }, controller.object.spec.template.metadata.labels)).toBe(true);
        // A renewal would start sealing with a key the program does not have.
        const args: string[] = controller.object.spec.template.spec.containers[0].args;
        expect(args[args.indexOf("--key-renew-period") + 1]).toBe("0");
    });

    it("has every PrometheusRule loaded by some Prometheus: none is made for nobody", () => {
        const loaded = new Set(ofKind("Prometheus").flatMap((p) => selectedBy(p, "PrometheusRule", p.object.spec.ruleSelector, p.object.spec.ruleNamespaceSelector, objects, namespaceLabels)).map(named));
        expect(ofKind("PrometheusRule").length).toBeGreaterThan(20);
        expect(ofKind("PrometheusRule").map(named).filter((rule) => !loaded.has(rule))).toStrictEqual([]);
    });

    describe.each(stacks.map(([stack]) => [stack]))("the %s environment's monitoring", (env) => {
        const monitoring = monitoringOf(env);
        const prometheus = () => {
            const found = ofKind("Prometheus").filter((o) => o.namespace === monitoring);
            expect(found).toHaveLength(1);
            return found[0];
        };
        const spec = () => prometheus().object.spec as Record<string, LabelSelector | null>;

        /** The workloads a ServiceMonitor reaches: through the Services it selects, to the pods they select. */
        function reachedWorkloads(monitor: ClusterObject): ClusterObject[] {
            const scope = monitor.object.spec.namespaceSelector ?? {};
            const inScope = (ns: string | undefined) => scope.any === true || (scope.matchNames ? scope.matchNames.includes(ns) : ns === monitor.namespace);
            const services = ofKind("Service").filter((s) => inScope(s.namespace) && selects(monitor.object.spec.selector, s.object.metadata.labels));
            return objects.filter((w) => ["Deployment", "DaemonSet", "StatefulSet"].includes(w.object.kind) && services.some((s) => s.namespace === w.namespace && s.object.spec.selector && selects({ matchLabels: s.object.spec.selector }, w.object.spec.template.metadata.labels)));
        }

        it("has its Prometheus select node-exporter, kube-state-metrics and the kubelet", () => {
            const monitors = selectedBy(prometheus(), "ServiceMonitor", spec().serviceMonitorSelector, spec().serviceMonitorNamespaceSelector, objects, namespaceLabels);
            const reached = monitors.flatMap(reachedWorkloads).flatMap(images);
            expect(reached.some((i) => i.includes("/prometheus/node-exporter:"))).toBe(true);
            expect(reached.some((i) => i.includes("/kube-state-metrics/kube-state-metrics:"))).toBe(true);
            // The kubelet Service is the operator's (--kubelet-service=<namespace>/<name>), not a manifest.
            const operatorArgs = objects.flatMap((o) => (images(o).some((i) => i.includes("/prometheus-operator:")) ? o.object.spec.template.spec.containers.flatMap((c: any) => c.args ?? []) : []));
            const kubeletNamespace = String(operatorArgs.find((a: string) => a.startsWith("--kubelet-service="))).split("=")[1].split("/")[0];
            const kubelet = monitors.filter((m) => m.object.spec.namespaceSelector?.matchNames?.includes(kubeletNamespace) && selects(m.object.spec.selector, KUBELET_SERVICE_LABELS));
            expect(kubelet.map(named)).toHaveLength(1);
        });

        it("has its Prometheus scrape through its own release's ServiceMonitors, and never another environment's", () => {
            const monitors = selectedBy(prometheus(), "ServiceMonitor", spec().serviceMonitorSelector, spec().serviceMonitorNamespaceSelector, objects, namespaceLabels);
            const environmentReleases = releases.filter((r) => r.name.startsWith("monitoring-")).map((r) => `release ${r.name}`);
            expect(monitors.some((m) => m.origin === `release ${monitoring}`)).toBe(true);
            expect(monitors.filter((m) => environmentReleases.includes(m.origin) && m.origin !== `release ${monitoring}`).map(named)).toStrictEqual([]);
        });

        it("has its Prometheus load the default rules and its own, and never another environment's", () => {
            const rules = selectedBy(prometheus(), "PrometheusRule", spec().ruleSelector, spec().ruleNamespaceSelector, objects, namespaceLabels);
            const defaults = ofKind("PrometheusRule").filter((r) => r.origin === `release ${monitoring}`);
            const own = ofKind("PrometheusRule").filter((r) => r.stack === env && r.origin === "program");
            expect(defaults.length).toBeGreaterThan(20);
            expect(own.length).toBeGreaterThan(0);
            expect(rules.map(named).sort()).toStrictEqual([...defaults, ...own].map(named).sort());
            expect(rules.filter((r) => r.stack !== env)).toStrictEqual([]);
        });

        it.skipIf(skipWithout(promtool))(suiteTitle("has every rule its Prometheus loads accepted by promtool", promtool), async () => {
            const rules = selectedBy(prometheus(), "PrometheusRule", spec().ruleSelector, spec().ruleNamespaceSelector, objects, namespaceLabels);
            const file = path.join(rulesDir(), "rules.yaml");
            fs.writeFileSync(file, toYaml({ groups: rules.flatMap((r) => r.object.spec.groups) }));
            // The chart's own rules record one series twice on purpose (kube-apiserver availability):
            // promtool's duplicate-rule lint is upstream's, not ours to judge.
            const result = await run(pathOf(promtool), ["check", "rules", "--lint=none", file]);
            expect(result.code, result.stdout + result.stderr).toBe(0);
            expect(result.stdout).toMatch(/SUCCESS: \d{3,} rules found/);
        });

        it("has its Grafana load the node dashboards, and dashboards of its own namespace only", () => {
            const grafana = objects.filter((o) => o.namespace === monitoring && o.object.kind === "Deployment" && images(o).some((i) => i.includes("/grafana/grafana:")));
            expect(grafana.map(named)).toHaveLength(1);
            // The dashboard sidecar loads the ConfigMaps labelled LABEL=LABEL_VALUE in NAMESPACE.
            const sidecar = grafana[0].object.spec.template.spec.containers.find((c: any) => c.env?.some((e: any) => e.name === "LABEL" && e.value === "grafana_dashboard"));
            const reads = Object.fromEntries((sidecar.env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
            expect(reads.NAMESPACE).toBe(monitoring);
            const dashboards = ofKind("ConfigMap").filter((c) => c.namespace === reads.NAMESPACE && c.object.metadata.labels?.[reads.LABEL as string] === reads.LABEL_VALUE);
            expect(dashboards.map((d) => d.object.metadata.name).filter((name) => /-nodes$/.test(name))).toHaveLength(1);
        });

        it("has its Alertmanager read its own SealedSecret's alertmanager.yaml, and the chart make no config Secret", () => {
            const alertmanagers = ofKind("Alertmanager").filter((o) => o.namespace === monitoring);
            expect(alertmanagers).toHaveLength(1);
            const secretName = alertmanagers[0].object.spec.configSecret;
            const sealed = ofKind("SealedSecret").filter((s) => s.namespace === monitoring && s.object.metadata.name === secretName);
            expect(sealed.map(named)).toHaveLength(1);
            expect(sealed[0].stack).toBe(env);
            expect(Object.keys(sealed[0].object.spec.encryptedData)).toContain("alertmanager.yaml");
            expect(sealed[0].object.spec.template.metadata.name).toBe(secretName);
            const chartSecrets = ofKind("Secret").filter((s) => s.namespace === monitoring && s.origin !== "program" && s.object.metadata.name.startsWith("alertmanager-"));
            expect(chartSecrets.map(named)).toStrictEqual([]);
        });
    });
});
