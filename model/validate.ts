import type { z } from "zod";
import { clusterViewOf } from "./cluster";
import { checkClusterAccess } from "./checks/access";
import { checkArgoCd } from "./checks/argocd";
import { checkEnvironmentAgainstCluster, checkTopology } from "./checks/cluster";
import { checkMonitoring } from "./checks/monitoring";
import { checkNotifications } from "./checks/notifications";
import { checkOwnDeployments } from "./checks/overlap";
import { checkConfigReferences } from "./config";
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
                : // Stryker disable next-line Regex: zod puts "Invalid input: " only at the start of its message
                  `${issue.message.replace(/^Invalid input: /, "")}: change the value`;
        case "invalid_key": {
            // zod says only "Invalid key in record"; the key's own check says what it must be.
            // Stryker disable next-line StringLiteral: a Secret data key has one check (its pattern), so one message is ever joined
            const said = issue.issues.map((inner) => inner.message).join("; ");
            return `key ${JSON.stringify(issue.path.at(-1))} ${said}`;
        }
        default:
            return issue.message;
    }
}

/** A check of a parsed model that reports what it finds; `core/` checks what it generates this way. */
export type ModelCheck = (model: StackModel, problems: ProblemCollector) => void;

/**
 * Validates a stack's model: the schema first (types, formats, unknown fields), then the
 * topology and the cross-references between its parts, then `outputChecks`. Throws one
 * `StackInputError` that lists every problem. A stack that shares a cluster it does not install
 * is checked against its owner later, once the owner's facts are read (`checkAgainstOwner`).
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
    checkTopology(model, stack, problems);
    if (model.clusterWide) {
        checkArgoCd(model.clusterWide.argocd, "clusterWide.argocd", problems);
        checkNotifications(model.clusterWide, problems);
        checkClusterAccess(model, model.clusterWide, problems);
        const source = { projects: "clusterWide.argocd.projects", notifications: "clusterWide.argocd.notifications", monitoring: "clusterWide.monitoring", issuers: "clusterWide.certManager.issuers" };
        checkEnvironmentAgainstCluster(model, clusterViewOf(model.clusterWide), source, problems);
    }
    checkMonitoring(model, problems);
    checkOwnDeployments(model, problems);
    checkConfigReferences(model, problems);
    for (const check of outputChecks) check(model, problems);
    problems.throwIfAny(stack, source);
    return model;
}
