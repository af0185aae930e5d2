import type { ArgoCdModel } from "../../model/schema";
import { notificationsConfigData } from "../notifications";
import { clusterLabels, configMap, type KubeObject } from "../objects";
import { argocdUrl } from "../../model/cluster";

/** Names the notifications controller reads; fixed by Argo CD. */
export const NOTIFICATIONS_CM = "argocd-notifications-cm";
export const NOTIFICATIONS_SECRET = "argocd-notifications-secret";

/** `argocd-notifications-cm`: context, services, templates, triggers, default subscriptions. */
export function argocdNotificationsConfigMap(argocd: ArgoCdModel, cluster: string): KubeObject {
    const data = notificationsConfigData(argocd.notifications, { argocdUrl: argocdUrl(argocd) });
    return configMap(NOTIFICATIONS_CM, argocd.namespace, clusterLabels(cluster, "argocd"), data);
}
