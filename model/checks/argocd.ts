import { globAllowed } from "../../lib/glob";
import type { ProblemCollector } from "../problems";
import type { StackModel } from "../schema";

const BUILTIN_ROLES = ["role:readonly", "role:admin"];
const PROJECT_SCOPED_RESOURCES = ["applications", "applicationsets", "logs", "exec"];

/** Reports every name that occurs more than once in `items`. */
export function checkUnique(problems: ProblemCollector, path: string, names: readonly string[], what: string): void {
    names.forEach((name, i) => {
        if (names.indexOf(name) !== i) problems.add(`${path}[${i}].name`, `duplicate ${what} "${name}": names must be unique`);
    });
}

function checkProjects(model: StackModel, problems: ProblemCollector): void {
    const { projects } = model.argocd;
    checkUnique(problems, "argocd.projects", projects.map((p) => p.name), "project");
    projects.forEach((project, i) => {
        if (project.platform) return;
        project.destinations.forEach((d, j) => {
            const path = `argocd.projects[${i}].destinations[${j}]`;
            if (d.namespace === "*") {
                problems.add(`${path}.namespace`, `project "${project.name}" may deploy to any namespace ("*"): only a platform project (platform: true) may; list the team's namespaces instead, e.g. "${project.name.replace(/^team-/, "")}-*"`);
            }
            if (d.server === "*") {
                problems.add(`${path}.server`, `project "${project.name}" may deploy to any cluster ("*"): only a platform project (platform: true) may; name the cluster's API server URL`);
            }
        });
        project.clusterResourceWhitelist.forEach((r, j) => {
            if (r.group === "*" && r.kind === "*") {
                problems.add(`argocd.projects[${i}].clusterResourceWhitelist[${j}]`, `project "${project.name}" may create every cluster-scoped resource: only a platform project may; list the kinds it needs (e.g. { group: "", kind: "Namespace" })`);
            }
        });
    });
}

function hasTemplate(value: string): boolean {
    return value.includes("{{");
}

function checkAppAgainstProject(
    model: StackModel,
    problems: ProblemCollector,
    path: string,
    app: { project: string; source: { repoURL: string }; destination: { server: string; namespace: string } },
): void {
    const project = model.argocd.projects.find((p) => p.name === app.project);
    if (!project) {
        const known = model.argocd.projects.map((p) => p.name).join(", ");
        problems.add(`${path}.project`, `"${app.project}" is not a project of this stack; define it under argocd.projects or use one of: ${known}`);
        return;
    }
    const { repoURL } = app.source;
    if (!hasTemplate(repoURL) && !globAllowed(project.sourceRepos, repoURL)) {
        problems.add(`${path}.source.repoURL`, `"${repoURL}" is not allowed by project "${project.name}" (sourceRepos: ${project.sourceRepos.join(", ")}); add it to the project's sourceRepos or use an allowed repository`);
    }
    const { server, namespace } = app.destination;
    if (hasTemplate(server) || hasTemplate(namespace)) return;
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

function listElements(generators: StackModel["argocd"]["applicationSets"][number]["generators"]): Record<string, string>[] {
    const elements: Record<string, string>[] = [];
    for (const g of generators) {
        if ("list" in g) elements.push(...g.list.elements);
        if ("matrix" in g) for (const inner of g.matrix.generators) if ("list" in inner) elements.push(...inner.list.elements);
    }
    return elements.length > 0 ? elements : [{}];
}

function checkApplications(model: StackModel, problems: ProblemCollector): void {
    const { applications, applicationSets } = model.argocd;
    checkUnique(problems, "argocd.applications", applications.map((a) => a.name), "application");
    checkUnique(problems, "argocd.applicationSets", applicationSets.map((a) => a.name), "application set");
    applications.forEach((app, i) => checkAppAgainstProject(model, problems, `argocd.applications[${i}]`, app));
    applicationSets.forEach((set, i) => {
        // Each list element becomes an Application: check what it will really be.
        for (const params of listElements(set.generators)) {
            const app = {
                project: set.project,
                source: { repoURL: expand(set.source.repoURL, params) },
                destination: { server: expand(set.destination.server, params), namespace: expand(set.destination.namespace, params) },
            };
            checkAppAgainstProject(model, problems, `argocd.applicationSets[${i}]`, app);
        }
    });
}

function checkRbac(model: StackModel, problems: ProblemCollector): void {
    const { rbac, projects, accounts } = model.argocd;
    const roles = [...BUILTIN_ROLES, ...rbac.roles.map((r) => `role:${r.name}`)];
    checkUnique(problems, "argocd.rbac.roles", rbac.roles.map((r) => r.name), "role");
    checkUnique(problems, "argocd.accounts", accounts.map((a) => a.name), "account");
    if (!roles.includes(rbac.defaultRole)) {
        problems.add("argocd.rbac.defaultRole", `"${rbac.defaultRole}" is not defined; use one of: ${roles.join(", ")}`);
    }
    rbac.bindings.forEach((b, i) => {
        if (!roles.includes(b.role)) problems.add(`argocd.rbac.bindings[${i}].role`, `"${b.role}" is not defined; use one of: ${roles.join(", ")}`);
    });
    const projectNames = projects.map((p) => p.name);
    rbac.roles.forEach((role, i) =>
        role.rules.forEach((rule, j) => {
            if (!PROJECT_SCOPED_RESOURCES.includes(rule.resource)) return;
            const path = `argocd.rbac.roles[${i}].rules[${j}].object`;
            const [project, object] = rule.object.split("/", 2);
            if (object === undefined) {
                problems.add(path, `"${rule.object}" must be <project>/<name> for ${rule.resource}, e.g. "${project}/*"`);
            } else if (!project.includes("*") && !projectNames.includes(project)) {
                problems.add(path, `project "${project}" does not exist; use one of: ${projectNames.join(", ")}, or "*"`);
            }
        }),
    );
}

/** Cross-reference checks of the Argo CD part of the model. */
export function checkArgoCd(model: StackModel, problems: ProblemCollector): void {
    checkProjects(model, problems);
    checkApplications(model, problems);
    checkRbac(model, problems);
}
