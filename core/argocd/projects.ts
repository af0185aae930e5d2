import type { ArgoCdModel, ProjectModel } from "../../model/schema";
import { clusterLabels, type KubeObject } from "../objects";

/** An AppProject: what a team may deploy, from where, to where. */
export function appProject(argocd: ArgoCdModel, cluster: string, project: ProjectModel): KubeObject {
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AppProject",
        metadata: { name: project.name, namespace: argocd.namespace, labels: clusterLabels(cluster, "argocd") },
        spec: {
            description: project.description,
            sourceRepos: [...project.sourceRepos],
            destinations: project.destinations.map((d) => ({ server: d.server, namespace: d.namespace })),
            clusterResourceWhitelist: [...project.clusterResourceWhitelist],
            namespaceResourceWhitelist: [...project.namespaceResourceWhitelist],
            orphanedResources: { warn: project.orphanedResourcesWarn },
            // Stryker disable next-line ConditionalExpression,EqualityOperator: no roles field and an empty one are the same to Argo CD; left out so a project without roles reads so
            ...(project.roles.length > 0
                ? {
                      roles: project.roles.map((role) => ({
                          name: role.name,
                          description: role.description,
                          policies: role.actions.map((action) => `p, proj:${project.name}:${role.name}, applications, ${action}, ${project.name}/*, allow`),
                          groups: [...role.groups],
                      })),
                  }
                : {}),
        },
    };
}

export function appProjects(argocd: ArgoCdModel, cluster: string): KubeObject[] {
    return argocd.projects.map((p) => appProject(argocd, cluster, p));
}
