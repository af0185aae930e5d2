import type { z } from "zod";
import { checkArgoCd } from "./checks/argocd";
import { checkMonitoring } from "./checks/monitoring";
import { checkNotifications } from "./checks/notifications";
import { formatPath, ProblemCollector } from "./problems";
import { type StackModel, stackModelSchema } from "./schema";

/** Turns a schema issue into a message that also says what to do. */
function describeIssue(issue: z.core.$ZodIssue): string {
    switch (issue.code) {
        case "unrecognized_keys":
            return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}: remove ${issue.keys.length > 1 ? "them" : "it"} or check the spelling`;
        case "invalid_type":
            return issue.input === undefined
                ? `required ${issue.expected} is missing: add it`
                : `${issue.message.replace(/^Invalid input: /, "")}: change the value`;
        default:
            return issue.message;
    }
}

/** A check of a parsed model that reports what it finds; `core/` checks what it generates this way. */
export type ModelCheck = (model: StackModel, problems: ProblemCollector) => void;

/**
 * Validates a stack's model: the schema first (types, formats, unknown fields), then the
 * cross-references between its parts, then `outputChecks`. Throws one `StackInputError` that
 * lists every problem.
 */
export function validateModel(stack: string, source: string, input: unknown, outputChecks: readonly ModelCheck[] = []): StackModel {
    const problems = new ProblemCollector();
    if (input === undefined || input === null || (typeof input === "object" && Object.keys(input).length === 0)) {
        problems.add("(model)", "the model is empty: export a StackModelInput (see stacks/dev.ts for a complete example)");
        problems.throwIfAny(stack, source);
    }
    const parsed = stackModelSchema.safeParse(input, { reportInput: true });
    if (!parsed.success) {
        for (const issue of parsed.error.issues) problems.add(formatPath(issue.path), describeIssue(issue));
        problems.throwIfAny(stack, source);
    }
    const model = parsed.data as StackModel;
    checkArgoCd(model, problems);
    checkNotifications(model, problems);
    checkMonitoring(model, problems);
    for (const check of outputChecks) check(model, problems);
    problems.throwIfAny(stack, source);
    return model;
}
