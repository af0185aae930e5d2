/**
 * The hub's ApplicationSets: one per add-on and per team application, each with a cluster
 * generator whose selector is the model's, and a goTemplate that reads the selected cluster's
 * parameters; where the model asks for one Application per directory of a repository, a matrix of
 * that cluster generator and a git directories generator.
 * Sources: https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Cluster/,
 * Generators-Matrix/ (two child generators, every combination, parameters merged) and
 * Generators-Git/ (directories with `exclude`; `path.*` parameters).
 */
import type { AddonModel, FleetApplicationModel, HubModel, SelectorModel } from "../../model/fleet";
import { clusterLabels, type KubeObject } from "../objects";
import type { Placed } from "./placement";
import { GO_TEMPLATE_OPTIONS } from "./templates";

/** The ApplicationSet's name: add-ons and applications apart, so that neither can shadow the other. */
export function applicationSetName(p: Pick<Placed, "kind" | "item">): string {
    return `${p.kind === "addon" ? "addon" : "app"}-${p.item.name}`;
}

/** The selector as the CRD takes it: empty parts left out (an empty selector selects every cluster Secret). */
function generatorSelector(selector: SelectorModel): Record<string, unknown> {
    return {
        ...(Object.keys(selector.matchLabels).length > 0 ? { matchLabels: selector.matchLabels } : {}),
        ...(selector.matchExpressions.length > 0 ? { matchExpressions: selector.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, ...(e.values.length > 0 ? { values: e.values } : {}) })) } : {}),
    };
}

/** The generators of an item: its cluster generator, and with `directories` that generator joined to a git one by a matrix. */
function generators(item: AddonModel | FleetApplicationModel): Record<string, unknown>[] {
    const clusters = { clusters: { selector: generatorSelector(item.selector) } };
    if (!item.directories) return [clusters];
    const { repoURL, revision, include, exclude } = item.directories;
    const directories = [...include.map((path) => ({ path })), ...exclude.map((path) => ({ path, exclude: true }))];
    return [{ matrix: { generators: [clusters, { git: { repoURL, revision, directories } }] } }];
}

/**
 * The ApplicationSet of one add-on or application. Its Applications are named
 * `<item>-<cluster>` (`<item>-<cluster>-<directory>` per directory) and deploy to the cluster by name. `preserveResourcesOnDeletion`: deleting
 * the ApplicationSet (or a spoke leaving its selector) never deletes what runs there.
 */
export function fleetApplicationSet(hub: HubModel, p: Placed, cluster: string, argocdNamespace: string): KubeObject {
    const { item } = p;
    const project = "project" in item ? item.project : hub.addonsProject;
    const parameters = Object.entries(item.parameters).map(([name, value]) => ({ name, value }));
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "ApplicationSet",
        metadata: { name: applicationSetName(p), namespace: argocdNamespace, labels: clusterLabels(cluster, "fleet") },
        spec: {
            goTemplate: true,
            goTemplateOptions: GO_TEMPLATE_OPTIONS,
            syncPolicy: { preserveResourcesOnDeletion: true },
            generators: generators(item),
            template: {
                metadata: { name: `${item.name}-{{.name}}${item.directories ? "-{{.path.basenameNormalized}}" : ""}` },
                spec: {
                    project,
                    source: { repoURL: item.source.repoURL, path: item.source.path, targetRevision: item.source.targetRevision, ...(parameters.length > 0 ? { helm: { parameters } } : {}) },
                    destination: { name: "{{.name}}", namespace: item.namespace },
                    syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["CreateNamespace=true"] },
                },
            },
        },
    };
}
