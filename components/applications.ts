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
    /** What waits for every root Application: the last wave's. */
    public readonly ready: readonly pulumi.Resource[];

    constructor(name: string, args: RootApplicationsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:argocd:RootApplications", name, {}, opts);
        // Lower sync waves first. Each wave waits for one barrier, a Stash (state only, nothing in
        // the cluster) that waits for the wave before: the order of waiting for every earlier
        // resource, with dependency lists that stay short however many waves and applications.
        let before: pulumi.Resource[] = [...(args.after ?? [])];
        let previous: number | undefined;
        for (const { wave, objects } of applicationsByWave(args.model, args.argocdNamespace)) {
            // Stryker disable next-line ObjectLiteral: the input only labels the barrier in the state; dependsOn is what orders the waves
            if (previous !== undefined) before = [new pulumi.Stash(`${name}-after-wave-${previous}`, { input: { afterWave: previous } }, { parent: this, dependsOn: before })];
            before = objects.map((app) => registerObject(name, app, { parent: this, dependsOn: before }));
            previous = wave;
        }
        this.ready = before;
        this.registerOutputs({});
    }
}
