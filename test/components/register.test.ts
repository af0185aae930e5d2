/** The transform every component is registered with, as the engine calls it: on each object, and on the chart itself. */
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { lifecycleTransform } from "../../components/register";

const args = (type: string, props: Record<string, any>) => ({ custom: true, type, name: "x", props, opts: { protect: false } });
const crd = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "w.example.com" } };

describe("lifecycleTransform", () => {
    // The provider of kept objects stands in as itself: the transform only hands it on.
    const keptObjects = { name: "kubernetes-kept" } as unknown as pulumi.ProviderResource;
    const transform = lifecycleTransform(keptObjects);

    it("keeps a CRD, and applies it through the provider that takes a kept one back: the annotation on the object, the options it had added to", async () => {
        expect(await transform(args("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", crd))).toStrictEqual({
            props: { ...crd, metadata: { ...crd.metadata, annotations: { "helm.sh/resource-policy": "keep" } } },
            opts: { protect: false, retainOnDelete: true, provider: keptObjects },
        });
    });

    it("leaves alone what it changes nothing of, the chart itself and what is not Kubernetes'", async () => {
        expect(await transform(args("kubernetes:core/v1:ConfigMap", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }))).toBeUndefined();
        expect(await transform(args("kubernetes:helm.sh/v4:Chart", { kind: "CustomResourceDefinition" }))).toBeUndefined();
        expect(await transform(args("random:index/randomPassword:RandomPassword", { kind: "CustomResourceDefinition" }))).toBeUndefined();
    });

    it("passes an object's options on when it only annotates it", async () => {
        const ingress = { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "i" } };
        expect(await transform(args("kubernetes:networking.k8s.io/v1:Ingress", ingress))).toStrictEqual({ props: { ...ingress, metadata: { name: "i", annotations: { "pulumi.com/skipAwait": "true" } } }, opts: { protect: false } });
    });
});
