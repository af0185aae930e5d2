import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { argocdNotificationsConfigMap } from "../../core/argocd/notifications";
import { notificationsConfigData, subscriptionAnnotations } from "../../core/notifications";
import type { NotificationsModel } from "../../model/schema";
import { rolloutsNotificationsConfigMap } from "../../core/rollouts";
import { installerModel } from "../helpers/models";
import { REFERENCE } from "../helpers/reference";

const owner = installerModel("prod", "shared");
const { argocd, rollouts } = owner.clusterWide;
const catalog = yaml.load(fs.readFileSync(path.join(REFERENCE, "argocd/notifications-catalog-install.yaml"), "utf8")) as { data: Record<string, string> };

/** A ConfigMap's data parsed as the notifications engine parses it: every value is YAML again. */
function parsed(data: Record<string, string>): Record<string, any> {
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, yaml.load(v)]));
}

describe.each([
    ["argocd-notifications-cm", argocdNotificationsConfigMap(argocd, owner.cluster.name)],
    ["argo-rollouts-notification-configmap", rolloutsNotificationsConfigMap(rollouts, owner.cluster.name)],
])("%s", (_, cm) => {
    const data = parsed(cm.data as Record<string, string>);
    const keys = Object.keys(data);

    it("sends only templates it defines, from triggers shaped like the upstream catalog's", () => {
        const catalogFields = new Set(Object.entries(catalog.data).filter(([k]) => k.startsWith("trigger.")).flatMap(([, v]) => (yaml.load(v) as object[]).flatMap(Object.keys)));
        catalogFields.add("oncePer");
        for (const key of keys.filter((k) => k.startsWith("trigger."))) {
            for (const condition of data[key]) {
                for (const field of Object.keys(condition)) expect(catalogFields).toContain(field);
                for (const template of condition.send) expect(keys).toContain(`template.${template}`);
            }
        }
    });

    it("subscribes by default only to triggers it defines", () => {
        for (const subscription of data.subscriptions ?? []) for (const trigger of subscription.triggers) expect(keys).toContain(`trigger.${trigger}`);
    });
});

describe("argo-rollouts-notification-configmap", () => {
    const data = parsed(rolloutsNotificationsConfigMap(rollouts, owner.cluster.name).data as Record<string, string>);

    it("has Slack attachments that are valid JSON once rendered for a one-container Rollout", () => {
        for (const [key, template] of Object.entries(data).filter(([k]) => k.startsWith("template."))) {
            // One container: control actions disappear, each output action becomes text.
            const rendered = String(template.slack.attachments)
                .replace(/\{\{\s*(range|if|end|else)\b[^}]*\}\}/g, "")
                .replace(/\{\{[^}]*\}\}/g, "value");
            expect(() => JSON.parse(rendered), key).not.toThrow();
            expect(template.email.subject, key).toContain("{{.rollout.metadata.name}}");
        }
    });
});

describe("argocd-notifications-cm", () => {
    const data = parsed(argocdNotificationsConfigMap(argocd, owner.cluster.name).data as Record<string, string>);

    it("sends every template through the webhook as JSON that stays valid once rendered", () => {
        for (const [key, template] of Object.entries(data).filter(([k]) => k.startsWith("template."))) {
            const body: string = template.webhook.slack_webhook.body;
            // Argo CD substitutes each action with plain text; JSON must survive that.
            const rendered = body.replace(/\{\{[^}]*\}\}/g, "value");
            expect(() => JSON.parse(rendered), key).not.toThrow();
        }
    });

    it("puts the commit revision and a link to the app into every message", () => {
        for (const [key, template] of Object.entries(data).filter(([k]) => k.startsWith("template."))) {
            for (const text of [template.message, template.webhook.slack_webhook.body]) {
                expect(text, key).toContain("{{.app.status.sync.revision}}");
                expect(text, key).toContain("{{.context.argocdUrl}}/applications/{{.app.metadata.name}}");
            }
        }
    });

    it("keeps the webhook URL and the bot token as references into the sealed secret", () => {
        expect(data["service.webhook.slack_webhook"].url).toBe("$slack-webhook");
        expect(data["service.slack"].token).toBe("$slack-token");
        expect(data.context.argocdUrl).toBe(`https://${argocd.expose.host}`);
    });
});

describe("a notifications ConfigMap from a small model", () => {
    const model: NotificationsModel = {
        secretData: {},
        webhooks: [
            { name: "plain", url: "https://hooks.example.com/a", headers: [] },
            { name: "json", url: "https://hooks.example.com/b", headers: [{ name: "Content-Type", value: "application/json" }] },
        ],
        templates: [{ name: "bare", message: "hello" }],
        triggers: [],
        subscriptions: [],
    } as unknown as NotificationsModel;

    it("sends each webhook's headers with it, and has no key for what the model leaves out", () => {
        const data = notificationsConfigData(model);
        expect(Object.keys(data).sort()).toStrictEqual(["service.webhook.json", "service.webhook.plain", "template.bare"]);
        expect(yaml.load(data["service.webhook.json"])).toStrictEqual({ url: "https://hooks.example.com/b", headers: [{ name: "Content-Type", value: "application/json" }] });
        expect(yaml.load(data["service.webhook.plain"])).toStrictEqual({ url: "https://hooks.example.com/a" });
        expect(yaml.load(data["template.bare"])).toStrictEqual({ message: "hello" });
    });

    it("adds context, Slack and default subscriptions when given", () => {
        const withAll = { ...model, slack: { token: "$slack-token" }, subscriptions: [{ recipients: ["slack:ops"], triggers: ["on-sync-failed"] }] } as NotificationsModel;
        const data = notificationsConfigData(withAll, { argocdUrl: "https://cd.example.com" });
        expect(yaml.load(data.context)).toStrictEqual({ argocdUrl: "https://cd.example.com" });
        expect(yaml.load(data["service.slack"])).toStrictEqual({ token: "$slack-token" });
        expect(yaml.load(data.subscriptions)).toStrictEqual([{ recipients: ["slack:ops"], triggers: ["on-sync-failed"] }]);
    });
});

describe("subscription annotations", () => {
    it("spell the engine's `subscribe.<trigger>.<service>` annotation, recipients joined by ';'", () => {
        // As Argo CD's notifications documentation writes them.
        expect(
            subscriptionAnnotations([
                { trigger: "on-sync-failed", service: "slack", recipients: ["platform-alerts", "oncall"] },
                { trigger: "on-deployed", service: "webhook.github", recipients: [] },
            ]),
        ).toStrictEqual({ "notifications.argoproj.io/subscribe.on-sync-failed.slack": "platform-alerts;oncall", "notifications.argoproj.io/subscribe.on-deployed.webhook.github": "" });
    });
});
