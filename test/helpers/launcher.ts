/**
 * Programs the tests run, started from a small process of the worker's own. Forking costs the
 * kernel time in proportion to the forking process's memory (its page tables are copied): about
 * 25 ms from a test worker of a gigabyte, well under one from a process of a few megabytes, and
 * the suite starts hundreds of programs (amtool alone some two hundred times).
 */
import { type ChildProcess, type ExecFileOptions, fork } from "node:child_process";
import * as path from "node:path";

/** How a program ended, as execFile's callback tells it. */
export interface Launched {
    /** Set when it exited with a code other than 0, was killed, or could not start (`code` then a string such as ENOENT). */
    readonly error?: { readonly code?: number | string; readonly signal?: string; readonly killed?: boolean; readonly message: string };
    readonly stdout: string;
    readonly stderr: string;
}

/** What `launch` passes to execFile. */
export type LaunchOptions = Pick<ExecFileOptions, "cwd" | "env" | "timeout" | "maxBuffer"> & {
    /** Written to the program's stdin, which is then closed. */
    readonly input?: string;
};

let launcher: ChildProcess | undefined;
const pending = new Map<number, (launched: Launched) => void>();
let requests = 0;

function launcherProcess(): ChildProcess {
    if (launcher === undefined) {
        const started = fork(path.join(__dirname, "launcherProcess.cjs"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
        started.on("message", ({ id, ...launched }: Launched & { id: number }) => {
            pending.get(id)?.(launched);
            pending.delete(id);
            // Idle, it must not keep the worker alive.
            if (pending.size === 0) started.channel?.unref();
        });
        started.on("exit", () => {
            launcher = undefined;
            for (const [id, resolve] of pending) resolve({ error: { message: "the launcher process ended" }, stdout: "", stderr: "" }), pending.delete(id);
        });
        started.unref();
        launcher = started;
    }
    return launcher;
}

/** Runs `file` with `args` (no shell) as execFile would; resolves with how it ended, never rejects. */
export function launch(file: string, args: readonly string[], { input, ...options }: LaunchOptions = {}): Promise<Launched> {
    const launcherOf = launcherProcess();
    const id = ++requests;
    return new Promise((resolve) => {
        pending.set(id, resolve);
        launcherOf.channel?.ref();
        // The worker's environment and folder as they are now, as execFile would take them.
        launcherOf.send({ id, file, args, options: { cwd: process.cwd(), env: process.env, ...options }, input });
    });
}

/** `promisify(execFile)` through the launcher: resolves with the output, rejects with an error that carries the exit code and the output. */
export async function execLaunched(file: string, args: readonly string[], options?: LaunchOptions): Promise<{ stdout: string; stderr: string }> {
    const { error, stdout, stderr } = await launch(file, args, options);
    if (error) throw Object.assign(new Error(error.message), { code: error.code, signal: error.signal, killed: error.killed, stdout, stderr });
    return { stdout, stderr };
}
