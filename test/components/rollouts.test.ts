import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { ArgoRollouts } from "../../components/rollouts";
import { ofType, resource, runComponents } from "../harness";
import { demoSealer, model } from "./support";

describe("ArgoRollouts", () => {
    it("owns its notifications config and creates shared templates after the chart", async () => {
        const run = await runComponents("dev", () => {
            const controller = new pulumi.ComponentResource("test:index:Controller", "controller-stand-in");
            new ArgoRollouts("ro-test", { model, sealer: demoSealer(), sealedSecretsController: controller, notificationSecrets: { "slack-token": pulumi.secret("xoxb-test") } });
        });
        const chart = resource(run, "kubernetes:helm.sh/v4:Chart", "ro-test-chart");
        expect(chart.inputs.values.notifications).toStrictEqual({ configmap: { create: false }, secret: { create: false } });
        const cm = resource(run, "kubernetes:core/v1:ConfigMap", "ro-test-configmap-argo-rollouts-notification-configmap");
        const secret = resource(run, "kubernetes:bitnami.com/v1alpha1:SealedSecret", "ro-test-sealedsecret-argo-rollouts-notification-secret");
        expect(chart.dependencies).toEqual(expect.arrayContaining([cm.urn, secret.urn]));
        const templates = ofType(run, "kubernetes:argoproj.io/v1alpha1:ClusterAnalysisTemplate");
        expect(templates.map((t) => t.inputs.metadata.name).sort()).toStrictEqual(["http-error-rate-dev", "http-latency-p95-dev"]);
        for (const t of templates) {
            expect(t.dependencies).toContain(chart.urn);
            expect(t.inputs.spec.metrics[0].provider.prometheus.address).toBe("http://monitoring-dev-kube-promet-prometheus.monitoring-dev.svc:9090");
        }
    });
});
