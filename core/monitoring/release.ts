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
import { configSecretName } from "./alertmanager";

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

/** The cluster release: CRDs, the one operator that watches every namespace, and the exporters every Prometheus scrapes. */
export function clusterMonitoringRelease(monitoring: ClusterWideModel["monitoring"]): HelmRelease {
    return {
        name: monitoring.releaseName,
        namespace: monitoring.namespace,
        ...monitoring.chart,
        values: {
            // A Helm hook Job, which Chart v4 omits; the CRDs are applied with the release instead.
            // Stryker disable next-line ObjectLiteral: off by default in the pinned chart; set so an upgrade that turns it on cannot add the Job
            crds: { upgradeJob: { enabled: false } },
            prometheusOperator: OPERATOR_WITHOUT_HOOKS,
            // The environments' releases run these, each for itself.
            prometheus: { enabled: false },
            alertmanager: { enabled: false },
            grafana: { enabled: false },
            defaultRules: { create: false },
        },
    };
}

/**
 * The environment's release: its Prometheus (its own rules, and the monitors of its own release
 * and of the cluster release), its Alertmanager on the generated config, its Grafana.
 */
export function monitoringRelease(model: StackModel, cluster: ClusterView["monitoring"]): HelmRelease {
    const { monitoring } = model;
    // The exporters' and the kubelet's ServiceMonitors come with the cluster release.
    const ownAndCluster = { matchExpressions: [{ key: "release", operator: "In", values: [monitoring.releaseName, cluster.releaseName] }] };
    return {
        name: monitoring.releaseName,
        namespace: monitoring.namespace,
        ...monitoring.chart,
        values: {
            crds: { enabled: false },
            prometheusOperator: { enabled: false, ...OPERATOR_WITHOUT_HOOKS },
            kubeStateMetrics: { enabled: false },
            // The node dashboards still come with this release's Grafana.
            nodeExporter: { enabled: false, forceDeployDashboards: true },
            // The kubelet, API server, CoreDNS... monitors and their Services in kube-system.
            // The components themselves stay enabled: their default rules depend on it.
            kubernetesServiceMonitors: { enabled: false },
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
            prometheus: { prometheusSpec: { serviceMonitorSelector: ownAndCluster } },
            grafana: grafanaValues(model),
        },
    };
}
