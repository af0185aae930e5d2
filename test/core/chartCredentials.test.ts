/**
 * The credentials of the pinned charts: each one the list names, set with a marker, is judged by
 * the chart itself (its expansion puts the marker into a Secret or a pod's spec), Grafana's
 * list by the chart's own, and a model that sets one is refused at its path with what to use
 * instead, before anything is registered.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { CHART_CREDENTIALS } from "../../core/chartCredentials";
import { formatKeyPath } from "../../core/chartValues";
import { sharedDir } from "../../render/layout";
import { charts } from "../../stacks/shared/constants";
import { assertCanExpand, type ExpandedObject, expandRelease, expansionTitle, skipExpansion } from "../helpers/charts";
import { validatedStack } from "../helpers/models";

/** Where each credential of a chart is set in the examples below, by its pattern, and the values that set it (with whatever enables the template that reads it). */
type Examples = Readonly<Record<string, (marker: string) => Record<string, unknown>>>;

/** The examples of a chart expanded together: maps merged, lists joined. */
function together(values: readonly Record<string, unknown>[]): Record<string, unknown> {
    const join = (a: unknown, b: unknown): unknown =>
        Array.isArray(a) && Array.isArray(b) ? [...a, ...b] : isMap(a) && isMap(b) ? Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, k in a && k in b ? join(a[k], b[k]) : (b[k] ?? a[k])])) : b;
    return values.reduce<Record<string, unknown>>((all, v) => join(all, v) as Record<string, unknown>, {});
}
const isMap = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);

const tlsPair = (key: string) => ({ enabled: true, crt: "-----BEGIN CERTIFICATE-----", key });
const ARGO_CD: Examples = {
    "configs.credentialTemplates": (m) => ({ configs: { credentialTemplates: { org: { url: "https://github.com/org", password: m } } } }),
    ...Object.fromEntries(
        ["password", "bearerToken", "sshPrivateKey", "tlsClientCertKey", "githubAppPrivateKey", "gcpServiceAccountKey"].map((field) => [`configs.repositories.*.${field}`, (m: string) => ({ configs: { repositories: { [`r-${field.toLowerCase()}`]: { url: "https://github.com/org/r", [field]: m } } } })]),
    ),
    "configs.clusterCredentials": (m) => ({ configs: { clusterCredentials: { other: { server: "https://other.example.com", config: { bearerToken: m } } } } }),
    "externalRedis.password": (m) => ({ externalRedis: { password: m } }),
    "server.certificateSecret.key": (m) => ({ server: { certificateSecret: tlsPair(m) } }),
    "repoServer.certificateSecret.key": (m) => ({ repoServer: { certificateSecret: tlsPair(m) } }),
    "dex.certificateSecret.key": (m) => ({ dex: { enabled: true, certificateSecret: tlsPair(m) } }),
    "redis-ha.sentinel.password": (m) => ({ "redis-ha": { enabled: true, sentinel: { auth: true, password: m } } }),
    "redis-ha.restore.s3.access_key": (m) => ({ "redis-ha": { enabled: true, restore: { s3: { source: "s3://bucket/dump.rdb", access_key: m } } } }),
    "redis-ha.restore.s3.secret_key": (m) => ({ "redis-ha": { enabled: true, restore: { s3: { source: "s3://bucket/dump.rdb", secret_key: m } } } }),
    "redis-ha.restore.ssh.key": (m) => ({ "redis-ha": { enabled: true, restore: { ssh: { source: "user@host:/dump.rdb", key: m } } } }),
};

const GRAFANA_INI = "grafana.\"grafana.ini\"";
/** Grafana's admin password in its env stops the chart from making its admin Secret: an expansion of its own. */
const GRAFANA_ADMIN_ENV: Examples = {
    "grafana.env.GF_SECURITY_ADMIN_PASSWORD": (m) => ({ grafana: { env: { GF_SECURITY_ADMIN_PASSWORD: m } } }),
};
const KUBE_PROMETHEUS_STACK: Examples = {
    "grafana.adminPassword": (m) => ({ grafana: { adminPassword: m } }),
    "grafana.ldap.config": (m) => ({ grafana: { ldap: { enabled: true, config: `bind_password = "${m}"` } } }),
    "grafana.envRenderSecret": (m) => ({ grafana: { envRenderSecret: { SMTP_PASSWORD: m } } }),
    "grafana.imageRenderer.token": (m) => ({ grafana: { imageRenderer: { enabled: true, token: m } } }),
    'grafana.datasources.**.secureJsonData.*': (m) => ({ grafana: { datasources: { "datasources.yaml": { apiVersion: 1, datasources: [{ name: "db", type: "postgres", secureJsonData: { password: m } }] } } } }),
    ...Object.fromEntries(
        ["additionalScrapeConfigs", "additionalAlertManagerConfigs"].flatMap((config) =>
            ["password", "bearer_token", "credentials", "client_secret"].map((field) => [`prometheus.prometheusSpec.${config}.**.${field}`, (m: string) => ({ prometheus: { prometheusSpec: { [config]: [{ job_name: "x", auth: { [field]: m } }] } } })]),
        ),
    ),
    "prometheus.prometheusSpec.thanos.objectStorageConfig.secret": (m) => ({ prometheus: { prometheusSpec: { thanos: { objectStorageConfig: { secret: { type: "s3", config: { secret_key: m } } } } } } }),
    ...Object.fromEntries(
        ["alertmanagersConfig", "objectStorageConfig", "queryConfig", "tracingConfig"].map((config) => [`thanosRuler.thanosRulerSpec.${config}.secret`, (m: string) => ({ thanosRuler: { enabled: true, thanosRulerSpec: { [config]: { secret: { key: m } } } } })]),
    ),
    ...Object.fromEntries(["prometheus", "alertmanager", "thanosRuler"].map((part) => [`${part}.extraSecret.data`, (m: string) => ({ thanosRuler: { enabled: true }, [part]: { extraSecret: { data: { key: m } } } })])),
    "kube-state-metrics.kubeconfig.secret": (m) => ({ "kube-state-metrics": { kubeconfig: { enabled: true, secret: Buffer.from(m).toString("base64") } } }),
};

/** Each chart's examples, each list expanded on its own, for its credentials but Grafana's grafana.ini keys, which the chart refuses itself (below). */
const CASES: readonly (readonly [chart: keyof typeof charts, name: string, expansions: readonly Examples[]])[] = [
    ["argoCd", "argo-cd", [ARGO_CD]],
    ["kubePrometheusStack", "kube-prometheus-stack", [KUBE_PROMETHEUS_STACK, GRAFANA_ADMIN_ENV]],
];

const patternOf = (credentialPath: readonly string[]) => formatKeyPath(credentialPath.map((k) => (k === "*" || k === "**" ? `\0${k}` : k))).replace(/"\\u0000(\*\*?)"/g, "$1");
const listed = (chart: string) => (CHART_CREDENTIALS[chart] ?? []).map((c) => patternOf(c.path)).filter((p) => !p.startsWith(`${GRAFANA_INI}.`));

/** Every string a Secret of the expansion holds (its data decoded), and every string of every other object. */
function exposedIn(objects: readonly ExpandedObject[]): string {
    return objects
        .map(({ object }) => {
            if (object.kind !== "Secret") return JSON.stringify(object);
            const decoded = Object.values((object.data ?? {}) as Record<string, string>).map((v) => Buffer.from(v, "base64").toString("utf8"));
            return JSON.stringify([decoded, object.stringData ?? {}]);
        })
        .join("\n");
}

describe("the chart credentials the program refuses in values", () => {
    it.each(CASES.map(([, name, expansions]) => [name, expansions] as const))("of %s are exactly those the examples below exercise", (name, expansions) => {
        expect(expansions.flatMap((examples) => Object.keys(examples)).sort()).toStrictEqual(listed(name).sort());
    });

    it("are given for no chart the examples do not cover", () => {
        expect(Object.keys(CHART_CREDENTIALS).sort()).toStrictEqual(CASES.map(([, name]) => name).sort());
    });

    it("of Grafana's grafana.ini are exactly those its chart refuses in plaintext (assertNoLeakedSecrets)", () => {
        const helpers = fs.readFileSync(path.join(sharedDir(), "tools/minihelm/charts/kube-prometheus-stack/charts/grafana/templates/_helpers.tpl"), "utf8");
        const block = /sensitiveKeysYaml := `([^`]*)`/.exec(helpers)?.[1] ?? "";
        const chartsOwn = (yaml.load(block) as { sensitiveKeys: { path: string[] }[] }).sensitiveKeys.map((k) => `${GRAFANA_INI}.${formatKeyPath(k.path)}`);
        expect(chartsOwn.length).toBeGreaterThan(10);
        const ours = (CHART_CREDENTIALS["kube-prometheus-stack"] ?? []).map((c) => patternOf(c.path)).filter((p) => p.startsWith(`${GRAFANA_INI}.`));
        expect(ours.sort()).toStrictEqual(chartsOwn.sort());
    });
});

describe.skipIf(skipExpansion)(expansionTitle("each chart credential, as the pinned chart renders it"), () => {
    beforeAll(() => assertCanExpand());

    it.each(CASES.flatMap(([pin, , expansions]) => expansions.map((examples, n) => [`${pin} (${n + 1} of ${expansions.length})`, pin, examples] as const)))(
        "%s: every credential the list names reaches a Secret or a pod spec in plaintext when set",
        async (_, pin, examples) => {
            const markers = Object.keys(examples).map((_, i) => `credential-marker-${i}-${pin.toLowerCase()}`);
            const values = together(Object.values(examples).map((example, i) => example(markers[i])));
            const exposed = exposedIn(await expandRelease({ name: "credentials", namespace: "credentials", ...charts[pin], values }));
            const missing = Object.keys(examples).filter((_, i) => !exposed.includes(markers[i]));
            expect(missing).toStrictEqual([]);
        },
        60_000,
    );

    it("Grafana's chart refuses a grafana.ini secret in plaintext, and takes $__file{...} in its place", async () => {
        const release = (value: string) => ({ name: "credentials", namespace: "credentials", ...charts.kubePrometheusStack, values: { grafana: { "grafana.ini": { database: { password: value } } } } });
        await expect(expandRelease(release("plain-database-password"))).rejects.toThrow(/Sensitive key 'database.password' should not be defined explicitly/);
        expect((await expandRelease(release("$__file{/etc/secrets/db/password}"))).length).toBeGreaterThan(10);
    }, 60_000);
});

describe("a credential in a model's values", () => {
    it.each<[string, (m: any) => void, string, RegExp]>([
        ["Grafana's admin password", (m) => (m.monitoring.values = { grafana: { adminPassword: "x" } }), "monitoring.values.grafana.adminPassword", /sealed into <release>-grafana-admin$/],
        ["a repository's password", (m) => (m.clusterWide.argocd.values = { configs: { repositories: { charts: { url: "https://charts.example.com", password: "x" } } } }), "clusterWide.argocd.values.configs.repositories.charts.password", /clusterWide\.argocd\.privateRepositories/],
        [
            "a data source's secret, in a list",
            (m) => (m.monitoring.values = { grafana: { datasources: { "datasources.yaml": { datasources: [{ name: "db", secureJsonData: { password: "x" } }] } } } }),
            'monitoring.values.grafana.datasources."datasources.yaml".datasources[0].secureJsonData.password',
            /grafana\.envFromSecret/,
        ],
        ["a grafana.ini secret", (m) => (m.monitoring.values = { grafana: { "grafana.ini": { smtp: { password: "x" } } } }), 'monitoring.values.grafana."grafana.ini".smtp.password', /\$__file\{<path>\}/],
        ["an external Redis's password", (m) => (m.clusterWide.argocd.values = { externalRedis: { password: "x" } }), "clusterWide.argocd.values.externalRedis.password", /externalRedis\.existingSecret/],
    ])("is refused: %s", (_, edit, at, instead) => {
        const message = new Map(validatedStack(edit).problems).get(at);
        expect(message).toMatch(/^is a credential, which values would carry in plaintext into the Pulumi state, every preview and the render; /);
        expect(message).toMatch(instead);
    });

    it("is taken as a reference to a secret kept elsewhere, where the chart takes one, and as null, which only drops a default", () => {
        const { problems } = validatedStack((m) => {
            m.monitoring.values = {
                grafana: { "grafana.ini": { smtp: { password: "$__file{/etc/secrets/smtp/password}" } }, adminPassword: null, datasources: { "datasources.yaml": { datasources: [{ name: "db", secureJsonData: { password: "$DB_PASSWORD" } }] } } },
            };
        });
        expect(problems).toStrictEqual([]);
    });

    it("is told once, where the program owns the key too", () => {
        const { problems } = validatedStack((m) => (m.clusterWide.argocd.values = { configs: { secret: { argocdServerAdminPassword: "x" } } }));
        expect(problems.map(([at]) => at)).toStrictEqual(["clusterWide.argocd.values.configs.secret"]);
    });
});
