import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Monitoring } from "../../components/monitoring";
import { ofType, type ProgramRun, promiseOf, resource, runComponents } from "../harness";
import { demoSealer, model } from "./support";

describe("Monitoring", () => {
    let run: ProgramRun;
    let component: Monitoring;
    beforeAll(async () => {
        run = await runComponents("dev", () => {
            const controller = new pulumi.ComponentResource("test:index:Controller", "controller-stand-in");
            component = new Monitoring("mon-test", {
                model,
                sealer: demoSealer(),
                sealedSecretsController: controller,
                slackWebhookUrl: pulumi.secret("http://127.0.0.1:9/hook"),
            });
        });
    });

    it("names every child after the component", () => {
        const children = run.resources.filter((r) => r.parent === run.resources.find((c) => c.name === "mon-test")?.urn);
        expect(children.length).toBeGreaterThan(4);
        for (const child of children) expect(child.name.startsWith("mon-test-"), child.name).toBe(true);
    });

    it("seals the config before the chart, and creates rules after it", () => {
        const chart = resource(run, "kubernetes:helm.sh/v4:Chart", "mon-test-chart");
        const config = resource(run, "kubernetes:bitnami.com/v1alpha1:SealedSecret", "mon-test-sealedsecret-alertmanager-config-dev");
        expect(chart.dependencies).toContain(config.urn);
        for (const rule of ofType(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule")) expect(rule.dependencies).toContain(chart.urn);
    });

    it("labels its rules for this release's Prometheus only", () => {
        const selector = resource(run, "kubernetes:helm.sh/v4:Chart", "mon-test-chart").inputs.values.prometheus.prometheusSpec.ruleSelector.matchLabels;
        for (const rule of ofType(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule")) expect(rule.inputs.metadata.labels).toMatchObject(selector);
    });

    it("switches the operator's TLS off with the webhooks, whose hook Jobs would create its certificate", () => {
        const operator = resource(run, "kubernetes:helm.sh/v4:Chart", "mon-test-chart").inputs.values.prometheusOperator;
        expect(operator.admissionWebhooks.enabled).toBe(false);
        expect(operator.tls.enabled).toBe(false);
    });

    it("exposes the runbook and the config secret's name", async () => {
        expect(await promiseOf(component.configSecretName)).toBe("alertmanager-config-dev");
        expect(component.runbook).toContain("alertmanager-config-dev");
    });
});
