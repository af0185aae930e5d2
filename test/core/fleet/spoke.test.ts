/** What a spoke makes for the hub's Argo CD: cluster-wide, or only in its listed namespaces. */
import { describe, expect, it } from "vitest";
import { MANAGER_NAME, MANAGER_NAMESPACE, spokeAccessObjects } from "../../../core/fleet/spoke";
import { fleetSchema, type SpokeRoleModel } from "../../../model/fleet";

const spoke = (namespaces?: string[]) => fleetSchema.parse({ role: "spoke", hub: "fleet-hub", server: "https://eu.example.com:6443", ...(namespaces ? { namespaces } : {}) }) as SpokeRoleModel;
const kinds = (objects: ReturnType<typeof spokeAccessObjects>) => objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`);

describe("a spoke's access for the hub", () => {
    it("is a ServiceAccount with a token Secret bound to a ClusterRole, by default", () => {
        const objects = spokeAccessObjects(spoke(), "eu");
        expect(kinds(objects)).toStrictEqual([`ServiceAccount ${MANAGER_NAMESPACE}/${MANAGER_NAME}`, `Secret ${MANAGER_NAMESPACE}/argocd-manager-token`, "ClusterRole /argocd-manager-role", "ClusterRoleBinding /argocd-manager-role-binding"]);
        expect(objects[1]).toMatchObject({ type: "kubernetes.io/service-account-token", metadata: { annotations: { "kubernetes.io/service-account.name": MANAGER_NAME } } });
        expect((objects[3] as any).subjects).toStrictEqual([{ kind: "ServiceAccount", name: MANAGER_NAME, namespace: MANAGER_NAMESPACE }]);
    });

    it("grants nothing cluster-scoped where the spoke lists its namespaces: each made, with a Role and a RoleBinding in it", () => {
        const objects = spokeAccessObjects(spoke(["shop", "metrics"]), "eu");
        expect(kinds(objects)).toStrictEqual([
            `ServiceAccount ${MANAGER_NAMESPACE}/${MANAGER_NAME}`,
            `Secret ${MANAGER_NAMESPACE}/argocd-manager-token`,
            "Namespace /shop",
            "Role shop/argocd-manager-role",
            "RoleBinding shop/argocd-manager-role-binding",
            "Namespace /metrics",
            "Role metrics/argocd-manager-role",
            "RoleBinding metrics/argocd-manager-role-binding",
        ]);
        expect(objects.some((o) => o.kind.startsWith("Cluster"))).toBe(false);
        expect((objects[4] as any).subjects).toStrictEqual([{ kind: "ServiceAccount", name: MANAGER_NAME, namespace: MANAGER_NAMESPACE }]);
    });
});
