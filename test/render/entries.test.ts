/**
 * The command entries (render/cli.ts, render/diffCli.ts) in this process, over a command that
 * does what the test says: what reaches the process's streams and exit code. cli.test.ts and
 * diffRun.test.ts run them as fresh processes, as npm does.
 */
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CommandOutput } from "../../render/renderCommand";
import { ROOT } from "../harness";

/** What a command does with its output, then resolves with (a number) or rejects with (an Error). */
type Behaviour = (out: CommandOutput) => number | Error;

const io = { stdout: "", stderr: "", exits: [] as number[] };
const argv = process.argv;
let listenersBefore: NodeJS.UnhandledRejectionListener[] = [];
/** The unhandledRejection listeners the entries loaded since the test began added. */
const addedListeners = () => process.listeners("unhandledRejection").filter((listener) => !listenersBefore.includes(listener));
beforeEach(() => {
    listenersBefore = process.listeners("unhandledRejection");
    Object.assign(io, { stdout: "", stderr: "", exits: [] });
    vi.spyOn(process.stdout, "write").mockImplementation((text) => ((io.stdout += String(text)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((text) => ((io.stderr += String(text)), true));
    vi.spyOn(process, "exit").mockImplementation(((code: number) => void io.exits.push(code)) as never);
});
afterEach(() => {
    for (const listener of addedListeners()) process.off("unhandledRejection", listener);
    vi.restoreAllMocks();
    process.argv = argv;
});

let runs = 0;
/** Loads an entry afresh with these arguments, its command mocked, and waits for it to finish. */
async function runEntry(entry: "cli" | "diffCli", args: string[], behaviour: Behaviour): Promise<{ calls: unknown[][] }> {
    const calls: unknown[][] = [];
    const command = async (...received: unknown[]) => {
        calls.push(received);
        const outcome = behaviour(received.at(-1) as CommandOutput);
        if (outcome instanceof Error) throw outcome;
        return outcome;
    };
    vi.doMock("../../render/renderCommand.js", async (actual) => ({ ...(await actual<object>()), renderCommand: command }));
    vi.doMock("../../render/diffCommand.js", async (actual) => ({ ...(await actual<object>()), diffCommand: command }));
    process.argv = [process.execPath, `render/${entry}.ts`, ...args];
    try {
        // A query of its own loads the entry afresh, over the modules already loaded.
        await import(/* @vite-ignore */ `${path.join(ROOT, "render", entry)}.ts?run=${++runs}`);
        await vi.waitFor(() => expect(calls.length).toBe(1));
        await new Promise((resolve) => setImmediate(resolve));
    } finally {
        vi.doUnmock("../../render/renderCommand.js");
        vi.doUnmock("../../render/diffCommand.js");
    }
    return { calls };
}

describe("npm run render's entry", () => {
    it("gives the command the arguments after the script, and its output to the process's streams; exits only on a code other than 0", async () => {
        const { calls } = await runEntry("cli", ["--stack", "dev"], (out) => (out.stdout("rendered\n"), out.stderr("warning\n"), 0));
        expect(calls[0][0]).toStrictEqual(["--stack", "dev"]);
        expect(io).toStrictEqual({ stdout: "rendered\n", stderr: "warning\n", exits: [] });
        await runEntry("cli", [], () => 2);
        expect(io.exits).toStrictEqual([2]);
    });

    it("tells a failure the command did not catch as an error, and exits 1", async () => {
        await runEntry("cli", [], () => new Error("disk full"));
        expect(io).toStrictEqual({ stdout: "", stderr: "error: disk full\n", exits: [1] });
    });

    it("tells a promise rejected outside the command the same way", async () => {
        await runEntry("cli", [], () => 0);
        const added = addedListeners();
        expect(added).toHaveLength(1);
        added[0](new Error("late"), Promise.resolve());
        expect(io).toStrictEqual({ stdout: "", stderr: "error: late\n", exits: [1] });
    });
});

describe("npm run diff's entry", () => {
    it("diffs the repository the command runs in, with the arguments after the script; exits only on a code other than 0", async () => {
        const { calls } = await runEntry("diffCli", ["--stack", "prod"], (out) => (out.stdout("## prod\n"), out.stderr("rendering\n"), 0));
        expect(calls[0].slice(0, 2)).toStrictEqual([["--stack", "prod"], process.cwd()]);
        expect(io).toStrictEqual({ stdout: "## prod\n", stderr: "rendering\n", exits: [] });
        await runEntry("diffCli", [], () => 3);
        expect(io.exits).toStrictEqual([3]);
    });

    it("tells a failure the command did not catch as an error, and exits 1", async () => {
        await runEntry("diffCli", [], () => new Error("git is gone"));
        expect(io).toStrictEqual({ stdout: "", stderr: "error: git is gone\n", exits: [1] });
    });
});
