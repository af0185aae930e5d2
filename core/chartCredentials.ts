/**
 * The values of the pinned charts that are credentials: each is written by the chart into a
 * Secret (or a configuration file it mounts), so given through a model's `values` it would sit in
 * plaintext in the Pulumi state, every preview and the render. Each was found in the chart's own
 * templates (the Secrets they render from `.Values`), not guessed from its name; the check refuses
 * them with what to use instead.
 */
import type { ValuesProblem } from "./chartValues";

/**
 * A credential of a chart: its key path (`*` is any one key or list item, `**` any run of them),
 * what to use instead, and, where a reference to a secret kept elsewhere may stand in its place,
 * the form of one.
 */
export interface CredentialValue {
    readonly path: readonly string[];
    readonly instead: string;
    readonly reference?: RegExp;
}

const YOUR_SECRET = "a Secret you seal yourself (kubeseal, strict scope) and commit beside the platform";

/** Grafana's variable expansion, which its chart accepts in place of a secret (`grafana.assertNoLeakedSecrets`). */
const GRAFANA_EXPANSION = /\$(?:__(?:env|file|vault))?\{[^}]+\}/;

/**
 * The grafana.ini keys Grafana's chart itself refuses in plaintext (its `_helpers.tpl`,
 * `grafana.assertNoLeakedSecrets`, grafana 12.11.1), as [section, key].
 */
const GRAFANA_INI_SECRETS: readonly (readonly [string, string])[] = [
    ["database", "password"],
    ["smtp", "password"],
    ["security", "secret_key"],
    ["security", "admin_password"],
    ["auth.basic", "password"],
    ["auth.ldap", "bind_password"],
    ...["auth.google", "auth.github", "auth.gitlab", "auth.generic_oauth", "auth.okta", "auth.azuread", "auth.grafana_com", "auth.grafananet"].map((section) => [section, "client_secret"] as const),
    ["azure", "user_identity_client_secret"],
    ["unified_alerting", "ha_redis_password"],
    ["metrics", "basic_auth_password"],
    ["external_image_storage.s3", "secret_key"],
    ["external_image_storage.webdav", "password"],
    ["external_image_storage.azure_blob", "account_key"],
];

/** The fields of a Prometheus scrape or Alertmanager config that hold a secret (Prometheus's `config.Secret` fields); each has a `_file` twin. */
const PROMETHEUS_SECRET_FIELDS = ["password", "bearer_token", "credentials", "client_secret"];

/** The fields of an Argo CD repository Secret that hold a credential (Argo CD's operator manual, argocd-repositories.yaml). */
const ARGOCD_REPOSITORY_SECRET_FIELDS = ["password", "bearerToken", "sshPrivateKey", "tlsClientCertKey", "githubAppPrivateKey", "gcpServiceAccountKey"];

const THANOS_CONFIGS = ["alertmanagersConfig", "objectStorageConfig", "queryConfig", "tracingConfig"];

/** Each pinned chart's credentials, by chart name (templates read at the pins of stacks/shared/constants.ts). */
export const CHART_CREDENTIALS: Readonly<Record<string, readonly CredentialValue[]>> = {
    "argo-cd": [
        // templates/argocd-configs/repository-credentials-secret.yaml: every field of an entry becomes Secret data.
        { path: ["configs", "credentialTemplates"], instead: "give the credentials in clusterWide.argocd.privateRepositories, which the program seals from config secrets" },
        ...ARGOCD_REPOSITORY_SECRET_FIELDS.map((field) => ({ path: ["configs", "repositories", "*", field], instead: "give the repository's credentials in clusterWide.argocd.privateRepositories, which the program seals from config secrets" })),
        { path: ["configs", "clusterCredentials"], instead: "a cluster's bearer token and TLS key go into a cluster Secret you seal yourself; the chart would write them in plaintext" },
        { path: ["externalRedis", "password"], instead: `set externalRedis.existingSecret to ${YOUR_SECRET}` },
        ...["server", "repoServer", "dex"].map((component) => ({ path: [component, "certificateSecret", "key"], instead: `a TLS private key: use cert-manager's certificate (${component}.certificate), or ${YOUR_SECRET}` })),
        // charts/redis-ha/templates/{sentinel-auth,redis-ha}-secret.yaml; its Redis password is argocd-redis, the program's.
        { path: ["redis-ha", "sentinel", "password"], instead: `set redis-ha.sentinel.existingSecret to ${YOUR_SECRET}` },
        ...[["s3", "access_key"], ["s3", "secret_key"], ["ssh", "key"]].map((at) => ({ path: ["redis-ha", "restore", ...at], instead: `set redis-ha.restore.existingSecret to ${YOUR_SECRET}` })),
    ],
    "kube-prometheus-stack": [
        // charts/grafana/templates/_config.tpl (secretsData) and secret.yaml.
        { path: ["grafana", "adminPassword"], instead: "Grafana's admin password is the program's: generated, and sealed into <release>-grafana-admin" },
        { path: ["grafana", "env", "GF_SECURITY_ADMIN_PASSWORD"], instead: "Grafana's admin password is the program's: generated, and sealed into <release>-grafana-admin" },
        ...GRAFANA_INI_SECRETS.map(([section, key]) => ({
            path: ["grafana", "grafana.ini", section, key],
            instead: `use Grafana's variable expansion instead, $__file{<path>} on ${YOUR_SECRET} and mounted with grafana.extraSecretMounts, as Grafana's chart requires`,
            reference: GRAFANA_EXPANSION,
        })),
        { path: ["grafana", "ldap", "config"], instead: `its bind password goes in plaintext into the chart's Secret: set grafana.ldap.existingSecret to ${YOUR_SECRET}` },
        { path: ["grafana", "envRenderSecret"], instead: `name ${YOUR_SECRET} in grafana.envFromSecret` },
        { path: ["grafana", "imageRenderer", "token"], instead: `set grafana.imageRenderer.existingSecret to ${YOUR_SECRET}` },
        // charts/grafana/templates/configSecret.yaml renders the data sources; Grafana keeps their secrets in secureJsonData.
        { path: ["grafana", "datasources", "**", "secureJsonData", "*"], instead: `reference environment variables from ${YOUR_SECRET} ($VARIABLE in secureJsonData, the Secret in grafana.envFromSecret)`, reference: /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/ },
        // templates/prometheus/{additionalScrapeConfigs,additionalAlertmanagerConfigs}.yaml render these into Secrets.
        ...["additionalScrapeConfigs", "additionalAlertManagerConfigs"].flatMap((config) =>
            PROMETHEUS_SECRET_FIELDS.map((field) => ({ path: ["prometheus", "prometheusSpec", config, "**", field], instead: `use its ${field}_file twin on ${YOUR_SECRET}, mounted with prometheus.prometheusSpec.secrets` })),
        ),
        // templates/prometheus/secret.yaml, templates/thanos-ruler/secret.yaml.
        { path: ["prometheus", "prometheusSpec", "thanos", "objectStorageConfig", "secret"], instead: `set objectStorageConfig.existingSecret to ${YOUR_SECRET}` },
        ...THANOS_CONFIGS.map((config) => ({ path: ["thanosRuler", "thanosRulerSpec", config, "secret"], instead: `set ${config}.existingSecret to ${YOUR_SECRET}` })),
        // templates/{prometheus,alertmanager,thanos-ruler}/extrasecret.yaml.
        ...["prometheus", "alertmanager", "thanosRuler"].map((part) => ({ path: [part, "extraSecret", "data"], instead: `make it ${YOUR_SECRET}` })),
        // charts/kube-state-metrics/templates/kubeconfig-secret.yaml.
        { path: ["kube-state-metrics", "kubeconfig", "secret"], instead: `a kubeconfig holds credentials: mount ${YOUR_SECRET}` },
    ],
};

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Whether a key path (list items as `[i]`) is one a pattern names. */
function matches(keyPath: readonly string[], pattern: readonly string[]): boolean {
    if (pattern.length === 0) return keyPath.length === 0;
    const [head, ...rest] = pattern;
    if (head === "**") return keyPath.some((_, i) => matches(keyPath.slice(i), rest)) || matches([], rest);
    return keyPath.length > 0 && (head === "*" || head === keyPath[0]) && matches(keyPath.slice(1), rest);
}

/**
 * Every credential among `values` of `chart`: a value at one of its credential paths that is not
 * null (which only drops the chart's default) nor a reference of the form the chart accepts there.
 */
export function credentialProblems(values: Record<string, unknown>, chart: string, credentials: readonly CredentialValue[] = CHART_CREDENTIALS[chart] ?? []): ValuesProblem[] {
    const found: ValuesProblem[] = [];
    const walk = (value: unknown, keyPath: string[]) => {
        const hit = keyPath.length > 0 && value !== null ? credentials.find((c) => matches(keyPath, c.path)) : undefined;
        if (hit && !(hit.reference !== undefined && typeof value === "string" && hit.reference.test(value))) {
            found.push({ keyPath, message: `is a credential, which values would carry in plaintext into the Pulumi state, every preview and the render; ${hit.instead}` });
            return;
        }
        if (isMap(value)) for (const [key, child] of Object.entries(value)) walk(child, [...keyPath, key]);
        else if (Array.isArray(value)) value.forEach((child, i) => walk(child, [...keyPath, `[${i}]`]));
    };
    walk(values, []);
    return found;
}
