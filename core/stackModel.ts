/**
 * A stack's model with every check that must pass before anything is registered: the model's
 * own (`model/`) and those on what the core generates from it, reported together.
 */
import { loadModel } from "../model/load";
import type { StackModel } from "../model/schema";
import { type ModelCheck, validateModel } from "../model/validate";
import { checkClusterFit } from "./clusterFit";
import { checkFleetPlacement } from "./fleet/checks";
import { checkGeneratedReceivers } from "./monitoring/alertmanager";
import { checkControlPlaneMetrics } from "./monitoring/controlPlane";
import { checkReleaseValues } from "./releaseValues";

/** Checks of what the core makes of the model: the generated receivers, the releases' values against their charts, what the platform asks of its cluster against the cluster's profile, what it scrapes of the control plane, and a hub's placement of add-ons and applications on its spokes. */
export const GENERATED_OUTPUT_CHECKS: readonly ModelCheck[] = [checkGeneratedReceivers, checkReleaseValues, checkClusterFit, checkControlPlaneMetrics, checkFleetPlacement];

/** Loads a model file and checks it, and what the core makes of it. */
export function loadStackModel(stack: string, file: string): StackModel {
    return loadModel(stack, file, GENERATED_OUTPUT_CHECKS);
}

/** Checks a model value, and what the core makes of it. */
export function validateStackModel(stack: string, source: string, input: unknown): StackModel {
    return validateModel(stack, source, input, GENERATED_OUTPUT_CHECKS);
}
