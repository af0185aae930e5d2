import { describe, expect, it } from "vitest";
import { kpsFullname } from "../../../core/monitoring/release";
import { charts } from "../../../stacks/shared/constants";
import { expandRelease, expansionTitle, skipExpansion } from "../../helpers/charts";

/** Only what names the objects: every component off but Prometheus. */
const PROMETHEUS_ONLY = {
    crds: { enabled: false },
    defaultRules: { create: false },
    prometheusOperator: { enabled: false },
    alertmanager: { enabled: false },
    grafana: { enabled: false },
    kubeStateMetrics: { enabled: false },
    nodeExporter: { enabled: false },
    kubernetesServiceMonitors: { enabled: false },
};

describe.skipIf(skipExpansion)(expansionTitle("kpsFullname"), () => {
    it.each([
        "monitoring-dev",
        "kube-prometheus-stack",
        "my-kube-prometheus-stack-with-a-long-name",
        // Cut at 26 characters right after two dashes: the chart trims one of them only.
        "abcdefghijklmnopqrstuvwx--z",
        "abcdefghijklmnopqrstuvwxy-z",
    ])("names the Prometheus Service as the chart does for release %j", async (releaseName) => {
        const objects = await expandRelease({ name: releaseName, namespace: "monitoring", ...charts.kubePrometheusStack, values: PROMETHEUS_ONLY });
        const services = objects.filter((o) => o.object.kind === "Service" && o.object.spec.ports?.some((p: { port: number }) => p.port === 9090));
        expect(services.map((s) => s.object.metadata.name)).toStrictEqual([`${kpsFullname({ releaseName, chart: charts.kubePrometheusStack })}-prometheus`]);
    }, 60_000);
});
