import type { HelmRelease } from "../helm";
import type { StackModel } from "../../model/schema";
import { configSecretName } from "./alertmanager";
import { ruleSelectorLabels } from "./rules";

/**
 * The chart's own `kube-prometheus-stack.fullname`: the release name (with `-kube-prometheus-stack`
 * unless it already contains the chart name) cut to 26 characters. Objects are named after it.
 */
export function kpsFullname(model: StackModel): string {
    const { releaseName, chart } = model.monitoring;
    const full = releaseName.includes(chart.chart) ? releaseName : `${releaseName}-${chart.chart}`;
    return full.slice(0, 26).replace(/-+$/, "");
}

/** In-cluster URL of the environment's Prometheus. */
export function prometheusUrl(model: StackModel): string {
    return `http://${kpsFullname(model)}-prometheus.${model.monitoring.namespace}.svc:9090`;
}

/** The Secret that holds Grafana's admin credentials. */
export function grafanaAdminSecretName(model: StackModel): string {
    return `${model.monitoring.releaseName}-grafana-admin`;
}

/** The kube-prometheus-stack release of the environment. */
export function monitoringRelease(model: StackModel): HelmRelease {
    const { monitoring } = model;
    const own = { matchLabels: ruleSelectorLabels(model) };
    return {
        name: monitoring.releaseName,
        namespace: monitoring.namespace,
        ...monitoring.chart,
        values: {
            crds: { upgradeJob: { enabled: false } },
            alertmanager: {
                // The exact path the chart reads: with any other key the operator silently
                // falls back to its own generated config.
                alertmanagerSpec: { configSecret: configSecretName(model) },
            },
            prometheus: {
                prometheusSpec: {
                    // Only this release's rules and monitors: dev and prod may share a cluster.
                    ruleSelectorNilUsesHelmValues: false,
                    ruleSelector: own,
                    serviceMonitorSelectorNilUsesHelmValues: false,
                    serviceMonitorSelector: own,
                    podMonitorSelectorNilUsesHelmValues: false,
                    podMonitorSelector: own,
                    probeSelectorNilUsesHelmValues: false,
                    probeSelector: own,
                    scrapeConfigSelectorNilUsesHelmValues: false,
                    scrapeConfigSelector: own,
                },
            },
            prometheusOperator: {
                // The webhook's certificates come from Helm hook Jobs, which Chart v4 would run
                // as plain objects on every update. Rules are checked with promtool before apply.
                admissionWebhooks: { enabled: false, patch: { enabled: false } },
                // The operator's TLS mounts the certificate those Jobs create: without them its
                // pod never starts (prometheus-community/helm-charts#6586).
                tls: { enabled: false },
            },
            grafana: {
                admin: { existingSecret: grafanaAdminSecretName(model), userKey: "admin-user", passwordKey: "admin-password" },
                // A Helm test hook: a Pod Chart v4 would create and leave behind.
                testFramework: { enabled: false },
            },
        },
    };
}
