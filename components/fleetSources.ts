/**
 * What a hub knows of each spoke before it registers anything: its API server, CA, token and
 * sealing certificate, read through a StackReference to the spoke's stack (its `fleetSpoke`
 * output), or from the config secrets the model names for a cluster built elsewhere. Every
 * problem is reported at once, at the spoke's model path.
 */
import * as pulumi from "@pulumi/pulumi";
import type { SpokeAccess } from "../core/fleet/clusterSecret";
import { FLEET_SPOKE_OUTPUT, type HubModel, type SpokeModel, spokeOutputSchema } from "../model/fleet";
import { ProblemCollector } from "../model/problems";
import { parseSealingCertificate, type SealingCertificate, SealingConfigError } from "../sealing/certificate";

/** A spoke with what the hub needs of it. */
export interface ResolvedSpoke {
    readonly spoke: SpokeModel;
    readonly access: SpokeAccess;
    /** Its own sealed-secrets controller's certificate. */
    readonly certificate: SealingCertificate;
}

/** What the hub registers with: its fleet section and each spoke, resolved. */
export interface FleetInputs {
    readonly hub: HubModel;
    readonly spokes: readonly ResolvedSpoke[];
}

/** A spoke stack's exported facts, or a problem that says what to do. */
async function fromStack(spoke: SpokeModel, stackName: string, at: string, problems: ProblemCollector): Promise<(SpokeAccess & { sealingCertificate: string }) | undefined> {
    const bringUp = `bring it up first with \`pulumi up --stack ${stackName}\`, then the hub`;
    const reference = new pulumi.StackReference(`fleet-spoke-${spoke.name}`, { name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${stackName}` });
    let exported: unknown;
    try {
        const details = await reference.getOutputDetails(FLEET_SPOKE_OUTPUT);
        exported = details.value ?? details.secretValue;
    } catch (e) {
        problems.add(`${at}.source.stack`, `stack "${stackName}" cannot be read (${(e as Error).message.split("\n")[0]}); ${bringUp}`);
        return undefined;
    }
    const parsed = spokeOutputSchema.safeParse(exported);
    if (exported === undefined) problems.add(`${at}.source.stack`, `stack "${stackName}" has no "${FLEET_SPOKE_OUTPUT}" output: is it a spoke (fleet.role "spoke")? ${bringUp}`);
    else if (!parsed.success) problems.add(`${at}.source.stack`, `stack "${stackName}" exported a "${FLEET_SPOKE_OUTPUT}" this revision cannot read; update it to this revision first (\`pulumi up --stack ${stackName}\`)`);
    else if (parsed.data.cluster !== spoke.name) problems.add(`${at}.name`, `is "${spoke.name}", but stack "${stackName}" is cluster "${parsed.data.cluster}": name the spoke as its cluster`);
    else if (spoke.auth.type === "bearerToken" && parsed.data.bearerToken === "") problems.add(`${at}.source.stack`, `stack "${stackName}" has no token yet (Kubernetes fills the ServiceAccount's token Secret after it is made): run \`pulumi refresh --stack ${stackName}\` and \`pulumi up --stack ${stackName}\`, then the hub`);
    else return parsed.data;
    return undefined;
}

/**
 * Every spoke of the hub, resolved; throws one StackInputError listing every problem. `secrets`
 * are the config secrets the model names, by key.
 */
export async function resolveSpokes(stack: string, source: string, hub: HubModel, secrets: Readonly<Record<string, string>>): Promise<FleetInputs> {
    const problems = new ProblemCollector();
    const secretOf = (reference: string) => secrets[reference.slice(reference.indexOf(":") + 1)] as string;
    const resolved = await Promise.all(
        hub.spokes.map(async (spoke, i): Promise<ResolvedSpoke | undefined> => {
            const at = `fleet.spokes[${i}]`;
            const facts =
                "stack" in spoke.source
                    ? await fromStack(spoke, spoke.source.stack, at, problems)
                    : {
                          server: spoke.source.config.server,
                          caPem: secretOf(spoke.source.config.caData),
                          bearerToken: spoke.source.config.bearerToken === undefined ? undefined : secretOf(spoke.source.config.bearerToken),
                          namespaces: spoke.source.config.namespaces,
                          sealingCertificate: secretOf(spoke.source.config.sealingCertificate),
                      };
            if (!facts) return undefined;
            const certificateAt = "stack" in spoke.source ? `${at}.source.stack` : `${at}.source.config.sealingCertificate`;
            try {
                const { sealingCertificate, ...access } = facts;
                return { spoke, access, certificate: parseSealingCertificate(sealingCertificate) };
            } catch (e) {
                if (!(e instanceof SealingConfigError)) throw e;
                problems.add(certificateAt, `the spoke's sealing certificate cannot be used: ${e.message}`);
                return undefined;
            }
        }),
    );
    problems.throwIfAny(stack, source);
    return { hub, spokes: resolved as ResolvedSpoke[] };
}
