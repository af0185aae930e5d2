/**
 * The environment's Alertmanager configuration, as typed data. It becomes YAML only when it
 * is sealed into `alertmanager-config-<env>`.
 */
import type { AlertmanagerModel, StackModel } from "../../model/schema";

/** The receiver that drops what it gets. Alertmanager needs it defined like any other. */
export const NULL_RECEIVER = "null";
/** The data key the operator reads from `spec.configSecret`. */
export const CONFIG_KEY = "alertmanager.yaml";

export interface SlackConfig {
    api_url: string;
    channel?: string;
    send_resolved: boolean;
    title: string;
    text: string;
}
export interface Receiver {
    name: string;
    slack_configs?: SlackConfig[];
    webhook_configs?: { url: string; send_resolved: boolean }[];
}
export interface Route {
    receiver: string;
    matchers?: string[];
    group_by?: string[];
    group_wait?: string;
    group_interval?: string;
    repeat_interval?: string;
    continue?: boolean;
    routes?: Route[];
}
export interface AlertmanagerConfig {
    global: { resolve_timeout: string };
    route: Route;
    inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal: string[] }[];
    receivers: Receiver[];
}

/** A matcher `label=~"regex"`, quoted the way Alertmanager parses it. */
export function regexMatcher(label: string, regex: string): string {
    return `${label}=~"${regex.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** The name of the config Secret the Alertmanager CR points at. */
export function configSecretName(model: StackModel): string {
    return `alertmanager-config-${model.environment}`;
}

/** The Slack title: `[FIRING][DEV] AlertName`. */
export function defaultTitle(am: AlertmanagerModel): string {
    return `[{{ .Status | toUpper }}][${am.slack.titleTag}] {{ .CommonLabels.alertname }}`;
}

/** The Slack text. Labels may be missing on any alert: `or` gives a fallback (Helm's `default` does not exist here). */
export function defaultText(am: AlertmanagerModel): string {
    return [
        `*Namespace:* {{ or .CommonLabels.namespace "N/A" }}`,
        `*Severity:* {{ or .CommonLabels.severity "none" }}`,
        `*Summary:* {{ or .CommonAnnotations.summary "No summary" }}`,
        `*Description:* {{ or .CommonAnnotations.description "No description" }}`,
        `*Start:* {{ (index .Alerts 0).StartsAt }}`,
        `<${am.slack.alertsUrl}|View in Prometheus>`,
    ].join("\n");
}

/** Builds the whole config. `slackWebhookUrl` is the secret `gitops:alertmanagerSlackWebhook`. */
export function alertmanagerConfig(model: StackModel, slackWebhookUrl: string): AlertmanagerConfig {
    const am = model.monitoring.alertmanager;
    const dms = am.deadMansSwitch;
    const noise = am.silencedAlerts.filter((name) => !(dms && name === "Watchdog"));
    const routes: Route[] = [
        ...(dms ? [{ receiver: dms.receiver, matchers: ['alertname="Watchdog"'], repeat_interval: dms.repeatInterval }] : []),
        ...(noise.length > 0 ? [{ receiver: NULL_RECEIVER, matchers: [regexMatcher("alertname", noise.join("|"))] }] : []),
        { receiver: am.slack.receiver, matchers: [regexMatcher("namespace", am.namespaceRegex)] },
    ];
    const slack: SlackConfig = {
        api_url: slackWebhookUrl,
        ...(am.slack.channel !== undefined ? { channel: am.slack.channel } : {}),
        send_resolved: true,
        title: am.slack.title ?? defaultTitle(am),
        text: am.slack.text ?? defaultText(am),
    };
    return {
        global: { resolve_timeout: am.resolveTimeout },
        route: {
            // Whatever no route claims (other environments, unlabelled noise) is dropped.
            receiver: NULL_RECEIVER,
            group_by: [...am.groupBy],
            group_wait: am.groupWait,
            group_interval: am.groupInterval,
            repeat_interval: am.repeatInterval,
            routes,
        },
        inhibit_rules: [
            { source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: ["namespace", "alertname"] },
            { source_matchers: ['severity="warning"'], target_matchers: ['severity="info"'], equal: ["namespace", "alertname"] },
            { source_matchers: ['alertname="InfoInhibitor"'], target_matchers: ['severity="info"'], equal: ["namespace"] },
        ],
        receivers: [
            { name: NULL_RECEIVER },
            { name: am.slack.receiver, slack_configs: [slack] },
            ...(dms ? [{ name: dms.receiver, webhook_configs: [{ url: dms.url, send_resolved: false }] }] : []),
        ],
    };
}
