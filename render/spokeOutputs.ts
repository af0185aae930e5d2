/**
 * Offline, a hub cannot read its spokes' outputs from a backend: each spoke stack's `fleetSpoke`
 * output is computed instead from the spoke's model and non-secret config in this checkout, as
 * render/ownerFacts.ts does for a shared cluster's owner. What only the live spoke knows (its API
 * server's CA and its ServiceAccount token) is stood in for by the demo CA and a placeholder token,
 * so that the render shows every cluster Secret the hub would seal, with no secret of a spoke.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadStackModel } from "../core/stackModel";
import { CONFIG_NAMESPACE } from "../model/config";
import { FLEET_SPOKE_OUTPUT, type SpokeOutput } from "../model/fleet";
import { defaultModelFile, readModelFile } from "../model/load";
import { StackInputError } from "../model/problems";
import { PROJECT_DIR } from "./layout";
import type { StackOutputs } from "./mockRuntime";
import { mockStackName } from "./ownerFacts";
import { offlineStackConfig } from "./stackConfig";

const SPOKE_KEYS = ["sealingCertificate", "model"].map((k) => `${CONFIG_NAMESPACE}:${k}`);

/** The stand-in for a spoke's token in an offline render: no real token is ever known here. */
export const offlineToken = (stack: string) => `offline-render-token-of-${stack}`;

/** What a spoke stack would export, from its model and sealing certificate, with the demo CA and a placeholder token. */
export function offlineSpokeOutput(stack: string, cluster: string, spoke: { server: string; namespaces?: readonly string[] }, sealingCertificate: string, projectDir = PROJECT_DIR): SpokeOutput {
    return {
        cluster,
        server: spoke.server,
        caPem: fs.readFileSync(path.join(projectDir, "demo", "ca.crt"), "utf8"),
        bearerToken: offlineToken(stack),
        ...(spoke.namespaces ? { namespaces: [...spoke.namespaces] } : {}),
        sealingCertificate,
    };
}

/** The spoke stacks a model's hub reads, without validating the model (the program reports a bad one). */
function spokeStacks(stack: string, modelFile: string): string[] {
    try {
        const raw = readModelFile(stack, modelFile) as { fleet?: { role?: unknown; spokes?: { source?: { stack?: unknown } }[] } } | undefined;
        if (raw?.fleet?.role !== "hub" || !Array.isArray(raw.fleet.spokes)) return [];
        return raw.fleet.spokes.flatMap((s) => (typeof s?.source?.stack === "string" ? [s.source.stack] : []));
    } catch (e) {
        // Stryker disable next-line ConditionalExpression: readModelFile turns every failure into a StackInputError
        if (e instanceof StackInputError) return [];
        throw e;
    }
}

/**
 * The outputs of every spoke stack `stack`'s hub model reads, as their own `pulumi up` would
 * export them (from the copy of the project at `projectDir`); a spoke with no config or model
 * here, or that is no spoke, is left out (the program then says what to do).
 */
export function offlineSpokeOutputs(stack: string, modelFile: string, projectDir = PROJECT_DIR): StackOutputs {
    const outputs: Record<string, Record<string, unknown>> = {};
    for (const spokeStack of spokeStacks(stack, modelFile)) {
        let values: Record<string, string>;
        try {
            values = offlineStackConfig(spokeStack, undefined, SPOKE_KEYS, projectDir).values;
        } catch (e) {
            if (e instanceof StackInputError) continue;
            throw e;
        }
        const model = loadStackModel(spokeStack, path.resolve(values[`${CONFIG_NAMESPACE}:model`] || defaultModelFile(spokeStack, path.join(projectDir, "stacks"))));
        const certificate = values[`${CONFIG_NAMESPACE}:sealingCertificate`];
        if (model.fleet?.role !== "spoke" || !certificate) continue;
        outputs[mockStackName(spokeStack)] = { [FLEET_SPOKE_OUTPUT]: offlineSpokeOutput(spokeStack, model.cluster.name, model.fleet, certificate, projectDir) };
    }
    return outputs;
}
