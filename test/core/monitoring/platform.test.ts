/**
 * The platform's own alerts and dashboards, judged by promtool (the alerts fire when, and only
 * when, they should; every dashboard query parses) and by amtool (what fires reaches the
 * receivers of the stack that installs the parts, and pages in production when critical).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASHBOARD_LABEL, dashboardJson, PLATFORM_DASHBOARDS, PROMETHEUS_DATASOURCE_UID, platformDashboards } from "../../../core/monitoring/dashboards";
import { platformAlertGroups, scrapeTargets } from "../../../core/monitoring/platform";
import { toYaml } from "../../../core/objects";
import { sharedDir } from "../../../render/layout";
import { type ExpectedAlert, promtoolRuleTest, removeTempDirs, routesTest, type RuleTest, tempDir, writeAlertmanagerConfig } from "../../helpers/alertmanager";
import { amtool, assertInstalled, pathOf, promtool, run, skipWithout, suiteTitle } from "../../helpers/binaries";
import { installerModel, stackModel } from "../../helpers/models";

const owner = installerModel("prod", "shared");
const groups = platformAlertGroups(owner.clusterWide);
const DAY = 86_400;

/** An alert promtool must see, with every label it fires with. */
const firing = (labels: Record<string, string>): ExpectedAlert => ({ exp_labels: labels });

/** The cases: each alert firing on what it is about, and not on its healthy twin. */
const CASES: RuleTest[] = [
    {
        input_series: [
            { series: 'up{job="argocd-server-metrics", namespace="argocd"}', values: "0x10" },
            { series: 'up{job="argocd-repo-server-metrics", namespace="argocd"}', values: "1x10" },
        ],
        alert_rule_test: [
            { eval_time: "4m", alertname: "PlatformComponentDown", exp_alerts: [] },
            {
                eval_time: "6m",
                alertname: "PlatformComponentDown",
                // The server is down; every other component has no target at all (absent), the repo-server is up.
                exp_alerts: scrapeTargets(owner.clusterWide)
                    .filter((t) => t.component !== "argocd-repo-server")
                    .map((t) => firing({ severity: "critical", component: t.component, job: t.service, namespace: t.namespace })),
            },
        ],
    },
    {
        input_series: [
            { series: 'argocd_app_info{namespace="argocd", name="backend-prod", project="team-backend", dest_namespace="backend-prod", sync_status="OutOfSync", health_status="Degraded"}', values: "1x60" },
            { series: 'argocd_app_info{namespace="argocd", name="frontend-prod", project="team-frontend", dest_namespace="frontend-prod", sync_status="Synced", health_status="Healthy"}', values: "1x60" },
            { series: 'argocd_app_sync_total{namespace="argocd", name="backend-prod", project="team-backend", phase="Failed"}', values: "0 0 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1" },
            { series: 'argocd_app_sync_total{namespace="argocd", name="frontend-prod", project="team-frontend", phase="Succeeded"}', values: "0+1x20" },
        ],
        alert_rule_test: [
            { eval_time: "25m", alertname: "ArgoCdApplicationOutOfSync", exp_alerts: [] },
            { eval_time: "35m", alertname: "ArgoCdApplicationOutOfSync", exp_alerts: [firing({ severity: "warning", namespace: "argocd", name: "backend-prod", project: "team-backend", dest_namespace: "backend-prod" })] },
            { eval_time: "20m", alertname: "ArgoCdApplicationUnhealthy", exp_alerts: [firing({ severity: "warning", namespace: "argocd", name: "backend-prod", project: "team-backend", dest_namespace: "backend-prod", health_status: "Degraded" })] },
            { eval_time: "5m", alertname: "ArgoCdSyncFailed", exp_alerts: [firing({ severity: "warning", namespace: "argocd", name: "backend-prod", project: "team-backend" })] },
            // Ten minutes after the last failure, it resolves.
            { eval_time: "19m", alertname: "ArgoCdSyncFailed", exp_alerts: [] },
        ],
    },
    {
        input_series: [
            { series: 'rollout_info{namespace="argo-rollouts", exported_namespace="backend-prod", name="api", strategy="canary", traffic_router="", phase="Degraded"}', values: "1x5" },
            { series: 'rollout_info{namespace="argo-rollouts", exported_namespace="backend-prod", name="web", strategy="canary", traffic_router="", phase="Healthy"}', values: "1x5" },
            { series: 'sealed_secrets_controller_unseal_errors_total{namespace="kube-system", reason="unseal"}', values: "0 1 1 1" },
        ],
        alert_rule_test: [
            { eval_time: "2m", alertname: "ArgoRolloutAborted", exp_alerts: [firing({ severity: "warning", namespace: "argo-rollouts", exported_namespace: "backend-prod", name: "api" })] },
            { eval_time: "2m", alertname: "SealedSecretsUnsealFailing", exp_alerts: [firing({ severity: "warning", namespace: "kube-system", reason: "unseal" })] },
        ],
    },
    {
        // Expiry times in seconds from the test's start: promtool's time() starts at 0.
        input_series: [
            { series: 'certmanager_certificate_expiration_timestamp_seconds{namespace="cert-manager", exported_namespace="argocd", name="argocd-server-tls"}', values: `${5 * DAY}x120` },
            { series: 'certmanager_certificate_expiration_timestamp_seconds{namespace="cert-manager", exported_namespace="monitoring-prod", name="grafana-tls"}', values: `${DAY / 2}x120` },
            { series: 'certmanager_certificate_expiration_timestamp_seconds{namespace="cert-manager", exported_namespace="monitoring-dev", name="fine-tls"}', values: `${60 * DAY}x120` },
            { series: 'certmanager_certificate_ready_status{namespace="cert-manager", exported_namespace="argocd", name="argocd-server-tls", condition="False"}', values: "1x30" },
            { series: 'certmanager_certificate_ready_status{namespace="cert-manager", exported_namespace="argocd", name="argocd-server-tls", condition="True"}', values: "0x30" },
        ],
        alert_rule_test: [
            {
                eval_time: "70m",
                alertname: "CertificateExpiringSoon",
                exp_alerts: [
                    firing({ severity: "warning", namespace: "cert-manager", exported_namespace: "argocd", name: "argocd-server-tls" }),
                    firing({ severity: "warning", namespace: "cert-manager", exported_namespace: "monitoring-prod", name: "grafana-tls" }),
                    firing({ severity: "critical", namespace: "cert-manager", exported_namespace: "monitoring-prod", name: "grafana-tls" }),
                ],
            },
            { eval_time: "20m", alertname: "CertificateNotReady", exp_alerts: [firing({ severity: "warning", namespace: "cert-manager", exported_namespace: "argocd", name: "argocd-server-tls" })] },
        ],
    },
];

/** The groups with no annotations: promtool compares an alert's labels and annotations, and the labels are what routes it. */
const labelsOnly = groups.map((g) => ({ ...g, rules: g.rules.map(({ annotations: _, ...rule }) => rule) }));

describe.skipIf(skipWithout(promtool))(suiteTitle("the platform's alerts, judged by promtool", promtool), () => {
    beforeAll(() => assertInstalled(promtool));
    afterAll(() => removeTempDirs());

    it("load, and fire when and only when what they watch is wrong, with the labels they are routed by", async () => {
        const result = await promtoolRuleTest(labelsOnly, CASES);
        expect(result.code, result.stdout + result.stderr).toBe(0);
    });

    it("say what is wrong and where to look", async () => {
        const result = await promtoolRuleTest(groups, [
            {
                input_series: [{ series: 'up{job="sealed-secrets-controller-metrics", namespace="kube-system", pod="a"}', values: "0x10" }],
                alert_rule_test: [
                    {
                        eval_time: "6m",
                        alertname: "PlatformComponentDown",
                        exp_alerts: scrapeTargets(owner.clusterWide).map((t) => ({
                            exp_labels: { severity: "critical", component: t.component, job: t.service, namespace: t.namespace },
                            exp_annotations: { summary: `${t.component} is down`, description: `Prometheus has had no ${t.component} target up in ${t.namespace} for 5 minutes: check its pods (kubectl -n ${t.namespace} get pods) and their logs.` },
                        })),
                    },
                ],
            },
            {
                input_series: [{ series: 'certmanager_certificate_expiration_timestamp_seconds{namespace="cert-manager", exported_namespace="argocd", name="argocd-server-tls"}', values: `${5 * DAY}x120` }],
                alert_rule_test: [
                    {
                        eval_time: "70m",
                        alertname: "CertificateExpiringSoon",
                        exp_alerts: [
                            {
                                exp_labels: { severity: "warning", namespace: "cert-manager", exported_namespace: "argocd", name: "argocd-server-tls" },
                                exp_annotations: {
                                    summary: "Certificate argocd-server-tls expires within 7 days",
                                    description: "cert-manager renews a certificate a third of its life before it ends: this one was not renewed. kubectl describe certificate and its CertificateRequest show why.",
                                },
                            },
                        ],
                    },
                ],
            },
        ]);
        expect(result.code, result.stdout + result.stderr).toBe(0);
    });

    it("test cases can fail: a healthy component is not down (the check can fail)", async () => {
        const wrong: RuleTest = { input_series: [{ series: 'up{job="argocd-server-metrics", namespace="argocd"}', values: "1x10" }], alert_rule_test: [{ eval_time: "6m", alertname: "PlatformComponentDown", exp_alerts: [firing({ severity: "critical", component: "argocd-server", job: "argocd-server-metrics", namespace: "argocd" })] }] };
        const result = await promtoolRuleTest(labelsOnly, [wrong]);
        expect(result.code).not.toBe(0);
    });

    it("every dashboard query parses as PromQL", async () => {
        const records = PLATFORM_DASHBOARDS.flatMap((d) => d.panels.map((p, i) => ({ record: `dashboard:${d.uid.replace(/-/g, "_")}:${i}`, expr: p.expr })));
        const file = path.join(tempDir(), "dashboards.yaml");
        fs.writeFileSync(file, toYaml({ groups: [{ name: "dashboards", rules: records }] }));
        const result = await run(pathOf(promtool), ["check", "rules", file]);
        expect(result.code, result.stdout + result.stderr).toBe(0);
        expect(result.stdout).toContain(`SUCCESS: ${records.length} rules found`);
    });
});

describe.skipIf(skipWithout(amtool))(suiteTitle("the platform's alerts reach the stack that installs the parts", amtool), () => {
    beforeAll(() => assertInstalled(amtool));
    afterAll(() => removeTempDirs());

    /** Every label set an alert fires with, as promtool was told above. */
    const fired: Record<string, string>[] = CASES.flatMap((c) => c.alert_rule_test.flatMap((t) => t.exp_alerts.map((a) => ({ alertname: t.alertname, ...a.exp_labels }))));

    it.each([
        ["prod", "shared", (severity: string) => (severity === "critical" ? "pagerduty-prod,slack-prod" : "slack-prod")],
        ["dev", "shared", () => "null"],
        ["dev", "dedicated", () => "slack-dev"],
    ] as const)("%s (%s cluster): routes each to its receivers", async (stack, topology, expected) => {
        const config = writeAlertmanagerConfig(tempDir(), stackModel(stack, topology), "http://127.0.0.1:9/slack");
        expect(fired.length).toBeGreaterThan(10);
        const routed = await Promise.all(fired.map((labels) => routesTest(config, labels, expected(labels.severity))));
        expect(routed.filter((r) => r.code !== 0).map((r, i) => [fired[i], r.receivers])).toStrictEqual([]);
    });
});

describe("the platform's dashboards", () => {
    it("are one ConfigMap each, in the installing environment's namespace, labelled for Grafana's sidecar, holding their JSON", () => {
        const maps = platformDashboards(owner);
        expect(maps.map((m) => m.metadata.name)).toStrictEqual(PLATFORM_DASHBOARDS.map((d) => d.uid));
        for (const [i, map] of maps.entries()) {
            expect(map.metadata.namespace).toBe(owner.monitoring.namespace);
            expect(map.metadata.labels).toMatchObject(DASHBOARD_LABEL);
            const [json] = Object.values(map.data as Record<string, string>);
            expect(Object.keys(map.data as object)).toStrictEqual([`${PLATFORM_DASHBOARDS[i].uid}.json`]);
            expect(JSON.parse(json)).toStrictEqual(dashboardJson(PLATFORM_DASHBOARDS[i]));
        }
        expect(new Set(PLATFORM_DASHBOARDS.map((d) => d.uid)).size).toBe(PLATFORM_DASHBOARDS.length);
    });

    // What Grafana shows: the JSON model's fields as Grafana reads them, judged here rather than
    // against the function that writes them.
    it.each(PLATFORM_DASHBOARDS.map((d) => [d.title, d] as const))("%s: a read-only dashboard of the platform's panels, two to a row, each querying the chart's Prometheus data source", (_, d) => {
        const json = dashboardJson(d) as any;
        expect(json).toMatchObject({ uid: d.uid, title: d.title, tags: ["platform"], editable: false, time: { from: "now-6h", to: "now" }, refresh: "1m" });
        expect(json.schemaVersion).toBeGreaterThanOrEqual(39);
        expect(d.uid).toMatch(/^platform-[a-z-]+$/);
        expect(d.title).toMatch(/^Platform \/ \S/);
        expect(json.panels.map((p: any) => p.id)).toStrictEqual(d.panels.map((_p, i) => i + 1));
        // The kube-prometheus-stack chart provisions its Prometheus data source with this uid (values.yaml: grafana.sidecar.datasources.uid).
        const chartValues = fs.readFileSync(path.join(sharedDir(), "reference", "charts", "kube-prometheus-stack", "values.yaml"), "utf8");
        expect(chartValues).toContain(`uid: ${PROMETHEUS_DATASOURCE_UID}`);
        for (const [i, panel] of json.panels.entries()) {
            expect(panel).toMatchObject({ type: "timeseries", title: d.panels[i].title, datasource: { type: "prometheus", uid: PROMETHEUS_DATASOURCE_UID } });
            expect(panel.targets).toStrictEqual([{ refId: "A", expr: d.panels[i].expr, legendFormat: d.panels[i].legend, datasource: { type: "prometheus", uid: PROMETHEUS_DATASOURCE_UID } }]);
            // Grafana's grid is 24 columns wide: two panels of 12 to a row, 8 high, in order.
            expect(panel.gridPos).toStrictEqual({ x: i % 2 === 0 ? 0 : 12, y: 8 * Math.floor(i / 2), w: 12, h: 8 });
        }
    });

    it.each(PLATFORM_DASHBOARDS.flatMap((d) => d.panels.map((p) => [`${d.title} / ${p.title}`, p] as const)))("%s: names its series by labels its query keeps", (title, panel) => {
        expect(panel.title, title).toMatch(/^[A-Z]\S/);
        expect(panel.legend).not.toBe("");
        // A legend's {{label}} shows the label's value only where the query's result still has it: an aggregation's `by`, or up's own labels.
        const kept = /\bby \(([^)]*)\)/.exec(panel.expr)?.[1].split(",").map((l) => l.trim()) ?? (panel.expr.startsWith("up{") ? ["job", "pod", "instance", "namespace", "service"] : []);
        const named = [...panel.legend.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]);
        expect(named.filter((label) => !kept.includes(label))).toStrictEqual([]);
        if (kept.length > 0 && !panel.expr.startsWith("histogram_quantile")) expect(named.length).toBeGreaterThan(0);
    });
});
