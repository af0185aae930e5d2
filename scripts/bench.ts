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
import { settled, startMockRuntime } from "../render/mockRuntime";
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

Measures what the render costs per Application (n of them, default 1000; median of r runs,
default 3), against Pulumi's own floor, each measurement a fresh process.
`;

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { apps: { type: "string", default: "1000" }, runs: { type: "string", default: "3" }, child: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true });
    if (values.help) return void process.stdout.write(USAGE);
    const apps = Number(values.apps);
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
