/**
 * Which of the control plane's components the cluster's monitoring scrapes, and therefore alerts
 * on. kube-prometheus-stack scrapes etcd, kube-scheduler, kube-controller-manager and kube-proxy
 * by default, and ships critical alerts for each that fire when its target is absent or down
 * (`KubeSchedulerDown` is `absent(up{job="kube-scheduler"} == 1)`): on a cluster that does not
 * serve a component's metrics where the chart's Service reaches them they page from the first
 * day, for ever (prometheus-community/helm-charts#4106 on EKS, #1236 on kubeadm). So the platform
 * scrapes a component only where the cluster's profile says it serves its metrics
 * (`cluster.controlPlaneMetrics`), and by default none, on every distribution; why, for each, is
 * in `DEFAULTS` below, with its sources.
 *
 * In the chart one switch per component (`kubeEtcd.enabled`...) renders its Service, Endpoints
 * and ServiceMonitor (templates/exporters/kube-*), its rule groups (templates/prometheus/rules-1.14:
 * etcd.yaml, kube-scheduler.rules.yaml, kubernetes-system-scheduler.yaml,
 * kubernetes-system-controller-manager.yaml, kubernetes-system-kube-proxy.yaml each test it beside
 * their `defaultRules.rules.*` switch) and its Grafana dashboard; the switch alone is enough. The
 * cluster release holds the monitors, each environment's release the rules, so both take the
 * same switches from the one profile that stacks sharing a cluster agree on.
 */
import type { ProblemCollector } from "../../model/problems";
import { CONTROL_PLANE_COMPONENTS, type DISTRIBUTIONS, type StackModel } from "../../model/schema";
import type { OwnedValue } from "../chartValues";

export type ControlPlaneComponent = (typeof CONTROL_PLANE_COMPONENTS)[number];
export type Distribution = (typeof DISTRIBUTIONS)[number];

/** What decides what is scraped: the profile's distribution, and the components it states the cluster exposes. */
export interface ControlPlaneProfile {
    readonly distribution: Distribution;
    readonly controlPlaneMetrics?: readonly ControlPlaneComponent[];
}

/** The chart's key of each component's switch. */
export const CHART_KEYS: Readonly<Record<ControlPlaneComponent, string>> = {
    etcd: "kubeEtcd",
    scheduler: "kubeScheduler",
    controllerManager: "kubeControllerManager",
    proxy: "kubeProxy",
};

/** How a component is named in messages. */
const NAMES: Readonly<Record<ControlPlaneComponent, string>> = { etcd: "etcd", scheduler: "kube-scheduler", controllerManager: "kube-controller-manager", proxy: "kube-proxy" };

/** The distributions whose control plane the provider runs, out of the cluster's reach. */
const MANAGED: ReadonlySet<Distribution> = new Set(["eks", "gke", "aks"]);
/** The components a managed control plane never serves to the cluster: the provider runs them on its own machines. */
const IN_THE_PROVIDERS_CONTROL_PLANE: ReadonlySet<ControlPlaneComponent> = new Set(["etcd", "scheduler", "controllerManager"]);

// kubeadm (and kind, which runs it: its kubeadm config, kind pkg/cluster/internal/kubeadm/config.go,
// changes none of these on IPv4; an IPv6 cluster's controller manager binds "::") starts etcd
// with --listen-metrics-urls=http://127.0.0.1:2381 and the scheduler and controller manager with
// --bind-address=127.0.0.1; the chart's Service reaches the node's address, where nothing listens (prometheus-community/helm-charts#1236,
// prometheus-operator/kube-prometheus#718, kubernetes/kubeadm#2244). kube-proxy serves its
// metrics on its metricsBindAddress, 127.0.0.1:10249 unless configured (kube-proxy's
// KubeProxyConfiguration reference; kubernetes/kubernetes#74011).
const kubeadm = (who: string): Record<ControlPlaneComponent, string> => ({
    etcd: `${who} starts etcd with its metrics on http://127.0.0.1:2381 only (--listen-metrics-urls), not on the node's address the chart's Service reaches (prometheus-community/helm-charts#1236)`,
    scheduler: `${who} starts kube-scheduler with --bind-address=127.0.0.1: its metrics port 10259 is not on the node's address (prometheus-operator/kube-prometheus#718)`,
    controllerManager: `${who} starts kube-controller-manager with --bind-address=127.0.0.1: its metrics port 10257 is not on the node's address (prometheus-operator/kube-prometheus#718)`,
    proxy: "kube-proxy serves its metrics on 127.0.0.1:10249 unless its metricsBindAddress says otherwise (KubeProxyConfiguration; kubernetes/kubernetes#74011)",
});

// A managed control plane runs etcd, the scheduler and the controller manager on the provider's
// machines: no pod and no address of the cluster serves their metrics (EKS: aws/containers-roadmap#1298,
// prometheus-community/helm-charts#4106 and #3368; EKS offers some through the API server's
// metrics.eks.amazonaws.com paths, docs.aws.amazon.com/eks/latest/userguide/view-raw-metrics.html,
// which the chart's monitors do not scrape; GKE sends them to Cloud Monitoring,
// cloud.google.com/kubernetes-engine/docs/how-to/control-plane-metrics; AKS to Azure Monitor's
// managed Prometheus only, learn.microsoft.com/azure/aks/monitor-control-plane-metrics).
// kube-proxy runs on the nodes, where it serves its metrics on 127.0.0.1:10249 (EKS's add-on:
// aws/containers-roadmap#657), or not at all (GKE Dataplane V2, AKS with Cilium replace it).
const managed = (provider: string): Record<ControlPlaneComponent, string> => ({
    etcd: `${provider} runs etcd in its own control plane, which serves its metrics to no pod of the cluster (prometheus-community/helm-charts#3368)`,
    scheduler: `${provider} runs kube-scheduler in its own control plane, which serves its metrics to no pod of the cluster (prometheus-community/helm-charts#4106)`,
    controllerManager: `${provider} runs kube-controller-manager in its own control plane, which serves its metrics to no pod of the cluster (prometheus-community/helm-charts#4106)`,
    proxy: `kube-proxy runs on ${provider}'s nodes, with its metrics on 127.0.0.1:10249 unless its metricsBindAddress says otherwise (KubeProxyConfiguration; on EKS aws/containers-roadmap#657), if at all (a Cilium data plane replaces it)`,
});

/** Why each component is not scraped by default, per distribution. */
export const DEFAULTS: Readonly<Record<Distribution, Readonly<Record<ControlPlaneComponent, string>>>> = {
    kind: kubeadm("kind (through kubeadm)"),
    kubeadm: kubeadm("kubeadm"),
    // k3s runs every component inside its own process: no pod the chart's Service could select
    // (k3s-io/k3s#3619), bound to 127.0.0.1 unless given --kube-*-arg bind-address; embedded etcd
    // serves metrics only with --etcd-expose-metrics (default false, docs.k3s.io/cli/server), and
    // with the default SQLite datastore there is no etcd at all.
    k3s: {
        etcd: "k3s exposes its embedded etcd's metrics only with --etcd-expose-metrics (default false, docs.k3s.io/cli/server), and a k3s on SQLite has no etcd",
        scheduler: "k3s runs kube-scheduler inside its own process, bound to 127.0.0.1 and in no pod the chart's Service could select (k3s-io/k3s#3619)",
        controllerManager: "k3s runs kube-controller-manager inside its own process, bound to 127.0.0.1 and in no pod the chart's Service could select (k3s-io/k3s#3619)",
        proxy: "k3s runs kube-proxy inside its own process, with its metrics on 127.0.0.1:10249 (k3s-io/k3s#3619)",
    },
    eks: managed("EKS"),
    gke: managed("GKE"),
    aks: managed("AKS"),
    // Nothing is known of such a control plane: scraping what it may not serve would page for
    // ever, while a component stated in cluster.controlPlaneMetrics is scraped.
    other: Object.fromEntries(CONTROL_PLANE_COMPONENTS.map((c) => [c, "the distribution is other, whose control plane the platform knows nothing of: a component it does not serve would page for ever"])) as Record<ControlPlaneComponent, string>,
};

/** One component: whether the cluster's monitoring scrapes it (and so alerts on it), and why. */
export interface ControlPlaneScrape {
    readonly component: ControlPlaneComponent;
    readonly scraped: boolean;
    readonly why: string;
}

/** What the monitoring of a cluster of this profile scrapes of its control plane, component by component. */
export function controlPlaneScrapes(profile: ControlPlaneProfile): ControlPlaneScrape[] {
    // Stryker disable next-line ArrayDeclaration: a list of anything but components states none
    const stated = new Set(profile.controlPlaneMetrics ?? []);
    return CONTROL_PLANE_COMPONENTS.map((component) =>
        stated.has(component)
            ? { component, scraped: true, why: "cluster.controlPlaneMetrics states the cluster serves its metrics beyond the node's loopback" }
            : { component, scraped: false, why: DEFAULTS[profile.distribution][component] },
    );
}

/** The chart's switch of each component (`kubeEtcd: { enabled }`...), for both kinds of monitoring release. */
export function controlPlaneValues(profile: ControlPlaneProfile): Record<string, { enabled: boolean }> {
    return Object.fromEntries(controlPlaneScrapes(profile).map((s) => [CHART_KEYS[s.component], { enabled: s.scraped }]));
}

/** The switches as values the program owns: a release's `values` may not turn on what cannot be scraped, nor off what is stated. */
export const CONTROL_PLANE_OWNED_VALUES: readonly OwnedValue[] = CONTROL_PLANE_COMPONENTS.map((component) => ({
    path: [CHART_KEYS[component], "enabled"],
    why: `whether ${NAMES[component]} is scraped and alerted on follows the cluster's profile: list it in cluster.controlPlaneMetrics where the cluster serves its metrics beyond the node's loopback, and leave it out where not (its critical alerts would fire for ever)`,
}));

/**
 * `cluster.controlPlaneMetrics` against the distribution: no component a managed control plane
 * keeps to itself, none twice, and on k3s, where no component is a pod, the addresses the
 * cluster release's Service must reach it at.
 */
export function checkControlPlaneMetrics(model: StackModel, problems: ProblemCollector): void {
    const { distribution, controlPlaneMetrics = [] } = model.cluster;
    controlPlaneMetrics.forEach((component, i) => {
        const at = `cluster.controlPlaneMetrics[${i}]`;
        if (controlPlaneMetrics.indexOf(component) !== i) {
            problems.add(at, `"${component}" is listed twice; remove this one`);
        } else if (MANAGED.has(distribution) && IN_THE_PROVIDERS_CONTROL_PLANE.has(component)) {
            problems.add(
                at,
                `is "${component}", but ${DEFAULTS[distribution][component]}: it can never be scraped, and its critical alerts would fire for ever; remove it (on ${distribution} only "proxy" can be listed, where kube-proxy serves its metrics on the node's address)`,
            );
        } else if (distribution === "k3s" && model.clusterWide) {
            const key = CHART_KEYS[component];
            const endpoints = (model.clusterWide.monitoring.values[key] as { endpoints?: unknown } | undefined)?.endpoints;
            if (!Array.isArray(endpoints) || endpoints.length === 0) {
                problems.add(
                    at,
                    `is "${component}", but k3s runs ${NAMES[component]} inside its own process, in no pod the chart's Service could select (k3s-io/k3s#3619), so its target would be absent and its alerts fire; list the addresses of the nodes that run it in clusterWide.monitoring.values.${key}.endpoints, or remove it`,
                );
            }
        }
    });
}
