/**
 * `npm run bench -- [--apps N] [--runs R]`: what the program costs per Application, against the
 * floor of Pulumi itself. Each measurement is a fresh process (this script with `--child`):
 *
 * - render: the shipped dev model grown by N Applications of the backend project, in one sync
 *   wave or spread over ten, rendered offline as `npm run render` does (program, tree, files);
 * - floor: a bare Pulumi program that registers N Applications with the same provider under the
 *   SDK's own mocks (`pulumi.runtime.setMocks` with a trivial mock), and nothing else;
 * - recorder floor: the same program under the render's recorder (render/mockRuntime.ts), which
 *   the render runs under: what recording costs on top of Pulumi.
 *
 * Per Application is the marginal cost, (T(N) - T(0)) / N, median of R runs; memory is the peak
 * RSS of the process at 0, N/2 and N Applications.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs, promisify } from "node:util";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { placementTable } from "../core/fleet/placement";
import { validateStackModel } from "../core/stackModel";
import fleetHub from "../examples/fleet/hub";
import { FLEET_SPOKE_OUTPUT } from "../model/fleet";
import { settled, startMockRuntime } from "../render/mockRuntime";
import { mockStackName } from "../render/ownerFacts";
import { offlineSpokeOutputs } from "../render/spokeOutputs";
import { writeTree } from "../render/folder";
import { renderStack } from "../render/render";
import dev from "../stacks/dev";

type Shape = "one-wave" | "ten-waves" | "recorder-floor" | "floor";
const SHAPES: Shape[] = ["one-wave", "ten-waves", "recorder-floor", "floor"];
const ROOT = path.join(__dirname, "..");

/** One Application of the backend project, in wave `wave`. */
function benchApplication(i: number, wave: number) {
    return {
        name: `bench-${i}-dev`,
        project: "team-backend",
        source: { repoURL: "https://github.com/example-org/platform-gitops", path: `apps/bench/${i}`, targetRevision: "main" },
        destination: { server: "https://kubernetes.default.svc", namespace: `backend-bench-${i}` },
        syncWave: wave,
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["CreateNamespace=true"] },
    };
}

/** Where the children write; removed only once every measurement is taken (deleting many files slows the next writes). */
const SCRATCH = process.env.GITOPS_BENCH_SCRATCH ?? os.tmpdir();

async function renderChild(apps: number, waves: number): Promise<number> {
    const dir = fs.mkdtempSync(path.join(SCRATCH, "render-"));
    const model = structuredClone(dev) as { argocd: { applications: unknown[] } };
    for (let i = 0; i < apps; i++) model.argocd.applications.push(benchApplication(i, 10 + (i % waves)));
    const modelFile = path.join(dir, "model.json");
    fs.writeFileSync(modelFile, JSON.stringify(model));
    const started = performance.now();
    const { tree } = await renderStack({ stack: "dev", model: modelFile });
    writeTree(path.join(dir, "out"), tree);
    return performance.now() - started;
}

/**
 * N Applications registered and nothing else: under the SDK's own mocks with a trivial mock (the
 * floor: what Pulumi's registration costs), or under the render's recorder.
 */
async function floorChild(apps: number, recorder: boolean): Promise<number> {
    const started = performance.now();
    if (recorder) startMockRuntime("gitops", "dev", {});
    else pulumi.runtime.setMocks({ newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs }, "gitops", "dev", true);
    const provider = new k8s.Provider("kubernetes", { enableServerSideApply: true });
    for (let i = 0; i < apps; i++) {
        const app = benchApplication(i, 10);
        new k8s.apiextensions.CustomResource(
            `bench-${i}`,
            { apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name: app.name, namespace: "argocd" }, spec: { project: app.project, source: app.source, destination: app.destination, syncPolicy: app.syncPolicy } },
            { provider },
        );
    }
    await settled();
    return performance.now() - started;
}

interface Sample {
    readonly ms: number;
    readonly maxRssMB: number;
}

async function measure(shape: Shape, apps: number): Promise<Sample> {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", __filename, "--child", shape, "--apps", String(apps)], {
        cwd: ROOT,
        maxBuffer: 1 << 20,
        env: { ...process.env, GITOPS_BENCH_SCRATCH: scratch },
    });
    return JSON.parse(stdout.trim().split("\n").pop() as string) as Sample;
}

let scratch = "";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export const USAGE = `usage: npm run bench -- [--apps <n>] [--runs <r>]
       npm run bench -- --fleet <spokes> [--addons <a>] [--runs <r>]

Measures what the render costs per Application (n of them, default 1000; median of r runs,
default 3), against Pulumi's own floor, each measurement a fresh process.

With --fleet, measures instead the example fleet's hub (examples/fleet/hub.ts) grown to that many
spokes and a add-ons (default 10): its placement evaluated and checked, and its whole offline render
(placement table, a sealed cluster Secret per spoke, an ApplicationSet per add-on).
`;

/**
 * The example hub with `spokes` spokes (regions in turn, every third without the metrics add-on)
 * and `addons` add-ons selecting by label, and the outputs each spoke stack would export.
 */
function benchFleet(spokes: number, addons: number) {
    const model = structuredClone(fleetHub) as any;
    // Every spoke as the example's eu exports itself, under its own name and server.
    const template = offlineSpokeOutputs("fleet-hub", path.join(ROOT, "examples", "fleet", "hub.ts"))[mockStackName("fleet-eu")][FLEET_SPOKE_OUTPUT] as Record<string, unknown>;
    const regions = ["eu", "us", "ap"];
    model.fleet.spokes = Array.from({ length: spokes }, (_, i) => ({
        name: `spoke-${i}`,
        labels: { environment: i % 5 === 0 ? "staging" : "prod", region: regions[i % 3], team: "shop", ...(i % 3 === 2 ? {} : { enable_metrics: "true" }), ...Object.fromEntries(Array.from({ length: addons - 2 }, (_, a) => [`enable_bench${a}`, "true"])) },
        prometheusUrl: `https://prometheus.spoke-${i}.example.com`,
        ingressDomain: `spoke-${i}.example.com`,
        source: { stack: `bench-spoke-${i}` },
    }));
    const bench = Array.from({ length: addons - 2 }, (_, a) => ({ name: `bench${a}`, selector: { matchLabels: { [`enable_bench${a}`]: "true" }, matchExpressions: [{ key: "environment", operator: "NotIn", values: ["lab"] }] }, source: { repoURL: "https://github.com/example-org/fleet-addons", path: `bench${a}/{{.metadata.labels.region}}` }, namespace: `bench${a}` }));
    model.fleet.addons = [...model.fleet.addons, ...bench];
    const outputs = Object.fromEntries(model.fleet.spokes.map((s: { name: string }, i: number) => [mockStackName(`bench-spoke-${i}`), { [FLEET_SPOKE_OUTPUT]: { ...template, cluster: s.name, server: `https://api.${s.name}.example.com:6443` } }]));
    return { model, outputs };
}

/** A fleet hub's placement (evaluated and checked, as the model check does) and whole render, in ms. */
async function fleetChild(spokes: number, addons: number): Promise<{ placementMs: number; renderMs: number }> {
    const dir = fs.mkdtempSync(path.join(SCRATCH, "fleet-"));
    const { model, outputs } = benchFleet(spokes, addons);
    const modelFile = path.join(dir, "hub.json");
    fs.writeFileSync(modelFile, JSON.stringify(model));
    const started = performance.now();
    const validated = validateStackModel("fleet-hub", modelFile, model);
    placementTable("fleet-hub", validated.fleet as never);
    const placementMs = performance.now() - started;
    const rendering = performance.now();
    const { tree } = await renderStack({ stack: "fleet-hub", model: modelFile, stackOutputs: outputs });
    writeTree(path.join(dir, "out"), tree);
    return { placementMs, renderMs: performance.now() - rendering };
}

/** `--fleet`: the median of `runs` fresh processes. */
async function fleetBench(spokes: number, addons: number, runs: number): Promise<void> {
    const samples: { placementMs: number; renderMs: number; maxRssMB: number }[] = [];
    for (let r = 0; r < runs; r++) {
        const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", __filename, "--child", "fleet", "--fleet", String(spokes), "--addons", String(addons)], { cwd: ROOT, maxBuffer: 1 << 20, env: { ...process.env, GITOPS_BENCH_SCRATCH: scratch } });
        samples.push(JSON.parse(stdout.trim().split("\n").pop() as string));
        process.stderr.write(`run ${r + 1}/${runs}: ${JSON.stringify(samples.at(-1))}\n`);
    }
    const m = (key: "placementMs" | "renderMs" | "maxRssMB") => median(samples.map((s) => s[key])).toFixed(0);
    process.stdout.write(`${spokes} spokes, ${addons} add-ons, median of ${runs} runs, on ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}: placement evaluated and checked in ${m("placementMs")} ms; whole offline render of the hub in ${m("renderMs")} ms; peak RSS ${m("maxRssMB")} MB\n`);
}

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { apps: { type: "string", default: "1000" }, runs: { type: "string", default: "3" }, fleet: { type: "string" }, addons: { type: "string", default: "10" }, child: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true });
    if (values.help) return void process.stdout.write(USAGE);
    const apps = Number(values.apps);
    if (values.fleet !== undefined) {
        const [spokes, addons] = [Number(values.fleet), Number(values.addons)];
        if (!Number.isInteger(spokes) || spokes < 1 || !Number.isInteger(addons) || addons < 2) throw new Error("--fleet takes a whole number of spokes, --addons one of at least 2 (the example's own)");
        if (values.child) return void process.stdout.write(`${JSON.stringify({ ...(await fleetChild(spokes, addons)), maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-bench-"));
        await fleetBench(spokes, addons, Number(values.runs));
        return void fs.rmSync(scratch, { recursive: true, force: true });
    }
    if (values.child) {
        const shape = values.child as Shape;
        const ms = shape.endsWith("floor") ? await floorChild(apps, shape === "recorder-floor") : await renderChild(apps, shape === "ten-waves" ? 10 : 1);
        process.stdout.write(`${JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
        return;
    }
    if (!Number.isInteger(apps) || apps < 2) throw new Error(`--apps must be a whole number of at least 2, got ${values.apps}`);
    const runs = Number(values.runs);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-bench-"));
    const sizes = [0, apps / 2, apps].map(Math.round);
    // Interleaved, so that whatever else the machine does weighs on every shape alike.
    const samples = new Map<string, Sample[]>();
    for (let r = 0; r < runs; r++) {
        for (const shape of SHAPES) {
            for (const size of sizes) {
                const sample = await measure(shape, size);
                samples.set(`${shape} ${size}`, [...(samples.get(`${shape} ${size}`) ?? []), sample]);
                process.stderr.write(`run ${r + 1}/${runs}: ${shape} ${size}: ${sample.ms.toFixed(0)} ms, ${sample.maxRssMB.toFixed(0)} MB\n`);
            }
        }
    }
    const results = new Map<Shape, { perApp: number; rss: number[] }>();
    for (const shape of SHAPES) {
        const taken = sizes.map((size) => samples.get(`${shape} ${size}`) as Sample[]);
        const ms = taken.map((t) => median(t.map((s) => s.ms)));
        results.set(shape, { perApp: (ms[2] - ms[0]) / apps, rss: taken.map((t) => median(t.map((s) => s.maxRssMB))) });
    }
    const floor = (results.get("floor") as { perApp: number }).perApp;
    const recorderFloor = (results.get("recorder-floor") as { perApp: number }).perApp;
    const oneWave = (results.get("one-wave") as { perApp: number }).perApp;
    const lines = [
        `${apps} Applications, median of ${runs} runs, on ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}`,
        "",
        `| shape | ms per Application | × floor | × recorder floor | × one wave | peak RSS at 0 / ${sizes[1]} / ${sizes[2]} (MB) | growth ${sizes[1]}→${sizes[2]} ÷ 0→${sizes[1]} |`,
        "|---|---|---|---|---|---|---|",
        ...SHAPES.map((shape) => {
            const { perApp, rss } = results.get(shape) as { perApp: number; rss: number[] };
            const linearity = (rss[2] - rss[1]) / Math.max(1, rss[1] - rss[0]);
            const waves = shape.endsWith("floor") ? "" : (perApp / oneWave).toFixed(2);
            return `| ${shape} | ${perApp.toFixed(2)} | ${(perApp / floor).toFixed(2)} | ${(perApp / recorderFloor).toFixed(2)} | ${waves} | ${rss.map((m) => m.toFixed(0)).join(" / ")} | ${linearity.toFixed(2)} |`;
        }),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    fs.rmSync(scratch, { recursive: true, force: true });
}

if (require.main === module) main().catch((e) => {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exit(1);
});
