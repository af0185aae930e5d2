/**
 * The size of kube-prometheus-stack's releases: requests on every container (the operator sets
 * those of the config reloaders it adds to every Prometheus and Alertmanager pod, from the cluster
 * release's values), Prometheus's retention and volume, Alertmanager's replicas and volume, and
 * Grafana's volume.
 */
import type { ClusterWideModel, StackModel } from "../../model/schema";
import type { PodGroup } from "../footprint";
import { RESOURCE_POLICY } from "../lifecycle";
import { claimSpec, requests, resources, type Size, type Weight } from "../sizing";

/** The cluster release: the operator, its config reloaders, the exporters. */
export function clusterMonitoringSizing(monitoring: ClusterWideModel["monitoring"]): Record<string, unknown> {
    const sized = (weight: Weight) => resources(monitoring.size, weight);
    return {
        prometheusOperator: { resources: sized("light"), prometheusConfigReloader: { resources: sized("tiny") } },
        "kube-state-metrics": { resources: sized("light") },
        "prometheus-node-exporter": { resources: sized("tiny") },
    };
}

/** An environment's release: its Prometheus, Alertmanager and Grafana. */
export function monitoringSizing(model: StackModel): Record<string, unknown> {
    const { monitoring } = model;
    const sized = (weight: Weight) => resources(monitoring.size, weight);
    const { prometheus, alertmanager, grafana } = monitoring;
    const volume = (storage: { size: string; storageClass?: string } | undefined) => (storage ? { volumeClaimTemplate: { spec: claimSpec(storage) } } : {});
    return {
        prometheus: { prometheusSpec: { retention: prometheus.retention, resources: sized("heavy"), storageSpec: volume(prometheus.storage) } },
        alertmanager: {
            alertmanagerSpec: { replicas: alertmanager.replicas, resources: sized("light"), storage: volume(alertmanager.storage) },
            // The chart's own budget: minAvailable 1 of the cluster's replicas.
            podDisruptionBudget: { enabled: alertmanager.replicas > 1 },
        },
        grafana: {
            resources: sized("medium"),
            sidecar: { resources: sized("tiny") },
            initChownData: { resources: sized("tiny") },
            downloadDashboards: { resources: sized("tiny") },
            ...(grafana.persistence
                ? {
                      // Kept when the release goes (a renamed environment, a destroy): its dashboards and users are in it.
                      persistence: { enabled: true, size: grafana.persistence.size, ...(grafana.persistence.storageClass ? { storageClassName: grafana.persistence.storageClass } : {}), annotations: { [RESOURCE_POLICY]: "keep" } },
                      // One pod on a ReadWriteOnce volume: a rolling update's new pod could not attach it on another node.
                      deploymentStrategy: { type: "Recreate" },
                  }
                : {}),
        },
    };
}

/** The cluster release's pods: the operator, kube-state-metrics, and node-exporter on every node. */
export function clusterMonitoringPods(monitoring: ClusterWideModel["monitoring"]): PodGroup[] {
    const one = (what: string, pods: PodGroup["pods"], weight: Weight): PodGroup => ({ what, sizeAt: "clusterWide.monitoring.size", size: monitoring.size, pods, containers: [requests(monitoring.size, weight)] });
    return [one("the Prometheus operator", 1, "light"), one("kube-state-metrics", 1, "light"), one("node-exporter", "every node", "tiny")];
}

/**
 * An environment's pods: Prometheus and each Alertmanager, with the config reloader the operator
 * adds to each (sized by the cluster release's `reloaderSize`, as its init container too), and
 * Grafana with its two sidecars (and the init container that hands it its volume).
 */
export function monitoringPods(model: StackModel, reloaderSize: Size): PodGroup[] {
    const { monitoring } = model;
    const sized = (weight: Weight) => requests(monitoring.size, weight);
    const reloader = requests(reloaderSize, "tiny");
    const group = (what: string, pods: number, containers: PodGroup["containers"], initContainers: PodGroup["containers"]): PodGroup => ({
        what: `${what} of ${model.environment}`,
        sizeAt: "monitoring.size",
        size: monitoring.size,
        pods,
        containers,
        ...(initContainers.length > 0 ? { initContainers } : {}),
    });
    return [
        group("Prometheus", 1, [sized("heavy"), reloader], [reloader]),
        group("Alertmanager", monitoring.alertmanager.replicas, [sized("light"), reloader], [reloader]),
        group("Grafana", 1, [sized("medium"), sized("tiny"), sized("tiny")], monitoring.grafana.persistence ? [sized("tiny")] : []),
    ];
}
