/**
 * The platform watching itself, from the stack that installs the cluster-wide parts: its
 * environment's Prometheus scrapes Argo CD, Argo Rollouts, sealed-secrets and cert-manager through
 * ServiceMonitors of the program's own (Argo CD's chart renders its ServiceMonitors only where the
 * cluster serves their API already, which a first `pulumi up` does not: Chart v4 sets Helm's API
 * versions from the cluster's discovery; the other charts render theirs unguarded, but are installed
 * before the CRD), loads their alerts, and its Grafana shows their dashboards.
 * Only that Prometheus selects them (label `release` = its release): no target is scraped twice.
 */
import type { ClusterWideModel, StackModel } from "../../model/schema";
import { environmentLabels, type KubeObject } from "../objects";
import { type AlertingRule, type RuleGroup, ruleSelectorLabels } from "./rules";

/** A metrics Service of a cluster-wide part, as its chart labels it. */
export interface ScrapeTarget {
    /** The component, as alerts and dashboards name it. */
    readonly component: string;
    readonly namespace: string;
    /** The Service's name: Prometheus's `job` label of its targets. */
    readonly service: string;
    readonly matchLabels: Readonly<Record<string, string>>;
    readonly port: string;
}

/** The metrics Services the cluster-wide parts' charts render (their labels as the pinned charts set them); Argo CD's where the model has it (not on a fleet spoke). */
export function scrapeTargets(clusterWide: ClusterWideModel): ScrapeTarget[] {
    const { argocd, rollouts, sealedSecrets, certManager } = clusterWide;
    const argo = (component: string, service: string, name: string, componentLabel?: string): ScrapeTarget[] =>
        argocd
            ? [
                  {
                      component,
                      namespace: argocd.namespace,
                      service,
                      matchLabels: { "app.kubernetes.io/instance": argocd.releaseName, "app.kubernetes.io/name": name, ...(componentLabel ? { "app.kubernetes.io/component": componentLabel } : {}) },
                      port: "http-metrics",
                  },
              ]
            : [];
    return [
        ...argo("argocd-application-controller", "argocd-application-controller-metrics", "argocd-metrics", "application-controller"),
        ...argo("argocd-applicationset-controller", "argocd-applicationset-controller-metrics", "argocd-metrics", "applicationset-controller"),
        ...argo("argocd-notifications-controller", "argocd-notifications-controller-metrics", "argocd-metrics", "notifications-controller"),
        ...argo("argocd-server", "argocd-server-metrics", "argocd-server-metrics"),
        ...argo("argocd-repo-server", "argocd-repo-server-metrics", "argocd-repo-server-metrics"),
        {
            component: "argo-rollouts",
            namespace: rollouts.namespace,
            service: "argo-rollouts-metrics",
            matchLabels: { "app.kubernetes.io/instance": rollouts.releaseName, "app.kubernetes.io/name": "argo-rollouts", "app.kubernetes.io/component": "rollouts-controller" },
            port: "metrics",
        },
        {
            component: "sealed-secrets",
            namespace: sealedSecrets.namespace,
            service: "sealed-secrets-controller-metrics",
            matchLabels: { "app.kubernetes.io/instance": sealedSecrets.releaseName, "app.kubernetes.io/name": "sealed-secrets", "app.kubernetes.io/component": "metrics" },
            port: "metrics",
        },
        {
            component: "cert-manager",
            namespace: certManager.namespace,
            service: "cert-manager",
            matchLabels: { "app.kubernetes.io/instance": certManager.releaseName, "app.kubernetes.io/name": "cert-manager", "app.kubernetes.io/component": "controller" },
            port: "http-metrics",
        },
    ];
}

/** What selects an object for this environment's Prometheus only: the chart's selectors match `release`. */
function ownRelease(model: StackModel): Record<string, string> {
    return { ...environmentLabels(model.environment, "platform-monitoring"), ...ruleSelectorLabels(model) };
}

/** One ServiceMonitor per scrape target, in the environment's monitoring namespace. */
export function platformServiceMonitors(model: StackModel, clusterWide: ClusterWideModel): KubeObject[] {
    return scrapeTargets(clusterWide).map((t) => ({
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: `platform-${t.component}`, namespace: model.monitoring.namespace, labels: ownRelease(model) },
        spec: { selector: { matchLabels: { ...t.matchLabels } }, namespaceSelector: { matchNames: [t.namespace] }, endpoints: [{ port: t.port, interval: "30s" }] },
    }));
}

/** A warning: what fires, and the summary and description it says. */
function warning(rule: Pick<AlertingRule, "alert" | "expr" | "for">, summary: string, description: string): AlertingRule {
    return { ...rule, labels: { severity: "warning" }, annotations: { summary, description } };
}

/** Argo CD's applications, where the stack installs it (a fleet spoke's are the hub's to watch). */
function argocdAlertGroup(): RuleGroup {
    return {
        name: "platform-argocd",
        rules: [
            warning({ alert: "ArgoCdApplicationOutOfSync", expr: 'max by (namespace, name, project, dest_namespace) (argocd_app_info{sync_status="OutOfSync"}) == 1', for: "30m" }, "Application {{ $labels.name }} is out of sync", "Argo CD application {{ $labels.name }} (project {{ $labels.project }}, into {{ $labels.dest_namespace }}) has differed from Git for 30 minutes."),
            warning({ alert: "ArgoCdApplicationUnhealthy", expr: 'max by (namespace, name, project, dest_namespace, health_status) (argocd_app_info{health_status=~"Degraded|Missing"}) == 1', for: "15m" }, "Application {{ $labels.name }} is {{ $labels.health_status }}", "Argo CD application {{ $labels.name }} (into {{ $labels.dest_namespace }}) has been {{ $labels.health_status }} for 15 minutes."),
            warning({ alert: "ArgoCdSyncFailed", expr: 'sum by (namespace, name, project) (increase(argocd_app_sync_total{phase=~"Error|Failed"}[10m])) > 0' }, "Application {{ $labels.name }} failed to sync", "A sync of Argo CD application {{ $labels.name }} (project {{ $labels.project }}) ended in error in the last 10 minutes."),
        ],
    };
}

/**
 * The platform's alerts. Each keeps the `namespace` of the part it is about (the scraped
 * Service's), by which the environment's Alertmanager routes it to its receivers; the namespace
 * of the application, rollout or certificate concerned is `exported_namespace`.
 */
export function platformAlertGroups(clusterWide: ClusterWideModel): RuleGroup[] {
    const down = scrapeTargets(clusterWide).map((t) => ({
        alert: "PlatformComponentDown",
        // Every target down, or none at all: either keeps the job and namespace labels the alert is routed by
        // (absent() of a comparison would keep none).
        expr: `sum by (namespace, job) (up{job="${t.service}", namespace="${t.namespace}"}) == 0 or absent(up{job="${t.service}", namespace="${t.namespace}"})`,
        for: "5m",
        labels: { severity: "critical", component: t.component },
        annotations: { summary: `${t.component} is down`, description: `Prometheus has had no ${t.component} target up in ${t.namespace} for 5 minutes: check its pods (kubectl -n ${t.namespace} get pods) and their logs.` },
    }));
    return [
        { name: "platform-components", rules: down },
        ...(clusterWide.argocd ? [argocdAlertGroup()] : []),
        {
            name: "platform-rollouts",
            rules: [
                warning({ alert: "ArgoRolloutAborted", expr: 'max by (namespace, exported_namespace, name) (rollout_info{phase="Degraded"}) == 1', for: "1m" }, "Rollout {{ $labels.name }} is aborted", "Rollout {{ $labels.name }} in {{ $labels.exported_namespace }} is Degraded: aborted, or failing its analysis. Retry or promote it with kubectl argo rollouts."),
            ],
        },
        {
            name: "platform-sealed-secrets",
            rules: [
                warning({ alert: "SealedSecretsUnsealFailing", expr: "sum by (namespace, reason) (increase(sealed_secrets_controller_unseal_errors_total[10m])) > 0" }, "SealedSecrets fail to unseal ({{ $labels.reason }})", "The sealed-secrets controller failed to unseal in the last 10 minutes ({{ $labels.reason }}): a workload waits for its Secret. kubectl get sealedsecrets -A shows which, in its Synced condition."),
            ],
        },
        {
            name: "platform-cert-manager",
            rules: [
                warning({ alert: "CertificateNotReady", expr: 'max by (namespace, exported_namespace, name) (certmanager_certificate_ready_status{condition="False"}) == 1', for: "15m" }, "Certificate {{ $labels.name }} is not ready", "Certificate {{ $labels.name }} in {{ $labels.exported_namespace }} has not been ready for 15 minutes: kubectl describe certificate shows why."),
                ...[
                    ["warning", 7],
                    ["critical", 1],
                ].map(([severity, days]) => ({
                    alert: "CertificateExpiringSoon",
                    expr: `min by (namespace, exported_namespace, name) (certmanager_certificate_expiration_timestamp_seconds) - time() < ${days} * 86400`,
                    for: "1h",
                    labels: { severity: String(severity) },
                    annotations: { summary: `Certificate {{ $labels.name }} expires within ${days === 1 ? "a day" : `${days} days`}`, description: "cert-manager renews a certificate a third of its life before it ends: this one was not renewed. kubectl describe certificate and its CertificateRequest show why." },
                })),
            ],
        },
    ];
}

/** The platform's alerts as a PrometheusRule that only this environment's Prometheus loads. */
export function platformRules(model: StackModel, clusterWide: ClusterWideModel): KubeObject {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "platform-alerts", namespace: model.monitoring.namespace, labels: ownRelease(model) },
        spec: { groups: platformAlertGroups(clusterWide) },
    };
}
