import { GO_BUILTINS, HELM_ONLY_FUNCTIONS, readGoTemplate } from "../../lib/gotemplate";
import type { ProblemCollector } from "../problems";
import type { StackModel } from "../schema";

/** Functions of Alertmanager's notification templates (Go builtins plus these; no sprig, no Helm). */
const ALERTMANAGER_FUNCTIONS = new Set([
    ...GO_BUILTINS,
    "toUpper", "toLower", "title", "trimSpace", "join", "match", "safeHtml", "safeUrl", "urlUnescape", "reReplaceAll",
    "stringSlice", "date", "tz", "since", "humanizeDuration", "toJson",
]);

/** Go's RE2 has no look-around or back-references; JavaScript would accept them. */
const NOT_RE2 = /\(\?[=!<]|\\[1-9]/;

/** Namespaces another environment would use: this environment's routes must not catch them. */
export function peerSampleNamespaces(peer: string): string[] {
    return [`monitoring-${peer}`, `app-${peer}`, `backend-${peer}`, `frontend-${peer}`, peer];
}

/** Compiles an Alertmanager regex matcher the way Alertmanager anchors it. */
export function compileMatcherRegex(source: string): RegExp {
    if (NOT_RE2.test(source)) throw new Error("look-around and back-references are not supported by Go's RE2");
    return new RegExp(`^(?:${source})$`);
}

/** Checks an Alertmanager template text for functions Alertmanager lacks. */
export function alertmanagerTemplateProblems(text: string): string[] {
    const report = readGoTemplate(text);
    const unknown = report.functions.filter((f) => !ALERTMANAGER_FUNCTIONS.has(f));
    return [
        ...report.errors.map((e) => `does not parse as a Go template: ${e}`),
        ...unknown.map((f) =>
            HELM_ONLY_FUNCTIONS.has(f) || f === "default"
                ? `uses "${f}", which Alertmanager does not have (it is Helm's); use Go's "or" instead, e.g. {{ or .CommonLabels.namespace "N/A" }}`
                : `uses "${f}", which Alertmanager templates do not have; use one of: ${[...ALERTMANAGER_FUNCTIONS].sort().join(", ")}`,
        ),
    ];
}

/** Cross-checks of the monitoring part: routes, receivers and templates. */
export function checkMonitoring(model: StackModel, problems: ProblemCollector): void {
    const path = "monitoring.alertmanager";
    const am = model.monitoring.alertmanager;
    let regex: RegExp | undefined;
    try {
        regex = compileMatcherRegex(am.namespaceRegex);
    } catch (e) {
        problems.add(`${path}.namespaceRegex`, `"${am.namespaceRegex}" does not compile (${(e as Error).message}); fix the regular expression`);
    }
    if (regex) {
        if (!regex.test(model.monitoring.namespace)) {
            problems.add(`${path}.namespaceRegex`, `"${am.namespaceRegex}" does not match this environment's own namespace "${model.monitoring.namespace}", so its alerts would be dropped; include it`);
        }
        // The platform's own alerts carry the namespace of the part they are about (core/monitoring/platform.ts).
        for (const [part, slice] of Object.entries(model.clusterWide ?? {})) {
            if (!regex.test(slice.namespace)) {
                problems.add(`${path}.namespaceRegex`, `"${am.namespaceRegex}" does not match "${slice.namespace}", the namespace of clusterWide.${part}, which this stack installs, so the platform's alerts about it would be dropped; include it`);
            }
        }
        if (model.clusterWide && !regex.test("")) {
            problems.add(`${path}.namespaceRegex`, `"${am.namespaceRegex}" does not match alerts without a namespace, the cluster's own (KubeAPIDown, KubeletDown), which reach only the stack that installs the cluster-wide parts, this one: they would be dropped; add an empty alternative, as in "${am.namespaceRegex}|"`);
        }
        for (const peer of model.peerEnvironments) {
            const caught = peerSampleNamespaces(peer).filter((ns) => regex.test(ns));
            if (caught.length > 0) {
                problems.add(`${path}.namespaceRegex`, `"${am.namespaceRegex}" also matches ${caught.map((n) => `"${n}"`).join(", ")} of environment "${peer}", whose alerts would reach ${model.environment}'s receiver; anchor it to ${model.environment}'s namespaces`);
            }
        }
    }
    const named: [field: string, name: string][] = [
        ["slack.receiver", am.slack.receiver],
        ...(am.pagerduty ? [["pagerduty.receiver", am.pagerduty.receiver] as [string, string]] : []),
        ...(am.deadMansSwitch ? [["deadMansSwitch.receiver", am.deadMansSwitch.receiver] as [string, string]] : []),
    ];
    const receivers = named.map(([, name]) => name);
    named.forEach(([field, name], i) => {
        if (name === "null") problems.add(`${path}.${field}`, `"null" is reserved for the receiver that drops alerts; choose another name`);
        if (receivers.indexOf(name) !== i) problems.add(`${path}.${field}`, `receiver "${name}" is defined twice; give each receiver its own name`);
    });
    for (const field of ["title", "text"] as const) {
        const text = am.slack[field];
        if (text === undefined) continue;
        for (const message of alertmanagerTemplateProblems(text)) problems.add(`${path}.slack.${field}`, message);
    }
}
