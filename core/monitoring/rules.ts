/** PrometheusRules of the environment, labelled so that only its own Prometheus loads them. */
import type { StackModel } from "../../model/schema";
import { environmentLabels, type KubeObject } from "../objects";

export interface AlertingRule {
    alert: string;
    expr: string;
    /** How long it must hold before it fires; at once when absent. */
    for?: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
}
export interface RuleGroup {
    name: string;
    rules: AlertingRule[];
}

/** Labels the environment's Prometheus selects rules by: its release's, the chart's default (see release.ts). */
export function ruleSelectorLabels(model: StackModel): Record<string, string> {
    return { release: model.monitoring.releaseName };
}

/** Alerts when Alertmanager cannot deliver, per integration: a broken webhook is otherwise silent. */
export function notificationRules(model: StackModel): RuleGroup {
    const ns = model.monitoring.namespace;
    return {
        name: "alertmanager-notifications",
        rules: [
            {
                alert: "AlertmanagerNotificationsFailing",
                expr: `sum by (namespace, integration) (rate(alertmanager_notifications_failed_total{namespace="${ns}"}[5m])) > 0`,
                for: model.monitoring.notificationFailureFor,
                labels: { severity: "critical" },
                annotations: {
                    summary: "Alertmanager fails to send notifications through {{ $labels.integration }}",
                    description:
                        "Alertmanager in {{ $labels.namespace }} has failed to deliver notifications through {{ $labels.integration }} for the last " +
                        `${model.monitoring.notificationFailureFor}; check the receiver's webhook and the Alertmanager logs.`,
                },
            },
        ],
    };
}

/** An alert that always fires, to test the path Prometheus → Alertmanager → Slack end to end. */
export function smokeRules(model: StackModel): RuleGroup {
    return {
        name: "smoke.rules",
        rules: [
            {
                alert: "Smoke_Alert_To_Slack",
                expr: "vector(1)",
                for: "1m",
                // The namespace label is the routing key: without it the alert goes to "null".
                labels: { severity: "warning", namespace: model.monitoring.namespace },
                annotations: { summary: "Smoke test alert", description: "This is a test alert to verify the Slack integration; disable monitoring.smokeAlert when done." },
            },
        ],
    };
}

/** One PrometheusRule object per group the model asks for, named after the release. */
export function prometheusRules(model: StackModel): KubeObject[] {
    const groups: [objectName: string, group: RuleGroup][] = [["alertmanager-notifications", notificationRules(model)]];
    // The smoke test only on demand: it fires forever.
    if (model.monitoring.smokeAlert) groups.push(["smoke-rules", smokeRules(model)]);
    return groups.map(([objectName, group]) => ({
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: {
            name: `${model.monitoring.releaseName}-${objectName}`,
            namespace: model.monitoring.namespace,
            labels: { ...environmentLabels(model.environment, "monitoring"), ...ruleSelectorLabels(model) },
        },
        spec: { groups: [group] },
    }));
}
