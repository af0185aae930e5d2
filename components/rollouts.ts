import * as pulumi from "@pulumi/pulumi";
import { namespace, platformLabels, sealedSecret } from "../core/objects";
import { clusterAnalysisTemplates, ROLLOUTS_NOTIFICATIONS_SECRET, rolloutsNotificationsConfigMap, rolloutsRelease } from "../core/rollouts";
import type { StackModel } from "../model/schema";
import type { Sealer } from "../sealing/sealer";
import { registerChart, registerObject } from "./register";

export interface ArgoRolloutsArgs {
    /** The validated stack model. */
    readonly model: StackModel;
    /** Seals the notifications secret for the controller. */
    readonly sealer: Sealer;
    /** The sealed-secrets controller: SealedSecrets wait for its CRD. */
    readonly sealedSecretsController: pulumi.Resource;
    /** Values of the notifications secret by data key (`rollouts.notifications.secretData`), secrets. */
    readonly notificationSecrets: Readonly<Record<string, pulumi.Output<string>>>;
}

/** Argo Rollouts with its notifications and the shared AnalysisTemplates. */
export class ArgoRollouts extends pulumi.ComponentResource {
    constructor(name: string, args: ArgoRolloutsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:rollouts:ArgoRollouts", name, {}, opts);
        const { model, sealer } = args;
        const ns = model.rollouts.namespace;
        const labels = platformLabels(model.environment, "argo-rollouts");

        const nsResource = registerObject(name, namespace(ns, labels), { parent: this });
        const secretData = sealer.seal({ namespace: ns, name: ROLLOUTS_NOTIFICATIONS_SECRET }, args.notificationSecrets);
        const secret = registerObject(name, sealedSecret(ROLLOUTS_NOTIFICATIONS_SECRET, ns, labels, secretData), {
            parent: this,
            dependsOn: [nsResource, args.sealedSecretsController],
        });
        const cm = registerObject(name, rolloutsNotificationsConfigMap(model), { parent: this, dependsOn: [nsResource] });
        const chart = registerChart(name, rolloutsRelease(model), { parent: this, dependsOn: [nsResource, secret, cm] });
        for (const template of clusterAnalysisTemplates(model)) registerObject(name, template, { parent: this, dependsOn: [chart] });

        this.registerOutputs({});
    }
}
