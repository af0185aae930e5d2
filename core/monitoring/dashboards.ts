/**
 * Grafana dashboards of the platform's parts, as code: each a ConfigMap the dashboard sidecar of
 * the environment's Grafana loads (label `grafana_dashboard: "1"` in its namespace, the chart's
 * defaults), querying the Prometheus data source kube-prometheus-stack provisions.
 */
import type { ClusterWideModel, StackModel } from "../../model/schema";
import { environmentLabels, type KubeObject } from "../objects";

/** The data source kube-prometheus-stack provisions in Grafana (`grafana.sidecar.datasources.uid`). */
export const PROMETHEUS_DATASOURCE_UID = "prometheus";
/** The label the dashboard sidecar loads ConfigMaps by (`grafana.sidecar.dashboards.label` and `labelValue`). */
export const DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;

/** A time series panel: its title, query and legend. */
export interface Panel {
    readonly title: string;
    readonly expr: string;
    readonly legend: string;
}

export interface Dashboard {
    /** The cluster-wide part it shows (`clusterWide.<part>`): where the model has none (a fleet spoke's Argo CD), it has no dashboard. */
    readonly part: keyof ClusterWideModel;
    /** Its uid, and the suffix of its ConfigMap's name. */
    readonly uid: string;
    readonly title: string;
    readonly panels: readonly Panel[];
}

const panel = (title: string, expr: string, legend: string): Panel => ({ title, expr, legend });
const dashboard = (part: keyof ClusterWideModel, uid: string, title: string, panels: readonly Panel[]): Dashboard => ({ part, uid, title, panels });

/** The dashboards: what someone on call looks at first for each part. */
export const PLATFORM_DASHBOARDS: readonly Dashboard[] = [
    dashboard("argocd", "platform-argocd", "Platform / Argo CD", [
        panel("Applications by sync status", "sum by (sync_status) (argocd_app_info)", "{{sync_status}}"),
        panel("Applications by health", "sum by (health_status) (argocd_app_info)", "{{health_status}}"),
        panel("Syncs by result", "sum by (phase) (increase(argocd_app_sync_total[5m]))", "{{phase}}"),
        panel("Reconciliation time (p95)", "histogram_quantile(0.95, sum by (le) (rate(argocd_app_reconcile_bucket[5m])))", "p95"),
        panel("Git requests", "sum by (request_type) (rate(argocd_git_request_total[5m]))", "{{request_type}}"),
        panel("Components up", 'up{job=~"argocd-.*"}', "{{job}}"),
    ]),
    dashboard("rollouts", "platform-argo-rollouts", "Platform / Argo Rollouts", [
        panel("Rollouts by phase", "sum by (phase) (rollout_info)", "{{phase}}"),
        panel("Unavailable replicas", "sum by (exported_namespace, name) (rollout_info_replicas_unavailable)", "{{exported_namespace}}/{{name}}"),
        panel("Reconciliation errors", "sum(rate(rollout_reconcile_error[5m]))", "errors"),
    ]),
    dashboard("sealedSecrets", "platform-sealed-secrets", "Platform / sealed-secrets", [
        panel("Unseal requests", "sum(rate(sealed_secrets_controller_unseal_requests_total[5m]))", "requests"),
        panel("Unseal errors by reason", "sum by (reason) (rate(sealed_secrets_controller_unseal_errors_total[5m]))", "{{reason}}"),
        panel("Controller up", 'up{job="sealed-secrets-controller-metrics"}', "{{pod}}"),
    ]),
    dashboard("certManager", "platform-cert-manager", "Platform / cert-manager", [
        panel("Certificates not ready", 'sum by (exported_namespace, name) (certmanager_certificate_ready_status{condition="False"})', "{{exported_namespace}}/{{name}}"),
        panel("Days until expiry", "min by (exported_namespace, name) (certmanager_certificate_expiration_timestamp_seconds - time()) / 86400", "{{exported_namespace}}/{{name}}"),
        panel("ACME requests by status", "sum by (status) (rate(certmanager_http_acme_client_request_count[5m]))", "{{status}}"),
    ]),
];

/** A dashboard in Grafana's JSON model: one time series panel per query, two to a row. */
export function dashboardJson(dashboard: Dashboard): Record<string, unknown> {
    return {
        uid: dashboard.uid,
        title: dashboard.title,
        tags: ["platform"],
        editable: false,
        schemaVersion: 39,
        time: { from: "now-6h", to: "now" },
        refresh: "1m",
        panels: dashboard.panels.map((panel, i) => ({
            id: i + 1,
            type: "timeseries",
            title: panel.title,
            gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
            datasource: { type: "prometheus", uid: PROMETHEUS_DATASOURCE_UID },
            targets: [{ refId: "A", expr: panel.expr, legendFormat: panel.legend, datasource: { type: "prometheus", uid: PROMETHEUS_DATASOURCE_UID } }],
        })),
    };
}

/** Each dashboard of a part the model installs as a ConfigMap in the environment's monitoring namespace, which only its Grafana loads. */
export function platformDashboards(model: StackModel): KubeObject[] {
    return PLATFORM_DASHBOARDS.filter((d) => model.clusterWide?.[d.part] !== undefined).map((dashboard) => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: dashboard.uid, namespace: model.monitoring.namespace, labels: { ...environmentLabels(model.environment, "platform-monitoring"), ...DASHBOARD_LABEL } },
        data: { [`${dashboard.uid}.json`]: JSON.stringify(dashboardJson(dashboard), null, 2) },
    }));
}
