/**
 * The data of a notifications-engine ConfigMap (Argo CD's `argocd-notifications-cm` and
 * Argo Rollouts' `argo-rollouts-notification-configmap` share the format).
 */
import type { NotificationsModel } from "../model/schema";
import { toYaml } from "./objects";

/** The template as the engine reads it: `message`, then one block per service (YAML leaves out those it lacks). */
function templateBody(t: NotificationsModel["templates"][number]): Record<string, unknown> {
    return { message: t.message, email: t.email, slack: t.slack, webhook: t.webhook };
}

/**
 * ConfigMap data: `service.*`, `template.*`, `trigger.*`, `subscriptions`, and `context`
 * when given. Secret values stay `$key` references into the sealed notifications secret.
 */
export function notificationsConfigData(n: NotificationsModel, context?: Readonly<Record<string, string>>): Record<string, string> {
    const data: Record<string, string> = {};
    if (context) data.context = toYaml(context);
    for (const w of n.webhooks) {
        data[`service.webhook.${w.name}`] = toYaml({ url: w.url, ...(w.headers.length > 0 ? { headers: w.headers } : {}) });
    }
    if (n.slack) data["service.slack"] = toYaml(n.slack);
    for (const t of n.templates) data[`template.${t.name}`] = toYaml(templateBody(t));
    for (const t of n.triggers) data[`trigger.${t.name}`] = toYaml(t.conditions);
    if (n.subscriptions.length > 0) data.subscriptions = toYaml(n.subscriptions);
    return data;
}

/** `notifications.argoproj.io/subscribe.<trigger>.<service>` annotations of one resource. */
export function subscriptionAnnotations(subscriptions: readonly { trigger: string; service: string; recipients: readonly string[] }[]): Record<string, string> {
    return Object.fromEntries(subscriptions.map((s) => [`notifications.argoproj.io/subscribe.${s.trigger}.${s.service}`, s.recipients.join(";")]));
}
