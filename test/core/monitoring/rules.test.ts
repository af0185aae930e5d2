/**
 * The PrometheusRules, judged by promtool: every group loads (`check rules`) and the alerts
 * fire when, and only when, they should (`test rules`). The labels they fire with are then
 * routed by amtool through the same environment's Alertmanager config.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { durationMs, formatDuration } from "../../../core/monitoring/alertmanager";
import { prometheusRules } from "../../../core/monitoring/rules";
import { toYaml } from "../../../core/objects";
import type { StackModel, StackModelInput } from "../../../model/schema";
import { validateModel } from "../../../model/validate";
import dev from "../../../stacks/dev";
import prod from "../../../stacks/prod";
import dedicatedDev from "../../fixtures/models/dedicated-dev";
import dedicatedProd from "../../fixtures/models/dedicated-prod";
import { type ExpectedAlert, promtoolRuleTest, removeTempDirs, routesTest, type RuleTest, tempDir, writeAlertmanagerConfig } from "../../helpers/alertmanager";
import { amtool, assertInstalled, pathOf, promtool, run, skipWithout, suiteTitle } from "../../helpers/binaries";

const stacks = { dev, prod } as const;
const dedicated = { dev: dedicatedDev, prod: dedicatedProd } as const;
type Env = keyof typeof stacks;
const peerOf: Record<Env, Env> = { dev: "prod", prod: "dev" };

/** The shipped model of `env` (in the shared cluster unless `topology` says otherwise) with or without the smoke alert. */
function modelOf(env: Env, smokeAlert: boolean, topology: "shared" | "dedicated" = "shared"): StackModel {
    const input = structuredClone((topology === "shared" ? stacks : dedicated)[env]) as StackModelInput;
    input.monitoring.smokeAlert = smokeAlert;
    return validateModel(env, "test", input);
}

/** The rule groups exactly as deployed: the `spec.groups` of every PrometheusRule. */
function deployedGroups(model: StackModel): unknown[] {
    return prometheusRules(model).flatMap((rule) => (rule.spec as { groups: unknown[] }).groups);
}

/** Writes `{groups: [...]}` as Prometheus reads a rule file. */
function writeRuleFile(dir: string, model: StackModel): string {
    const file = path.join(dir, `rules-${model.environment}${model.monitoring.smokeAlert ? "-smoke" : ""}.yaml`);
    fs.writeFileSync(file, toYaml({ groups: deployedGroups(model) }));
    return file;
}

/** Runs `promtool test rules` on the model's rules with these test cases. */
function promtoolTest(model: StackModel, tests: RuleTest[]) {
    return promtoolRuleTest(deployedGroups(model), tests);
}

/** The notification-failure alert promtool must see firing for `model`'s own Alertmanager. */
function notificationFailureAlert(model: StackModel): ExpectedAlert {
    const ns = model.monitoring.namespace;
    const period = model.monitoring.notificationFailureFor;
    return {
        exp_labels: { severity: "critical", namespace: ns, integration: "slack" },
        exp_annotations: {
            summary: "Alertmanager fails to send notifications through slack",
            description: `Alertmanager in ${ns} has failed to deliver notifications through slack for the last ${period}; check the receiver's webhook and the Alertmanager logs.`,
        },
    };
}

/** The smoke alert promtool must see firing. */
function smokeAlert(model: StackModel): ExpectedAlert {
    return {
        exp_labels: { severity: "warning", namespace: model.monitoring.namespace },
        exp_annotations: { summary: "Smoke test alert", description: "This is a test alert to verify the Slack integration; disable monitoring.smokeAlert when done." },
    };
}

describe.skipIf(skipWithout(promtool))(suiteTitle("PrometheusRules judged by promtool", promtool), () => {
    beforeAll(() => assertInstalled(promtool));
    afterAll(() => removeTempDirs());

    describe.each(
        (["shared", "dedicated"] as const).flatMap((topology) =>
            [
                ["dev", false],
                ["dev", true],
                ["prod", false],
                ["prod", true],
            ].map(([env, smoke]) => [env as Env, smoke as boolean, topology] as const),
        ),
    )("%s with smokeAlert %s (%s)", (env, smokeAlert, topology) => {
        const model = modelOf(env, smokeAlert, topology);

        it("promtool check rules accepts every group", async () => {
            const groups = deployedGroups(model) as { name: string }[];
            expect(groups.map((g) => g.name)).toStrictEqual(smokeAlert ? ["alertmanager-notifications", "smoke.rules"] : ["alertmanager-notifications"]);
            const result = await run(pathOf(promtool), ["check", "rules", writeRuleFile(tempDir(), model)]);
            expect(result.code, result.stdout + result.stderr).toBe(0);
            expect(result.stdout).toContain(`SUCCESS: ${smokeAlert ? 2 : 1} rules found`);
        });
    });

    it("promtool check rules rejects a broken expression (the check can fail)", async () => {
        const file = path.join(tempDir(), "broken.yaml");
        fs.writeFileSync(file, toYaml({ groups: [{ name: "broken", rules: [{ alert: "Broken", expr: "sum by (namespace (up)" }] }] }));
        const result = await run(pathOf(promtool), ["check", "rules", file]);
        expect(result.code).not.toBe(0);
    });

    describe.each(["dev", "prod"] as const)("%s: AlertmanagerNotificationsFailing", (env) => {
        const model = modelOf(env, false);
        const ns = `monitoring-${env}`;
        const forMs = durationMs(model.monitoring.notificationFailureFor);
        // The counter rises from 1m on, so the rate is positive (the alert pending) from 2m:
        // it must fire at 2m + for and not one evaluation (15s) earlier.
        const beforeFor = formatDuration(2 * 60_000 + forMs - 15_000);
        const afterFor = formatDuration(2 * 60_000 + forMs + 15_000);
        const failing = (namespace: string) => ({
            series: `alertmanager_notifications_failed_total{namespace="${namespace}", integration="slack", job="alertmanager", instance="10.0.0.1:9093"}`,
            values: `0 0+1x${Math.ceil(forMs / 60_000) + 10}`,
        });

        it(`fires once the failures last the configured ${model.monitoring.notificationFailureFor}, with namespace and integration`, async () => {
            const result = await promtoolTest(model, [
                {
                    input_series: [failing(ns)],
                    alert_rule_test: [
                        { eval_time: beforeFor, alertname: "AlertmanagerNotificationsFailing", exp_alerts: [] },
                        {
                            eval_time: afterFor,
                            alertname: "AlertmanagerNotificationsFailing",
                            exp_alerts: [notificationFailureAlert(model)],
                        },
                    ],
                },
            ]);
            expect(result.code, result.stdout + result.stderr).toBe(0);
        });

        it("does not fire while the counter is flat", async () => {
            const result = await promtoolTest(model, [
                {
                    input_series: [{ series: failing(ns).series, values: `5x${Math.ceil(forMs / 60_000) + 10}` }],
                    alert_rule_test: [{ eval_time: afterFor, alertname: "AlertmanagerNotificationsFailing", exp_alerts: [] }],
                },
            ]);
            expect(result.code, result.stdout + result.stderr).toBe(0);
        });

        it(`does not fire for the ${peerOf[env]} Alertmanager's failures`, async () => {
            const result = await promtoolTest(model, [
                {
                    input_series: [failing(`monitoring-${peerOf[env]}`)],
                    alert_rule_test: [{ eval_time: afterFor, alertname: "AlertmanagerNotificationsFailing", exp_alerts: [] }],
                },
            ]);
            expect(result.code, result.stdout + result.stderr).toBe(0);
        });

        it("fails the promtool test when the expectation is wrong (the check can fail)", async () => {
            const result = await promtoolTest(model, [
                {
                    input_series: [failing(ns)],
                    alert_rule_test: [{ eval_time: beforeFor, alertname: "AlertmanagerNotificationsFailing", exp_alerts: [notificationFailureAlert(model)] }],
                },
            ]);
            expect(result.code).not.toBe(0);
        });
    });

    it.each(["dev", "prod"] as const)("%s: the smoke alert fires after 1m with the environment's namespace", async (env) => {
        const model = modelOf(env, true);
        const result = await promtoolTest(model, [
            {
                input_series: [],
                alert_rule_test: [
                    { eval_time: "45s", alertname: "Smoke_Alert_To_Slack", exp_alerts: [] },
                    { eval_time: "75s", alertname: "Smoke_Alert_To_Slack", exp_alerts: [smokeAlert(model)] },
                ],
            },
        ]);
        expect(result.code, result.stdout + result.stderr).toBe(0);
    });
});

/**
 * The label sets promtool has just verified, fed to amtool with the same environment's config:
 * what the rules fire must reach the environment's Slack receiver (and PagerDuty, in prod, when critical).
 */
describe.skipIf(skipWithout(promtool, amtool))(suiteTitle("what the rules fire reaches Slack, and pages in prod when critical", promtool, amtool), () => {
    beforeAll(() => assertInstalled(promtool, amtool));
    afterAll(() => removeTempDirs());

    it.each(["dev", "prod"] as const)("%s", async (env) => {
        const model = modelOf(env, true);
        const ns = `monitoring-${env}`;
        // GIVEN both alerts firing, with exactly these labels (promtool compares them all)
        const expected = [notificationFailureAlert(model), smokeAlert(model)];
        const fired = await promtoolTest(model, [
            {
                input_series: [{ series: `alertmanager_notifications_failed_total{namespace="${ns}", integration="slack"}`, values: "0 0+1x30" }],
                alert_rule_test: [
                    { eval_time: "20m", alertname: "AlertmanagerNotificationsFailing", exp_alerts: [expected[0]] },
                    { eval_time: "20m", alertname: "Smoke_Alert_To_Slack", exp_alerts: [expected[1]] },
                ],
            },
        ]);
        expect(fired.code, fired.stdout + fired.stderr).toBe(0);
        const labelSets = [
            { alertname: "AlertmanagerNotificationsFailing", ...expected[0].exp_labels },
            { alertname: "Smoke_Alert_To_Slack", ...expected[1].exp_labels },
        ];
        // WHEN they are routed by the environment's Alertmanager config
        const config = writeAlertmanagerConfig(tempDir(), model, "http://127.0.0.1:9/slack");
        // THEN both reach slack-<env>, and the critical one (Slack itself failing) pages in prod
        const critical = env === "prod" ? [`pagerduty-${env}`, `slack-${env}`] : [`slack-${env}`];
        const expectedReceivers = [critical, [`slack-${env}`]];
        const routed = await Promise.all(labelSets.map((labels, i) => routesTest(config, labels, expectedReceivers[i].join(","))));
        expect(routed.map((r) => [r.receivers, r.code])).toStrictEqual(expectedReceivers.map((receivers) => [receivers, 0]));
    });
});
