/**
 * How each part of the catalogue (core/catalogue.ts) is registered: the parts with components of
 * their own, and every other cluster-wide part as a ChartPart (its namespace and chart). index.ts
 * installs the parts in the catalogue's order, each after the parts it waits for.
 */
import * as pulumi from "@pulumi/pulumi";
import { type ClusterPart, type ClusterPartKey, type ClusterPartSlice, type EnvironmentPart, stackParts } from "../core/catalogue";
import type { ClusterView } from "../model/cluster";
import type { PlatformConfig } from "../model/config";
import type { ClusterWideModel, NotificationsModel, StackModel } from "../model/schema";
import type { Sealer } from "../sealing/sealer";
import { clusterLabels, sealedSecret } from "../core/objects";
import { FLEET_POLICY_KEY, fleetPolicyCsv } from "../core/fleet/teams";
import { AnalysisTemplates } from "./analysisTemplates";
import { RootApplications } from "./applications";
import { ArgoCd } from "./argocd";
import { ChartPart } from "./chartPart";
import { ClusterMonitoring } from "./clusterMonitoring";
import { FleetHub } from "./fleetHub";
import type { FleetInputs } from "./fleetSources";
import { FleetSpoke } from "./fleetSpoke";
import { Monitoring } from "./monitoring";
import { ArgoRollouts } from "./rollouts";
import { SealedSecretsController } from "./sealedSecrets";

/** What a part gives the rest of the stack once registered: what waits for it, and its stack outputs. */
export interface Installed {
    readonly ready: readonly pulumi.Resource[];
    readonly outputs?: Readonly<Record<string, unknown>>;
}

/** What every installer is given: the stack's inputs, the sealer, what the part waits for, and the options of every component. */
export interface InstallContext {
    readonly model: StackModel;
    /** The cluster-wide parts as this stack sees them: its own, or its owner's facts. */
    readonly view: ClusterView;
    readonly settings: PlatformConfig;
    readonly sealer: Sealer;
    readonly after: readonly pulumi.Resource[];
    readonly opts: pulumi.ComponentResourceOptions;
    /** A hub's fleet with its spokes resolved; none unless the stack is a hub. */
    readonly fleet?: FleetInputs;
}

type ClusterInstaller<K extends ClusterPartKey> = (part: ClusterPart<K>, slice: ClusterPartSlice<K>, context: InstallContext) => Installed;

/** The value of a secret the model names (`gitops:<key>`), a secret. */
export function configSecret(settings: PlatformConfig, reference: string): pulumi.Output<string> {
    return pulumi.secret(settings.secrets[reference.slice(reference.indexOf(":") + 1)] as string);
}

/** The secret values of a notifications secret, by data key, from the config secrets the model names. */
function notificationSecrets(n: NotificationsModel, settings: PlatformConfig): Record<string, pulumi.Output<string>> {
    return Object.fromEntries(Object.entries(n.secretData).map(([dataKey, reference]) => [dataKey, configSecret(settings, reference)]));
}

/** The cluster-wide parts with components of their own; every other is a ChartPart. */
const CLUSTER_INSTALLERS: { readonly [K in ClusterPartKey]?: ClusterInstaller<K> } = {
    sealedSecrets: (part, slice, { model, settings, after, opts }) => new SealedSecretsController(part.name, { sealedSecrets: slice, cluster: model.cluster.name, keys: settings.controllerKeys, after }, opts),
    argocd: (part, slice, { model, settings, sealer, after, opts, fleet }) => {
        const adminPassword = settings.argocdAdminPassword === undefined ? undefined : pulumi.secret(settings.argocdAdminPassword);
        const configSecretOf = (reference: string) => configSecret(settings, reference);
        // A hub's teams see only their clusters, which Argo CD authorises by server URL.
        const extraPolicies: Record<string, string> = fleet ? { [FLEET_POLICY_KEY]: fleetPolicyCsv(fleet.hub, Object.fromEntries(fleet.spokes.map((s) => [s.spoke.name, s.access.server]))) } : {};
        const argocdArgs = { argocd: slice, cluster: model.cluster.name, sealer, notificationSecrets: notificationSecrets(slice.notifications, settings), configSecret: configSecretOf, identityProvider: model.identityProvider, extraPolicies };
        const argocd = new ArgoCd(part.name, { ...argocdArgs, adminPassword, after, adoptExisting: settings.adoptExisting }, opts);
        return { ready: argocd.ready, outputs: argocd.adminPassword ? { argocdAdminPassword: argocd.adminPassword } : {} };
    },
    rollouts: (part, slice, { model, settings, sealer, after, opts }) =>
        new ArgoRollouts(part.name, { rollouts: slice, cluster: model.cluster.name, sealer, notificationSecrets: notificationSecrets(slice.notifications, settings), after, adoptExisting: settings.adoptExisting }, opts),
    monitoring: (part, slice, { model, after, opts }) => new ClusterMonitoring(part.name, { monitoring: slice, cluster: model.cluster.name, profile: model.cluster, after }, opts),
};

/** Registers a cluster-wide part: with its own component, or as a ChartPart. */
export function installClusterPart(part: ClusterPart, clusterWide: ClusterWideModel, context: InstallContext): Installed {
    const install = (CLUSTER_INSTALLERS[part.key] as ClusterInstaller<ClusterPartKey> | undefined) ?? installChartPart;
    return install(part, clusterWide[part.key] as ClusterPartSlice, context);
}

/** A part as its catalogue entry declares it: its Secrets sealed from config, its release, its objects. */
function installChartPart(part: ClusterPart, slice: ClusterPartSlice, { model, settings, sealer, after, opts }: InstallContext): Installed {
    const release = part.release(slice as never, model);
    const labels = clusterLabels(model.cluster.name, part.name);
    const ns = release.namespace;
    const secrets = (part.secrets?.(slice as never) ?? []).map((s) => {
        const data = sealer.seal({ namespace: ns, name: s.name }, Object.fromEntries(Object.entries(s.data).map(([key, reference]) => [key, configSecret(settings, reference)])));
        return sealedSecret(s.name, ns, labels, data, { type: s.type });
    });
    return new ChartPart(part.name, { release, cluster: model.cluster.name, before: secrets, objects: part.objects?.(slice as never, labels), after, adoptExisting: settings.adoptExisting }, opts);
}

/** The environment parts, by name. */
const ENVIRONMENT_INSTALLERS: Readonly<Record<string, (name: string, context: InstallContext) => Installed>> = {
    monitoring: (name, { model, view, settings, sealer, after, opts }) => {
        const monitoring = new Monitoring(name, { model, clusterMonitoring: view.monitoring, sealer, configSecret: (reference) => configSecret(settings, reference), after, adoptExisting: settings.adoptExisting }, opts);
        return { ready: monitoring.ready, outputs: { grafanaUrl: monitoring.grafanaUrl, alertmanagerConfigSecret: monitoring.configSecretName, runbook: monitoring.runbook } };
    },
    // Only where the cluster has an Argo CD (stackParts).
    applications: (name, { model, view, after, opts }) => new RootApplications(name, { model, argocdNamespace: (view.argocd as NonNullable<ClusterView["argocd"]>).namespace, after }, opts),
    analysis: (name, { model, after, opts }) => new AnalysisTemplates(name, { model, after }, opts),
};

/** Registers an environment part, named `<part>-<environment>`. */
export function installEnvironmentPart(part: EnvironmentPart, context: InstallContext): Installed {
    return ENVIRONMENT_INSTALLERS[part.name](`${part.name}-${context.model.environment}`, context);
}

/**
 * Installs every part the stack installs (`stackParts`), in the catalogue's order, each after what
 * it waits for: the cluster-wide parts where the stack installs them, then its environment's.
 * Resolves with every part's stack outputs.
 */
export function installParts(context: Omit<InstallContext, "after">): Record<string, unknown> {
    const ready = new Map<string, readonly pulumi.Resource[]>();
    const outputs: Record<string, unknown> = {};
    const afterOf = (names: readonly string[]) => names.flatMap((name) => ready.get(name) ?? []);
    const { clusterWide } = context.model;
    const parts = stackParts(context.model, context.view);
    for (const part of parts.cluster) {
        const installed = installClusterPart(part, clusterWide as ClusterWideModel, { ...context, after: afterOf(part.after) });
        ready.set(part.key, installed.ready);
        Object.assign(outputs, installed.outputs);
    }
    const environmentReady = new Map<string, readonly pulumi.Resource[]>();
    for (const part of parts.environment) {
        const after = [...afterOf(part.after.cluster), ...part.after.environment.flatMap((name) => environmentReady.get(name) ?? [])];
        const installed = installEnvironmentPart(part, { ...context, after });
        environmentReady.set(part.name, installed.ready);
        Object.assign(outputs, installed.outputs);
    }
    Object.assign(outputs, installFleet({ ...context, after: afterOf(["argocd", "sealedSecrets"]) }));
    return outputs;
}

/** A hub's or a spoke's part of a fleet (docs/fleet.md), after Argo CD (a hub's) and the sealed-secrets controller; nothing without `fleet`. */
function installFleet({ model, view, settings, sealer, after, opts, fleet }: InstallContext): Record<string, unknown> {
    if (model.fleet?.role === "spoke") {
        const spoke = new FleetSpoke("fleet-spoke", { spoke: model.fleet, cluster: model.cluster.name, sealingCertificatePem: settings.certificate.pem, after }, opts);
        return { fleetSpoke: spoke.output };
    }
    if (fleet && view.argocd) {
        new FleetHub("fleet-hub", { fleet, cluster: model.cluster.name, argocdNamespace: view.argocd.namespace, sealer, configSecret: (reference) => configSecret(settings, reference), after, adoptExisting: settings.adoptExisting }, opts);
    }
    return {};
}
