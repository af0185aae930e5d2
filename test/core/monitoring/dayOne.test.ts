/**
 * Prod must not page on day one. promtool evaluates every rule prod's Prometheus loads (the
 * `monitoring-prod` release's PrometheusRules and the program's own, picked by that Prometheus's
 * rule selectors among what the shipped prod stack puts in the cluster) on a fresh, healthy
 * cluster: every target of every ServiceMonitor it scrapes is up, and kube-state-metrics knows the
 * nodes. No critical alert may fire, past the longest `for:`; and without their targets, exactly
 * the critical alerts that watch them fire (so the assertion is not vacuous). Every distribution's
 * default monitoring releases are the shipped ones, so this holds for each.
 *
 * The control plane's critical alerts (etcdInsufficientMembers, KubeSchedulerDown,
 * KubeControllerManagerDown, KubeProxyDown) would fire on a kind cluster, which serves none of
 * those metrics where the chart looks: promtool shows how they fire with the chart's own rules,
 * and amtool where prod's Alertmanager sends them. etcd's would page; what keeps it from paging
 * is that prod does not load it.
 *
 * Nothing is expanded here that the suite does not expand already: the shipped prod stack's
 * releases (kept on disk by program.charts', selfMonitoring's and controlPlane's suites), and the
 * profile that states every control-plane component, which controlPlane.test.ts expands.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { durationMs, formatDuration } from "../../../core/monitoring/alertmanager";
import { clusterMonitoringRelease, monitoringRelease } from "../../../core/monitoring/release";
import { clusterViewOf } from "../../../model/cluster";
import { CONTROL_PLANE_COMPONENTS, DISTRIBUTIONS } from "../../../model/schema";
import { CLUSTER_PROFILE } from "../../../stacks/shared/constants";
import { runProgram } from "../../harness";
import { promtoolRuleTest, removeTempDirs, routesTest, type RuleTest, tempDir, writeAlertmanagerConfig } from "../../helpers/alertmanager";
import { amtool, assertInstalled, promtool, type RunResult, skipWithout, suiteTitle } from "../../helpers/binaries";
import { assertCanExpand, type ExpandedObject, expandRelease, expansionTitle, SHIPPED_KUBERNETES, skipExpansion } from "../../helpers/charts";
import { type ClusterObject, clusterObjects, releasesOf, selectedBy, selects } from "../../helpers/cluster";
import { installerModel, shippedConfig } from "../../helpers/models";

const PROD = installerModel("prod", "shared");

/** A rule as Prometheus reads it (annotations left out). */
interface Rule {
    alert?: string;
    record?: string;
    expr: string;
    for?: string;
    labels?: Record<string, string>;
}
interface Group {
    name: string;
    rules: Rule[];
}
/** One input series of promtool, and one of its alert assertions. */
type Series = RuleTest["input_series"][number];
/** An alert promtool must see firing, with every label it fires with. */
interface Firing {
    alertname: string;
    labels: Record<string, string>;
}
type AlertTest = RuleTest["alert_rule_test"][number];

/** `{a="b", c="d"}` of `labels`, in a stable order. */
const selector = (labels: Readonly<Record<string, string>>) =>
    `{${Object.entries(labels)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}="${v}"`)
        .join(", ")}}`;

/**
 * Services a Kubernetes cluster has that no chart renders, which two of the cluster release's
 * ServiceMonitors select: the kubelet's, which the operator keeps where its `--kubelet-service`
 * says (labelled `k8s-app: kubelet`, `app.kubernetes.io/name: kubelet`, with the kubelet's ports),
 * and the API server's own `default/kubernetes` (labelled `component: apiserver`,
 * `provider: kubernetes`, port `https`).
 */
function clusterOwnServices(objects: readonly ClusterObject[]): ClusterObject[] {
    const operator = objects.find((o) => o.object.kind === "Deployment" && o.object.spec.template.spec.containers.some((c: any) => (c.args ?? []).some((a: string) => a.startsWith("--kubelet-service="))));
    const arg = operator?.object.spec.template.spec.containers.flatMap((c: any) => c.args ?? []).find((a: string) => a.startsWith("--kubelet-service=")) as string | undefined;
    if (!arg) throw new Error("no prometheus-operator with --kubelet-service in the expansion");
    const [kubeletNamespace, kubeletName] = arg.slice("--kubelet-service=".length).split("/");
    const service = (namespace: string, name: string, labels: Record<string, string>, ports: string[]): ClusterObject => ({
        stack: "cluster",
        origin: "cluster",
        namespace,
        retainOnDelete: false,
        object: { apiVersion: "v1", kind: "Service", metadata: { name, namespace, labels }, spec: { ports: ports.map((name) => ({ name })) } },
    });
    return [
        service(kubeletNamespace, kubeletName, { "k8s-app": "kubelet", "app.kubernetes.io/name": "kubelet" }, ["https-metrics", "http-metrics", "cadvisor"]),
        service("default", "kubernetes", { component: "apiserver", provider: "kubernetes" }, ["https"]),
    ];
}

/**
 * The targets of a ServiceMonitor among `services`, each as the labels its `up` series has, as
 * the operator's scrape config gives them: `job` (the Service's `jobLabel` label, or else its
 * name), `namespace`, `service`, `endpoint`, and what the endpoint's relabelings copy from the
 * metrics path. `instance`, `pod` and `container` are left out: no rule below needs them. A
 * relabeling it does not know fails the test rather than being ignored.
 */
function targetsOf(monitor: ClusterObject, services: readonly ClusterObject[]): Record<string, string>[] {
    const { jobLabel, selector: labelSelector, namespaceSelector, endpoints } = monitor.object.spec;
    const inNamespace = (ns: string | undefined) => (namespaceSelector?.any ? true : (namespaceSelector?.matchNames ?? [monitor.namespace]).includes(ns));
    return services
        .filter((s) => s.object.kind === "Service" && inNamespace(s.namespace) && selects(labelSelector, s.object.metadata.labels))
        .flatMap((s) =>
            endpoints
                .filter((e: any) => s.object.spec.ports.some((p: any) => p.name === e.port))
                .map((e: any) => {
                    const labels: Record<string, string> = { job: s.object.metadata.labels?.[jobLabel] || s.object.metadata.name, namespace: s.namespace as string, service: s.object.metadata.name, endpoint: e.port };
                    for (const r of e.relabelings ?? []) {
                        if ((r.action ?? "replace") === "replace" && r.sourceLabels?.length === 1 && r.sourceLabels[0] === "__metrics_path__") labels[r.targetLabel] = e.path ?? "/metrics";
                        else throw new Error(`${monitor.object.metadata.name}: a relabeling this test does not model: ${JSON.stringify(r)}`);
                    }
                    return labels;
                }),
        );
}

/** The Prometheus of `namespace` among `objects`, and the ServiceMonitors, PodMonitors and PrometheusRules it takes, with the operator's selector semantics. */
function takenBy(objects: readonly ClusterObject[], namespace: string) {
    const ofKind = (kind: string) => objects.filter((o) => o.object.kind === kind);
    const namespaceLabels = (ns: string): Record<string, string> => ({ ...(ofKind("Namespace").find((n) => n.object.metadata.name === ns)?.object.metadata.labels ?? {}), "kubernetes.io/metadata.name": ns });
    const prometheus = ofKind("Prometheus").filter((p) => p.namespace === namespace);
    expect(prometheus.map((p) => p.object.metadata.name)).toHaveLength(1);
    const spec = prometheus[0].object.spec;
    return {
        serviceMonitors: selectedBy(prometheus[0], "ServiceMonitor", spec.serviceMonitorSelector, spec.serviceMonitorNamespaceSelector, objects, namespaceLabels),
        podMonitors: selectedBy(prometheus[0], "PodMonitor", spec.podMonitorSelector, spec.podMonitorNamespaceSelector, objects, namespaceLabels),
        rules: selectedBy(prometheus[0], "PrometheusRule", spec.ruleSelector, spec.ruleNamespaceSelector, objects, namespaceLabels),
    };
}

/** The groups of some PrometheusRules, annotations left out: promtool compares them too, and the labels are what routes an alert. */
const groupsOf = (rules: readonly { object: Record<string, any> }[]): Group[] =>
    rules.flatMap((r) => (r.object.spec.groups as { name: string; rules: (Rule & { annotations?: unknown })[] }[]).map((g) => ({ ...g, rules: g.rules.map(({ annotations: _, ...rule }) => rule) })));

const critical = (groups: readonly Group[]) => groups.flatMap((g) => g.rules).filter((r) => r.alert && r.labels?.severity === "critical");

/**
 * promtool on `groups` with these test groups, each named: a sample a minute (every range the
 * rules take holds samples), the rules evaluated every five minutes. The inputs are constant, and
 * every eval_time here is a multiple of five minutes, at least one evaluation past every `for:`:
 * the same verdicts as every minute, at a fifth of the evaluations.
 */
const promtoolTest = (groups: readonly Group[], tests: readonly RuleTest[]): Promise<RunResult> => promtoolRuleTest(groups, tests, { evaluationInterval: "5m", timeoutMs: 60_000 });

describe.skipIf(skipExpansion || skipWithout(promtool, amtool))(expansionTitle(suiteTitle("prod on day one: no page from a fresh, healthy cluster", promtool, amtool)), () => {
    let shippedValues: Record<string, unknown> = {};
    /** The rule groups prod's Prometheus loads. */
    let groups: Group[] = [];
    /** Every target prod's Prometheus scrapes, as its `up` series' labels, with the ServiceMonitor that makes it. */
    let targets: { monitor: ClusterObject; labels: Record<string, string> }[] = [];

    beforeAll(async () => {
        assertCanExpand();
        assertInstalled(promtool, amtool);
        const prod = await runProgram("prod", shippedConfig("prod", "shared"));
        if (prod.error) throw prod.error;
        shippedValues = Object.fromEntries(releasesOf(prod).map((r) => [r.name, r.values]));
        const { objects } = await clusterObjects([["prod", prod]]);
        const taken = takenBy(objects, PROD.monitoring.namespace);
        groups = groupsOf(taken.rules);
        // No PodMonitor is taken: were one, its targets would have to be described too.
        expect(taken.podMonitors.map((m) => m.object.metadata.name)).toStrictEqual([]);
        const services = [...objects.filter((o) => o.object.kind === "Service"), ...clusterOwnServices(objects)];
        targets = taken.serviceMonitors.flatMap((m) => {
            const found = targetsOf(m, services);
            // Every monitor reaches a Service: one that reached none would have no `up` to describe.
            expect(found.length, m.object.metadata.name).toBeGreaterThan(0);
            return found.map((labels) => ({ monitor: m, labels }));
        });
    }, 120_000);
    afterAll(() => removeTempDirs());

    /** The critical alerts prod's Prometheus loads, by name, once each. */
    const criticalNames = () => [...new Set(critical(groups).map((r) => r.alert as string))];
    /** Past every critical alert's `for:` (five minutes past the longest). */
    const evalTime = () => formatDuration(Math.max(...critical(groups).map((r) => durationMs(r.for ?? "0s"))) + 5 * 60_000);
    /** A fresh, healthy cluster: every target up, and the cluster's nodes known to kube-state-metrics; `without` jobs have no target at all. */
    function healthy(without: readonly string[] = []): Series[] {
        const samples = Math.ceil(durationMs(evalTime()) / 60_000) + 1;
        const kubeStateMetrics = targets.find((t) => t.labels.job === "kube-state-metrics")?.labels as Record<string, string>;
        // kind: a control plane and the schedulable workers.
        const nodes = Array.from({ length: CLUSTER_PROFILE.nodes.schedulable + 1 }, (_, i) => `node-${i}`);
        return [
            ...targets.filter((t) => !without.includes(t.labels.job)).map((t) => ({ series: `up${selector(t.labels)}`, values: `1x${samples}` })),
            ...nodes.map((node) => ({ series: `kube_node_info${selector({ ...kubeStateMetrics, node })}`, values: `1x${samples}` })),
        ];
    }
    /** Each critical alert, asserted at `evalTime` to fire with exactly `firing` (none by default). */
    const assertCritical = (firing: readonly Firing[] = []): AlertTest[] =>
        criticalNames().map((alertname) => ({ eval_time: evalTime(), alertname, exp_alerts: firing.filter((f) => f.alertname === alertname).map((f) => ({ exp_labels: f.labels })) }));

    it("loads the environment release's rules and the program's, and scrapes the cluster release's exporters, the kubelet, the API server and the platform", () => {
        expect([...new Set(groups.map((g) => g.name))]).toEqual(expect.arrayContaining(["platform-components", "alertmanager-notifications", "kubernetes-system-kubelet", "kubernetes-system-apiserver", "node-exporter"]));
        expect(criticalNames().length).toBeGreaterThan(30);
        expect([...new Set(targets.map((t) => t.labels.job))].sort()).toStrictEqual(
            [
                ...["apiserver", "kubelet", "coredns", "kube-state-metrics", "node-exporter", "kube-prometheus-stack-operator"],
                ...["grafana", "kube-prome-alertmanager", "kube-prome-prometheus"].map((s) => `${PROD.monitoring.releaseName}-${s}`),
                ...["application-controller", "applicationset-controller", "notifications-controller", "server", "repo-server"].map((c) => `argocd-${c}-metrics`),
                ...["argo-rollouts-metrics", "sealed-secrets-controller-metrics", "cert-manager"],
            ].sort(),
        );
        // The kubelet's three paths, which its rules tell apart.
        expect(targets.filter((t) => t.labels.job === "kubelet").map((t) => t.labels.metrics_path)).toStrictEqual(["/metrics", "/metrics/cadvisor", "/metrics/probes"]);
    });

    it(`fires no critical alert on a fresh, healthy cluster; without their targets, exactly the alerts that watch them`, async () => {
        // Every job down but kube-state-metrics (which says the nodes exist): what pages is what watches a target's absence.
        const gone = [...new Set(targets.map((t) => t.labels.job))].filter((job) => job !== "kube-state-metrics");
        const platform = targets.filter((t) => t.monitor.origin === "program");
        expect(platform.length).toBe(8);
        const pages: Firing[] = [
            { alertname: "KubeAPIDown", labels: { severity: "critical", job: "apiserver" } },
            // count by (cluster) of the nodes, unless the kubelet is up: no label but the rule's.
            { alertname: "KubeletDown", labels: { severity: "critical" } },
            ...platform.map((t) => ({ alertname: "PlatformComponentDown", labels: { severity: "critical", component: t.monitor.object.metadata.name.replace(/^platform-/, ""), job: t.labels.job, namespace: t.labels.namespace } })),
        ];
        const result = await promtoolTest(groups, [
            { name: "a fresh, healthy cluster", input_series: healthy(), alert_rule_test: assertCritical() },
            { name: "no target up but kube-state-metrics", input_series: healthy(gone), alert_rule_test: assertCritical(pages) },
        ]);
        expect(result.code, result.stdout + result.stderr).toBe(0);
    }, 60_000);

    it.each(DISTRIBUTIONS)("holds on %s: its default monitoring releases are the shipped ones, whose expansion is judged above", (distribution) => {
        const model = { ...PROD, cluster: { ...PROD.cluster, distribution } };
        const cluster = clusterMonitoringRelease(model.clusterWide.monitoring, model);
        const environment = monitoringRelease(model, clusterViewOf(model.clusterWide).monitoring);
        expect(JSON.parse(JSON.stringify(cluster.values))).toStrictEqual(shippedValues[cluster.name]);
        expect(JSON.parse(JSON.stringify(environment.values))).toStrictEqual(shippedValues[environment.name]);
    });

    describe("the control plane's critical alerts", () => {
        /** The pinned chart's critical alerts about etcd, the scheduler, the controller manager and kube-proxy. */
        const CONTROL_PLANE_ALERTS = ["etcdInsufficientMembers", "KubeSchedulerDown", "KubeControllerManagerDown", "KubeProxyDown"];
        /** prod's releases on a profile that states every component (what controlPlane.test.ts expands), as the cluster holds them. */
        async function statedObjects(): Promise<{ cluster: ClusterObject[]; environment: ClusterObject[] }> {
            const model = { ...PROD, cluster: { ...PROD.cluster, distribution: "kubeadm" as const, controlPlaneMetrics: [...CONTROL_PLANE_COMPONENTS] } };
            const asCluster = (namespace: string, expanded: ExpandedObject[]): ClusterObject[] => expanded.map((e) => ({ stack: "prod", origin: "stated", object: e.object, namespace: e.object.metadata?.namespace ?? namespace, retainOnDelete: false }));
            const cluster = { ...clusterMonitoringRelease(model.clusterWide.monitoring, model), kubernetes: SHIPPED_KUBERNETES };
            const environment = { ...monitoringRelease(model, clusterViewOf(model.clusterWide).monitoring), kubernetes: SHIPPED_KUBERNETES };
            return { cluster: asCluster(cluster.namespace, await expandRelease(cluster)), environment: asCluster(environment.namespace, await expandRelease(environment)) };
        }

        it("are not loaded by prod; loaded, they fire on kind's control plane, and etcd's would page", async () => {
            // GIVEN what prod's Prometheus loads: none of them
            const loaded = groups.flatMap((g) => g.rules.map((r) => r.alert));
            expect(CONTROL_PLANE_ALERTS.filter((a) => loaded.includes(a))).toStrictEqual([]);
            // WHEN the chart's own rules for them are loaded (a profile that states every component), and the
            // components' targets are down (kind's control plane listens on 127.0.0.1 only), or absent
            const stated = await statedObjects();
            const statedGroups = groupsOf(stated.environment.filter((o) => o.object.kind === "PrometheusRule")).filter((g) => g.rules.some((r) => CONTROL_PLANE_ALERTS.includes(r.alert ?? "")));
            expect(critical(statedGroups).map((r) => r.alert)).toEqual(expect.arrayContaining(CONTROL_PLANE_ALERTS));
            const shippedMonitors = new Set(targets.map((t) => t.monitor.object.metadata.name));
            const controlPlaneTargets = stated.cluster.filter((o) => o.object.kind === "ServiceMonitor" && !shippedMonitors.has(o.object.metadata.name)).flatMap((m) => targetsOf(m, stated.cluster));
            expect(controlPlaneTargets.map((t) => t.job).sort()).toStrictEqual(["kube-controller-manager", "kube-etcd", "kube-proxy", "kube-scheduler"]);
            const evalAt = formatDuration(Math.max(...critical(statedGroups).map((r) => durationMs(r.for ?? "0s"))) + 5 * 60_000);
            const etcd = controlPlaneTargets.find((t) => t.job === "kube-etcd") as Record<string, string>;
            // Down (a Service whose endpoints are the nodes, where kind's etcd does not listen): etcd's quorum alert fires
            // with the target's labels. Absent (no endpoints at all, as where the provider keeps the control plane): the
            // chart's *Down alerts fire (`absent(up{job="kube-scheduler"})`), with the job's label only.
            const down: Firing[] = [{ alertname: "etcdInsufficientMembers", labels: { severity: "critical", ...etcd } }];
            const absent: Firing[] = ["kube-scheduler", "kube-controller-manager", "kube-proxy"].map((job, i) => ({ alertname: CONTROL_PLANE_ALERTS[i + 1], labels: { severity: "critical", job } }));
            const expected = (firing: readonly Firing[]): AlertTest[] =>
                CONTROL_PLANE_ALERTS.map((alertname) => ({ eval_time: evalAt, alertname, exp_alerts: firing.filter((f) => f.alertname === alertname).map((f) => ({ exp_labels: f.labels })) }));
            const result = await promtoolTest(statedGroups, [
                { name: "the control plane's targets down", input_series: controlPlaneTargets.map((t) => ({ series: `up${selector(t)}`, values: "0x30" })), alert_rule_test: expected(down) },
                { name: "the control plane's targets absent", input_series: [], alert_rule_test: expected(absent) },
            ]);
            expect(result.code, result.stdout + result.stderr).toBe(0);
            // THEN prod's Alertmanager would page each as it fires: etcd's carries its Service's namespace, kube-system;
            // the *Down ones carry none, which prod, installing the cluster-wide parts, claims (as for KubeAPIDown and
            // KubeletDown, which fire the same way). Their absence from the rules is what keeps day one quiet.
            const am = PROD.monitoring.alertmanager;
            const config = writeAlertmanagerConfig(tempDir(), PROD, "http://127.0.0.1:9/unused");
            const routed = await Promise.all([...down, ...absent].map(async (a) => [a.alertname, (await routesTest(config, { alertname: a.alertname, ...a.labels })).receivers.join(",")]));
            expect(Object.fromEntries(routed)).toStrictEqual({
                etcdInsufficientMembers: `${am.pagerduty?.receiver},${am.slack.receiver}`,
                KubeSchedulerDown: `${am.pagerduty?.receiver},${am.slack.receiver}`,
                KubeControllerManagerDown: `${am.pagerduty?.receiver},${am.slack.receiver}`,
                KubeProxyDown: `${am.pagerduty?.receiver},${am.slack.receiver}`,
            });
        });
    });
});
