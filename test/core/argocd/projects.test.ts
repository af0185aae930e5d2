import { describe, expect, it } from "vitest";
import { appProjects } from "../../../core/argocd/projects";
import { argoCdRbac, argoGlobMatch } from "../../helpers/argocdRbac";
import { installerModel, stackModel } from "../../helpers/models";

const installer = installerModel("prod", "shared");
const projects = appProjects(installer.clusterWide.argocd, installer.cluster.name);
const spec = (name: string) => projects.find((p) => p.metadata.name === name)?.spec as any;

/** Whether the AppProject `name` lets an Application deploy from `repoURL` to `server`/`namespace`, as Argo CD matches them (globs). */
function permits(name: string, repoURL: string, server: string, namespace: string): boolean {
    const { sourceRepos, destinations } = spec(name);
    return sourceRepos.some((pattern: string) => argoGlobMatch(repoURL, pattern)) && destinations.some((d: { server: string; namespace: string }) => argoGlobMatch(server, d.server) && argoGlobMatch(namespace, d.namespace));
}

describe("the AppProjects", () => {
    it("let every Application of both environments deploy from its repository to its namespace, and no team into another's", () => {
        const apps = ["dev", "prod"].flatMap((env) => stackModel(env).argocd.applications);
        expect(apps.length).toBeGreaterThan(3);
        for (const app of apps) expect(permits(app.project, app.source.repoURL, app.destination.server, app.destination.namespace), app.name).toBe(true);
        const frontend = apps.find((a) => a.project === "team-frontend");
        expect(frontend).toBeDefined();
        expect(permits("team-backend", frontend!.source.repoURL, frontend!.destination.server, frontend!.destination.namespace)).toBe(false);
    });

    it("warn about orphaned resources, and let a team create only the kinds its model lists", () => {
        for (const project of installer.clusterWide.argocd.projects) {
            expect(spec(project.name).orphanedResources, project.name).toStrictEqual({ warn: project.orphanedResourcesWarn });
            expect(spec(project.name).clusterResourceWhitelist, project.name).toStrictEqual(project.clusterResourceWhitelist);
            expect(spec(project.name).namespaceResourceWhitelist, project.name).toStrictEqual(project.namespaceResourceWhitelist);
        }
        expect(installer.clusterWide.argocd.projects.some((p) => p.orphanedResourcesWarn)).toBe(true);
    });

    it("give a project role's token exactly its actions on its own project's applications, and members of its groups the same", async () => {
        const withGroups = { ...installer.clusterWide.argocd, projects: installer.clusterWide.argocd.projects.map((p) => (p.roles.length > 0 ? { ...p, roles: p.roles.map((r) => ({ ...r, groups: ["example-org:ci-bots"] })) } : p)) };
        const rbac = await argoCdRbac({ "policy.csv": "", "policy.default": "" }, appProjects(withGroups, installer.cluster.name));
        const project = withGroups.projects.find((p) => p.roles.length > 0)!;
        const role = project.roles[0];
        const other = withGroups.projects.find((p) => p.name !== project.name && !p.platform)!;
        for (const action of role.actions) {
            expect(await rbac.allows({ sub: `proj:${project.name}:${role.name}` }, "applications", action, `${project.name}/any-app`), action).toBe(true);
            expect(await rbac.allows({ sub: "someone", groups: ["example-org:ci-bots"] }, "applications", action, `${project.name}/any-app`), action).toBe(true);
        }
        expect(await rbac.allows({ sub: `proj:${project.name}:${role.name}` }, "applications", "delete", `${project.name}/any-app`)).toBe(false);
        expect(await rbac.allows({ sub: `proj:${project.name}:${role.name}` }, "applications", role.actions[0], `${other.name}/any-app`)).toBe(false);
    });
});
