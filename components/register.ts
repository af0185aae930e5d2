import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHART_TYPE, type HelmRelease } from "../core/helm";
import { appliedObject } from "../core/lifecycle";
import { type KubeObject, sealedSecretAdoption } from "../core/objects";

/** What every cluster-wide part's component is given besides its slice of the model. */
export interface ClusterPartArgs {
    /** The cluster's name (`cluster.name`), in the labels. */
    readonly cluster: string;
    /** What its objects wait for: the parts it runs on (core/catalogue.ts), where this stack installs them. Defaults to none. */
    readonly after?: readonly pulumi.Resource[];
    /** Hand each existing Secret its SealedSecrets write to the sealed-secrets controller (`gitops:adoptExisting`; `registerSealedSecret`). Defaults to false. */
    readonly adoptExisting?: boolean;
}

/**
 * The transform every component of the stack is registered with: the engine runs it on each
 * Kubernetes object the program registers and on each object a Chart v4 renders (transforms of a
 * component reach its descendants, packaged components' children included), so that what
 * `pulumi up` waits for and keeps is decided in one place (core/lifecycle.ts). An object kept on
 * delete is applied through `keptProvider`, which upserts: a later `up` on the same cluster (a
 * rebuild after `pulumi destroy`) takes it back instead of failing on it as existing. The engine
 * takes a transform's provider for a packaged component's child as for any other (the SDK sends
 * it back: @pulumi/pulumi runtime/callbacks.js, the transform's `opts.provider`).
 */
export function lifecycleTransform(keptProvider: pulumi.ProviderResource): pulumi.ResourceTransform {
    return ({ type, props, opts }) => {
        if (!type.startsWith("kubernetes:") || type === CHART_TYPE) return undefined;
        const { object, retainOnDelete } = appliedObject(props);
        if (object === props && !retainOnDelete) return undefined;
        return { props: object, opts: retainOnDelete ? pulumi.mergeOptions(opts, { retainOnDelete: true, provider: keptProvider }) : opts };
    };
}

/**
 * Registers a SealedSecret. While the stack adopts a cluster built by hand (`adopting`), the Secret
 * it writes is first handed to the sealed-secrets controller as the controller documents: a
 * SecretPatch marks it `sealedsecrets.bitnami.com/managed` (and `patch` where the SealedSecret
 * patches its Secret), without which the controller refuses a Secret it did not make ("already
 * exists and is not managed by SealedSecret": sealed-secrets v0.36.6 pkg/controller/controller.go,
 * `unseal`). The patch is retained when the adoption ends: deleting it would give up its
 * annotations (pulumi-kubernetes await.go, Deletion: `ssa.Relinquish`), and a Secret patched by
 * its SealedSecret must keep `patch`, or the next unseal replaces it whole.
 */
export function registerSealedSecret(component: string, object: KubeObject, adopting: boolean, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    if (!adopting) return registerObject(component, object, opts);
    const handOver = new k8s.core.v1.SecretPatch(`${component}-adopt-${object.metadata.name}`, sealedSecretAdoption(object), { ...opts, retainOnDelete: true });
    return registerObject(component, object, { ...opts, dependsOn: [...toArray(opts.dependsOn), handOver] });
}

function toArray(dependsOn: pulumi.CustomResourceOptions["dependsOn"]): pulumi.Input<pulumi.Resource>[] {
    if (dependsOn === undefined) return [];
    return Array.isArray(dependsOn) ? dependsOn : [dependsOn as pulumi.Input<pulumi.Resource>];
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
