/**
 * The command entries (render/cli.ts, render/diffCli.ts) in this process, over a command that
 * does what the test says: what reaches the process's streams and exit code. cli.test.ts and
 * diffRun.test.ts run them as fresh processes, as npm does.
 */
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CommandOutput } from "../../render/renderCommand";
import { ROOT } from "../harness";
import { importAfresh } from "../helpers/afresh";

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

/** Loads an entry afresh with these arguments, its command mocked, and waits for it to finish. */
async function runEntry(entry: "cli" | "diffCli", args: string[], behaviour: Behaviour): Promise<{ calls: unknown[][] }> {
    const calls: unknown[][] = [];
    const command = async (...received: unknown[]) => {
        calls.push(received);
        const outcome = behaviour(received.at(-1) as CommandOutput);
        if (outcome instanceof Error) throw outcome;
        return outcome;
    };
    const mocked = (name: string) => async (actual: () => Promise<object>) => ({ ...(await actual()), [name]: command });
    const mocks = { [path.join(ROOT, "render", "renderCommand.ts")]: mocked("renderCommand"), [path.join(ROOT, "render", "diffCommand.ts")]: mocked("diffCommand") };
    process.argv = [process.execPath, `render/${entry}.ts`, ...args];
    await importAfresh(path.join(ROOT, "render", `${entry}.ts`), { mocks });
    await vi.waitFor(() => expect(calls.length).toBe(1));
    await new Promise((resolve) => setImmediate(resolve));
    return { calls };
}

describe.each([
    { command: "npm run render", entry: "cli", leading: (args: string[]) => [args] },
    // The diff compares the repository it runs in.
    { command: "npm run diff", entry: "diffCli", leading: (args: string[]) => [args, process.cwd()] },
] as const)("$command's entry", ({ entry, leading }) => {
    it("gives the command the arguments after the script, and its output to the process's streams; exits only on a code other than 0", async () => {
        const { calls } = await runEntry(entry, ["--stack", "dev"], (out) => (out.stdout("rendered\n"), out.stderr("warning\n"), 0));
        expect(calls[0].slice(0, -1)).toStrictEqual(leading(["--stack", "dev"]));
        expect(io).toStrictEqual({ stdout: "rendered\n", stderr: "warning\n", exits: [] });
        await runEntry(entry, [], () => 2);
        expect(io.exits).toStrictEqual([2]);
    });

    it("tells a failure the command did not catch as an error, and exits 1", async () => {
        await runEntry(entry, [], () => new Error("disk full"));
        expect(io).toStrictEqual({ stdout: "", stderr: "error: disk full\n", exits: [1] });
    });
});

describe("npm run render's entry", () => {
    it("tells a promise rejected outside the command as it tells a failure", async () => {
        await runEntry("cli", [], () => 0);
        const added = addedListeners();
        expect(added).toHaveLength(1);
        added[0](new Error("late"), Promise.resolve());
        expect(io).toStrictEqual({ stdout: "", stderr: "error: late\n", exits: [1] });
    });
});
