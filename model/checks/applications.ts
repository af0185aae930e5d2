/**
 * Checks of the environment's root Applications and ApplicationSets against the cluster's
 * Argo CD: its projects and its notification triggers and services. The cluster is seen through
 * a `ClusterView`, this model's own or the owner stack's.
 */
import { globAllowed } from "../../lib/glob";
import type { ClusterView, ProjectView } from "../cluster";
import type { ProblemCollector } from "../problems";
import { REPO_URL, REPO_URL_ADVICE, SERVER_URL, SERVER_URL_ADVICE, type ApplicationSetModel, type StackModel } from "../schema";
import { checkUnique } from "./argocd";

/** Where the cluster view comes from, for messages: a model path, or the owner stack. */
export interface ViewSource {
    /** Where projects are defined, e.g. `clusterWide.argocd.projects` or `stack "prod"'s clusterWide.argocd.projects`. */
    readonly projects: string;
    /** Where notification triggers and services are defined. */
    readonly notifications: string;
    /** Where the cluster release of kube-prometheus-stack is defined. */
    readonly monitoring: string;
    /** Where the cluster's ClusterIssuers are defined. */
    readonly issuers: string;
}

function hasTemplate(value: string): boolean {
    return value.includes("{{");
}

interface AppTarget {
    project: string;
    source: { repoURL: string };
    destination: { server: string; namespace: string };
}

function checkAppAgainstProject(projects: ReadonlyMap<string, ProjectView>, source: ViewSource, problems: ProblemCollector, path: string, app: AppTarget): void {
    const project = projects.get(app.project);
    if (!project) {
        problems.add(`${path}.project`, `"${app.project}" is not a project of this cluster; define it under ${source.projects} or use one of: ${[...projects.keys()].join(", ")}`);
        return;
    }
    // A malformed URL is reported as such (checkGeneratedUrls), not as outside the project too.
    const { repoURL } = app.source;
    if (!hasTemplate(repoURL) && REPO_URL.test(repoURL) && !globAllowed(project.sourceRepos, repoURL)) {
        problems.add(`${path}.source.repoURL`, `"${repoURL}" is not allowed by project "${project.name}" (sourceRepos: ${project.sourceRepos.join(", ")}); add it to the project's sourceRepos or use an allowed repository`);
    }
    const { server, namespace } = app.destination;
    if (hasTemplate(server) || hasTemplate(namespace) || !SERVER_URL.test(server)) return;
    const allowed = project.destinations.some((d) => globAllowed([d.server], server) && globAllowed([d.namespace], namespace));
    if (!allowed) {
        const listed = project.destinations.map((d) => `${d.server} ${d.namespace}`).join("; ");
        problems.add(`${path}.destination`, `namespace "${namespace}" on "${server}" is not a destination of project "${project.name}" (${listed}); add it to the project's destinations or deploy elsewhere`);
    }
}

/** Substitutes list-generator parameters (`{{.env}}` or `{{env}}`) into a template string. */
function expand(template: string, params: Readonly<Record<string, string>>): string {
    return template.replace(/\{\{\s*\.?([A-Za-z0-9_]+)\s*\}\}/g, (whole, key: string) => params[key] ?? whole);
}

function listElements(generators: ApplicationSetModel["generators"]): Record<string, string>[] {
    const elements: Record<string, string>[] = [];
    for (const g of generators) {
        if ("list" in g) elements.push(...g.list.elements);
        if ("matrix" in g) for (const inner of g.matrix.generators) if ("list" in inner) elements.push(...inner.list.elements);
    }
    return elements.length > 0 ? elements : [{}];
}

/**
 * The shape of a generated Application's repoURL and server, once list parameters are filled in.
 * Parameters that are still there come from a git generator (`{{.path.basename}}`...) and stand
 * for plain text.
 */
function checkGeneratedUrls(path: string, app: AppTarget, problems: ProblemCollector): void {
    const filled = (value: string) => value.replace(/\{\{[^}]*\}\}/g, "x");
    if (!REPO_URL.test(filled(app.source.repoURL))) {
        problems.add(`${path}.source.repoURL`, `"${app.source.repoURL}" is not a Git repository URL; ${REPO_URL_ADVICE}`);
    }
    if (!SERVER_URL.test(filled(app.destination.server))) {
        problems.add(`${path}.destination.server`, `"${app.destination.server}" is not an https URL; ${SERVER_URL_ADVICE}`);
    }
}

/** In a shared Argo CD two environments' objects would collide unless each name carries its environment. */
function checkNamesCarryEnvironment(model: StackModel, problems: ProblemCollector): void {
    if (model.cluster.mode !== "shared") return;
    const suffix = `-${model.environment}`;
    const advice = `in a shared cluster every environment's Applications live in one Argo CD, so each name must end with "${suffix}"`;
    model.argocd.applications.forEach((app, i) => {
        if (!app.name.endsWith(suffix)) problems.add(`argocd.applications[${i}].name`, `"${app.name}": ${advice}, e.g. "${app.name}${suffix}"`);
    });
    model.argocd.applicationSets.forEach((set, i) => {
        if (!set.name.endsWith(suffix)) problems.add(`argocd.applicationSets[${i}].name`, `"${set.name}": ${advice}, e.g. "${set.name}${suffix}"`);
        if (!set.nameTemplate.endsWith(suffix)) problems.add(`argocd.applicationSets[${i}].nameTemplate`, `"${set.nameTemplate}": ${advice}, and so must the names it generates`);
    });
}

/** Checks every Application and ApplicationSet of the environment against the cluster's Argo CD; a cluster without one (a fleet spoke's) has them refused by checkFleet. */
export function checkApplications(model: StackModel, view: ClusterView, source: ViewSource, problems: ProblemCollector): void {
    const { applications, applicationSets } = model.argocd;
    const { argocd } = view;
    if (!argocd) return;
    const projects = new Map(argocd.projects.map((p) => [p.name, p]));
    checkUnique(problems, "argocd.applications", applications.map((a) => a.name), "application");
    checkUnique(problems, "argocd.applicationSets", applicationSets.map((a) => a.name), "application set");
    checkNamesCarryEnvironment(model, problems);
    applications.forEach((app, i) => checkAppAgainstProject(projects, source, problems, `argocd.applications[${i}]`, app));
    applicationSets.forEach((set, i) => {
        // Each list element becomes an Application: check what it will really be.
        for (const params of listElements(set.generators)) {
            const app = {
                project: set.project,
                source: { repoURL: expand(set.source.repoURL, params) },
                destination: { server: expand(set.destination.server, params), namespace: expand(set.destination.namespace, params) },
            };
            checkGeneratedUrls(`argocd.applicationSets[${i}]`, app, problems);
            checkAppAgainstProject(projects, source, problems, `argocd.applicationSets[${i}]`, app);
        }
    });
    const triggers = new Set(argocd.triggers);
    const services = new Set(argocd.services);
    const subscribers = [
        ...applications.map((a, i) => [`argocd.applications[${i}]`, a] as const),
        ...applicationSets.map((a, i) => [`argocd.applicationSets[${i}]`, a] as const),
    ];
    for (const [path, app] of subscribers) {
        app.subscriptions.forEach((s, i) => {
            if (!triggers.has(s.trigger)) problems.add(`${path}.subscriptions[${i}].trigger`, `trigger "${s.trigger}" is not defined in ${source.notifications}.triggers; use one of: ${argocd.triggers.join(", ")}`);
            if (!services.has(s.service)) problems.add(`${path}.subscriptions[${i}].service`, `service "${s.service}" is not defined in ${source.notifications}; use one of: ${argocd.services.join(", ")}`);
        });
    }
}
