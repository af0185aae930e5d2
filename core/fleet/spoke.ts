/**
 * What a spoke makes of its own cluster so that the hub's Argo CD can manage it: a ServiceAccount,
 * its long-lived token Secret, and the RBAC it acts with: over the whole cluster, or only in the
 * namespaces the model lists (each made here, with a Role and RoleBinding, nothing cluster-scoped). The same
 * objects as `argocd cluster add` makes (argo-cd pkg/cluster `InstallClusterManagerRBAC`), the
 * token as a Secret of type `kubernetes.io/service-account-token`, which Kubernetes no longer
 * makes by itself since 1.24 (https://kubernetes.io/docs/concepts/configuration/secret/#serviceaccount-token-secrets).
 */
import type { SpokeRoleModel } from "../../model/fleet";
import { clusterLabels, type KubeObject, namespace } from "../objects";

export const MANAGER_NAMESPACE = "kube-system";
export const MANAGER_NAME = "argocd-manager";
export const MANAGER_TOKEN_SECRET = `${MANAGER_NAME}-token`;

/** Everything, as Argo CD syncs whatever kinds its applications hold. */
const EVERYTHING = [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }];

/** The ServiceAccount, its token Secret, and its RBAC for the hub's Argo CD on this spoke. */
export function spokeAccessObjects(spoke: SpokeRoleModel, cluster: string): KubeObject[] {
    const labels = clusterLabels(cluster, "fleet");
    const subject = { kind: "ServiceAccount", name: MANAGER_NAME, namespace: MANAGER_NAMESPACE };
    const account: KubeObject = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: MANAGER_NAME, namespace: MANAGER_NAMESPACE, labels } };
    const token: KubeObject = {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: MANAGER_TOKEN_SECRET, namespace: MANAGER_NAMESPACE, labels, annotations: { "kubernetes.io/service-account.name": MANAGER_NAME } },
        type: "kubernetes.io/service-account-token",
    };
    const rbac: KubeObject[] = spoke.namespaces
        ? spoke.namespaces.flatMap((ns) => [
              // Made here, so that the Role has a namespace to live in before Argo CD syncs anything
              // there; kept, with what Argo CD synced into it, should the spoke stop listing it.
              namespace(ns, labels, { keep: true }),
              { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: `${MANAGER_NAME}-role`, namespace: ns, labels }, rules: EVERYTHING },
              { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: `${MANAGER_NAME}-role-binding`, namespace: ns, labels }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: `${MANAGER_NAME}-role` }, subjects: [subject] },
          ])
        : [
              { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: `${MANAGER_NAME}-role`, labels }, rules: [...EVERYTHING, { nonResourceURLs: ["*"], verbs: ["*"] }] },
              { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: `${MANAGER_NAME}-role-binding`, labels }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: `${MANAGER_NAME}-role` }, subjects: [subject] },
          ];
    return [account, token, ...rbac];
}
