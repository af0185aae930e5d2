/**
 * Checks of a stack's `fleet` section against the rest of its model: names unique, a hub that
 * installs the Argo CD it manages spokes with, projects that exist, a spoke that installs its own
 * sealed-secrets controller but no Argo CD nor anything that lives in one (the hub's manages it),
 * and no stack that is its own hub or spoke.
 */
import type { HubModel, SpokeRoleModel } from "../fleet";
import type { ProblemCollector } from "../problems";
import type { StackModel } from "../schema";
import { checkUnique } from "./argocd";

/**
 * Label prefixes the program puts on every cluster Secret itself: a spoke's label or a selector
 * on them would match offline otherwise than on the Secret Argo CD reads.
 */
const PROGRAM_LABEL_PREFIXES = ["app.kubernetes.io/", "gitops-platform/", "argocd.argoproj.io/"];

/** Reports a key with a program's prefix at `pathOf(key)`; a selector may still name the cluster Secret's type, which Argo CD's own label is. */
function checkLabelKeys(problems: ProblemCollector, pathOf: (key: string) => string, keys: readonly string[], allowSecretType: boolean): void {
    for (const key of keys) {
        if (allowSecretType && key === "argocd.argoproj.io/secret-type") continue;
        const prefix = PROGRAM_LABEL_PREFIXES.find((p) => key.startsWith(p));
        if (prefix) problems.add(pathOf(key), `"${prefix}" labels are the program's own on every cluster Secret: use a label of your own`);
    }
}

function checkSelectors(hub: HubModel, problems: ProblemCollector): void {
    const selectors = [
        ...hub.addons.map((a, i) => [`fleet.addons[${i}].selector`, a.selector] as const),
        ...hub.applications.map((a, i) => [`fleet.applications[${i}].selector`, a.selector] as const),
        ...hub.teams.map((t, i) => [`fleet.teams[${i}].clusters`, t.clusters] as const),
    ];
    for (const [at, selector] of selectors) {
        checkLabelKeys(problems, (key) => `${at}.matchLabels.${key}`, Object.keys(selector.matchLabels), true);
        selector.matchExpressions.forEach((e, j) => checkLabelKeys(problems, () => `${at}.matchExpressions[${j}].key`, [e.key], true));
    }
}

function checkHub(model: StackModel, hub: HubModel, stack: string, problems: ProblemCollector): void {
    hub.spokes.forEach((s, i) => checkLabelKeys(problems, (key) => `fleet.spokes[${i}].labels.${key}`, Object.keys(s.labels), false));
    checkSelectors(hub, problems);
    checkUnique(problems, "fleet.spokes", hub.spokes.map((s) => s.name), "spoke");
    checkUnique(problems, "fleet.addons", hub.addons.map((a) => a.name), "add-on");
    checkUnique(problems, "fleet.applications", hub.applications.map((a) => a.name), "application");
    checkUnique(problems, "fleet.teams", hub.teams.map((t) => t.name), "team");
    if (!model.clusterWide) {
        problems.add("fleet", "a hub manages its spokes with its own Argo CD: give this stack its clusterWide parts (a dedicated cluster, or the owner of a shared one)");
        return;
    }
    // Reported by checkArgoCdInstalled.
    if (!model.clusterWide.argocd) return;
    const projects = model.clusterWide.argocd.projects.map((p) => p.name);
    const teams = hub.teams.map((t) => t.name);
    if (!projects.includes(hub.addonsProject)) problems.add("fleet.addonsProject", `"${hub.addonsProject}" is not a project of this hub; use one of clusterWide.argocd.projects: ${projects.join(", ")}`);
    hub.teams.forEach((t, i) => {
        if (projects.includes(t.name)) problems.add(`fleet.teams[${i}].name`, `"${t.name}" is a project of clusterWide.argocd.projects already, and a team's AppProject has the team's name: rename the team`);
    });
    hub.applications.forEach((a, i) => {
        if (!teams.includes(a.project) && !projects.includes(a.project)) problems.add(`fleet.applications[${i}].project`, `"${a.project}" is neither a team of fleet.teams nor a project of clusterWide.argocd.projects; use one of: ${[...teams, ...projects].join(", ")}`);
    });
    hub.spokes.forEach((s, i) => {
        const at = `fleet.spokes[${i}]`;
        if ("stack" in s.source && s.source.stack === stack) problems.add(`${at}.source.stack`, `is this stack, the hub: a spoke is a stack of its own (fleet.role "spoke")`);
        if ("config" in s.source && s.auth.type === "bearerToken" && s.source.config.bearerToken === undefined) {
            problems.add(`${at}.source.config.bearerToken`, 'is missing: auth "bearerToken" needs the config secret holding the token (or set auth to "aws" or "exec")');
        }
    });
}

function checkSpoke(model: StackModel, spoke: SpokeRoleModel, stack: string, problems: ProblemCollector): void {
    if (spoke.hub === stack) problems.add("fleet.hub", "is this stack: a spoke is managed by another stack, the hub");
    // Whatever the hub seals for this cluster is sealed for this cluster's own controller.
    if (!model.clusterWide) problems.add("fleet", "a spoke runs its own sealed-secrets controller and key: give this stack its clusterWide parts (a dedicated cluster)");
    if (model.cluster.mode === "shared") problems.add("cluster.mode", `is "shared", but a spoke is a cluster of its own, which the hub's Argo CD (stack "${spoke.hub}") manages: it runs no Argo CD for other stacks to share; set it to "dedicated"`);
    if (spoke.namespaces) checkUnique(problems, "fleet.namespaces", spoke.namespaces, "namespace", "namespace");
    // Whatever lives in Argo CD belongs to the hub's: a spoke has none of its own.
    const hubs = `the hub's Argo CD (stack "${spoke.hub}") manages this cluster`;
    if (model.clusterWide?.argocd) problems.add("clusterWide.argocd", `must not be here: a spoke installs no Argo CD, ${hubs}; remove it (projects, RBAC and notifications go in the hub's model)`);
    const { applications, applicationSets } = model.argocd;
    for (const [at, items, what] of [["argocd.applications", applications, "Application"], ["argocd.applicationSets", applicationSets, "ApplicationSet"]] as const) {
        if (items.length === 0) continue;
        const names = items.map((a) => `"${a.name}"`).join(", ");
        problems.add(at, `holds ${what}${items.length === 1 ? "" : "s"} ${names}, but a spoke has no Argo CD of its own: ${hubs}; move ${items.length === 1 ? "it" : "them"} to the hub's model, as fleet.applications or fleet.addons whose selector matches this spoke's labels, and remove ${items.length === 1 ? "it" : "them"} here`);
    }
}

/** Every stack that installs the cluster-wide parts runs the cluster's Argo CD, but a spoke (checkSpoke). */
function checkArgoCdInstalled(model: StackModel, problems: ProblemCollector): void {
    if (model.fleet?.role === "spoke" || !model.clusterWide || model.clusterWide.argocd) return;
    problems.add("clusterWide.argocd", 'is missing: a stack that installs the cluster-wide parts runs the cluster\'s Argo CD (only a fleet spoke, fleet.role "spoke", has none); add it (see stacks/shared/clusterWide.ts)');
}

/** Checks the fleet section, where the model has one, and Argo CD where a stack installs the cluster-wide parts. */
export function checkFleet(model: StackModel, stack: string, problems: ProblemCollector): void {
    checkArgoCdInstalled(model, problems);
    if (model.fleet?.role === "hub") checkHub(model, model.fleet, stack, problems);
    if (model.fleet?.role === "spoke") checkSpoke(model, model.fleet, stack, problems);
}
