/**
 * A fleet's spoke: the ServiceAccount, token and RBAC the hub's Argo CD acts with in this cluster,
 * and what the hub needs of it as a secret stack output (`fleetSpoke`): its server, CA, token,
 * the namespaces it may manage and this cluster's own sealing certificate. The token and CA are
 * those Kubernetes writes into the token Secret once it exists; a spoke brought up before they
 * are written exports an empty token, which the hub refuses with what to do.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MANAGER_TOKEN_SECRET, spokeAccessObjects } from "../core/fleet/spoke";
import type { SpokeOutput, SpokeRoleModel } from "../model/fleet";
import { registerObject } from "./register";

export interface FleetSpokeArgs {
    readonly spoke: SpokeRoleModel;
    /** This cluster's name (`cluster.name`), the spoke's name in the hub. */
    readonly cluster: string;
    /** The certificate of this cluster's sealed-secrets controller, PEM. */
    readonly sealingCertificatePem: string;
    /** What it waits for. Defaults to none. */
    readonly after?: readonly pulumi.Resource[];
}

const decoded = (data: Record<string, string> | undefined, key: string) => Buffer.from(data?.[key] ?? "", "base64").toString("utf8");

export class FleetSpoke extends pulumi.ComponentResource {
    /** What the hub reads through its StackReference, a secret. */
    public readonly output: pulumi.Output<SpokeOutput>;

    constructor(name: string, args: FleetSpokeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:fleet:FleetSpoke", name, {}, opts);
        const objects = spokeAccessObjects(args.spoke, args.cluster);
        const registered = objects.map((o) => registerObject(name, o, { parent: this, dependsOn: [...(args.after ?? [])] }));
        const token = registered[objects.findIndex((o) => o.metadata.name === MANAGER_TOKEN_SECRET)] as k8s.core.v1.Secret;
        this.output = pulumi.secret(
            token.data.apply((data) => ({
                cluster: args.cluster,
                server: args.spoke.server,
                caPem: decoded(data, "ca.crt"),
                bearerToken: decoded(data, "token"),
                ...(args.spoke.namespaces ? { namespaces: args.spoke.namespaces } : {}),
                sealingCertificate: args.sealingCertificatePem,
            })),
        );
        this.registerOutputs({});
    }
}
