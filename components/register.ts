import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHART_TYPE, type HelmRelease } from "../core/helm";
import { type ApplyPolicy, appliedObject } from "../core/lifecycle";
import type { KubeObject } from "../core/objects";

/** What every cluster-wide part's component is given besides its slice of the model. */
export interface ClusterPartArgs {
    /** The cluster's name (`cluster.name`), in the labels. */
    readonly cluster: string;
    /** What its objects wait for: the parts it runs on (core/catalogue.ts), where this stack installs them. Defaults to none. */
    readonly after?: readonly pulumi.Resource[];
}

/**
 * The transform every component of the stack is registered with: the engine runs it on each
 * Kubernetes object the program registers and on each object a Chart v4 renders (transforms of a
 * component reach its descendants, packaged components' children included), so that what
 * `pulumi up` waits for, keeps and takes over is decided in one place (core/lifecycle.ts).
 */
export function lifecycleTransform(policy: ApplyPolicy): pulumi.ResourceTransform {
    return ({ type, props, opts }) => {
        if (!type.startsWith("kubernetes:") || type === CHART_TYPE) return undefined;
        const { object, retainOnDelete } = appliedObject(props, policy);
        if (object === props && !retainOnDelete) return undefined;
        return { props: object, opts: retainOnDelete ? pulumi.mergeOptions(opts, { retainOnDelete: true }) : opts };
    };
}

/**
 * Registers one plain object from the core as a Pulumi resource named
 * `<component>-<kind>-<name>`. Core kinds get their typed class (better previews); everything
 * else is a CustomResource.
 */
export function registerObject(component: string, object: KubeObject, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    const name = `${component}-${object.kind.toLowerCase()}-${object.metadata.name}`;
    const args = object as unknown as Record<string, pulumi.Input<unknown>>;
    switch (`${object.apiVersion}/${object.kind}`) {
        case "v1/Namespace":
            return new k8s.core.v1.Namespace(name, args, opts);
        case "v1/ConfigMap":
            return new k8s.core.v1.ConfigMap(name, args, opts);
        case "v1/Secret":
            return new k8s.core.v1.Secret(name, args, opts);
        default:
            return new k8s.apiextensions.CustomResource(name, args as k8s.apiextensions.CustomResourceArgs, opts);
    }
}

/**
 * Registers a Helm release as a Chart v4: every rendered object becomes its own child, so a
 * preview diffs per object. Chart v4 omits Helm hook objects altogether (neither run as hooks nor
 * applied), so whatever a chart does in a hook would silently not happen: the core switches
 * each such feature off, or replaces it.
 */
export function registerChart(component: string, release: HelmRelease, opts: pulumi.ComponentResourceOptions): k8s.helm.v4.Chart {
    return new k8s.helm.v4.Chart(
        `${component}-chart`,
        {
            name: release.name,
            namespace: release.namespace,
            chart: release.chart,
            version: release.version,
            repositoryOpts: { repo: release.repository },
            values: release.values as Record<string, pulumi.Input<unknown>>,
        },
        opts,
    );
}
