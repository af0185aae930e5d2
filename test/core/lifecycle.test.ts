/**
 * What the one transform adds to an object: each rule on a small object, judged by what the
 * Kubernetes provider and Chart v4 read (pulumi-kubernetes provider/pkg/metadata/annotations.go:
 * `pulumi.com/skipAwait` must be exactly "true"; `pulumi.com/waitFor` takes `condition=<Type>`).
 */
import { describe, expect, it } from "vitest";
import { appliedObject, readinessFromOutside } from "../../core/lifecycle";

const deployment = (volumes: unknown[]) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "ns" }, spec: { template: { spec: { volumes } } } });

describe("appliedObject", () => {
    it("keeps a CRD on delete, in the state and in the annotation Chart v4 and kubectl show", () => {
        const crd = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "w.example.com", labels: { a: "b" } } };
        expect(appliedObject(crd)).toStrictEqual({ object: { ...crd, metadata: { ...crd.metadata, annotations: { "helm.sh/resource-policy": "keep" } } }, retainOnDelete: true });
    });

    it("keeps what its chart already marks kept", () => {
        const kept = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", annotations: { "helm.sh/resource-policy": "keep" } } };
        expect(appliedObject(kept)).toStrictEqual({ object: kept, retainOnDelete: true });
    });

    it("does not await what only an outside controller makes ready, and awaits the rest", () => {
        const outside = [
            { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "i" } },
            { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { type: "LoadBalancer" } },
            { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "p" } },
            deployment([{ name: "data", persistentVolumeClaim: { claimName: "p" } }]),
            { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "st" }, spec: { volumeClaimTemplates: [{ metadata: { name: "data" } }], template: { spec: {} } } },
        ];
        for (const o of outside) expect(appliedObject(o).object.metadata.annotations, o.kind).toStrictEqual({ "pulumi.com/skipAwait": "true" });
        const inside = [
            { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { type: "ClusterIP" } },
            deployment([{ name: "config", configMap: { name: "c" } }]),
            { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "st" }, spec: { volumeClaimTemplates: [], template: { spec: {} } } },
        ];
        for (const o of inside) expect(appliedObject(o), o.kind).toStrictEqual({ object: o, retainOnDelete: false });
    });

    it("awaits Prometheus and Alertmanager until their operator says they are available, unless the object says what to wait for", () => {
        for (const kind of ["Prometheus", "Alertmanager"]) {
            const cr = { apiVersion: "monitoring.coreos.com/v1", kind, metadata: { name: "m", namespace: "monitoring-dev" } };
            expect(appliedObject(cr).object.metadata.annotations, kind).toStrictEqual({ "pulumi.com/waitFor": "condition=Available" });
        }
        const told = { apiVersion: "monitoring.coreos.com/v1", kind: "Prometheus", metadata: { name: "m", annotations: { "pulumi.com/waitFor": "jsonpath={.status.availableReplicas}=1" } } };
        expect(appliedObject(told)).toStrictEqual({ object: told, retainOnDelete: false });
        const rules = { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: { name: "r" } };
        expect(appliedObject(rules)).toStrictEqual({ object: rules, retainOnDelete: false });
    });

    it("reads the pod of every workload kind, a Pod's own spec, and objects without a spec or annotations", () => {
        const claim = [{ name: "data", persistentVolumeClaim: { claimName: "p" } }];
        for (const kind of ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"]) {
            expect(readinessFromOutside({ kind, spec: { template: { spec: { volumes: claim } } } }), kind).toBe("its pods start once the provisioner of a storage class binds their volumes");
        }
        expect(readinessFromOutside({ kind: "Pod", spec: { volumes: claim } })).toMatch(/provisioner/);
        expect(readinessFromOutside({ kind: "Pod", spec: { template: { spec: { volumes: claim } } } })).toBeUndefined();
        expect(readinessFromOutside({ kind: "CronJob", spec: { template: { spec: { volumes: claim } } } })).toBeUndefined();
        for (const kind of ["Service", "StatefulSet", "Deployment"]) expect(readinessFromOutside({ kind }), kind).toBeUndefined();
        const bare = { apiVersion: "monitoring.coreos.com/v1", kind: "Alertmanager" };
        expect(appliedObject(bare).object).toStrictEqual({ ...bare, metadata: { annotations: { "pulumi.com/waitFor": "condition=Available" } } });
    });

    it("says why an object is not awaited", () => {
        expect(readinessFromOutside({ kind: "Ingress" })).toMatch(/ingress controller/);
        expect(readinessFromOutside({ kind: "PersistentVolumeClaim" })).toMatch(/provisioner/);
        expect(readinessFromOutside({ kind: "Service", spec: { type: "LoadBalancer" } })).toMatch(/load balancer/);
        expect(readinessFromOutside({ kind: "Deployment", spec: {} })).toBeUndefined();
    });
});
