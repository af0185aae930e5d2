/** Runs the policy pack's rules (policy/policies.ts) over objects as the engine hands them to a policy. */
import type { ResourceValidationArgs } from "@pulumi/policy";
import { policies } from "../../policy/policies";
import { kubernetesType } from "../../render/applied";

/** One violation: the policy and what it said. */
export interface Violation {
    readonly policy: string;
    readonly message: string;
}

/** Every violation any policy reports over `objects` (each an object as Pulumi applies it). */
export async function violations(objects: Iterable<Record<string, any>>): Promise<Violation[]> {
    const found: Violation[] = [];
    for (const object of objects) {
        // Only what the rules read: a policy run by the engine gets more (options, the provider, type checks).
        const args = { type: kubernetesType(object), props: object, name: String(object.metadata?.name), urn: "", opts: {}, stackTags: new Map() } as unknown as ResourceValidationArgs;
        for (const policy of policies) {
            const validations = [policy.validateResource ?? []].flat();
            for (const validate of validations) await validate(args, (message) => found.push({ policy: policy.name, message }));
        }
    }
    return found;
}
