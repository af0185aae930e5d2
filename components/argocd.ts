import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { adminPasswordHash } from "../core/argocd/adminPassword";
import { argocdNotificationsConfigMap, NOTIFICATIONS_SECRET } from "../core/argocd/notifications";
import { appProjects } from "../core/argocd/projects";
import { ARGOCD_SECRET, argocdRelease, argocdSecretData, REDIS_SECRET } from "../core/argocd/release";
import { clusterLabels, namespace, sealedSecret } from "../core/objects";
import { argocdUrl } from "../model/cluster";
import type { ArgoCdModel } from "../model/schema";
import type { Sealer } from "../sealing/sealer";
import { registerChart, registerObject } from "./register";

export interface ArgoCdArgs {
    /** The cluster's Argo CD (`clusterWide.argocd`). */
    readonly argocd: ArgoCdModel;
    /** The cluster's name (`cluster.name`), in the labels. */
    readonly cluster: string;
    /** Seals the notifications secret and the Redis password for the controller. */
    readonly sealer: Sealer;
    /** What its SealedSecrets and chart wait for (the sealed-secrets controller): the parts it runs on, where this stack installs them. Defaults to none. */
    readonly after?: readonly pulumi.Resource[];
    /** Values of the notifications secret by data key (`clusterWide.argocd.notifications.secretData`), secrets. */
    readonly notificationSecrets: Readonly<Record<string, pulumi.Output<string>>>;
    /** The admin password (`gitops:argocdAdminPassword`), a secret. Defaults to a random password kept in state. */
    readonly adminPassword?: pulumi.Output<string>;
}

/**
 * The cluster's one Argo CD, with RBAC, local accounts, notifications and AppProjects. Each
 * environment's root Applications go into it (`RootApplications`); Argo CD then owns the
 * teams' workloads.
 */
export class ArgoCd extends pulumi.ComponentResource {
    /** The public URL of the UI and API. */
    public readonly url: string;
    /** The admin password: a secret output. */
    public readonly adminPassword: pulumi.Output<string>;
    /** What waits for Argo CD (root Applications): the chart (its CRDs) and the projects. */
    public readonly ready: readonly pulumi.Resource[];

    constructor(name: string, args: ArgoCdArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:argocd:ArgoCd", name, {}, opts);
        const { argocd, sealer } = args;
        const ns = argocd.namespace;
        const labels = clusterLabels(args.cluster, "argocd");
        this.url = argocdUrl(argocd);

        let passwordHash: pulumi.Output<string>;
        if (args.adminPassword) {
            this.adminPassword = pulumi.secret(args.adminPassword);
            const scope = `${pulumi.getProject()}/${pulumi.getStack()}`;
            passwordHash = pulumi.secret(args.adminPassword.apply((p) => adminPasswordHash(p, scope)));
        } else {
            const generated = new random.RandomPassword(`${name}-admin-password`, { length: 24, special: false }, { parent: this });
            this.adminPassword = pulumi.secret(generated.result);
            passwordHash = pulumi.secret(generated.bcryptHash);
        }

        const nsResource = registerObject(name, namespace(ns, labels), { parent: this });
        const sealedOpts = { parent: this, dependsOn: [nsResource, ...(args.after ?? [])] };
        const notificationsData = sealer.seal({ namespace: ns, name: NOTIFICATIONS_SECRET }, args.notificationSecrets);
        const notificationsSecret = registerObject(name, sealedSecret(NOTIFICATIONS_SECRET, ns, labels, notificationsData), sealedOpts);
        const redisPassword = new random.RandomPassword(`${name}-redis-password`, { length: 32, special: false }, { parent: this });
        const redisData = sealer.seal({ namespace: ns, name: REDIS_SECRET }, { auth: redisPassword.result });
        const redisSecret = registerObject(name, sealedSecret(REDIS_SECRET, ns, labels, redisData), sealedOpts);
        // The key Argo CD signs sessions with: kept in state, so sessions survive a restart.
        const serverSecretKey = new random.RandomPassword(`${name}-server-secretkey`, { length: 32, special: false }, { parent: this });
        const argocdSecretValues = argocdSecretData(passwordHash, serverSecretKey.result);
        const argocdSecret = registerObject(name, sealedSecret(ARGOCD_SECRET, ns, labels, sealer.seal({ namespace: ns, name: ARGOCD_SECRET }, argocdSecretValues)), sealedOpts);
        const notificationsCm = registerObject(name, argocdNotificationsConfigMap(argocd, args.cluster), { parent: this, dependsOn: [nsResource] });

        const chart = registerChart(name, argocdRelease(argocd), {
            parent: this,
            dependsOn: [nsResource, notificationsSecret, redisSecret, argocdSecret, notificationsCm],
        });
        const projects = appProjects(argocd, args.cluster).map((p) => registerObject(name, p, { parent: this, dependsOn: [chart] }));
        this.ready = [chart, ...projects];

        // Stryker disable next-line ObjectLiteral: registered outputs only show in the component's state: nothing reads them, and Pulumi's mocks never see them
        this.registerOutputs({ url: this.url, adminPassword: this.adminPassword });
    }
}
