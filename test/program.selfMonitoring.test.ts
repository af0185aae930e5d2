/**
 * The platform watching itself, in each cluster the shipped stacks make, charts expanded: every
 * monitor and rule taken by exactly one Prometheus, the platform's monitors reaching each part's
 * metrics, and its dashboards in the Grafana of the stack that installs the parts.
 */
import * as yaml from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { DASHBOARD_LABEL, PLATFORM_DASHBOARDS, PROMETHEUS_DATASOURCE_UID } from "../core/monitoring/dashboards";
import type { StackModel } from "../model/schema";
import { assertCanExpand, expansionTitle, skipExpansion } from "./helpers/charts";
import { type ClusterObject, identity, SCENARIOS, scenarioCluster, selectedBy, selects } from "./helpers/cluster";
import { stackModel } from "./helpers/models";

describe.skipIf(skipExpansion).each(SCENARIOS)(expansionTitle("$name, watching itself"), (scenario) => {
    let objects: ClusterObject[] = [];
    const [installer] = scenario.stacks.filter(([stack, topology]) => stackModel(stack, topology).clusterWide).map(([stack, topology]) => stackModel(stack, topology) as StackModel);

    beforeAll(async () => {
        assertCanExpand();
        objects = (await scenarioCluster(scenario)).objects;
    }, 120_000);

    const ofKind = (kind: string) => objects.filter((o) => o.object.kind === kind);
    const namespaceLabels = (ns: string): Record<string, string> => ({ ...(ofKind("Namespace").find((n) => n.object.metadata.name === ns)?.object.metadata.labels ?? {}), "kubernetes.io/metadata.name": ns });
    /** The Prometheus resources that take `o`, a ServiceMonitor or a PrometheusRule. */
    const takenBy = (o: ClusterObject) =>
        ofKind("Prometheus").filter((p) => {
            const spec = p.object.spec;
            const [selector, namespaceSelector] = o.object.kind === "ServiceMonitor" ? [spec.serviceMonitorSelector, spec.serviceMonitorNamespaceSelector] : [spec.ruleSelector, spec.ruleNamespaceSelector];
            return selectedBy(p, o.object.kind, selector, namespaceSelector, objects, namespaceLabels).includes(o);
        });

    it("has every ServiceMonitor scraped, and every PrometheusRule loaded, by exactly one Prometheus; the cluster exporters' by each environment's", () => {
        const monitorsAndRules = [...ofKind("ServiceMonitor"), ...ofKind("PrometheusRule")];
        expect(monitorsAndRules.length).toBeGreaterThan(30);
        // node-exporter, kube-state-metrics and the Kubernetes components, which every environment's default rules read (README, Topologies).
        const clusterRelease = `release ${installer.clusterWide?.monitoring.releaseName}`;
        const expected = (o: ClusterObject) => (o.object.kind === "ServiceMonitor" && o.origin === clusterRelease ? ofKind("Prometheus").length : 1);
        const wrong = monitorsAndRules.map((o) => [identity(o), takenBy(o).map(identity), expected(o)] as const).filter(([, by, count]) => by.length !== count);
        expect(wrong).toStrictEqual([]);
        expect(ofKind("ServiceMonitor").filter((o) => o.origin === clusterRelease).length).toBeGreaterThan(2);
    });

    it("scrapes each part of the platform, through its metrics Service and the port that Service has, with the installing stack's Prometheus", () => {
        const platform = ofKind("ServiceMonitor").filter((o) => o.origin === "program" && o.object.metadata.name.startsWith("platform-"));
        // Argo CD's where the stack installs it: a fleet spoke has none.
        const argocd = installer.clusterWide?.argocd ? ["argocd-application-controller", "argocd-applicationset-controller", "argocd-notifications-controller", "argocd-repo-server", "argocd-server"] : [];
        expect(platform.map((m) => m.object.metadata.name).sort()).toStrictEqual(["argo-rollouts", ...argocd, "cert-manager", "sealed-secrets"].map((c) => `platform-${c}`));
        for (const monitor of platform) {
            expect(takenBy(monitor).map((p) => p.namespace), identity(monitor)).toStrictEqual([installer.monitoring.namespace]);
            const { selector, namespaceSelector, endpoints } = monitor.object.spec;
            const services = ofKind("Service").filter((s) => namespaceSelector.matchNames.includes(s.namespace) && selects(selector, s.object.metadata.labels));
            expect(services.map(identity), identity(monitor)).toHaveLength(1);
            const [service] = services;
            expect(service.object.spec.ports.map((p: { name: string }) => p.name), identity(service)).toContain(endpoints[0].port);
            const workloads = objects.filter((w) => ["Deployment", "StatefulSet"].includes(w.object.kind) && w.namespace === service.namespace && selects({ matchLabels: service.object.spec.selector }, w.object.spec.template.metadata.labels));
            expect(workloads.map(identity), identity(service)).toHaveLength(1);
        }
    });

    it("shows the platform's dashboards in the installing stack's Grafana, querying the data source its chart provisions", () => {
        const dashboards = ofKind("ConfigMap").filter((c) => c.origin === "program" && Object.entries(DASHBOARD_LABEL).every(([k, v]) => c.object.metadata.labels?.[k] === v));
        expect(dashboards.map((d) => `${d.namespace}/${d.object.metadata.name}`).sort()).toStrictEqual(PLATFORM_DASHBOARDS.filter((d) => installer.clusterWide?.[d.part]).map((d) => `${installer.monitoring.namespace}/${d.uid}`).sort());
        // The sidecar of that Grafana reads this label in this namespace (see program.charts.test.ts for how it is found).
        const datasources = ofKind("ConfigMap").filter((c) => c.namespace === installer.monitoring.namespace && c.object.metadata.labels?.grafana_datasource === "1");
        const provisioned = datasources.flatMap((c) => Object.values(c.object.data as Record<string, string>).flatMap((text) => (yaml.load(text) as { datasources: { type: string; uid: string }[] }).datasources));
        expect(provisioned.filter((d) => d.type === "prometheus").map((d) => d.uid)).toStrictEqual([PROMETHEUS_DATASOURCE_UID]);
    });
});
