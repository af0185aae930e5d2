import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { AnalysisTemplates } from "../../components/analysisTemplates";
import { ArgoRollouts } from "../../components/rollouts";
import { ofType, resource, runComponents } from "../harness";
import { demoSealer, model, owner, standIn } from "./support";

describe("ArgoRollouts", () => {
    it("owns its notifications config", async () => {
        const run = await runComponents("prod", () => {
            new ArgoRollouts("ro-test", {
                rollouts: owner.clusterWide.rollouts,
                cluster: owner.cluster.name,
                sealer: demoSealer(),
                after: [standIn("controller")],
                notificationSecrets: { "slack-token": pulumi.secret("xoxb-test") },
            });
        });
        const chart = resource(run, "kubernetes:helm.sh/v4:Chart", "ro-test-chart");
        expect(chart.inputs.values.notifications).toStrictEqual({ configmap: { create: false }, secret: { create: false } });
        const cm = resource(run, "kubernetes:core/v1:ConfigMap", "ro-test-configmap-argo-rollouts-notification-configmap");
        const secret = resource(run, "kubernetes:bitnami.com/v1alpha1:SealedSecret", "ro-test-sealedsecret-argo-rollouts-notification-secret");
        expect(chart.dependencies).toEqual(expect.arrayContaining([cm.urn, secret.urn]));
        expect(secret.dependencies).toContain(resource(run, "test:index:StandIn", "controller").urn);
    });
});

describe("AnalysisTemplates", () => {
    it("names the environment's templates after it, queries its Prometheus, and waits for what it is given", async () => {
        const run = await runComponents("dev", () => new AnalysisTemplates("at-test", { model, after: [standIn("rollouts-chart")] }));
        const templates = ofType(run, "kubernetes:argoproj.io/v1alpha1:ClusterAnalysisTemplate");
        expect(templates.map((t) => t.inputs.metadata.name).sort()).toStrictEqual(["http-error-rate-dev", "http-latency-p95-dev"]);
        for (const t of templates) {
            expect(t.dependencies).toContain(resource(run, "test:index:StandIn", "rollouts-chart").urn);
            expect(t.inputs.spec.metrics[0].provider.prometheus.address).toBe("http://monitoring-dev-kube-promet-prometheus.monitoring-dev.svc:9090");
        }
    });
});
