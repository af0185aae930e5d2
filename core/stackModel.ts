/**
 * A stack's model with every check that must pass before anything is registered: the model's
 * own (`model/`) and those on what the core generates from it, reported together.
 */
import { loadModel } from "../model/load";
import type { StackModel } from "../model/schema";
import { type ModelCheck, validateModel } from "../model/validate";
import { checkGeneratedReceivers } from "./monitoring/alertmanager";

/** Checks on generated output, each beside its generator. */
// Stryker disable next-line ArrayDeclaration: the generators are correct, so no model fails these checks today; they guard against a generator that breaks
export const GENERATED_OUTPUT_CHECKS: readonly ModelCheck[] = [checkGeneratedReceivers];

/** Loads a model file and checks it, and what the core makes of it. */
export function loadStackModel(stack: string, file: string): StackModel {
    return loadModel(stack, file, GENERATED_OUTPUT_CHECKS);
}

/** Checks a model value, and what the core makes of it. */
export function validateStackModel(stack: string, source: string, input: unknown): StackModel {
    return validateModel(stack, source, input, GENERATED_OUTPUT_CHECKS);
}
