import { HELM_ONLY_FUNCTIONS, readGoTemplate } from "../../lib/gotemplate";
import type { ProblemCollector } from "../problems";
import { notificationServices } from "../cluster";
import type { ClusterWideModel, NotificationsModel } from "../schema";
import { checkUnique } from "./argocd";

/** Every template text of a notifications template, with its model path suffix. */
function templateTexts(t: NotificationsModel["templates"][number]): [string, string][] {
    const texts: [string, string][] = [];
    if (t.message !== undefined) texts.push(["message", t.message]);
    if (t.email) texts.push(["email.subject", t.email.subject]);
    if (t.slack?.attachments !== undefined) texts.push(["slack.attachments", t.slack.attachments]);
    if (t.slack?.blocks !== undefined) texts.push(["slack.blocks", t.slack.blocks]);
    for (const [service, hook] of Object.entries(t.webhook ?? {})) texts.push([`webhook.${service}.body`, hook.body]);
    return texts;
}

/** Checks one notifications config (Argo CD's or Argo Rollouts') for dangling references. */
export function checkNotificationsConfig(n: NotificationsModel, path: string, problems: ProblemCollector): void {
    const templates = n.templates.map((t) => t.name);
    const triggers = n.triggers.map((t) => t.name);
    const services = notificationServices(n);
    checkUnique(problems, `${path}.templates`, templates, "template");
    checkUnique(problems, `${path}.triggers`, triggers, "trigger");
    checkUnique(problems, `${path}.webhooks`, n.webhooks.map((w) => w.name), "webhook service");

    const dataKeys = Object.keys(n.secretData);
    const references: [string, string][] = [
        ...n.webhooks.flatMap((w, i): [string, string][] => [
            [`${path}.webhooks[${i}].url`, w.url],
            ...w.headers.map((h, j): [string, string] => [`${path}.webhooks[${i}].headers[${j}].value`, h.value]),
        ]),
        ...(n.slack ? [[`${path}.slack.token`, n.slack.token] as [string, string]] : []),
    ];
    for (const [where, value] of references) {
        const key = /^\$([-._a-zA-Z0-9]+)$/.exec(value)?.[1];
        if (key !== undefined && !dataKeys.includes(key)) {
            problems.add(where, `"$${key}" is not a data key of the notifications secret (secretData has: ${dataKeys.join(", ") || "none"}); add "${key}" to ${path}.secretData`);
        }
    }

    n.templates.forEach((t, i) => {
        if (templateTexts(t).length === 0) problems.add(`${path}.templates[${i}]`, `template "${t.name}" sends nothing: give it a message or a service part`);
        for (const service of Object.keys(t.webhook ?? {})) {
            if (!n.webhooks.some((w) => w.name === service)) {
                problems.add(`${path}.templates[${i}].webhook.${service}`, `webhook service "${service}" is not defined; define it under ${path}.webhooks`);
            }
        }
        for (const [field, text] of templateTexts(t)) {
            const report = readGoTemplate(text);
            for (const error of report.errors) problems.add(`${path}.templates[${i}].${field}`, `does not parse as a Go template: ${error}`);
            for (const fn of report.functions.filter((f) => HELM_ONLY_FUNCTIONS.has(f))) {
                problems.add(`${path}.templates[${i}].${field}`, `uses "${fn}", a Helm-only function the notifications engine does not have; rewrite it with Go template or sprig functions`);
            }
        }
    });
    n.triggers.forEach((t, i) =>
        t.conditions.forEach((c, j) =>
            c.send.forEach((name, k) => {
                if (!templates.includes(name)) {
                    problems.add(`${path}.triggers[${i}].conditions[${j}].send[${k}]`, `template "${name}" is not defined; define it under ${path}.templates or use one of: ${templates.join(", ")}`);
                }
            }),
        ),
    );
    n.subscriptions.forEach((s, i) => {
        s.triggers.forEach((name, j) => {
            if (!triggers.includes(name)) problems.add(`${path}.subscriptions[${i}].triggers[${j}]`, `trigger "${name}" is not defined; use one of: ${triggers.join(", ")}`);
        });
        s.recipients.forEach((recipient, j) => {
            const service = recipient.split(":")[0];
            if (!services.includes(service)) problems.add(`${path}.subscriptions[${i}].recipients[${j}]`, `service "${service}" is not defined; use one of: ${services.join(", ")}`);
        });
    });
}

/** Notifications of the cluster's Argo CD and Argo Rollouts. */
export function checkNotifications(clusterWide: ClusterWideModel, problems: ProblemCollector): void {
    if (clusterWide.argocd) checkNotificationsConfig(clusterWide.argocd.notifications, "clusterWide.argocd.notifications", problems);
    checkNotificationsConfig(clusterWide.rollouts.notifications, "clusterWide.rollouts.notifications", problems);
}
