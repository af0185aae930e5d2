/**
 * The size of kube-prometheus-stack's releases: requests on every container (the operator sets
 * those of the config reloaders it adds to every Prometheus and Alertmanager pod, from the cluster
 * release's values), Prometheus's retention and volume, Alertmanager's replicas and volume, and
 * Grafana's volume.
 */
import type { ClusterWideModel, StackModel } from "../../model/schema";
import { claimSpec, resources, type Weight } from "../sizing";

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
                      persistence: { enabled: true, size: grafana.persistence.size, ...(grafana.persistence.storageClass ? { storageClassName: grafana.persistence.storageClass } : {}) },
                      // One pod on a ReadWriteOnce volume: a rolling update's new pod could not attach it on another node.
                      deploymentStrategy: { type: "Recreate" },
                  }
                : {}),
        },
    };
}
