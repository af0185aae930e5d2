/**
 * What Pulumi applies, offline: the recorded objects and every object the stack's charts render,
 * each run through the transforms the engine would run on it (the ones the program registered on
 * the object and on each of its ancestors, as the engine applies a component's transforms to its
 * descendants, Chart v4's children included), and each chart object in the namespace Chart v4
 * gives it. The render writes these; the tests judge them.
 */
import type * as pulumi from "@pulumi/pulumi";
import { CHART_TYPE } from "../core/helm";
import { SECRET_PLACEHOLDER } from "../core/objects";
import { type CrdScopes, crdScopes, type ExpandedObject, expandRelease, namespaceIn, type ReleaseToExpand } from "./charts";
import { isSecretValue, type RecordedResource } from "./mockRuntime";

export function containsSecret(value: unknown): boolean {
    if (isSecretValue(value)) return true;
    if (Array.isArray(value)) return value.some(containsSecret);
    if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecret);
    return false;
}

/** Replaces every secret by the placeholder. */
function redact(value: unknown): unknown {
    if (isSecretValue(value)) return SECRET_PLACEHOLDER;
    if (Array.isArray(value)) return value.map(redact);
    if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
    return value;
}



/** One object as Pulumi applies it. */
export interface AppliedObject {
    readonly object: Record<string, any>;
    /** Where the API server keeps it: its namespace, none for a cluster-scoped kind. */
    readonly namespace: string | undefined;
    /** Pulumi leaves it in the cluster when it deletes it. */
    readonly retainOnDelete: boolean;
    /** A Pulumi patch resource (`SecretPatch`, ...): its fields applied to the object there, not an object of its own. */
    readonly patch?: boolean;
    /** Another cluster it is applied to, through a provider of that cluster (a hub's spoke); none: the stack's own. */
    readonly cluster?: string;
}

/** An object a chart renders, as Pulumi applies it, and the template it comes from. */
export interface AppliedChartObject extends AppliedObject {
    readonly release: ReleaseToExpand;
    readonly source: string;
}

/** Pulumi's type of a Kubernetes object: `kubernetes:<group or core>/<version>:<Kind>`. */
export function kubernetesType(object: Record<string, any>): string {
    const apiVersion = String(object.apiVersion);
    return `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${object.kind}`;
}

/**
 * For each of `resources`, the transforms the engine runs on it (or on a child of it): its own,
 * then each ancestor's, nearest first.
 */
export function transformsOf(resources: readonly RecordedResource[]): (resource: RecordedResource) => pulumi.ResourceTransform[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    return (resource) => {
        const chain: pulumi.ResourceTransform[] = [];
        for (let r: RecordedResource | undefined = resource; r; r = r.parent ? byUrn.get(r.parent) : undefined) chain.push(...r.transforms);
        return chain;
    };
}

/** Runs `transforms` over an object as the engine runs them over a resource of `type` named `name`. */
export async function transformed(props: Record<string, any>, type: string, name: string, transforms: readonly pulumi.ResourceTransform[]): Promise<{ props: Record<string, any>; retainOnDelete: boolean }> {
    let current: { props: Record<string, any>; opts: pulumi.ResourceOptions } = { props, opts: {} };
    for (const transform of transforms) {
        const result = await transform({ custom: true, type, name, props: current.props, opts: current.opts });
        if (result) current = { props: result.props as Record<string, any>, opts: result.opts };
    }
    return { props: current.props, retainOnDelete: current.opts.retainOnDelete === true };
}

/** The Kubernetes objects the program registers itself, through their transforms. */
export async function appliedProgramObjects(resources: readonly RecordedResource[]): Promise<AppliedObject[]> {
    const own = resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== CHART_TYPE);
    const chainOf = transformsOf(resources);
    const clusterOf = otherClusters(resources);
    return Promise.all(
        own.map(async (r) => {
            const { props, retainOnDelete } = await transformed(r.inputs, r.type, r.name, chainOf(r));
            const cluster = r.provider === undefined ? undefined : clusterOf.get(r.provider.split("::")[3]);
            return { object: props, namespace: props.metadata?.namespace, retainOnDelete, patch: r.type.endsWith("Patch"), ...(cluster ? { cluster } : {}) };
        }),
    );
}

/**
 * The Kubernetes providers of other clusters than the stack's own (`kubernetes`, and
 * `kubernetes-kept` on the same cluster), by name, with the cluster each names: a hub applies a
 * spoke's objects through a provider of that spoke.
 */
function otherClusters(resources: readonly RecordedResource[]): Map<string, string> {
    const providers = resources.filter((r) => r.type === "pulumi:providers:kubernetes");
    const own = providers.find((p) => p.name === "kubernetes")?.inputs.clusterIdentifier;
    return new Map(providers.filter((p) => p.inputs.clusterIdentifier !== own).map((p) => [p.name, String(p.inputs.clusterIdentifier)]));
}

/** A release as the program registers it: all Chart v4 passes to Helm but the cluster's version, which it reads from the cluster. */
export type RecordedRelease = Omit<ReleaseToExpand, "kubernetes">;

/** The releases the program registers, as Chart v4 passes them to Helm (secret values redacted), with the records they come from. */
export function recordedReleases(resources: readonly RecordedResource[]): { release: RecordedRelease; record: RecordedResource; hasSecrets: boolean }[] {
    return resources
        .filter((r) => r.type === CHART_TYPE)
        .map((record) => {
            const i = record.inputs;
            const release = { name: i.name, namespace: i.namespace, chart: i.chart, version: i.version, repository: i.repositoryOpts?.repo, values: redact(i.values ?? {}) };
            return { release, record, hasSecrets: containsSecret(i.values) };
        });
}

/** What the recorded charts render, as Pulumi applies it, and each release that could not be expanded here, with why. */
export interface AppliedCharts {
    readonly objects: readonly AppliedChartObject[];
    readonly notExpanded: readonly { readonly release: string; readonly reason: string }[];
}

/**
 * Every object the recorded charts render, as Pulumi applies it to a cluster of Kubernetes
 * `kubernetes` (`1.34`): hooks left out (Chart v4 omits them), each namespaced by its CRD's scope (the CRDs of these charts and `clusterCrds`, those
 * the cluster has from another stack) and run through the chart's transforms. A release that
 * cannot be expanded here (a chart version not available offline) is told, not thrown.
 */
export async function appliedChartObjects(
    resources: readonly RecordedResource[],
    kubernetes: string,
    clusterCrds: readonly Record<string, any>[] = [],
    expand: (release: ReleaseToExpand) => Promise<ExpandedObject[]> = expandRelease,
): Promise<AppliedCharts> {
    const releases = recordedReleases(resources).map(({ release, record }) => ({ release: { ...release, kubernetes }, record }));
    const expanded = await Promise.all(releases.map(({ release }) => expand(release).catch((e: Error) => e)));
    const scopes: CrdScopes = crdScopes([...clusterCrds, ...expanded.flatMap((e) => (e instanceof Error ? [] : e.map((o) => o.object)))]);
    const objects: AppliedChartObject[] = [];
    const notExpanded: { release: string; reason: string }[] = [];
    const chainOf = transformsOf(resources);
    for (const [i, { release, record }] of releases.entries()) {
        const transforms = chainOf(record);
        try {
            const rendered = expanded[i];
            if (rendered instanceof Error) throw rendered;
            const ofRelease: AppliedChartObject[] = [];
            for (const { object, source, hook } of rendered) {
                if (hook) continue;
                const namespace = namespaceIn(object, release.namespace, scopes);
                const { props, retainOnDelete } = await transformed(object, kubernetesType(object), `${release.name}:${namespace ?? ""}/${object.metadata?.name}`, transforms);
                ofRelease.push({ object: props, namespace, retainOnDelete, release, source });
            }
            objects.push(...ofRelease);
        } catch (e) {
            notExpanded.push({ release: release.name, reason: (e as Error).message });
        }
    }
    return { objects, notExpanded };
}
