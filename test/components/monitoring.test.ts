import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { ClusterMonitoring } from "../../components/clusterMonitoring";
import { Monitoring } from "../../components/monitoring";
import { clusterViewOf } from "../../model/cluster";
import { grafanaOauthSecretName, OAUTH_SECRET_KEY } from "../../core/monitoring/release";
import { demoKeyPem, ofType, type ProgramRun, promiseOf, resource, runComponents } from "../harness";
import { unseal } from "../helpers/unseal";
import { demoSealer, model, owner, standIn } from "./support";

const CHART = "kubernetes:helm.sh/v4:Chart";
const clusterMonitoring = clusterViewOf(owner.clusterWide).monitoring;

describe("Monitoring", () => {
    let run: ProgramRun;
    let component: Monitoring;
    beforeAll(async () => {
        run = await runComponents("dev", () => {
            component = new Monitoring("mon-test", {
                model,
                clusterMonitoring,
                sealer: demoSealer(),
                configSecret: (reference: string) => pulumi.secret(`value of ${reference}`),
                after: [standIn("controller"), standIn("cluster-release")],
            });
        });
    });

    it("names every child after the component", () => {
        const children = run.resources.filter((r) => r.parent === run.resources.find((c) => c.name === "mon-test")?.urn);
        expect(children.length).toBeGreaterThan(4);
        for (const child of children) expect(child.name.startsWith("mon-test-"), child.name).toBe(true);
    });

    it("seals the config before the chart, starts the chart after the cluster release, and creates rules after it", () => {
        const chart = resource(run, CHART, "mon-test-chart");
        const config = resource(run, "kubernetes:bitnami.com/v1alpha1:SealedSecret", "mon-test-sealedsecret-alertmanager-config-dev");
        expect(chart.dependencies).toContain(config.urn);
        expect(chart.dependencies).toContain(resource(run, "test:index:StandIn", "cluster-release").urn);
        expect(config.dependencies).toContain(resource(run, "test:index:StandIn", "controller").urn);
        for (const rule of ofType(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule")) expect(rule.dependencies).toContain(chart.urn);
    });

    it("labels its rules for this release's Prometheus only: the chart selects rules labelled release=<release name>", () => {
        const release = resource(run, CHART, "mon-test-chart").inputs.name;
        const rules = ofType(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
        expect(rules.length).toBeGreaterThan(0);
        for (const rule of rules) expect(rule.inputs.metadata.labels).toMatchObject({ release });
    });

    it("runs no operator, no exporters and no CRDs of its own: the cluster release has them", () => {
        const values = resource(run, CHART, "mon-test-chart").inputs.values;
        expect(values.prometheusOperator.enabled).toBe(false);
        expect(values.crds.enabled).toBe(false);
        expect([values.nodeExporter.enabled, values.kubeStateMetrics.enabled, values.kubernetesServiceMonitors.enabled]).toStrictEqual([false, false, false]);
    });

    it("seals Grafana's OAuth client secret from the config secret the model names, before the chart mounts it", async () => {
        const sealed = resource(run, "kubernetes:bitnami.com/v1alpha1:SealedSecret", `mon-test-sealedsecret-${grafanaOauthSecretName(model)}`);
        const encrypted = (await promiseOf(sealed.inputs.spec.encryptedData)) as Record<string, string>;
        expect(Object.keys(encrypted)).toStrictEqual([OAUTH_SECRET_KEY]);
        const { namespace, name } = sealed.inputs.metadata;
        expect(unseal(demoKeyPem, namespace, name, encrypted[OAUTH_SECRET_KEY])).toBe(`value of ${model.monitoring.grafana.sso?.clientSecret}`);
        expect(resource(run, CHART, "mon-test-chart").dependencies).toContain(sealed.urn);
    });

    it("exposes the runbook and the config secret's name", async () => {
        expect(await promiseOf(component.configSecretName)).toBe("alertmanager-config-dev");
        expect(component.runbook).toContain("alertmanager-config-dev");
    });
});

describe("ClusterMonitoring", () => {
    it("installs the cluster release in its own namespace, with the operator's hooks and TLS off", async () => {
        const run = await runComponents("prod", () => new ClusterMonitoring("cm-test", { monitoring: owner.clusterWide.monitoring, cluster: owner.cluster.name, profile: owner.cluster }));
        const chart = resource(run, CHART, "cm-test-chart");
        expect([chart.inputs.name, chart.inputs.namespace]).toStrictEqual([owner.clusterWide.monitoring.releaseName, owner.clusterWide.monitoring.namespace]);
        expect(chart.dependencies).toContain(resource(run, "kubernetes:core/v1:Namespace", `cm-test-namespace-${owner.clusterWide.monitoring.namespace}`).urn);
        expect(chart.inputs.values.prometheusOperator.admissionWebhooks.enabled).toBe(false);
        expect(chart.inputs.values.prometheusOperator.tls.enabled).toBe(false);
        expect([chart.inputs.values.prometheus.enabled, chart.inputs.values.alertmanager.enabled, chart.inputs.values.grafana.enabled]).toStrictEqual([false, false, false]);
    });
});
