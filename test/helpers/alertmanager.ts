/**
 * Helpers for the tests in which the real consumers judge the generated alerting config:
 * amtool, promtool and a running Alertmanager that posts to a loopback capture server.
 *
 * A missing binary skips its suite (see binaries.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { alertmanagerConfig } from "../../core/monitoring/alertmanager";
import { toYaml } from "../../core/objects";
import type { StackModel } from "../../model/schema";
import { alertmanagerBinary, amtool, pathOf, promtool, type RunResult, run } from "./binaries";


/** A fresh temporary directory; `removeTempDirs` deletes every one made so far. */
const tempDirs: string[] = [];
export function tempDir(prefix = "monitoring-test-"): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    tempDirs.push(dir);
    return dir;
}
export function removeTempDirs(): void {
    for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Writes the generated Alertmanager config as the YAML that is sealed into the config Secret,
 * with `secrets` for every config secret it holds: one value for all, or one per reference.
 */
export function writeAlertmanagerConfig(dir: string, model: StackModel, secrets: string | ((reference: string) => string), name = `alertmanager-${model.environment}.yaml`): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, toYaml(alertmanagerConfig(model, typeof secrets === "string" ? () => secrets : secrets)));
    return file;
}

export interface ExpectedAlert {
    exp_labels: Record<string, string>;
    exp_annotations?: Record<string, string>;
}
export interface RuleTest {
    /** Named in promtool's report. */
    name?: string;
    input_series: { series: string; values: string }[];
    alert_rule_test: { eval_time: string; alertname: string; exp_alerts: ExpectedAlert[] }[];
}

/**
 * `promtool test rules` on these rule groups, one rule file per group (PrometheusRules may repeat
 * a group's name, which Prometheus takes from separate files), with these test cases: a series
 * every minute, the rules evaluated every `evaluationInterval` (15s unless given).
 */
export function promtoolRuleTest(groups: readonly unknown[], tests: readonly RuleTest[], options: { evaluationInterval?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    const dir = tempDir("promtool-test-");
    const files = groups.map((group, i) => {
        const file = `rules-${i}.yaml`;
        fs.writeFileSync(path.join(dir, file), toYaml({ groups: [group] }));
        return file;
    });
    const testFile = path.join(dir, "test.yaml");
    fs.writeFileSync(testFile, toYaml({ rule_files: files, evaluation_interval: options.evaluationInterval ?? "15s", tests: tests.map((t) => ({ interval: "1m", ...t })) }));
    return run(pathOf(promtool), ["test", "rules", testFile], options.timeoutMs);
}

/** `amtool check-config <file>`. */
export function checkConfig(configFile: string): Promise<RunResult> {
    return run(pathOf(amtool), ["check-config", configFile]);
}

export interface RouteResult extends RunResult {
    /** Receivers amtool resolved the label set to, in routing-tree order. */
    readonly receivers: string[];
}

/**
 * `amtool config routes test --config.file=<f> [--verify.receivers=<r>] k=v ...`: the receivers
 * a label set resolves to. With `expected`, amtool itself fails (exit code 1) on a mismatch.
 */
export async function routesTest(configFile: string, labels: Readonly<Record<string, string>>, expected?: string): Promise<RouteResult> {
    const args = [
        "config",
        "routes",
        "test",
        `--config.file=${configFile}`,
        ...(expected !== undefined ? [`--verify.receivers=${expected}`] : []),
        // Quoted and escaped as Alertmanager matchers are, so values with quotes or backslashes reach amtool intact.
        ...Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`),
    ];
    const result = await run(pathOf(amtool), args);
    // The output is the receivers joined by commas on one line (and a warning when not verified).
    const line = result.stdout.split("\n").find((l) => l.trim() !== "" && !l.startsWith("WARNING")) ?? "";
    return { ...result, receivers: line.trim() === "" ? [] : line.trim().split(",") };
}

/** A port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.unref();
        server.on("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** Polls `check` every 100 ms until it returns a value other than undefined, for at most `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
        try {
            const value = await check();
            if (value !== undefined) return value;
        } catch (e) {
            lastError = e;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ""}`);
        }
        await new Promise((r) => setTimeout(r, 100));
    }
}

/** One request the capture server received. */
export interface CapturedRequest {
    readonly method: string;
    readonly path: string;
    /** The raw body text. */
    readonly body: string;
    /** The body parsed as JSON (undefined when it is not JSON). */
    readonly json: any;
    /** When it arrived (`Date.now()`). */
    readonly at: number;
}

export interface CaptureServer {
    /** `http://127.0.0.1:<port>`. */
    readonly url: string;
    /** Every request so far, in arrival order. */
    readonly requests: CapturedRequest[];
    close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 that records every request and answers 200 `ok`, as Slack does. */
export function startCaptureServer(): Promise<CaptureServer> {
    const requests: CapturedRequest[] = [];
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const body = Buffer.concat(chunks).toString("utf8");
            let json: unknown;
            try {
                json = JSON.parse(body);
            } catch {
                json = undefined;
            }
            requests.push({ method: req.method ?? "", path: req.url ?? "", body, json, at: Date.now() });
            res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
        });
    });
    return new Promise((resolve, reject) => {
        server.on("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            resolve({
                url: `http://127.0.0.1:${port}`,
                requests,
                close: () =>
                    new Promise<void>((done) => {
                        server.closeAllConnections();
                        server.close(() => done());
                    }),
            });
        });
    });
}

export interface RunningAlertmanager {
    /** `http://127.0.0.1:<port>`. */
    readonly url: string;
    /** What the process logged so far (for failure messages). */
    logs(): string;
    /** POSTs alerts to `/api/v2/alerts`; throws unless Alertmanager accepts them. */
    postAlerts(alerts: readonly PostableAlert[]): Promise<void>;
    /** GET `/api/v2/alerts`. */
    alerts(): Promise<GettableAlert[]>;
    stop(): Promise<void>;
}

export interface PostableAlert {
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    startsAt?: string;
    endsAt?: string;
}
export interface GettableAlert extends PostableAlert {
    receivers: { name: string }[];
    status: { state: string; inhibitedBy: string[] };
}

/**
 * Starts the real Alertmanager on 127.0.0.1 with `configFile`, clustering off, its data in a
 * temporary directory; resolves once `/-/ready` answers. Call `stop()` in `afterAll`.
 */
export async function startAlertmanager(configFile: string): Promise<RunningAlertmanager> {
    const port = await freePort();
    const storage = tempDir("alertmanager-data-");
    const url = `http://127.0.0.1:${port}`;
    let output = "";
    const child: ChildProcess = spawn(
        pathOf(alertmanagerBinary),
        [
            `--config.file=${configFile}`,
            `--storage.path=${storage}`,
            `--web.listen-address=127.0.0.1:${port}`,
            `--web.external-url=${url}`,
            // Empty: no gossip, so no cluster port and no settling delay.
            "--cluster.listen-address=",
            "--log.level=debug",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

    const stop = async (): Promise<void> => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
        await exited;
        clearTimeout(timer);
    };

    try {
        await waitFor("Alertmanager to be ready", async () => {
            if (child.exitCode !== null) throw new Error(`Alertmanager exited with code ${child.exitCode}:\n${output}`);
            const res = await fetch(`${url}/-/ready`);
            return res.ok ? true : undefined;
        });
    } catch (e) {
        await stop();
        throw new Error(`${(e as Error).message}\n--- Alertmanager log ---\n${output}`);
    }

    return {
        url,
        logs: () => output,
        async postAlerts(alerts) {
            const res = await fetch(`${url}/api/v2/alerts`, {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify(alerts),
            });
            if (!res.ok) throw new Error(`POST /api/v2/alerts: ${res.status} ${await res.text()}`);
        },
        async alerts() {
            const res = await fetch(`${url}/api/v2/alerts`);
            if (!res.ok) throw new Error(`GET /api/v2/alerts: ${res.status} ${await res.text()}`);
            return (await res.json()) as GettableAlert[];
        },
        stop,
    };
}
