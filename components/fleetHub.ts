/**
 * A fleet's hub: what its Argo CD needs to manage the spokes. One cluster Secret per spoke, sealed
 * for the hub's own controller; the teams' AppProjects; an ApplicationSet per add-on and team
 * application; and, in each spoke, the secrets of the add-ons placed there, sealed for that
 * spoke's controller and applied through a provider of that spoke.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { fleetApplicationSet } from "../core/fleet/applicationSets";
import { clusterSecretAnnotations, clusterSecretData, clusterSecretLabels, clusterSecretName } from "../core/fleet/clusterSecret";
import { type SpokeSecret, spokeKubeconfig, spokeSecrets } from "../core/fleet/delivery";
import { placement } from "../core/fleet/placement";
import { teamProject } from "../core/fleet/teams";
import { clusterLabels, namespace, sealedSecret } from "../core/objects";
import { kubernetesProviderArgs } from "../core/provider";
import type { Sealer } from "../sealing/sealer";
import type { FleetInputs, ResolvedSpoke } from "./fleetSources";
import { registerObject, registerSealedSecret } from "./register";

export interface FleetHubArgs {
    readonly fleet: FleetInputs;
    /** The hub's cluster name, in the labels. */
    readonly cluster: string;
    /** The namespace of the hub's Argo CD, where cluster Secrets, projects and ApplicationSets live. */
    readonly argocdNamespace: string;
    /** The hub's sealer (its own controller). */
    readonly sealer: Sealer;
    /** The value of a config secret the model names. */
    readonly configSecret: (reference: string) => pulumi.Output<string>;
    /** What it waits for: Argo CD (its CRDs, its namespace). Defaults to none. */
    readonly after?: readonly pulumi.Resource[];
    /** Hand existing Secrets to the controller (`gitops:adoptExisting`). Defaults to false. */
    readonly adoptExisting?: boolean;
}

export class FleetHub extends pulumi.ComponentResource {
    constructor(name: string, args: FleetHubArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:fleet:FleetHub", name, {}, opts);
        const { fleet, argocdNamespace: ns, sealer } = args;
        const { hub } = fleet;
        const labels = clusterLabels(args.cluster, "fleet");
        const after = { parent: this, dependsOn: [...(args.after ?? [])] };

        for (const { spoke, access } of fleet.spokes) {
            const secretName = clusterSecretName(spoke);
            // The config holds the token: every value stays a secret until it is sealed.
            const data = Object.fromEntries(Object.entries(clusterSecretData(spoke, access)).map(([key, value]) => [key, pulumi.secret(value)]));
            const sealed = sealedSecret(secretName, ns, labels, sealer.seal({ namespace: ns, name: secretName }, data), { templateLabels: clusterSecretLabels(spoke), templateAnnotations: clusterSecretAnnotations(spoke) });
            registerSealedSecret(name, sealed, args.adoptExisting ?? false, after);
        }
        for (const team of hub.teams) registerObject(name, teamProject(hub, team, ns, args.cluster), after);
        const placed = placement(hub);
        for (const p of placed) registerObject(name, fleetApplicationSet(hub, p, args.cluster, ns), after);

        const delivered = spokeSecrets(hub, placed);
        for (const resolved of fleet.spokes) this.deliver(`${name}-${resolved.spoke.name}`, resolved, delivered.get(resolved.spoke.name) ?? [], args);
        this.registerOutputs({});
    }

    /** The add-on secrets one spoke receives, sealed for its controller, applied there through a provider of that spoke. */
    private deliver(name: string, { spoke, access, certificate }: ResolvedSpoke, secrets: readonly SpokeSecret[], args: FleetHubArgs): void {
        if (secrets.length === 0) return;
        // Upsert: Argo CD may have made an add-on's namespace first (CreateNamespace=true).
        const provider = new k8s.Provider(name, kubernetesProviderArgs(spoke.name, { kubeconfig: pulumi.secret(spokeKubeconfig(spoke, access)) }, "upsert"), { parent: this });
        const sealer = args.sealer.forCertificate(certificate);
        const labels = clusterLabels(spoke.name, "fleet");
        const namespaces = new Map<string, pulumi.Resource>();
        for (const { secret } of secrets) {
            let ns = namespaces.get(secret.namespace);
            if (!ns) {
                // Kept when the add-on leaves the spoke: what Argo CD synced into it stays (preserveResourcesOnDeletion).
                // By the option, not the keep annotation: the stack's lifecycle transform would apply an annotated
                // object through the hub's own kept-objects provider, in the hub's cluster.
                ns = registerObject(name, namespace(secret.namespace, labels), { parent: this, provider, retainOnDelete: true });
                namespaces.set(secret.namespace, ns);
            }
            const values = Object.fromEntries(Object.entries(secret.data).map(([key, reference]) => [key, args.configSecret(reference)]));
            registerObject(name, sealedSecret(secret.name, secret.namespace, labels, sealer.seal({ namespace: secret.namespace, name: secret.name }, values)), { parent: this, provider, dependsOn: [ns] });
        }
    }
}
