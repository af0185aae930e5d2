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
    constructor(name: string, args: AnalysisTemplatesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:rollouts:AnalysisTemplates", name, {}, opts);
        const dependsOn = [...(args.after ?? [])];
        for (const template of clusterAnalysisTemplates(args.model)) registerObject(name, template, { parent: this, dependsOn });
        this.registerOutputs({});
    }
}
