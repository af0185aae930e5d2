import type { StackModel } from "../../model/schema";
import { notificationsConfigData } from "../notifications";
import { configMap, type KubeObject, platformLabels } from "../objects";
import { argocdUrl } from "./release";

/** Names the notifications controller reads; fixed by Argo CD. */
export const NOTIFICATIONS_CM = "argocd-notifications-cm";
export const NOTIFICATIONS_SECRET = "argocd-notifications-secret";

/** `argocd-notifications-cm`: context, services, templates, triggers, default subscriptions. */
export function argocdNotificationsConfigMap(model: StackModel): KubeObject {
    const data = notificationsConfigData(model.argocd.notifications, { argocdUrl: argocdUrl(model) });
    return configMap(NOTIFICATIONS_CM, model.argocd.namespace, platformLabels(model.environment, "argocd"), data);
}
