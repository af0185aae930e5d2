/** What the component tests share: validated models and a sealer for the demo certificate. */
import * as pulumi from "@pulumi/pulumi";
import { parseSealingCertificate } from "../../sealing/certificate";
import { Sealer } from "../../sealing/sealer";
import { demoCertificatePem } from "../harness";
import { installerModel, stackModel } from "../helpers/models";

/** dev as shipped: its own environment on prod's cluster-wide parts. */
export const model = stackModel("dev");
/** prod as shipped: it installs the cluster-wide parts of the shared cluster. */
export const owner = installerModel("prod", "shared");

/** A sealer for the demo certificate with a fixed salt. */
export function demoSealer(): Sealer {
    return new Sealer(parseSealingCertificate(demoCertificatePem), pulumi.secret(Buffer.alloc(32, 7).toString("base64")));
}

/** A stand-in for a resource another component waits for. */
export function standIn(name: string): pulumi.CustomResource {
    return new StandIn(name);
}

class StandIn extends pulumi.CustomResource {
    constructor(name: string) {
        super("test:index:StandIn", name, {});
    }
}
