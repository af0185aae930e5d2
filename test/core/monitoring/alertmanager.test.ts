/**
 * The generated Alertmanager config, judged by amtool 0.25: it must load (`check-config`) and
 * route every label set to the receiver the spec says (`config routes test --verify.receivers`).
 * The runbook is here too: its names must be the chart's, and its test alert must route to Slack.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertmanagerConfig, alertmanagerSecretReferences, defaultText, defaultTitle, durationMs, formatDuration, NULL_RECEIVER } from "../../../core/monitoring/alertmanager";
import { monitoringRunbook } from "../../../core/monitoring/runbook";
import { alertmanagerTemplateProblems } from "../../../model/checks/monitoring";
import type { StackModel, StackModelInput } from "../../../model/schema";
import { validateModel } from "../../../model/validate";
import dev from "../../../stacks/dev";
import prod from "../../../stacks/prod";
import dedicatedDev from "../../fixtures/models/dedicated-dev";
import dedicatedProd from "../../fixtures/models/dedicated-prod";
import { checkConfig, removeTempDirs, routesTest, tempDir, writeAlertmanagerConfig } from "../../helpers/alertmanager";
import { amtool, assertInstalled, skipWithout, suiteTitle } from "../../helpers/binaries";

/** A loopback placeholder: amtool never calls it. */
const WEBHOOK = "http://127.0.0.1:9/slack";
/** The receiver of an environment's dead-man's switch, as stacks/shared names it. */
const dmsReceiver = (env: string) => `deadmansswitch-${env}`;

/** The validated model of `input` with `edit` applied to a copy of its alertmanager part. */
function modelWith(name: string, input: StackModelInput, edit: (am: any) => void = () => {}): StackModel {
    const copy = structuredClone(input) as any;
    edit(copy.monitoring.alertmanager);
    return validateModel(name, "test", copy);
}

const stacks = { dev, prod } as const;
type Env = keyof typeof stacks;
const peerOf: Record<Env, Env> = { dev: "prod", prod: "dev" };
/** The spec: prod's Watchdog pings a heartbeat service, which pages when it stops; dev, which pages no one, drops it. */
const SHIPS_DEAD_MANS_SWITCH: Record<Env, boolean> = { dev: false, prod: true };

/** Every config under test: the shipped stacks (one shared cluster, or one each) and the variants the model allows. */
const configs: Record<string, StackModel> = {
    dev: modelWith("dev", dev),
    prod: modelWith("prod", prod),
    "dev, dedicated": modelWith("dev", dedicatedDev),
    "prod, dedicated": modelWith("prod", dedicatedProd),
    // Each shipped stack with the other choice: dev with a switch (the default heartbeat URL key), prod without.
    "dev with deadMansSwitch": modelWith("dev", dev, (am) => (am.deadMansSwitch = { receiver: dmsReceiver("dev") })),
    "prod without deadMansSwitch": modelWith("prod", prod, (am) => delete am.deadMansSwitch),
    "dev with silencedAlerts: []": modelWith("dev", dev, (am) => (am.silencedAlerts = [])),
    "dev with a Slack channel and custom groupBy": modelWith("dev", dev, (am) => {
        am.slack.channel = "#alerts-dev";
        am.groupBy = ["alertname", "namespace", "severity"];
    }),
};

type Case = readonly [labels: Record<string, string>, receiver: string];

/**
 * The routing table of one environment, as the spec states it. The cluster-wide parts' alerts
 * (kube-system, the cluster release's `monitoring`) reach only the environment whose stack
 * installs them: in the shared cluster prod, in a dedicated cluster its one environment.
 */
function routingTable(env: Env, opts: { clusterParts: boolean; deadMansSwitch?: boolean; silenced?: boolean }): Case[] {
    const slack = `slack-${env}`;
    const peer = peerOf[env];
    const silenced = opts.silenced ?? true;
    const watchdog = (opts.deadMansSwitch ?? SHIPS_DEAD_MANS_SWITCH[env]) ? dmsReceiver(env) : undefined;
    // Prod pages on critical alerts and still posts them to Slack; dev never pages.
    const critical = env === "prod" ? `pagerduty-${env},${slack}` : slack;
    return [
        // The environment's own namespaces.
        ...[`backend-${env}`, `monitoring-${env}`, `frontend-canary-${env}`].map((ns): Case => [{ alertname: "KubePodCrashLooping", namespace: ns, severity: "warning" }, slack]),
        ...[`backend-${env}`, `monitoring-${env}`].map((ns): Case => [{ alertname: "KubePodCrashLooping", namespace: ns, severity: "critical" }, critical]),
        // Other severities, even "error", do not page.
        ...["error", "info"].map((severity): Case => [{ alertname: "KubePodCrashLooping", namespace: `backend-${env}`, severity }, slack]),
        ...["kube-system", "monitoring"].map((ns): Case => [{ alertname: "KubeControllerManagerDown", namespace: ns, severity: "critical" }, opts.clusterParts ? critical : NULL_RECEIVER]),
        // The cluster's own alerts carry no namespace (absent(up{job="kubelet"})): the stack that installs the cluster-wide parts takes them.
        [{ alertname: "KubeletDown", severity: "critical" }, opts.clusterParts ? critical : NULL_RECEIVER],
        [{ alertname: "KubeAPIErrorBudgetBurn", severity: "warning" }, opts.clusterParts ? slack : NULL_RECEIVER],
        // The peer environment's namespaces never reach this environment's Slack, nor page its on-call.
        ...[`backend-${peer}`, `monitoring-${peer}`, `frontend-canary-${peer}`].map(
            (ns): Case => [{ alertname: "KubePodCrashLooping", namespace: ns, severity: "critical" }, NULL_RECEIVER],
        ),
        // Anchored: a name that only contains the suffix is not the environment's.
        [{ alertname: "KubePodCrashLooping", namespace: `${env}-tools` }, NULL_RECEIVER],
        // Noise, even from the environment's own namespace.
        [{ alertname: "Watchdog", namespace: `monitoring-${env}`, severity: "none" }, watchdog ?? (silenced ? NULL_RECEIVER : slack)],
        [{ alertname: "InfoInhibitor", namespace: `backend-${env}`, severity: "none" }, silenced ? NULL_RECEIVER : slack],
        // No alert name: only names are noise, so the namespace still decides.
        [{ namespace: `backend-${env}`, severity: "warning" }, slack],
        [{ alertname: "Watchdog" }, watchdog ?? (silenced || !opts.clusterParts ? NULL_RECEIVER : slack)],
    ];
}

/** Runs the table through amtool in parallel; returns the cases whose receivers differ. */
async function misrouted(configFile: string, table: readonly Case[]) {
    const results = await Promise.all(table.map(([labels, receiver]) => routesTest(configFile, labels, receiver)));
    return table
        .map(([labels, expected], i) => ({ labels, expected, actual: results[i].receivers.join(","), verified: results[i].code === 0, output: results[i].stdout + results[i].stderr }))
        .filter((r) => r.actual !== r.expected || !r.verified);
}

describe("the default Slack templates", () => {
    it.each(["dev", "prod"] as const)("%s: use only functions Alertmanager has (amtool check-config does not render them)", (env) => {
        const am = configs[env].monitoring.alertmanager;
        expect([...alertmanagerTemplateProblems(defaultTitle(am)), ...alertmanagerTemplateProblems(defaultText(am))]).toStrictEqual([]);
    });

    it("the template check would catch Helm's default (the check can fail)", () => {
        expect(alertmanagerTemplateProblems('{{ .CommonLabels.severity | default "none" }}')).toStrictEqual([expect.stringMatching(/"default".*Helm/)]);
    });
});

describe("the dead-man's-switch route", () => {
    it.each([
        ["1m", "30s", "45s"],
        ["1s", "500ms", "750ms"],
        ["2h", "1h", "90m"],
    ])("pings every %s: flushes every half period and resends after three quarters", (repeatInterval, groupInterval, repeat) => {
        // GIVEN dev with a dead-man's switch; the environment's groupInterval stays 5m
        const model = modelWith("dev", dev, (am) => (am.deadMansSwitch = { receiver: dmsReceiver("dev"), repeatInterval }));
        // THEN its route pings at once and overrides group_interval, which would otherwise space the pings 5m apart
        expect(alertmanagerConfig(model, () => WEBHOOK).route.routes?.[0]).toStrictEqual({
            receiver: dmsReceiver("dev"),
            matchers: ['alertname="Watchdog"'],
            group_wait: "0s",
            group_interval: groupInterval,
            repeat_interval: repeat,
        });
        expect(alertmanagerConfig(model, () => WEBHOOK).route.group_interval).toBe("5m");
    });

    it("posts to the heartbeat URL prod's config holds, never resolved, every minute by default", () => {
        // GIVEN the shipped prod model and its config secrets, each a distinct value
        const model = configs.prod;
        const secretOf = (reference: string) => `https://secret.example/${reference}`;
        // WHEN its config is generated
        const config = alertmanagerConfig(model, secretOf);
        // THEN the switch's receiver posts to the value of the config key the model names, and the model names no URL
        expect(model.monitoring.alertmanager.deadMansSwitch).toStrictEqual({ receiver: dmsReceiver("prod"), url: "gitops:alertmanagerDeadMansSwitchUrl", repeatInterval: "1m" });
        expect(alertmanagerSecretReferences(model.monitoring.alertmanager)).toContain("gitops:alertmanagerDeadMansSwitchUrl");
        expect(config.receivers.find((r) => r.name === dmsReceiver("prod"))).toStrictEqual({
            name: dmsReceiver("prod"),
            webhook_configs: [{ url: "https://secret.example/gitops:alertmanagerDeadMansSwitchUrl", send_resolved: false }],
        });
        expect(config.route.routes?.[0]).toMatchObject({ receiver: dmsReceiver("prod"), group_interval: "30s", repeat_interval: "45s" });
        // AND dev has no switch, nor a secret for one
        expect(configs.dev.monitoring.alertmanager.deadMansSwitch).toBeUndefined();
        expect(alertmanagerSecretReferences(configs.dev.monitoring.alertmanager)).toStrictEqual(["gitops:alertmanagerSlackWebhook"]);
    });

    it.each([
        ["30s", 30_000],
        ["1h30m", 5_400_000],
        ["250ms", 250],
        ["1d", 86_400_000],
        ["1w", 604_800_000],
        // Prometheus counts a year as 365 days.
        ["1y", 31_536_000_000],
    ])("reads the duration %s", (text, ms) => {
        expect(durationMs(text)).toBe(ms);
        expect(durationMs(formatDuration(ms))).toBe(ms);
    });

    it.each(["", "5", "5 m", "m5", "1h 30m"])("rejects %j as a duration", (text) => {
        expect(() => durationMs(text)).toThrow(/not a Prometheus duration/);
    });
});

describe.skipIf(skipWithout(amtool))(suiteTitle("Alertmanager config judged by amtool", amtool), () => {
    const files: Record<string, string> = {};

    beforeAll(() => {
        assertInstalled(amtool);
        const dir = tempDir();
        for (const [name, model] of Object.entries(configs)) {
            files[name] = writeAlertmanagerConfig(dir, model, WEBHOOK, `${name.replace(/[^a-z0-9]+/gi, "-")}.yaml`);
        }
    });
    afterAll(() => removeTempDirs());

    it.each(Object.keys(configs))("amtool check-config accepts %s", async (name) => {
        const result = await checkConfig(files[name]);
        expect(result.code, result.stdout + result.stderr).toBe(0);
        expect(result.stdout).toContain("SUCCESS");
    });

    it("amtool check-config rejects a config that routes to an undefined receiver (the check can fail)", async () => {
        // GIVEN a model whose Slack receiver is renamed only in the route, as a hand edit would
        const dir = tempDir();
        const file = writeAlertmanagerConfig(dir, configs.dev, WEBHOOK, "broken.yaml");
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("receiver: slack-dev", "receiver: slack-typo"));
        // THEN amtool refuses it
        const result = await checkConfig(file);
        expect(result.code).not.toBe(0);
        expect(result.stdout + result.stderr).toMatch(/undefined receiver "slack-typo"/);
    });

    describe.each(["dev", "prod"] as const)("%s routing", (env) => {
        // In the shared cluster prod installs the cluster-wide parts.
        const shared = { clusterParts: env === "prod" };
        it(`as shipped, sends ${env} namespaces to slack-${env}, Watchdog to ${SHIPS_DEAD_MANS_SWITCH[env] ? dmsReceiver(env) : '"null"'} and everything else to "null"`, async () => {
            expect(await misrouted(files[env], routingTable(env, shared))).toStrictEqual([]);
        });

        it(`on a cluster of its own, also sends the cluster-wide parts' alerts to slack-${env}`, async () => {
            expect(await misrouted(files[`${env}, dedicated`], routingTable(env, { clusterParts: true }))).toStrictEqual([]);
        });

        const other = SHIPS_DEAD_MANS_SWITCH[env] ? `${env} without deadMansSwitch` : `${env} with deadMansSwitch`;
        it(`${other}: sends Watchdog ${SHIPS_DEAD_MANS_SWITCH[env] ? 'to "null"' : "to the switch"}, and nothing else changes`, async () => {
            expect(await misrouted(files[other], routingTable(env, { ...shared, deadMansSwitch: !SHIPS_DEAD_MANS_SWITCH[env] }))).toStrictEqual([]);
        });
    });

    it("with silencedAlerts: [] drops nothing by name: Watchdog from a dev namespace reaches Slack", async () => {
        expect(await misrouted(files["dev with silencedAlerts: []"], routingTable("dev", { clusterParts: false, silenced: false }))).toStrictEqual([]);
    });

    it("still routes by namespace with a channel override and a wider groupBy", async () => {
        expect(await misrouted(files["dev with a Slack channel and custom groupBy"], routingTable("dev", { clusterParts: false }))).toStrictEqual([]);
    });

    it("keeps backslashes and quotes of the namespace regex as Alertmanager parses matchers", async () => {
        // GIVEN a regex with an escape sequence, an escaped backslash and a double quote
        const model = modelWith("dev", dev, (am) => (am.namespaceRegex = String.raw`monitoring-dev|pr-\d+-dev|back\\slash-dev|say-"hi"-dev`));
        const file = writeAlertmanagerConfig(tempDir(), model, WEBHOOK);
        // THEN amtool matches exactly what the regex means
        expect(
            await misrouted(file, [
                [{ namespace: "monitoring-dev" }, "slack-dev"],
                [{ namespace: "pr-42-dev" }, "slack-dev"],
                [{ namespace: "pr-x-dev" }, NULL_RECEIVER],
                [{ namespace: String.raw`pr-\d+-dev` }, NULL_RECEIVER],
                [{ namespace: String.raw`back\slash-dev` }, "slack-dev"],
                [{ namespace: "back slash-dev" }, NULL_RECEIVER],
                [{ namespace: 'say-"hi"-dev' }, "slack-dev"],
                [{ namespace: "backend-dev" }, NULL_RECEIVER],
            ]),
        ).toStrictEqual([]);
    });

    it("verifies receivers with amtool itself: a wrong expectation makes amtool fail (the check can fail)", async () => {
        const result = await routesTest(files.dev, { alertname: "KubePodCrashLooping", namespace: "backend-prod" }, "slack-dev");
        expect(result.receivers).toStrictEqual([NULL_RECEIVER]);
        expect(result.code).not.toBe(0);
    });
});

/** The JSON body of the runbook's `curl -X POST .../api/v2/alerts -d '<json>'`. */
function testAlertsOf(runbook: string): { labels: Record<string, string>; annotations: Record<string, string> }[] {
    const line = runbook.split("\n").find((l) => l.includes("-X POST") && l.includes("/api/v2/alerts"));
    const body = line?.match(/ -d '([^']*)'$/)?.[1];
    if (body === undefined) throw new Error(`no test alert POST in the runbook:\n${runbook}`);
    return JSON.parse(body);
}

describe("monitoringRunbook", () => {
    it.each([
        // The seed document's names: the chart cuts its fullname to 26 characters.
        ["dev", "monitoring-dev-kube-promet-alertmanager", "monitoring-dev-kube-promet-prometheus"],
        ["prod", "monitoring-prod-kube-prome-alertmanager", "monitoring-prod-kube-prome-prometheus"],
    ] as const)("%s: checks the config Secret on the Alertmanager CR the chart creates", (env, alertmanagerCr, prometheusSvc) => {
        const runbook = monitoringRunbook(configs[env]);
        expect(runbook).toContain(`kubectl -n monitoring-${env} get alertmanager ${alertmanagerCr} -o jsonpath='{.spec.configSecret}'`);
        expect(runbook).toContain(`(expect: alertmanager-config-${env})`);
        expect(runbook).toContain(`port-forward svc/${alertmanagerCr} 9093:9093`);
        expect(runbook).toContain(`port-forward svc/${prometheusSvc} 9090:9090`);
        expect(runbook).toContain(`alertmanager_notifications_failed_total{namespace="monitoring-${env}"}`);
        expect(runbook).toContain(`it must reach slack-${env}`);
        // Every kubectl command runs in the environment's namespace, never the peer's.
        for (const line of runbook.split("\n").filter((l) => l.startsWith("kubectl"))) expect(line).toContain(`-n monitoring-${env} `);
        expect(runbook).not.toMatch(env === "dev" ? /-prod\b/ : /-dev\b/);
    });

    it("posts a test alert that is valid JSON and carries the environment's namespace", () => {
        const alerts = testAlertsOf(monitoringRunbook(configs.dev));
        expect(alerts).toHaveLength(1);
        // A severity as real alerts carry: inhibition and the Slack text read it.
        expect(alerts[0].labels).toStrictEqual({ alertname: "RunbookTestAlert", namespace: "monitoring-dev", severity: expect.stringMatching(/^(critical|warning|info)$/) });
        expect(alerts[0].annotations).toStrictEqual({ summary: expect.stringMatching(/\S/), description: expect.stringMatching(/\S/) });
    });

    it("numbers its steps in order, each with a title and the commands that follow it", () => {
        const lines = monitoringRunbook(configs.prod).split("\n");
        const steps = lines.flatMap((line, i) => (line.startsWith("#") ? [{ title: line, next: lines[i + 1] ?? "" }] : []));
        expect(steps.length).toBeGreaterThan(3);
        expect(steps.map((s) => /^# (\d+)\. \S/.exec(s.title)?.[1])).toStrictEqual(steps.map((_, i) => String(i + 1)));
        for (const step of steps) expect(step.next, step.title).toMatch(/^(kubectl|curl) /);
    });
});

describe.skipIf(skipWithout(amtool))(suiteTitle("the runbook's test alert, routed by amtool", amtool), () => {
    beforeAll(() => assertInstalled(amtool));
    afterAll(() => removeTempDirs());

    it.each(["dev", "prod"] as const)("%s: reaches the environment's Slack receiver", async (env) => {
        const model = configs[env];
        const [alert] = testAlertsOf(monitoringRunbook(model));
        const config = writeAlertmanagerConfig(tempDir(), model, "http://127.0.0.1:9/slack");
        const result = await routesTest(config, alert.labels, `slack-${env}`);
        expect(result.receivers).toStrictEqual([`slack-${env}`]);
        expect(result.code, result.stdout + result.stderr).toBe(0);
    });
});
