import * as pulumi from "@pulumi/pulumi";
import { clusterLabels, namespace, sealedSecret } from "../core/objects";
import { ROLLOUTS_NOTIFICATIONS_SECRET, rolloutsNotificationsConfigMap, rolloutsRelease } from "../core/rollouts";
import type { RolloutsModel } from "../model/schema";
import type { Sealer } from "../sealing/sealer";
import { type ClusterPartArgs, registerChart, registerObject, registerSealedSecret } from "./register";

export interface ArgoRolloutsArgs extends ClusterPartArgs {
    /** The cluster's Argo Rollouts (`clusterWide.rollouts`). */
    readonly rollouts: RolloutsModel;
    /** Seals the notifications secret for the controller. */
    readonly sealer: Sealer;
    /** Values of the notifications secret by data key (`clusterWide.rollouts.notifications.secretData`), secrets. */
    readonly notificationSecrets: Readonly<Record<string, pulumi.Output<string>>>;
}

/** The cluster's one Argo Rollouts controller, with its notifications. */
export class ArgoRollouts extends pulumi.ComponentResource {
    /** What waits for Argo Rollouts (analysis templates): its chart, with the CRDs. */
    public readonly ready: readonly pulumi.Resource[];

    constructor(name: string, args: ArgoRolloutsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:rollouts:ArgoRollouts", name, {}, opts);
        const { rollouts, sealer } = args;
        const ns = rollouts.namespace;
        const labels = clusterLabels(args.cluster, "argo-rollouts");

        const nsResource = registerObject(name, namespace(ns, labels), { parent: this });
        const secretData = sealer.seal({ namespace: ns, name: ROLLOUTS_NOTIFICATIONS_SECRET }, args.notificationSecrets);
        const secret = registerSealedSecret(name, sealedSecret(ROLLOUTS_NOTIFICATIONS_SECRET, ns, labels, secretData), args.adoptExisting ?? false, {
            parent: this,
            dependsOn: [nsResource, ...(args.after ?? [])],
        });
        const cm = registerObject(name, rolloutsNotificationsConfigMap(rollouts, args.cluster), { parent: this, dependsOn: [nsResource] });
        this.ready = [registerChart(name, rolloutsRelease(rollouts), { parent: this, dependsOn: [nsResource, secret, cm] })];

        this.registerOutputs({});
    }
}
