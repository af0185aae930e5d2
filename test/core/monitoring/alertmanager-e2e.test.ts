/**
 * End to end: the real Alertmanager runs generated configs and posts to capture servers on
 * 127.0.0.1 that stand in for the Slack webhook and the dead-man's switch.
 *
 * - Slack: only dev alerts arrive, with the title and text the spec shows and a fallback for
 *   every label that may be missing; resolved alerts are sent too. Nothing of dev pages.
 * - PagerDuty (prod): a critical prod alert pages (Events API v2, on a loopback endpoint) and
 *   reaches Slack too; a warning reaches Slack only; the page resolves with the alert.
 * - Dead-man's switch (prod as shipped): Watchdog pings the heartbeat URL its config secret holds,
 *   every `repeatInterval` whatever the groupInterval, never resolved; Alertmanager shows no ping key.
 * - The cluster-wide parts' alerts (kube-system): dropped by dev in the shared cluster, whose
 *   owner receives them; delivered by dev on a cluster of its own.
 *
 * Both Alertmanagers start together, so the switch's pings accumulate while Slack is checked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackModel } from "../../../model/schema";
import { monitoringRunbook } from "../../../core/monitoring/runbook";
import { validateModel } from "../../../model/validate";
import dev from "../../../stacks/dev";
import prod from "../../../stacks/prod";
import dedicatedDev from "../../fixtures/models/dedicated-dev";
import { type CapturedRequest, type CaptureServer, type PostableAlert, removeTempDirs, type RunningAlertmanager, startAlertmanager, startCaptureServer, tempDir, waitFor, writeAlertmanagerConfig } from "../../helpers/alertmanager";
import { alertmanagerBinary, assertInstalled, skipWithout, suiteTitle } from "../../helpers/binaries";

const shipped = validateModel("dev", "stacks/dev.ts", dev);
/** A model with short grouping timers, so notifications go out within a fraction of a second. */
const quick = (model: StackModel): StackModel => ({
    ...model,
    monitoring: { ...model.monitoring, alertmanager: { ...model.monitoring.alertmanager, groupWait: "200ms", groupInterval: "200ms" } },
});
/** Dev posting to a channel of its choice; the dedicated one below leaves it to the webhook. */
const slackModel = quick({ ...shipped, monitoring: { ...shipped.monitoring, alertmanager: { ...shipped.monitoring.alertmanager, slack: { ...shipped.monitoring.alertmanager.slack, channel: "#e2e-alerts" } } } });
const dedicatedModel = quick(validateModel("dev", "dedicated-dev.ts", dedicatedDev));

/** Whole seconds, so Go prints the start time without fractions. */
const startsAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
/** How the Slack text formats a UTC start time (Go layout "2006-01-02 15:04:05 MST"). */
const goTime = (d: Date) => `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;

const full: PostableAlert = {
    labels: { alertname: "E2EFullLabels", namespace: "backend-dev", severity: "critical" },
    annotations: { summary: "Backend is on fire", description: "Every pod of backend-dev is crash looping" },
    startsAt: startsAt.toISOString(),
};
const bare: PostableAlert = { labels: { alertname: "E2EBare", namespace: "frontend-canary-dev" }, startsAt: startsAt.toISOString() };
const prodAlert: PostableAlert = {
    labels: { alertname: "E2EProd", namespace: "backend-prod", severity: "critical" },
    annotations: { summary: "Prod only", description: "Must never reach dev's Slack" },
    startsAt: startsAt.toISOString(),
};
const page: PostableAlert = {
    labels: { alertname: "E2EPage", namespace: "backend-prod", severity: "critical" },
    annotations: { summary: "Database down", description: "No primary for backend-prod" },
    startsAt: startsAt.toISOString(),
};
const prodWarning: PostableAlert = { labels: { alertname: "E2EWarnProd", namespace: "backend-prod", severity: "warning" }, startsAt: startsAt.toISOString() };
const watchdog: PostableAlert = { labels: { alertname: "Watchdog", namespace: "monitoring-dev", severity: "none" }, startsAt: startsAt.toISOString() };
const prodWatchdog: PostableAlert = { labels: { alertname: "Watchdog", namespace: "monitoring-prod", severity: "none" }, startsAt: startsAt.toISOString() };
const kubelet: PostableAlert = { labels: { alertname: "E2EKubeletDown", namespace: "kube-system", severity: "critical" }, startsAt: startsAt.toISOString() };

interface SlackMessage {
    readonly title: string;
    readonly text: string;
    readonly request: CapturedRequest;
}

/** The Slack attachments the capture server received on the Slack path. */
function slackMessages(capture: CaptureServer): SlackMessage[] {
    return capture.requests
        .filter((r) => r.path === "/slack")
        .flatMap((request) => ((request.json?.attachments ?? []) as { title: string; text: string }[]).map((a) => ({ title: a.title, text: a.text, request })));
}

/** The switch's repeatInterval: short, so three pings take about a second. */
const PERIOD_MS = 400;

/** Prod as shipped (its 30s group_wait, 5m groupInterval), its switch pinged every PERIOD_MS. */
function deadMansSwitchModel(): StackModel {
    const input = structuredClone(prod) as any;
    input.monitoring.alertmanager.deadMansSwitch.repeatInterval = `${PERIOD_MS}ms`;
    return validateModel("prod", "test", input);
}

interface Scenario {
    readonly capture: CaptureServer;
    readonly alertmanager: RunningAlertmanager;
    /** When Alertmanager accepted the alerts (`Date.now()`). */
    readonly posted: number;
}

/** The routing key prod's config pages with, as `gitops:alertmanagerPagerdutyRoutingKey` would hold it. */
const ROUTING_KEY = "e2e0routing0key0000000000000000";

/** Prod paging through PagerDuty's Events API at the capture server, with short grouping timers. */
function pagingModel(captureUrl: string): StackModel {
    const input = structuredClone(prod) as any;
    input.monitoring.alertmanager.pagerduty.url = `${captureUrl}/pagerduty`;
    return quick(validateModel("prod", "test", input));
}

/** The ping key in the heartbeat URL, which makes `gitops:alertmanagerDeadMansSwitchUrl` a secret. */
const PING_KEY = "e2e0ping0key0000000000000000000";
const DMS_PATH = `/dms/${PING_KEY}`;

/** The config secrets at the capture server: the Slack webhook, the routing key, the heartbeat URL. */
const secretsAt = (captureUrl: string) => (reference: string) =>
    reference === "gitops:alertmanagerPagerdutyRoutingKey" ? ROUTING_KEY : reference === "gitops:alertmanagerDeadMansSwitchUrl" ? `${captureUrl}${DMS_PATH}` : `${captureUrl}/slack`;

/** A capture server, then Alertmanager with the config `modelFor` gives for it, then the alerts. */
async function startScenario(modelFor: (captureUrl: string) => StackModel, alerts: readonly PostableAlert[]): Promise<Scenario> {
    const capture = await startCaptureServer();
    try {
        const alertmanager = await startAlertmanager(writeAlertmanagerConfig(tempDir(), modelFor(capture.url), secretsAt(capture.url)));
        await alertmanager.postAlerts(alerts);
        return { capture, alertmanager, posted: Date.now() };
    } catch (e) {
        await capture.close();
        throw e;
    }
}

/** Waits (bounded) for what `check` returns, with everything received and the log on timeout. */
function waitOn<T>(scenario: Scenario, what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs?: number): Promise<T> {
    return waitFor(what, check, timeoutMs).catch((e: Error) => {
        const received = scenario.capture.requests.map((r) => `${r.path} ${r.body}`).join("\n");
        throw new Error(`${e.message}\nreceived:\n${received}\n--- Alertmanager log ---\n${scenario.alertmanager.logs()}`);
    });
}

describe.skipIf(skipWithout(alertmanagerBinary))(suiteTitle("the real Alertmanager", alertmanagerBinary), () => {
    let slack: Scenario | undefined;
    let dms: Scenario | undefined;
    let dedicated: Scenario | undefined;
    let paging: Scenario | undefined;

    beforeAll(async () => {
        assertInstalled(alertmanagerBinary);
        const started = await Promise.allSettled([
            startScenario(() => slackModel, [full, bare, prodAlert, watchdog, kubelet]),
            // Watchdog fires all the time, as kube-prometheus-stack's rule makes it.
            startScenario(deadMansSwitchModel, [prodWatchdog]),
            startScenario(() => dedicatedModel, [kubelet, prodAlert]),
            startScenario(pagingModel, [page, prodWarning, full]),
        ]);
        // Keep whatever started, so that afterAll stops it even when another failed.
        [slack, dms, dedicated, paging] = started.map((result) => (result.status === "fulfilled" ? result.value : undefined));
        for (const result of started) if (result.status === "rejected") throw result.reason;
    });

    afterAll(async () => {
        await Promise.all(
            [slack, dms, dedicated, paging].map(async (s) => {
                await s?.alertmanager.stop();
                await s?.capture.close();
            }),
        );
        removeTempDirs();
    });

    describe("delivers the generated dev config to Slack", () => {
        let firing: SlackMessage[] = [];

        beforeAll(async () => {
            const s = slack!;
            firing = await waitOn(s, "two Slack messages", () => {
                const got = slackMessages(s.capture);
                return got.length >= 2 ? got : undefined;
            });
        });

        it("receives exactly one message per dev alert, titled [FIRING][DEV] <alertname>, in the channel the model names", () => {
            expect(firing.map((m) => m.title).sort()).toStrictEqual(["[FIRING][DEV] E2EBare", "[FIRING][DEV] E2EFullLabels"]);
            expect(firing.map((m) => m.request.json?.channel)).toStrictEqual(["#e2e-alerts", "#e2e-alerts"]);
        });

        it('routes the prod-namespace alert, Watchdog and (in the shared cluster) kube-system to "null" (Alertmanager says so, and nothing else reached the webhook)', async () => {
            const byName = Object.fromEntries((await slack!.alertmanager.alerts()).map((a) => [a.labels.alertname, a.receivers.map((r) => r.name)]));
            expect(byName).toStrictEqual({ E2EFullLabels: ["slack-dev"], E2EBare: ["slack-dev"], E2EProd: ["null"], Watchdog: ["null"], E2EKubeletDown: ["null"] });
            const everything = slack!.capture.requests.map((r) => r.body).join("\n");
            expect(everything).not.toContain("E2EProd");
            expect(everything).not.toContain("Watchdog");
            expect(everything).not.toContain("E2EKubeletDown");
            expect(everything).not.toContain("backend-prod");
            expect(slack!.capture.requests.every((r) => r.method === "POST" && r.path === "/slack")).toBe(true);
        });

        it("says the namespace, severity, summary, description, start time and link of a fully labelled alert", () => {
            const message = firing.find((m) => m.title.endsWith("E2EFullLabels"))!;
            expect(message.text.split("\n")).toStrictEqual([
                "*Namespace:* backend-dev",
                "*Severity:* critical",
                "*Summary:* Backend is on fire",
                "*Description:* Every pod of backend-dev is crash looping",
                `*Start:* ${goTime(startsAt)}`,
                "<https://grafana-dev.platform.example.com/alerting/list|View in Grafana>",
            ]);
        });

        it("falls back with `or` where severity and annotations are missing", () => {
            const message = firing.find((m) => m.title.endsWith("E2EBare"))!;
            expect(message.text.split("\n")).toStrictEqual([
                "*Namespace:* frontend-canary-dev",
                "*Severity:* none",
                "*Summary:* No summary",
                "*Description:* No description",
                `*Start:* ${goTime(startsAt)}`,
                "<https://grafana-dev.platform.example.com/alerting/list|View in Grafana>",
            ]);
        });

        it("never sends <no value> (a missing label printed without a fallback)", () => {
            for (const request of slack!.capture.requests) {
                // Go's JSON encoder writes < and > as \u003c and \u003e: check the decoded text as well.
                expect(request.body).not.toMatch(/<no value>|\\u003cno value\\u003e/);
                expect(JSON.stringify(request.json)).not.toContain("<no value>");
            }
        });

        it("sends [RESOLVED][DEV] when the alert ends (send_resolved)", async () => {
            const s = slack!;
            await s.alertmanager.postAlerts([{ ...full, endsAt: new Date(Date.now() - 1_000).toISOString() }]);
            const resolved = await waitOn(s, "a resolved Slack message", () => slackMessages(s.capture).find((m) => m.title.startsWith("[RESOLVED]")));
            expect(resolved.title).toBe("[RESOLVED][DEV] E2EFullLabels");
            expect(resolved.text).toContain("*Namespace:* backend-dev");
            // Nothing about the other alerts was sent in the meantime.
            expect(slackMessages(s.capture).map((m) => m.title).sort()).toStrictEqual(["[FIRING][DEV] E2EBare", "[FIRING][DEV] E2EFullLabels", "[RESOLVED][DEV] E2EFullLabels"]);
        });
    });

    describe("on a cluster of dev's own", () => {
        it("delivers the cluster-wide parts' alerts to dev's Slack, and still never prod's", async () => {
            const s = dedicated!;
            const [message] = await waitOn(s, "a Slack message", () => {
                const got = slackMessages(s.capture);
                return got.length >= 1 ? got : undefined;
            });
            expect(message.title).toBe("[FIRING][DEV] E2EKubeletDown");
            // No channel in the model: none in the message, so Slack posts where the webhook belongs.
            expect(message.request.json).not.toHaveProperty("channel");
            const byName = Object.fromEntries((await s.alertmanager.alerts()).map((a) => [a.labels.alertname, a.receivers.map((r) => r.name)]));
            expect(byName).toStrictEqual({ E2EKubeletDown: ["slack-dev"], E2EProd: ["null"] });
        });
    });

    describe("pages prod's on-call through PagerDuty on critical alerts", () => {
        /** The Events API v2 requests the capture server received on the PagerDuty path. */
        const events = (s: Scenario) => s.capture.requests.filter((r) => r.path === "/pagerduty").map((r) => r.json as Record<string, any>);

        it("sends the critical prod alert to PagerDuty with the routing key, and to prod's Slack as well", async () => {
            const s = paging!;
            const [event] = await waitOn(s, "a PagerDuty event", () => (events(s).length >= 1 ? events(s) : undefined));
            expect(event).toMatchObject({ routing_key: ROUTING_KEY, event_action: "trigger", client: "Alertmanager", client_url: "https://grafana.platform.example.com/alerting/list" });
            expect(event.payload).toMatchObject({ summary: "[PROD] E2EPage: Database down", severity: "critical", custom_details: { namespace: "backend-prod", severity: "critical", description: "No primary for backend-prod" } });
            const titles = await waitOn(s, "two Slack messages", () => {
                const got = slackMessages(s.capture).map((m) => m.title);
                return got.length >= 2 ? got : undefined;
            });
            expect(titles.sort()).toStrictEqual(["[FIRING][PROD] E2EPage", "[FIRING][PROD] E2EWarnProd"]);
        });

        it("pages for nothing else: a warning, and dev's critical alert, go to Slack only or nowhere", async () => {
            const byName = Object.fromEntries((await paging!.alertmanager.alerts()).map((a) => [a.labels.alertname, a.receivers.map((r) => r.name)]));
            expect(byName).toStrictEqual({ E2EPage: ["pagerduty-prod", "slack-prod"], E2EWarnProd: ["slack-prod"], E2EFullLabels: ["null"] });
            expect(events(paging!).map((e) => e.payload.summary)).toStrictEqual(["[PROD] E2EPage: Database down"]);
            // Dev's config has no PagerDuty receiver: its critical alert reached Slack and nothing else.
            expect(slack!.capture.requests.map((r) => r.path).filter((p) => p !== "/slack")).toStrictEqual([]);
        });

        it("resolves the page when the alert ends", async () => {
            const s = paging!;
            const triggered = events(s)[0];
            await s.alertmanager.postAlerts([{ ...page, endsAt: new Date(Date.now() - 1_000).toISOString() }]);
            const resolved = await waitOn(s, "a PagerDuty resolve event", () => events(s).find((e) => e.event_action === "resolve"));
            expect(resolved.dedup_key).toBe(triggered.dedup_key);
        });
    });

    describe("pings prod's dead-man's switch", () => {
        it("at the heartbeat URL of its config secret, every repeatInterval, not every groupInterval: three pings one period apart", async () => {
            const s = dms!;
            const pings = await waitOn(s, "three dead-man's-switch pings", () => {
                const got = s.capture.requests.filter((r) => r.path === DMS_PATH);
                return got.length >= 3 ? got : undefined;
            }, 30_000);
            // THEN the first comes at once (group_wait 0s), not after prod's groupWait (30s)
            expect(pings[0].at - s.posted).toBeLessThan(5_000);
            // AND the payloads are Watchdog's, for the switch's receiver
            for (const ping of pings) {
                expect(ping.method).toBe("POST");
                expect(ping.json).toMatchObject({ receiver: "deadmansswitch-prod", status: "firing", commonLabels: { alertname: "Watchdog" } });
            }
            // AND they come once per period: not on every (half-period) flush, which load cannot
            // make more frequent, and not once per groupInterval (5m), which no load makes them wait for
            const gaps = pings.slice(1, 3).map((p, i) => p.at - pings[i].at);
            for (const gap of gaps) {
                expect(gap, `gaps between pings: ${gaps.join(", ")} ms`).toBeGreaterThan(PERIOD_MS * 0.75);
                expect(gap, `gaps between pings: ${gaps.join(", ")} ms`).toBeLessThan(60_000);
            }
        });

        it("never sends Watchdog to Slack or PagerDuty", () => {
            expect(dms!.capture.requests.filter((r) => r.path !== DMS_PATH)).toStrictEqual([]);
        });

        it("logs no ping key while pinging, and from Alertmanager 0.26 on shows the URL as <secret> in its status", async () => {
            const s = dms!;
            // The debug log names the receiver of every ping, never its URL.
            expect(s.alertmanager.logs()).toMatch(/receiver=deadmansswitch-prod integration=webhook\[0\] msg="Notify success"/);
            expect(s.alertmanager.logs()).not.toContain(PING_KEY);
            // A webhook's URL is a secret for Alertmanager from 0.26 (prometheus/alertmanager#3228), as for
            // the chart's v0.34; Debian's 0.25 still shows it to whoever reaches its API, as for any URL then.
            const status = (await (await fetch(`${s.alertmanager.url}/api/v2/status`)).json()) as { config: { original: string }; versionInfo: { version: string } };
            const [major, minor] = status.versionInfo.version.split(".").map(Number);
            const hidesWebhookUrls = major > 0 || minor >= 26;
            expect(status.config.original.includes(PING_KEY), `Alertmanager ${status.versionInfo.version}`).toBe(!hidesWebhookUrls);
        });

        it("sends the switch nothing when Watchdog resolves: a resolved notice would count as a ping once Prometheus is gone", async () => {
            const s = dms!;
            await s.alertmanager.postAlerts([{ ...prodWatchdog, endsAt: new Date(Date.now() - 1_000).toISOString() }]);
            await waitOn(s, "Watchdog resolved", async () => ((await s.alertmanager.alerts()).some((a) => a.labels.alertname === "Watchdog") ? undefined : true));
            // The group flushes every half period: within two periods a resolved notice would have come.
            await new Promise((resolve) => setTimeout(resolve, PERIOD_MS * 2));
            expect(s.capture.requests.filter((r) => r.path === DMS_PATH && r.json?.status !== "firing")).toStrictEqual([]);
        });
    });

    describe("inhibits as kube-prometheus-stack's default rules expect", () => {
        const at = (alertname: string, namespace: string, severity: string): PostableAlert => ({ labels: { alertname, namespace, severity }, startsAt: startsAt.toISOString() });
        const alerts = [
            at("E2EDisk", "backend-dev", "critical"),
            at("E2EDisk", "backend-dev", "warning"),
            at("E2EDisk", "backend-dev", "info"),
            at("E2ECpu", "backend-dev", "critical"),
            at("E2ECpu", "backend-dev", "info"),
            at("E2ELatency", "backend-dev", "warning"),
            at("E2ELatency", "backend-dev", "info"),
            at("InfoInhibitor", "frontend-dev", "none"),
            at("E2EQuiet", "frontend-dev", "info"),
            // Beside an alert of severity none, which is no inhibiting severity: nothing muted.
            at("E2EDisk", "backend-dev", "none"),
            at("E2ENoneWarn", "backend-dev", "none"),
            at("E2ENoneWarn", "backend-dev", "warning"),
            at("E2ENoneInfo", "backend-dev", "none"),
            at("E2ENoneInfo", "backend-dev", "info"),
            // Other namespaces or names: nothing to inhibit them.
            at("E2EDisk", "frontend-dev", "warning"),
            at("E2ELatency", "frontend-canary-dev", "info"),
        ];

        it("a critical alert mutes the same alert's warning and info, a warning its info, InfoInhibitor every info alert of its namespace, and nothing else", async () => {
            await slack!.alertmanager.postAlerts(alerts);
            const key = (a: PostableAlert) => `${a.labels.alertname} ${a.labels.namespace} ${a.labels.severity}`;
            const inhibited = await waitOn(slack!, "the inhibited alerts", async () => {
                const got = (await slack!.alertmanager.alerts()).filter((a) => alerts.some((b) => key(a) === key(b)));
                return got.length === alerts.length && got.filter((a) => a.status.inhibitedBy.length > 0).length >= 5 ? got : undefined;
            });
            expect(inhibited.filter((a) => a.status.inhibitedBy.length > 0).map(key).sort()).toStrictEqual(
                ["E2EDisk backend-dev warning", "E2EDisk backend-dev info", "E2ECpu backend-dev info", "E2ELatency backend-dev info", "E2EQuiet frontend-dev info"].sort(),
            );
        });
    });

    describe("answers the runbook's API calls as the runbook reads them", () => {
        const runbook = monitoringRunbook(shipped);
        /** The runbook's Alertmanager URLs, pointed at the live instance. */
        const urls = [...runbook.matchAll(/http:\/\/127\.0\.0\.1:9093(\/api\/v2\/[^\s']*)/g)].map((m) => m[1]);

        it("serves the loaded config at the status path, with the environment's receiver and regex", async () => {
            const status = urls.find((u) => u.startsWith("/api/v2/status"))!;
            const body = (await (await fetch(`${slack!.alertmanager.url}${status}`)).json()) as { config: { original: string } };
            expect(body.config.original).toContain("slack-dev");
            expect(body.config.original).toContain(shipped.monitoring.alertmanager.namespaceRegex);
        });

        it("routes the runbook's test alert to the environment's Slack receiver, found by its filter", async () => {
            const testAlert = JSON.parse(/-d '(\[.*\])'/.exec(runbook)![1]) as PostableAlert[];
            await slack!.alertmanager.postAlerts(testAlert);
            const filtered = urls.find((u) => u.includes("filter="))!;
            const found = await waitOn(slack!, "the runbook's test alert", async () => {
                const alerts = (await (await fetch(`${slack!.alertmanager.url}${filtered}`)).json()) as { receivers: { name: string }[] }[];
                return alerts.length === 1 ? alerts : undefined;
            });
            expect(found[0].receivers.map((r) => r.name)).toStrictEqual(["slack-dev"]);
        });
    });
});
