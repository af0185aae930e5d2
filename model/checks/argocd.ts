/** Checks of the cluster's Argo CD: projects and RBAC. */
import type { ProblemCollector } from "../problems";
import type { ArgoCdModel } from "../schema";

const BUILTIN_ROLES = ["role:readonly", "role:admin"];
const PROJECT_SCOPED_RESOURCES = ["applications", "applicationsets", "logs", "exec"];

/** Reports every name that occurs more than once in `names`, at each repeat. */
export function checkUnique(problems: ProblemCollector, path: string, names: readonly string[], what: string, field = "name"): void {
    const seen = new Set<string>();
    names.forEach((name, i) => {
        if (seen.has(name)) problems.add(`${path}[${i}].${field}`, `duplicate ${what} "${name}": ${field === "name" ? "names" : `each ${field}`} must be unique`);
        seen.add(name);
    });
}

function checkProjects(argocd: ArgoCdModel, at: string, problems: ProblemCollector): void {
    const { projects } = argocd;
    checkUnique(problems, `${at}.projects`, projects.map((p) => p.name), "project");
    projects.forEach((project, i) => {
        if (project.platform) return;
        project.destinations.forEach((d, j) => {
            const path = `${at}.projects[${i}].destinations[${j}]`;
            if (d.namespace === "*") {
                problems.add(`${path}.namespace`, `project "${project.name}" may deploy to any namespace ("*"): only a platform project (platform: true) may; list the team's namespaces instead, e.g. "${project.name.replace(/^team-/, "")}-*"`);
            }
            if (d.server === "*") {
                problems.add(`${path}.server`, `project "${project.name}" may deploy to any cluster ("*"): only a platform project (platform: true) may; name the cluster's API server URL`);
            }
        });
        project.clusterResourceWhitelist.forEach((r, j) => {
            if (r.group === "*" && r.kind === "*") {
                problems.add(`${at}.projects[${i}].clusterResourceWhitelist[${j}]`, `project "${project.name}" may create every cluster-scoped resource: only a platform project may; list the kinds it needs (e.g. { group: "", kind: "Namespace" })`);
            }
        });
    });
}

function checkRbac(argocd: ArgoCdModel, at: string, problems: ProblemCollector): void {
    const { rbac, projects, accounts } = argocd;
    const roles = [...BUILTIN_ROLES, ...rbac.roles.map((r) => `role:${r.name}`)];
    checkUnique(problems, `${at}.rbac.roles`, rbac.roles.map((r) => r.name), "role");
    checkUnique(problems, `${at}.accounts`, accounts.map((a) => a.name), "account");
    if (!roles.includes(rbac.defaultRole)) {
        problems.add(`${at}.rbac.defaultRole`, `"${rbac.defaultRole}" is not defined; use one of: ${roles.join(", ")}`);
    }
    rbac.bindings.forEach((b, i) => {
        if (!roles.includes(b.role)) problems.add(`${at}.rbac.bindings[${i}].role`, `"${b.role}" is not defined; use one of: ${roles.join(", ")}`);
    });
    const projectNames = projects.map((p) => p.name);
    rbac.roles.forEach((role, i) =>
        role.rules.forEach((rule, j) => {
            if (!PROJECT_SCOPED_RESOURCES.includes(rule.resource)) return;
            const path = `${at}.rbac.roles[${i}].rules[${j}].object`;
            const [project, object] = rule.object.split("/", 2);
            if (object === undefined) {
                problems.add(path, `"${rule.object}" must be <project>/<name> for ${rule.resource}, e.g. "${project}/*"`);
            } else if (!project.includes("*") && !projectNames.includes(project)) {
                problems.add(path, `project "${project}" does not exist; use one of: ${projectNames.join(", ")}, or "*"`);
            }
        }),
    );
}

/** Cross-reference checks of the cluster's Argo CD, at model path `at`. */
export function checkArgoCd(argocd: ArgoCdModel, at: string, problems: ProblemCollector): void {
    checkProjects(argocd, at, problems);
    checkRbac(argocd, at, problems);
}
