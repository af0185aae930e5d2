/**
 * The two kinds of kube-prometheus-stack release, following the chart's guidance for several
 * releases in one cluster ("Multiple releases" in its README): one cluster release runs the
 * CRDs, the only prometheus-operator, node-exporter, kube-state-metrics and the kubelet Service;
 * each environment's release runs its own Prometheus, Alertmanager and Grafana and nothing else.
 */
import type { ClusterView } from "../../model/cluster";
import type { ClusterWideModel, IdentityProviderModel, StackModel } from "../../model/schema";
import { CLUSTER_ISSUER_ANNOTATION, exposedUrl } from "../exposure";
import type { HelmRelease } from "../helm";
import { mergeValues, type OwnedValue, releaseOf } from "../chartValues";
import { clusterMonitoringSizing, monitoringSizing } from "./sizing";
import { configSecretName } from "./alertmanager";
import { CONTROL_PLANE_OWNED_VALUES, type ControlPlaneProfile, controlPlaneValues } from "./controlPlane";

/**
 * The chart's own `kube-prometheus-stack.fullname`: the release name (with `-kube-prometheus-stack`
 * unless it already contains the chart name) cut to 26 characters, less one trailing '-' (Sprig's
 * trimSuffix). Objects are named after it.
 */
export function kpsFullname(release: { releaseName: string; chart: { chart: string } }): string {
    const { releaseName, chart } = release;
    const full = releaseName.includes(chart.chart) ? releaseName : `${releaseName}-${chart.chart}`;
    return full.slice(0, 26).replace(/-$/, "");
}

/** In-cluster URL of the environment's Prometheus. */
export function prometheusUrl(model: StackModel): string {
    return `http://${kpsFullname(model.monitoring)}-prometheus.${model.monitoring.namespace}.svc:9090`;
}

/** The Secret that holds Grafana's admin credentials. */
export function grafanaAdminSecretName(model: StackModel): string {
    return `${model.monitoring.releaseName}-grafana-admin`;
}

/** The Secret that holds Grafana's OAuth client secret, mounted as a file. */
export function grafanaOauthSecretName(model: StackModel): string {
    return `${model.monitoring.releaseName}-grafana-oauth`;
}

/** Grafana's Service, as its chart names it (`<release>-grafana`, port 80): where an HTTPRoute sends requests. */
export function grafanaService(model: StackModel): { name: string; port: number } {
    return { name: `${model.monitoring.releaseName}-grafana`, port: 80 };
}

/** The data key of the OAuth Secret, and where Grafana reads it: never a literal in grafana.ini. */
export const OAUTH_SECRET_KEY = "client-secret";
const OAUTH_MOUNT = "/etc/secrets/oauth";

/**
 * A JMESPath expression that maps the groups claim to Grafana's roles, as `role_attribute_path`
 * takes it: Admin for any of `admin`, Editor for any of `editor`, Viewer otherwise.
 */
export function roleAttributePath(groupsClaim: string, roles: { admin: readonly string[]; editor: readonly string[] }): string {
    // The claim as a quoted identifier (it may hold ':' or '-'), each group as a raw string literal.
    const anyOf = (groups: readonly string[]) => `(${groups.map((g) => `contains(${JSON.stringify(groupsClaim)}[*], '${g.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}')`).join(" || ")})`;
    const tiers = (
        [
            [roles.admin, "Admin"],
            [roles.editor, "Editor"],
        ] as const
    ).filter(([groups]) => groups.length > 0);
    return [...tiers.map(([groups, role]) => `${anyOf(groups)} && '${role}'`), "'Viewer'"].join(" || ");
}

/** grafana.ini's generic OAuth section: the identity provider's endpoints, the client secret read from the mounted file. */
function genericOauth(grafana: StackModel["monitoring"]["grafana"], idp: IdentityProviderModel): Record<string, unknown> {
    const sso = grafana.sso as NonNullable<typeof grafana.sso>;
    return {
        enabled: true,
        name: "SSO",
        allow_sign_up: true,
        use_pkce: true,
        client_id: sso.clientId,
        client_secret: `$__file{${OAUTH_MOUNT}/${OAUTH_SECRET_KEY}}`,
        scopes: idp.scopes.join(" "),
        auth_url: idp.authorizationUrl,
        token_url: idp.tokenUrl,
        api_url: idp.userInfoUrl,
        groups_attribute_path: JSON.stringify(idp.groupsClaim),
        role_attribute_path: roleAttributePath(idp.groupsClaim, sso.roles),
    };
}

/** The Grafana values of an environment's release: its admin Secret, its dashboards, its address and its single sign-on. */
function grafanaValues(model: StackModel): Record<string, unknown> {
    const { grafana } = model.monitoring;
    const { expose } = grafana;
    const sso = grafana.sso && model.identityProvider ? { "auth.generic_oauth": genericOauth(grafana, model.identityProvider) } : {};
    return {
        // Under the chart's default keys, admin-user and admin-password, as components/monitoring.ts seals them.
        admin: { existingSecret: grafanaAdminSecretName(model) },
        // Dashboards of this release only: the chart's default (ALL) would load every
        // environment's copies of the same dashboards.
        sidecar: { dashboards: { searchNamespace: model.monitoring.namespace } },
        // A Helm test hook, which Chart v4 omits.
        // Stryker disable next-line ObjectLiteral,BooleanLiteral: the vendored grafana chart ships no test templates to render; the released one does
        testFramework: { enabled: false },
        ingress: expose.ingress
            ? {
                  enabled: true,
                  ingressClassName: expose.ingress.className,
                  hosts: [expose.host],
                  tls: [{ secretName: `${model.monitoring.releaseName}-grafana-tls`, hosts: [expose.host] }],
                  annotations: { [CLUSTER_ISSUER_ANNOTATION]: expose.clusterIssuer },
              }
            : { enabled: false },
        "grafana.ini": { server: { root_url: exposedUrl(expose) }, ...sso },
        ...(grafana.sso ? { extraSecretMounts: [{ name: "oauth-client", secretName: grafanaOauthSecretName(model), mountPath: OAUTH_MOUNT, readOnly: true }] } : {}),
    };
}

/** The operator's webhooks and TLS, off in every release. */
const OPERATOR_WITHOUT_HOOKS = {
    // The webhook's certificates come from Helm hook Jobs, which Chart v4 omits: the webhook would
    // never get its certificate. Rules are checked with promtool before apply instead.
    admissionWebhooks: { enabled: false },
    // The operator's TLS mounts the certificate those Jobs create: without them its pod never
    // starts (prometheus-community/helm-charts#6586).
    tls: { enabled: false },
};

/** The cluster release's values the program sets (core/chartValues.ts): a model's `values` may not touch them. */
export const CLUSTER_MONITORING_OWNED_VALUES: readonly OwnedValue[] = [
    { path: ["crds", "upgradeJob"], why: "it is a Helm hook Job, which Chart v4 drops; the CRDs are applied with the release" },
    { path: ["prometheusOperator", "admissionWebhooks"], why: "the webhook's certificate would come from Helm hook Jobs, which Chart v4 drops; rules are checked with promtool instead" },
    { path: ["prometheusOperator", "tls"], why: "the operator's TLS mounts the certificate those hook Jobs would make" },
    ...["prometheus", "alertmanager", "grafana"].map((part) => ({ path: [part, "enabled"], why: "each environment's release runs its own; the cluster release runs the operator and the exporters only" })),
    { path: ["defaultRules", "create"], why: "each environment's release loads the default rules into its own Prometheus" },
    ...CONTROL_PLANE_OWNED_VALUES,
];

/** An environment release's values the program sets (core/chartValues.ts): `monitoring.values` may not touch them. */
export const MONITORING_OWNED_VALUES: readonly OwnedValue[] = [
    { path: ["alertmanager", "alertmanagerSpec", "configSecret"], why: "Alertmanager reads the config the program generates from monitoring.alertmanager and seals into alertmanager-config-<env>" },
    { path: ["alertmanager", "alertmanagerSpec", "useExistingSecret"], why: "the chart's own config Secret would be unused" },
    ...["config", "stringConfig", "tplConfig"].map((key) => ({ path: ["alertmanager", key], why: "the Alertmanager config is generated from monitoring.alertmanager" })),
    { path: ["crds"], why: "the cluster release applies the CRDs, once" },
    { path: ["prometheusOperator"], why: "the cluster release runs the one operator" },
    ...["kubeStateMetrics", "nodeExporter", "kubernetesServiceMonitors"].map((part) => ({ path: [part, "enabled"], why: "the cluster release runs the exporters and their monitors, once for every environment" })),
    { path: ["prometheus", "prometheusSpec", "serviceMonitorSelector"], why: "each monitor is scraped by exactly one Prometheus: this release's and the cluster release's" },
    { path: ["grafana", "admin"], why: "Grafana's admin is the program's SealedSecret" },
    { path: ["grafana", "ingress"], why: "Grafana's address is monitoring.grafana.expose" },
    { path: ["grafana", "grafana.ini", "server", "root_url"], why: "Grafana's address is monitoring.grafana.expose" },
    { path: ["grafana", "grafana.ini", "auth.generic_oauth"], why: "single sign-on is monitoring.grafana.sso" },
    { path: ["grafana", "extraSecretMounts"], why: "it mounts the OAuth client secret of monitoring.grafana.sso" },
    { path: ["grafana", "sidecar", "dashboards", "searchNamespace"], why: "Grafana loads the dashboards of its own environment only" },
    ...["label", "labelValue"].map((key) => ({ path: ["grafana", "sidecar", "dashboards", key], why: "the platform's dashboards are ConfigMaps the sidecar finds by the chart's default label" })),
    { path: ["grafana", "sidecar", "datasources", "uid"], why: "the platform's dashboards query the Prometheus data source by its uid" },
    ...CONTROL_PLANE_OWNED_VALUES,
];

/**
 * The cluster release: CRDs, the one operator that watches every namespace, and the exporters
 * every Prometheus scrapes, with the monitors of the control-plane components the cluster's
 * profile says can be scraped (core/monitoring/controlPlane.ts).
 */
export function clusterMonitoringRelease(monitoring: ClusterWideModel["monitoring"], model: { readonly cluster: ControlPlaneProfile }): HelmRelease {
    return releaseOf(monitoring, mergeValues(clusterMonitoringSizing(monitoring), {
        // A Helm hook Job, which Chart v4 omits; the CRDs are applied with the release instead.
        // Stryker disable next-line ObjectLiteral: off by default in the pinned chart; set so an upgrade that turns it on cannot add the Job
        crds: { upgradeJob: { enabled: false } },
        prometheusOperator: OPERATOR_WITHOUT_HOOKS,
        // The environments' releases run these, each for itself.
        prometheus: { enabled: false },
        alertmanager: { enabled: false },
        grafana: { enabled: false },
        defaultRules: { create: false },
        // The Services, Endpoints and ServiceMonitors of etcd, the scheduler, the controller manager and kube-proxy.
        ...controlPlaneValues(model.cluster),
    }));
}

/**
 * On a spoke of a fleet, every series and alert its Prometheus sends carries the cluster's name
 * (external labels are added to alerts sent to Alertmanager:
 * https://prometheus.io/docs/prometheus/latest/configuration/configuration/#configuration-file),
 * so that a page says which cluster of the fleet it is about. Elsewhere nothing is added.
 */
function clusterExternalLabels(model: StackModel): { externalLabels?: Record<string, string> } {
    return model.fleet?.role === "spoke" ? { externalLabels: { cluster: model.cluster.name } } : {};
}

/**
 * The environment's release: its Prometheus (its own rules, and the monitors of its own release
 * and of the cluster release), its Alertmanager on the generated config, its Grafana.
 */
export function monitoringRelease(model: StackModel, cluster: ClusterView["monitoring"]): HelmRelease {
    const { monitoring } = model;
    // The exporters' and the kubelet's ServiceMonitors come with the cluster release.
    const ownAndCluster = { matchExpressions: [{ key: "release", operator: "In", values: [monitoring.releaseName, cluster.releaseName] }] };
    return releaseOf(monitoring, mergeValues(monitoringSizing(model), {
        crds: { enabled: false },
        prometheusOperator: { enabled: false, ...OPERATOR_WITHOUT_HOOKS },
        kubeStateMetrics: { enabled: false },
        // The node dashboards still come with this release's Grafana.
        nodeExporter: { enabled: false, forceDeployDashboards: true },
        // The kubelet, API server, CoreDNS... monitors and their Services in kube-system.
        // The components themselves stay enabled: their default rules depend on it.
        kubernetesServiceMonitors: { enabled: false },
        // But those of the control plane only where the cluster release scrapes them: their
        // rules would otherwise fire on absent targets (core/monitoring/controlPlane.ts).
        ...controlPlaneValues(model.cluster),
        alertmanager: {
            alertmanagerSpec: {
                // The exact path the chart reads: with any other key the operator silently
                // falls back to its own generated config.
                configSecret: configSecretName(model),
                // The chart's own config Secret would be unused.
                useExistingSecret: true,
            },
        },
        // Only this release's rules, pod monitors, probes and scrape configs, which is the chart's
        // default (label release=<release>, see ruleSelectorLabels): another environment may share the cluster.
        prometheus: { prometheusSpec: { serviceMonitorSelector: ownAndCluster, ...clusterExternalLabels(model) } },
        grafana: grafanaValues(model),
    }));
}
