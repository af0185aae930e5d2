import * as pulumi from "@pulumi/pulumi";
import { applicationsByWave } from "../core/argocd/applications";
import type { StackModel } from "../model/schema";
import { registerObject } from "./register";

export interface RootApplicationsArgs {
    /** The validated stack model: its `argocd.applications` and `argocd.applicationSets`. */
    readonly model: StackModel;
    /** The namespace of the cluster's Argo CD, where root Applications live. */
    readonly argocdNamespace: string;
    /**
     * What the first sync wave waits for: the Argo CD chart and projects when this stack installs
     * them. Defaults to none: the owner of the shared cluster has installed them already.
     */
    readonly after?: readonly pulumi.Resource[];
}

/** The environment's root Applications and ApplicationSets, wave by wave, in the cluster's Argo CD. */
export class RootApplications extends pulumi.ComponentResource {
    constructor(name: string, args: RootApplicationsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:argocd:RootApplications", name, {}, opts);
        // Lower sync waves first. Each wave waits for the one before it only, which waited for
        // the ones before: the same order as waiting for all of them, with short dependency lists.
        let before: pulumi.Resource[] = [...(args.after ?? [])];
        for (const wave of applicationsByWave(args.model, args.argocdNamespace)) {
            before = wave.map((app) => registerObject(name, app, { parent: this, dependsOn: before }));
        }
        this.registerOutputs({});
    }
}
