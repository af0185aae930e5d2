import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { adminPasswordHash } from "../core/argocd/adminPassword";
import { argocdNotificationsConfigMap, NOTIFICATIONS_SECRET } from "../core/argocd/notifications";
import { appProjects } from "../core/argocd/projects";
import { ARGOCD_SECRET, argocdRelease, argocdSecretData, keepsLocalAdmin, REDIS_SECRET, SERVER_SERVICE } from "../core/argocd/release";
import { repositoryCredentials, SECRET_TYPE_LABEL } from "../core/argocd/repositories";
import { gatewayObjects } from "../core/exposure";
import { clusterLabels, namespace, sealedSecret } from "../core/objects";
import { argocdUrl } from "../model/cluster";
import type { ArgoCdModel, IdentityProviderModel } from "../model/schema";
import type { Sealer } from "../sealing/sealer";
import { type ClusterPartArgs, registerChart, registerObject, registerSealedSecret } from "./register";

export interface ArgoCdArgs extends ClusterPartArgs {
    /** The cluster's Argo CD (`clusterWide.argocd`). */
    readonly argocd: ArgoCdModel;
    /** Seals Argo CD's secrets for the controller. */
    readonly sealer: Sealer;
    /** Values of the notifications secret by data key (`clusterWide.argocd.notifications.secretData`), secrets. */
    readonly notificationSecrets: Readonly<Record<string, pulumi.Output<string>>>;
    /** The value of a secret the model names (`gitops:<key>`): SSO client secrets, repository credentials. */
    readonly configSecret: (reference: string) => pulumi.Output<string>;
    /** The identity provider `sso.oidc` signs in with (the model's `identityProvider`). Defaults to none: no OIDC. */
    readonly identityProvider?: IdentityProviderModel;
    /** The admin password (`gitops:argocdAdminPassword`), a secret. Defaults to a random password kept in state, while the local admin is on. */
    readonly adminPassword?: pulumi.Output<string>;
    /** Further `policy.<name>.csv` keys of argocd-rbac-cm (a fleet hub's teams). Defaults to none. */
    readonly extraPolicies?: Readonly<Record<string, string>>;
}

/**
 * The cluster's one Argo CD, with RBAC, local accounts, single sign-on, notifications,
 * repository credentials and AppProjects, at its address. Each environment's root Applications go
 * into it (`RootApplications`); Argo CD then owns the teams' workloads.
 */
export class ArgoCd extends pulumi.ComponentResource {
    /** The public URL of the UI and API. */
    public readonly url: string;
    /** The admin password, a secret output; none once the local admin is off. */
    public readonly adminPassword?: pulumi.Output<string>;
    /** What waits for Argo CD (root Applications): the chart (its CRDs) and the projects. */
    public readonly ready: readonly pulumi.Resource[];

    constructor(name: string, args: ArgoCdArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:argocd:ArgoCd", name, {}, opts);
        const { argocd, sealer } = args;
        const ns = argocd.namespace;
        const labels = clusterLabels(args.cluster, "argocd");
        this.url = argocdUrl(argocd);

        let passwordHash: pulumi.Output<string> | undefined;
        if (!keepsLocalAdmin(argocd)) {
            passwordHash = undefined;
        } else if (args.adminPassword) {
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
        const seal = (secretName: string, data: Readonly<Record<string, pulumi.Input<string>>>, options: Parameters<typeof sealedSecret>[4] = {}) =>
            registerSealedSecret(name, sealedSecret(secretName, ns, labels, sealer.seal({ namespace: ns, name: secretName }, data), options), args.adoptExisting ?? false, sealedOpts);
        const notificationsSecret = seal(NOTIFICATIONS_SECRET, args.notificationSecrets);
        const redisPassword = new random.RandomPassword(`${name}-redis-password`, { length: 32, special: false }, { parent: this });
        const redisSecret = seal(REDIS_SECRET, { auth: redisPassword.result });
        // The key Argo CD signs sessions with: kept in state, so sessions survive a restart.
        const serverSecretKey = new random.RandomPassword(`${name}-server-secretkey`, { length: 32, special: false }, { parent: this });
        // Argo CD writes keys of its own into it: the controller patches the Secret rather than replace it.
        const argocdSecret = seal(ARGOCD_SECRET, argocdSecretData(argocd, { adminPasswordHash: passwordHash, serverSecretKey: serverSecretKey.result, secrets: args.configSecret }), { sharedWithItsController: true });
        // Argo CD finds credentials by the label, on the Secret the controller writes.
        const credentials = repositoryCredentials(argocd).map((c) =>
            seal(c.name, Object.fromEntries(Object.entries(c.data).map(([key, value]) => [key, "plain" in value ? value.plain : args.configSecret(value.secret)])), { templateLabels: { [SECRET_TYPE_LABEL]: "repo-creds" } }),
        );
        const notificationsCm = registerObject(name, argocdNotificationsConfigMap(argocd, args.cluster), { parent: this, dependsOn: [nsResource] });

        const chart = registerChart(name, argocdRelease(argocd, args.identityProvider, args.extraPolicies), {
            parent: this,
            dependsOn: [nsResource, notificationsSecret, redisSecret, argocdSecret, ...credentials, notificationsCm, ...(args.after ?? [])],
        });
        const routes = gatewayObjects(argocd.expose, "argocd-server", ns, SERVER_SERVICE, labels).map((o) => registerObject(name, o, { parent: this, dependsOn: [chart] }));
        const projects = appProjects(argocd, args.cluster).map((p) => registerObject(name, p, { parent: this, dependsOn: [chart] }));
        this.ready = [chart, ...projects, ...routes];

        // Stryker disable next-line ObjectLiteral: registered outputs only show in the component's state: nothing reads them, and Pulumi's mocks never see them
        this.registerOutputs({ url: this.url, adminPassword: this.adminPassword });
    }
}
