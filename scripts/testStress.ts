/**
 * `npm run test:stress -- [--runs N] [--load K]`: runs the whole `npm test` N times in a row
 * (default 10) while K other processes (default: one per core) keep every core busy, and says how
 * each run went. A test that fails under load is a bug to fix, not to retry: each failed run's
 * output is kept in node_modules/.cache/test-stress/ and its failing tests are listed. Exits 1
 * when any run failed.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";

const ROOT = path.join(__dirname, "..");
const LOGS = path.join(ROOT, "node_modules", ".cache", "test-stress");

export const USAGE = `usage: npm run test:stress -- [--runs <n>] [--load <k>]

Runs npm test <n> times in a row (default 10) while <k> busy processes (default: one per core,
${os.availableParallelism()} here) load the machine, and says how each run went.
`;

/** A whole number of at least `min` from an option's text. */
function count(name: string, text: string | undefined, fallback: number, min: number): number {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}, not "${text}"`);
    return n;
}

/** A process that keeps one core busy until it is killed. */
function burner() {
    return spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
}

/** Runs `npm test` once; resolves with its exit code, its output and how long it took. */
function npmTest(): Promise<{ code: number; output: string; seconds: number }> {
    const started = Date.now();
    return new Promise((resolve) => {
        const child = spawn("npm", ["test"], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: "0" } });
        let output = "";
        child.stdout.on("data", (d) => (output += d));
        child.stderr.on("data", (d) => (output += d));
        child.on("close", (code) => resolve({ code: code ?? 1, output, seconds: (Date.now() - started) / 1000 }));
    });
}

/** The tests a vitest run reports as failed (its `FAIL` lines), or its last lines when it names none. */
function failures(output: string): string[] {
    const failed = [...new Set(output.split("\n").filter((line) => /^\s*(FAIL|×)\s/.test(line)).map((line) => line.trim()))];
    return failed.length > 0 ? failed : output.trimEnd().split("\n").slice(-5);
}

async function main(): Promise<number> {
    const { values } = parseArgs({ options: { runs: { type: "string" }, load: { type: "string" }, help: { type: "boolean", short: "h" } } });
    if (values.help) {
        process.stdout.write(USAGE);
        return 0;
    }
    const runs = count("runs", values.runs, 10, 1);
    const load = count("load", values.load, os.availableParallelism(), 0);
    const burners = Array.from({ length: load }, burner);
    const stop = () => burners.forEach((b) => b.kill());
    process.on("SIGINT", () => (stop(), process.exit(130)));
    fs.mkdirSync(LOGS, { recursive: true });
    let failed = 0;
    try {
        process.stdout.write(`npm test, ${runs} run(s), with ${load} busy process(es) beside it\n`);
        for (let i = 1; i <= runs; i++) {
            const { code, output, seconds } = await npmTest();
            if (code === 0) {
                process.stdout.write(`run ${i}: passed in ${seconds.toFixed(0)} s\n`);
                continue;
            }
            failed++;
            const log = path.join(LOGS, `run-${i}.log`);
            fs.writeFileSync(log, output);
            process.stdout.write(`run ${i}: FAILED in ${seconds.toFixed(0)} s (${path.relative(process.cwd(), log)})\n${failures(output).map((line) => `  ${line}\n`).join("")}`);
        }
    } finally {
        stop();
    }
    process.stdout.write(failed === 0 ? `all ${runs} runs passed\n` : `${failed} of ${runs} runs failed\n`);
    return failed === 0 ? 0 : 1;
}

if (require.main === module) {
    main().then(
        (code) => process.exit(code),
        (e: Error) => {
            process.stderr.write(`test:stress: ${e.message}\n`);
            process.exit(1);
        },
    );
}
