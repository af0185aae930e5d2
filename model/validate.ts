import type { z } from "zod";
import { clusterViewOf } from "./cluster";
import { checkClusterAccess } from "./checks/access";
import { checkArgoCd } from "./checks/argocd";
import { checkEnvironmentAgainstCluster, checkTopology } from "./checks/cluster";
import { checkFleet } from "./checks/fleet";
import { checkMonitoring } from "./checks/monitoring";
import { checkNotifications } from "./checks/notifications";
import { checkOwnDeployments } from "./checks/overlap";
import { checkConfigReferences } from "./config";
import { formatPath, ProblemCollector } from "./problems";
import { type StackModel, stackModelSchema } from "./schema";

/** A type as zod names it, in words. */
const TYPE_WORDS: Readonly<Record<string, string>> = { int: "a whole number", number: "a number", string: "a string", boolean: "true or false", array: "a list", object: "a mapping", record: "a mapping" };

/** What a value is, as the message quotes it. */
function shown(value: unknown): string {
    return Array.isArray(value) ? "a list" : typeof value === "object" && value !== null ? "a mapping" : JSON.stringify(value);
}

/** The bound of a too_small or too_big issue, in words: what the value must be, and what to do. */
function bound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
    const small = issue.code === "too_small";
    const limit = Number(small ? issue.minimum : issue.maximum);
    const exactly = issue.inclusive ? "" : small ? " more than" : " fewer than";
    switch (issue.origin) {
        case "string":
            return small && limit === 1 ? "is empty: give it a value" : `must be ${small ? "at least" : "at most"}${exactly} ${limit} characters long: change the value`;
        case "array":
        case "set":
            return small && limit === 1 ? "is empty: add at least one entry" : `takes ${small ? "at least" : "at most"} ${limit} entries${exactly ? ` (${exactly.trim()})` : ""}: ${small ? "add" : "remove"} entries`;
        default:
            return `is ${shown(issue.input)}; it must be ${issue.inclusive ? (small ? "at least" : "at most") : small ? "more than" : "less than"} ${limit}: change the value`;
    }
}

/**
 * Turns a schema issue into a message in this project's words that also says what to do; a
 * message the schema gives itself (a pattern's, a refinement's) is kept as it is.
 */
function describeIssue(issue: z.core.$ZodIssue): string {
    switch (issue.code) {
        case "unrecognized_keys":
            return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}: remove ${issue.keys.length > 1 ? "them" : "it"} or check the spelling`;
        case "invalid_type":
            return issue.input === undefined ? `is missing: add ${TYPE_WORDS[issue.expected] ?? issue.expected}` : `is ${shown(issue.input)}, not ${TYPE_WORDS[issue.expected] ?? issue.expected}: change the value`;
        case "too_small":
        case "too_big":
            return /^Too (small|big):/.test(issue.message) ? bound(issue) : issue.message;
        case "invalid_value":
            return /^Invalid (option|input):/.test(issue.message) ? `is ${shown(issue.input)}; use ${issue.values.length > 1 ? "one of: " : ""}${issue.values.map((v) => JSON.stringify(v)).join(", ")}` : issue.message;
        case "invalid_union":
            return issue.message === "Invalid input" ? `matches none of the shapes this field takes (${shown(issue.input)}): see its doc comment in model/schema.ts` : issue.message;
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
        if (model.clusterWide.argocd) checkArgoCd(model.clusterWide.argocd, "clusterWide.argocd", problems);
        checkNotifications(model.clusterWide, problems);
        checkClusterAccess(model, model.clusterWide, problems);
        const source = { projects: "clusterWide.argocd.projects", notifications: "clusterWide.argocd.notifications", monitoring: "clusterWide.monitoring", issuers: "clusterWide.certManager.issuers" };
        checkEnvironmentAgainstCluster(model, clusterViewOf(model.clusterWide), source, problems);
    }
    checkFleet(model, stack, problems);
    checkMonitoring(model, problems);
    checkOwnDeployments(model, problems);
    checkConfigReferences(model, problems);
    for (const check of outputChecks) check(model, problems);
    problems.throwIfAny(stack, source);
    return model;
}
