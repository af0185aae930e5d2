import * as pulumi from "@pulumi/pulumi";
import { clusterAnalysisTemplates } from "../core/rollouts";
import type { StackModel } from "../model/schema";
import { registerObject } from "./register";

export interface AnalysisTemplatesArgs {
    /** The validated stack model: its `rollouts.analysisTemplates`. */
    readonly model: StackModel;
    /**
     * What the templates wait for: the Argo Rollouts chart (CRDs) when this stack installs it,
     * and the environment's Prometheus they query. Defaults to none.
     */
    readonly after?: readonly pulumi.Resource[];
}

/** The environment's ClusterAnalysisTemplates (`<name>-<environment>`), querying its Prometheus. */
export class AnalysisTemplates extends pulumi.ComponentResource {
    /** What waits for the templates: they are registered, and nothing of the stack waits on them. */
    public readonly ready: readonly pulumi.Resource[];

    constructor(name: string, args: AnalysisTemplatesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:rollouts:AnalysisTemplates", name, {}, opts);
        const dependsOn = [...(args.after ?? [])];
        this.ready = clusterAnalysisTemplates(args.model).map((template) => registerObject(name, template, { parent: this, dependsOn }));
        this.registerOutputs({});
    }
}
