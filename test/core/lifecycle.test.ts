/**
 * What the one transform adds to an object: each rule on a small object, judged by what the
 * Kubernetes provider and Chart v4 read (pulumi-kubernetes provider/pkg/metadata/annotations.go:
 * `pulumi.com/skipAwait` and `pulumi.com/patchForce` must be exactly "true").
 */
import { describe, expect, it } from "vitest";
import { appliedObject, readinessFromOutside } from "../../core/lifecycle";

const policy = { adoptExisting: false };
const deployment = (volumes: unknown[]) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "ns" }, spec: { template: { spec: { volumes } } } });

describe("appliedObject", () => {
    it("keeps a CRD on delete, in the state and in the annotation Chart v4 and kubectl show", () => {
        const crd = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "w.example.com", labels: { a: "b" } } };
        expect(appliedObject(crd, policy)).toStrictEqual({ object: { ...crd, metadata: { ...crd.metadata, annotations: { "helm.sh/resource-policy": "keep" } } }, retainOnDelete: true });
    });

    it("keeps what its chart already marks kept", () => {
        const kept = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", annotations: { "helm.sh/resource-policy": "keep" } } };
        expect(appliedObject(kept, policy)).toStrictEqual({ object: kept, retainOnDelete: true });
    });

    it("does not await what only an outside controller makes ready, and awaits the rest", () => {
        const outside = [
            { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "i" } },
            { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { type: "LoadBalancer" } },
            { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "p" } },
            deployment([{ name: "data", persistentVolumeClaim: { claimName: "p" } }]),
            { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "st" }, spec: { volumeClaimTemplates: [{ metadata: { name: "data" } }], template: { spec: {} } } },
        ];
        for (const o of outside) expect(appliedObject(o, policy).object.metadata.annotations, o.kind).toStrictEqual({ "pulumi.com/skipAwait": "true" });
        const inside = [
            { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { type: "ClusterIP" } },
            deployment([{ name: "config", configMap: { name: "c" } }]),
            { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "st" }, spec: { volumeClaimTemplates: [], template: { spec: {} } } },
        ];
        for (const o of inside) expect(appliedObject(o, policy), o.kind).toStrictEqual({ object: o, retainOnDelete: false });
    });

    it("says why an object is not awaited", () => {
        expect(readinessFromOutside({ kind: "Ingress" })).toMatch(/ingress controller/);
        expect(readinessFromOutside({ kind: "PersistentVolumeClaim" })).toMatch(/provisioner/);
        expect(readinessFromOutside({ kind: "Service", spec: { type: "LoadBalancer" } })).toMatch(/load balancer/);
        expect(readinessFromOutside({ kind: "Deployment", spec: {} })).toBeUndefined();
    });

    it("takes every field over while adopting, keeping the object's own annotations", () => {
        const object = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", annotations: { mine: "yes" } } };
        expect(appliedObject(object, { adoptExisting: true })).toStrictEqual({ object: { ...object, metadata: { name: "c", annotations: { mine: "yes", "pulumi.com/patchForce": "true" } } }, retainOnDelete: false });
    });
});
