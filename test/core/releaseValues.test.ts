/**
 * A model's `values` for a release: merged last into what the chart renders, every key checked
 * against the pinned chart before anything is registered, the program's own keys refused.
 */
import { describe, expect, it } from "vitest";
import { CLUSTER_PARTS } from "../../core/catalogue";
import { argocdRelease } from "../../core/argocd/release";
import { expandRelease, expansionTitle, skipExpansion } from "../helpers/charts";
import type { ArgoCdModel, StackModel } from "../../model/schema";
import { validatedStack } from "../helpers/models";

const withValues = validatedStack;

describe("a model's values", () => {
    it("are refused at their path when the chart has no such key, naming the closest it has", () => {
        const { problems } = withValues((m) => (m.clusterWide.argocd.values = { server: { replica: 2 } }));
        expect(problems).toStrictEqual([["clusterWide.argocd.values.server.replica", "chart argo-cd 10.1.1 has no such value; did you mean server.replicas?"]]);
    });

    it("are refused where the program owns the key, saying where the model sets it", () => {
        const { problems } = withValues((m) => {
            m.monitoring.values = { alertmanager: { alertmanagerSpec: { configSecret: "mine", replicas: 2 } } };
            m.clusterWide.sealedSecrets.values = { keyrenewperiod: "720h" };
        });
        expect(problems.map(([at]) => at)).toStrictEqual(["clusterWide.sealedSecrets.values.keyrenewperiod", "monitoring.values.alertmanager.alertmanagerSpec.configSecret"]);
        expect(problems[1][1]).toMatch(/^is the program's and cannot be set here: Alertmanager reads the config the program generates from monitoring\.alertmanager/);
    });

    it("are refused once per key path: a key under one the program owns is not refused again as a credential, a sibling key is", () => {
        const { problems } = withValues((m) => (m.monitoring.values = { grafana: { "grafana.ini": { "auth.generic_oauth": { client_secret: "x" } }, admin: { existingSecret: "mine" }, adminPassword: "y" } }));
        expect(problems.map(([at, message]) => [at, message.split(":")[0]])).toStrictEqual([
            ['monitoring.values.grafana."grafana.ini"."auth.generic_oauth"', "is the program's and cannot be set here"],
            ["monitoring.values.grafana.admin", "is the program's and cannot be set here"],
            ["monitoring.values.grafana.adminPassword", "is a credential, which values would carry in plaintext into the Pulumi state, every preview and the render; Grafana's admin password is the program's"],
        ]);
    });

    it("cannot be checked against a chart version core/chartKeys/ has no index of, which is an error only where values are set", () => {
        const bumped = (m: any) => (m.clusterWide.argocd.chart = { ...m.clusterWide.argocd.chart, version: "9.9.9" });
        expect(withValues(bumped).problems).toStrictEqual([]);
        expect(withValues((m) => (bumped(m), (m.clusterWide.argocd.values = { server: { replicas: 2 } }))).problems).toStrictEqual([
            ["clusterWide.argocd.values", "cannot be checked: core/chartKeys/ has no index of chart argo-cd 9.9.9; run `npm run chart-keys` after pinning a chart"],
        ]);
    });

    it("are checked for every release of the catalogue", () => {
        const { problems } = withValues((m) => {
            for (const part of CLUSTER_PARTS) m.clusterWide[part.key].values = { notAValueOfAnyChart: true };
            m.monitoring.values = { notAValueOfAnyChart: true };
        });
        expect(problems.map(([at]) => at).sort()).toStrictEqual([...CLUSTER_PARTS.map((p) => `clusterWide.${p.key}.values.notAValueOfAnyChart`), "monitoring.values.notAValueOfAnyChart"].sort());
    });

    it.skipIf(skipExpansion)(expansionTitle("are merged last, over the program's own, into what the chart renders"), async () => {
        const { model } = withValues((m) => (m.clusterWide.argocd.values = { server: { replicas: 3 }, configs: { cm: { "timeout.reconciliation": "300s" } } }));
        const argocd = (model as StackModel).clusterWide?.argocd as ArgoCdModel;
        const objects = await expandRelease(argocdRelease(argocd, model?.identityProvider));
        const find = (kind: string, name: string) => objects.find((o) => o.object.kind === kind && o.object.metadata.name === name)?.object;
        expect(find("Deployment", "argocd-server")?.spec.replicas).toBe(3);
        // Beside the program's own keys of the same map, which stay.
        expect(find("ConfigMap", "argocd-cm")?.data).toMatchObject({ "timeout.reconciliation": "300s", "admin.enabled": "false" });
    }, 60_000);
});

describe("a model's values where a chart takes a map", () => {
    it("are refused as a scalar or a list, naming what the chart takes and what the model gave", () => {
        const { problems } = withValues((m) => {
            m.clusterWide.argocd.values = { commitServer: 2, configs: { gpg: ["a"], ssh: "text" } };
            m.clusterWide.sealedSecrets.values = { privateKeyLabels: true };
        });
        expect(problems).toStrictEqual([
            ["clusterWide.sealedSecrets.values.privateKeyLabels", "chart sealed-secrets takes a map here, got a bool"],
            ["clusterWide.argocd.values.commitServer", "chart argo-cd takes a map here, got a number"],
            ["clusterWide.argocd.values.configs.gpg", "chart argo-cd takes a map here, got a list"],
            ["clusterWide.argocd.values.configs.ssh", "chart argo-cd takes a map here, got a string"],
        ]);
    });

    // Maps whose keys are the user's: Argo CD's argocd-cm and argocd-cmd-params-cm entries and
    // notifications catalog (its secret's items are the program's: sealed from secretData), Grafana's grafana.ini sections, a controller's labels and annotations.
    it("take keys of the user's own where the chart's templates pass the map through", () => {
        const { problems } = withValues((m) => {
            m.clusterWide.argocd.values = {
                configs: { cm: { "resource.customizations.health.example.com_Widget": "hs = {}" }, params: { "controller.status.processors": "50" } },
                notifications: { notifiers: { "service.webhook.ops": "url: $ops-url" }, templates: { "template.ops": "message: hi" }, triggers: { "trigger.ops": "- when: true" } },
            };
            m.clusterWide.sealedSecrets.values = { privateKeyLabels: { team: "platform" }, privateKeyAnnotations: { "example.com/owner": "platform" }, podAnnotations: { "example.com/scrape": "true" } };
            m.monitoring.values = { grafana: { "grafana.ini": { "feature_toggles": { enable: "publicDashboards" }, server: { enable_gzip: true } } } };
        });
        expect(problems).toStrictEqual([]);
    });
});
