import * as pulumi from "@pulumi/pulumi";
import type { SealingCertificate } from "./certificate";
import { type SealScope, sealData } from "./seal";

/**
 * Seals Secret data for this stack's controller. The plaintext stays a secret Output up to
 * the moment it is sealed; the ciphertext is unsecreted, so previews show which key changed.
 */
export class Sealer {
    constructor(
        private readonly certificate: SealingCertificate,
        /** The secret salt, base64 (an Output of a Buffer would be flattened by `pulumi.all`). */
        private readonly saltBase64: pulumi.Output<string>,
    ) {}

    /**
     * A sealer for another cluster's controller (a spoke of a fleet), with this stack's salt: what
     * it seals opens with that controller's key only.
     */
    forCertificate(certificate: SealingCertificate): Sealer {
        return new Sealer(certificate, this.saltBase64);
    }

    /** Encrypted data for a SealedSecret bound to `scope` (strict scope). */
    seal(scope: SealScope, data: Readonly<Record<string, pulumi.Input<string>>>): pulumi.Output<Record<string, string>> {
        const sealed = pulumi
            .all([this.saltBase64, pulumi.all(data)])
            .apply(([salt, plain]) => sealData(this.certificate, Buffer.from(salt, "base64"), scope, plain));
        return pulumi.unsecret(sealed);
    }
}
