import type { ApplicationModel, ApplicationSetModel, StackModel } from "../../model/schema";
import { subscriptionAnnotations } from "../notifications";
import { ENVIRONMENT_LABEL, environmentLabels, type KubeObject } from "../objects";

type AppLike = ApplicationModel | ApplicationSetModel;

/** Sync wave and notification subscriptions of an Application. */
function annotations(app: AppLike): Record<string, string> {
    return { "argocd.argoproj.io/sync-wave": String(app.syncWave), ...subscriptionAnnotations(app.subscriptions) };
}

/** The Application spec shared by plain Applications and ApplicationSet templates. */
function appSpec(app: AppLike): Record<string, unknown> {
    const { automated, syncOptions } = app.syncPolicy;
    return {
        project: app.project,
        source: { repoURL: app.source.repoURL, path: app.source.path, targetRevision: app.source.targetRevision },
        destination: { server: app.destination.server, namespace: app.destination.namespace },
        syncPolicy: { ...(automated ? { automated: { prune: automated.prune, selfHeal: automated.selfHeal } } : {}), syncOptions: [...syncOptions] },
    };
}

/**
 * A root Application. No resources finalizer on purpose: deleting a root Application from
 * Pulumi must never cascade into deleting a team's running workloads.
 */
export function application(model: StackModel, argocdNamespace: string, app: ApplicationModel): KubeObject {
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: { name: app.name, namespace: argocdNamespace, labels: environmentLabels(model.environment, "argocd"), annotations: annotations(app) },
        spec: appSpec(app),
    };
}

/**
 * An ApplicationSet with Go templates that fail on a missing key instead of rendering `<no value>`.
 * The Applications it generates carry the environment's label, which default subscriptions select
 * by, and no resources finalizer: with `preserveResourcesOnDeletion` the controller leaves it off
 * (Argo CD docs, operator-manual/applicationset/Application-Deletion.md), so deleting the
 * ApplicationSet deletes its Applications but never the teams' workloads they synced.
 */
export function applicationSet(model: StackModel, argocdNamespace: string, set: ApplicationSetModel): KubeObject {
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "ApplicationSet",
        metadata: { name: set.name, namespace: argocdNamespace, labels: environmentLabels(model.environment, "argocd"), annotations: { "argocd.argoproj.io/sync-wave": String(set.syncWave) } },
        spec: {
            goTemplate: true,
            goTemplateOptions: ["missingkey=error"],
            syncPolicy: { preserveResourcesOnDeletion: true },
            generators: set.generators,
            template: { metadata: { name: set.nameTemplate, labels: { [ENVIRONMENT_LABEL]: model.environment }, annotations: annotations(set) }, spec: appSpec(set) },
        },
    };
}

/** The root Applications and ApplicationSets of one sync wave. */
export interface Wave {
    readonly wave: number;
    readonly objects: KubeObject[];
}

/** Root Applications and ApplicationSets, grouped by sync wave, lowest first. */
export function applicationsByWave(model: StackModel, argocdNamespace: string): Wave[] {
    const waves = new Map<number, KubeObject[]>();
    const add = (wave: number, object: KubeObject) => {
        const objects = waves.get(wave);
        if (objects) objects.push(object);
        else waves.set(wave, [object]);
    };
    for (const app of model.argocd.applications) add(app.syncWave, application(model, argocdNamespace, app));
    for (const set of model.argocd.applicationSets) add(set.syncWave, applicationSet(model, argocdNamespace, set));
    return [...waves.entries()].sort(([a], [b]) => a - b).map(([wave, objects]) => ({ wave, objects }));
}
