import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { type SealingCertificate, saltFromPrivateKey } from "../sealing/certificate";
import { Sealer } from "../sealing/sealer";

export interface SealingArgs {
    /** The controller's certificate, already parsed and checked (`gitops:sealingCertificate`). */
    readonly certificate: SealingCertificate;
    /**
     * The controller's private key (`gitops:sealingKey`), a secret: when set, the sealing salt is
     * derived from it. Defaults to none: the salt is a random value kept in this stack's state.
     */
    readonly privateKeyPem?: pulumi.Output<string>;
}

/**
 * The `Sealer` every component of the stack seals its secrets with, for the cluster's one
 * sealed-secrets controller (installed by this stack or by the owner of a shared cluster).
 */
export class Sealing extends pulumi.ComponentResource {
    /** Seals values for the controller. */
    public readonly sealer: Sealer;

    constructor(name: string, args: SealingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:sealing:Sealing", name, {}, opts);
        const salt = args.privateKeyPem
            ? pulumi.secret(args.privateKeyPem.apply((key) => saltFromPrivateKey(key).toString("base64")))
            : new random.RandomBytes(`${name}-salt`, { length: 32 }, { parent: this }).base64;
        this.sealer = new Sealer(args.certificate, salt);
        this.registerOutputs({});
    }
}
