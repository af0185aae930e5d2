/**
 * Teams on the fleet: an AppProject per team whose destinations name the clusters its selector
 * selects, and Argo CD RBAC that lets the team's role act on its project's applications and see
 * only those clusters. Argo CD's `clusters` resource is authorised by the cluster's server URL,
 * and a project's destination may name a cluster instead of its server.
 * Sources: https://argo-cd.readthedocs.io/en/stable/operator-manual/rbac/ (resources and objects),
 * https://argo-cd.readthedocs.io/en/stable/user-guide/projects/ (destinations by `name`),
 * https://argo-cd.readthedocs.io/en/stable/operator-manual/argocd-rbac-cm-yaml/ (`policy.<name>.csv` keys are appended to `policy.csv`).
 */
import type { HubModel, TeamModel } from "../../model/fleet";
import { clusterLabels, type KubeObject } from "../objects";
import { clusterSecretLabels } from "./clusterSecret";
import { selects } from "./selector";

/** The argocd-rbac-cm key the fleet's policy goes under, beside the platform's `policy.csv`. */
export const FLEET_POLICY_KEY = "policy.fleet.csv";

/** The role of a team on the fleet. */
export function teamRole(team: Pick<TeamModel, "name">): string {
    return `role:fleet-${team.name}`;
}

/** The spokes a team's selector selects, by name. */
export function teamClusters(hub: HubModel, team: TeamModel): string[] {
    return hub.spokes.filter((s) => selects(team.clusters, clusterSecretLabels(s))).map((s) => s.name);
}

/** A team's AppProject: its applications may deploy only to its clusters' namespaces. */
export function teamProject(hub: HubModel, team: TeamModel, argocdNamespace: string, hubCluster: string): KubeObject {
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AppProject",
        metadata: { name: team.name, namespace: argocdNamespace, labels: clusterLabels(hubCluster, "fleet") },
        spec: {
            description: `Team ${team.name} on the fleet's clusters its selector selects`,
            sourceRepos: team.sourceRepos,
            destinations: teamClusters(hub, team).flatMap((name) => team.namespaces.map((namespace) => ({ name, namespace }))),
            clusterResourceWhitelist: [],
        },
    };
}

/**
 * The fleet's RBAC lines: per team, its actions on its project's applications, `get` on each
 * of its clusters (by server URL, as Argo CD authorises clusters), and its groups bound to it.
 */
export function fleetPolicyCsv(hub: HubModel, servers: Readonly<Record<string, string>>): string {
    const lines = hub.teams.flatMap((team) => {
        const role = teamRole(team);
        return [
            ...team.actions.map((action) => `p, ${role}, applications, ${action}, ${team.name}/*, allow`),
            ...teamClusters(hub, team).map((cluster) => `p, ${role}, clusters, get, ${servers[cluster]}, allow`),
            ...team.groups.map((group) => `g, ${group}, ${role}`),
        ];
    });
    return `${lines.join("\n")}\n`;
}
