/**
 * The help of each npm script, as its command prints it, read in this process (a child process
 * per command would cost a second each): the flags a guide or a workflow may give it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { checkCommand } from "../../check/command";
import { diffCommand } from "../../render/diffCommand";
import { renderCommand } from "../../render/renderCommand";
import { USAGE as BENCH_USAGE } from "../../scripts/bench";
import { USAGE as CHART_KEYS_USAGE } from "../../scripts/chartKeys";
import { keygen } from "../../scripts/keygen";
import { USAGE as STRESS_USAGE } from "../../scripts/testStress";
import { capturedOutput, ROOT } from "../harness";

/** The help of each npm script, as its command prints it: the flags a page may give it. */
export const HELP: Readonly<Record<string, () => Promise<string>>> = {
    render: async () => {
        const { io, written } = capturedOutput();
        await renderCommand(["--help"], io);
        return written.stdout;
    },
    diff: async () => {
        const { io, written } = capturedOutput();
        await diffCommand(["--help"], ROOT, io);
        return written.stdout;
    },
    check: async () => {
        const { io, written } = capturedOutput();
        await checkCommand(["--help"], io);
        return written.stdout;
    },
    keygen: () => keygen(["--help"]),
    "chart-keys": async () => CHART_KEYS_USAGE,
    bench: async () => BENCH_USAGE,
    "test:stress": async () => STRESS_USAGE,
    "test:walkthrough": async () => "",
    // StrykerJS's options, from the schema its command line is made from (`--mutate` is `mutate`).
    mutate: async () => {
        const schema = path.join(path.dirname(require.resolve("@stryker-mutator/core/package.json")), "schema", "stryker-schema.json");
        return Object.keys((JSON.parse(fs.readFileSync(schema, "utf8")) as { properties: object }).properties).map((option) => `--${option}`).join("\n");
    },
};

