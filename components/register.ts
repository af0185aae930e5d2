import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { HelmRelease } from "../core/helm";
import { type KubeObject, toYaml } from "../core/objects";

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
            valueYamlFiles: release.secretValues ? [pulumi.secret(release.secretValues.apply((v) => new pulumi.asset.StringAsset(toYaml(v))))] : [],
        },
        opts,
    );
}
