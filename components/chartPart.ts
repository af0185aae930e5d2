import * as pulumi from "@pulumi/pulumi";
import type { HelmRelease } from "../core/helm";
import { clusterLabels, type KubeObject, namespace } from "../core/objects";
import { type ClusterPartArgs, registerChart, registerObject, registerSealedSecret } from "./register";

export interface ChartPartArgs extends ClusterPartArgs {
    /** The part's release (its builder in core/, from its slice of the model). */
    readonly release: HelmRelease;
    /** Objects of the part's own that its chart needs first (sealed secrets), applied after its namespace. Defaults to none. */
    readonly before?: readonly KubeObject[];
    /** Objects of the part's own that need its chart (custom resources of its CRDs), applied once the chart is ready. Defaults to none. */
    readonly objects?: readonly KubeObject[];
}

/**
 * A cluster-wide part that is a chart and what goes with it: its namespace, the objects its chart
 * needs, the chart, then the objects that need the chart. Every part of the catalogue without a
 * component of its own is one.
 */
export class ChartPart extends pulumi.ComponentResource {
    /** What waits for the part: its chart and the objects that need it. */
    public readonly ready: readonly pulumi.Resource[];

    constructor(name: string, args: ChartPartArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:platform:ChartPart", name, {}, opts);
        const after = [...(args.after ?? [])];
        const ns = registerObject(name, namespace(args.release.namespace, clusterLabels(args.cluster, name)), { parent: this });
        const before = (args.before ?? []).map((o) =>
            o.kind === "SealedSecret" ? registerSealedSecret(name, o, args.adoptExisting ?? false, { parent: this, dependsOn: [ns, ...after] }) : registerObject(name, o, { parent: this, dependsOn: [ns, ...after] }),
        );
        const chart = registerChart(name, args.release, { parent: this, dependsOn: [ns, ...before, ...after] });
        this.ready = [chart, ...(args.objects ?? []).map((o) => registerObject(name, o, { parent: this, dependsOn: [chart] }))];
        this.registerOutputs({});
    }
}
