import * as pulumi from "@pulumi/pulumi";
import type { ControlPlaneProfile } from "../core/monitoring/controlPlane";
import { clusterMonitoringRelease } from "../core/monitoring/release";
import { clusterLabels, namespace } from "../core/objects";
import type { ClusterWideModel } from "../model/schema";
import { type ClusterPartArgs, registerChart, registerObject } from "./register";

export interface ClusterMonitoringArgs extends ClusterPartArgs {
    /** The cluster release of kube-prometheus-stack (`clusterWide.monitoring`). */
    readonly monitoring: ClusterWideModel["monitoring"];
    /** The cluster profile (`cluster`): which control-plane components its release scrapes. */
    readonly profile: ControlPlaneProfile;
}

/**
 * What every environment's monitoring runs on, once per cluster: the monitoring CRDs, the one
 * prometheus-operator, node-exporter, kube-state-metrics and the kubelet Service.
 */
export class ClusterMonitoring extends pulumi.ComponentResource {
    /** What environments' releases wait for: the chart, with the CRDs and the operator. */
    public readonly ready: readonly pulumi.Resource[];

    constructor(name: string, args: ClusterMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:monitoring:ClusterMonitoring", name, {}, opts);
        const nsResource = registerObject(name, namespace(args.monitoring.namespace, clusterLabels(args.cluster, "monitoring")), { parent: this });
        this.ready = [registerChart(name, clusterMonitoringRelease(args.monitoring, { cluster: args.profile }), { parent: this, dependsOn: [nsResource, ...(args.after ?? [])] })];
        this.registerOutputs({});
    }
}
