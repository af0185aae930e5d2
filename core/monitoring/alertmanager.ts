/**
 * The environment's Alertmanager configuration, as typed data. It becomes YAML only when it
 * is sealed into `alertmanager-config-<env>`.
 */
import type { ProblemCollector } from "../../model/problems";
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
export interface PagerdutyConfig {
    routing_key: string;
    url?: string;
    send_resolved: boolean;
    severity: string;
    description: string;
    client: string;
    client_url: string;
    details: Record<string, string>;
}
export interface Receiver {
    name: string;
    slack_configs?: SlackConfig[];
    pagerduty_configs?: PagerdutyConfig[];
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
        // Formatted: printed as is, a time.Time ends with a monotonic-clock suffix like m=+0.13.
        `*Start:* {{ (index .Alerts 0).StartsAt.Format "2006-01-02 15:04:05 MST" }}`,
        `<${am.slack.alertsUrl}|View in Grafana>`,
    ].join("\n");
}

const DURATION_UNITS_MS: Record<string, number> = { y: 365 * 86_400_000, w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/** Milliseconds of a Prometheus duration such as `90s` or `1h30m` (the schema's `duration` format). */
export function durationMs(duration: string): number {
    const parts = [...duration.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join("") !== duration) throw new Error(`"${duration}" is not a Prometheus duration`);
    return parts.reduce((sum, [, n, unit]) => sum + Number(n) * DURATION_UNITS_MS[unit], 0);
}

/** A whole number of milliseconds as a Prometheus duration, in the largest unit that divides it (`30s`, `750ms`). */
export function formatDuration(ms: number): string {
    for (const unit of ["h", "m", "s"] as const) if (ms % DURATION_UNITS_MS[unit] === 0) return `${ms / DURATION_UNITS_MS[unit]}${unit}`;
    return `${ms}ms`;
}

/**
 * The Watchdog route to the dead-man's switch, which must be pinged every `repeatInterval`.
 *
 * As the heartbeat services document it for Alertmanager: a ping a minute (the default
 * repeatInterval), the first one at once (`group_wait: 0s`), no resolved notice (the receiver's
 * `send_resolved: false`). Grafana OnCall, "Configuring OnCall Heartbeats":
 * https://grafana.com/docs/oncall/latest/configure/integrations/references/alertmanager/
 * (group_wait 0s, group_interval 1m, repeat_interval 50s, send_resolved false); Canonical's COS
 * Alerter: https://github.com/canonical/cos-alerter (group_wait 0s, group_interval 1m,
 * repeat_interval 1m). The service alerts once a period and its grace pass without a ping
 * (Healthchecks.io's "Period" and "Grace Time": https://healthchecks.io/docs/configuring_checks/),
 * so its period must be longer than repeatInterval.
 *
 * Their timers are not copied as such. Alertmanager sends only when a group is flushed, every
 * `group_interval`, and resends only once `repeat_interval` has passed since the last send (logged
 * after the send): with both equal (COS Alerter's) it pings every other flush, every 2m; a
 * repeat_interval under group_interval (OnCall's) pings every flush but makes Alertmanager warn at
 * every load that "repeat_interval is less than group_interval"; with the inherited group_interval
 * (5m) a 1m repeatInterval pinged every 5m. Flushing every half period and resending after three
 * quarters sends on every second flush: once per period, with no warning.
 */
function deadMansSwitchRoute(dms: NonNullable<AlertmanagerModel["deadMansSwitch"]>): Route {
    const period = durationMs(dms.repeatInterval);
    return {
        receiver: dms.receiver,
        matchers: ['alertname="Watchdog"'],
        group_wait: "0s",
        group_interval: formatDuration(Math.max(1, Math.round(period / 2))),
        repeat_interval: formatDuration(Math.max(1, Math.round((period * 3) / 4))),
    };
}

/** The config secrets the Alertmanager config holds (`gitops:<key>` references), as the model names them. */
export function alertmanagerSecretReferences(am: AlertmanagerModel): string[] {
    return [am.slack.webhook, ...(am.pagerduty ? [am.pagerduty.routingKey] : []), ...(am.deadMansSwitch ? [am.deadMansSwitch.url] : [])];
}

/** PagerDuty's Events API v2 takes these severities only; any other label value pages as critical. */
const PAGERDUTY_SEVERITY = `{{ if eq .CommonLabels.severity "error" "warning" "info" }}{{ .CommonLabels.severity }}{{ else }}critical{{ end }}`;

/** The PagerDuty receiver's config: a summary with the environment's tag, a link to Grafana, the labels people triage by. */
function pagerdutyConfig(am: AlertmanagerModel, pagerduty: NonNullable<AlertmanagerModel["pagerduty"]>, routingKey: string): PagerdutyConfig {
    return {
        routing_key: routingKey,
        // Unset, it is left out of the YAML: PagerDuty's own endpoint.
        url: pagerduty.url,
        send_resolved: true,
        severity: PAGERDUTY_SEVERITY,
        description: `[${am.slack.titleTag}] {{ .CommonLabels.alertname }}: {{ or .CommonAnnotations.summary "No summary" }}`,
        client: "Alertmanager",
        client_url: am.slack.alertsUrl,
        details: { namespace: '{{ or .CommonLabels.namespace "N/A" }}', severity: '{{ or .CommonLabels.severity "none" }}', description: '{{ or .CommonAnnotations.description "No description" }}', firing: "{{ .Alerts.Firing | len }}" },
    };
}

/**
 * Builds the whole config. `secretOf` gives the value of each config secret the model names
 * (`alertmanagerSecretReferences`): the Slack webhook, the PagerDuty routing key, the heartbeat URL.
 */
export function alertmanagerConfig(model: StackModel, secretOf: (reference: string) => string): AlertmanagerConfig {
    const am = model.monitoring.alertmanager;
    const { deadMansSwitch: dms, pagerduty } = am;
    const ownNamespaces = regexMatcher("namespace", am.namespaceRegex);
    const routes: Route[] = [
        // First, so that Watchdog reaches the switch before the noise route can drop it.
        ...(dms ? [deadMansSwitchRoute(dms)] : []),
        ...(am.silencedAlerts.length > 0 ? [{ receiver: NULL_RECEIVER, matchers: [regexMatcher("alertname", am.silencedAlerts.join("|"))] }] : []),
        // Pages, and goes on to Slack: a page is never the only trace of an alert.
        ...(pagerduty ? [{ receiver: pagerduty.receiver, matchers: [ownNamespaces, regexMatcher("severity", pagerduty.severities.join("|"))], continue: true }] : []),
        { receiver: am.slack.receiver, matchers: [ownNamespaces] },
    ];
    const slack: SlackConfig = {
        api_url: secretOf(am.slack.webhook),
        // Unset, it is left out of the YAML: the webhook's own channel.
        channel: am.slack.channel,
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
            ...(pagerduty ? [{ name: pagerduty.receiver, pagerduty_configs: [pagerdutyConfig(am, pagerduty, secretOf(pagerduty.routingKey))] }] : []),
            // Never resolved: once Prometheus is gone Watchdog resolves, and a resolved notice would count as a ping.
            ...(dms ? [{ name: dms.receiver, webhook_configs: [{ url: secretOf(dms.url), send_resolved: false }] }] : []),
        ],
    };
}

/**
 * Routes that name a receiver the config does not define, as `route.routes[1]: "name"` lines.
 * Alertmanager refuses such a config at load and keeps running the previous one.
 */
export function undefinedReceivers(config: AlertmanagerConfig): string[] {
    const defined = new Set(config.receivers.map((r) => r.name));
    const found: string[] = [];
    const walk = (route: Route, at: string) => {
        if (!defined.has(route.receiver)) found.push(`${at}: "${route.receiver}"`);
        route.routes?.forEach((child, i) => walk(child, `${at}.routes[${i}]`));
    };
    walk(config.route, "route");
    return found;
}

/**
 * Checks the config generated from `model` before anything is registered: every route names a
 * defined receiver. `generate` is the generator under check (another one only in its tests).
 */
export function checkGeneratedReceivers(model: StackModel, problems: ProblemCollector, generate = alertmanagerConfig): void {
    // The webhook is a secret from config, not needed to check the config's structure.
    // Stryker disable next-line StringLiteral: routes and receivers do not depend on the webhook
    for (const missing of undefinedReceivers(generate(model, () => "https://webhook.invalid/"))) {
        problems.add("monitoring.alertmanager", `the generated config routes to an undefined receiver (${missing}); define it or fix the route`);
    }
}
