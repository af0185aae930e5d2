/** What the component tests share: a validated model and a sealer for the demo certificate. */
import * as pulumi from "@pulumi/pulumi";
import type { StackModel } from "../../model/schema";
import { validateModel } from "../../model/validate";
import { parseSealingCertificate } from "../../sealing/certificate";
import { Sealer } from "../../sealing/sealer";
import dev from "../../stacks/dev";
import { demoCertificatePem } from "../harness";

export const model: StackModel = validateModel("dev", "stacks/dev.ts", dev);

/** A sealer for the demo certificate with a fixed salt. */
export function demoSealer(): Sealer {
    return new Sealer(parseSealingCertificate(demoCertificatePem), pulumi.secret(Buffer.alloc(32, 7).toString("base64")));
}
