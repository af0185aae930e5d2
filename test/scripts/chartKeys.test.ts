/** `npm run chart-keys`: the charts it indexes come from the stacks, and it fails in one line. */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { CLUSTER_PARTS } from "../../core/catalogue";
import { chartKeys as chartKeysCommand, pinnedCharts } from "../../scripts/chartKeys";
import { ROOT } from "../harness";
import { launch } from "../helpers/launcher";
import { STACKS, stackModel } from "../helpers/models";

const chartKeys = (...args: string[]) => launch(process.execPath, ["--import", pathToFileURL(require.resolve("tsx")).href, path.join(ROOT, "scripts", "chartKeys.ts"), ...args], { cwd: ROOT });

describe("npm run chart-keys", () => {
    it("indexes the chart of every release the shipped stacks make: each part of the catalogue's, and each environment's", () => {
        const releases = STACKS.flatMap((stack) => {
            const model = stackModel(stack);
            return [...(model.clusterWide ? CLUSTER_PARTS.map((p) => model.clusterWide?.[p.key]?.chart) : []), model.monitoring.chart];
        });
        const key = (c: { chart: string; version: string } | undefined) => `${c?.chart} ${c?.version}`;
        expect(pinnedCharts().map(key).sort()).toStrictEqual([...new Set(releases.map(key))].sort());
    });

    it("prints its usage with --help, and refuses an argument in one line, exit code 1", async () => {
        let help = "";
        await chartKeysCommand(["--help"], (text) => (help += text));
        expect(help).toMatch(/^usage: npm run chart-keys\n/);
        await expect(chartKeysCommand(["-x"], () => undefined)).rejects.toThrow("unexpected argument -x; it takes none (see --help)");
        // As a process: the entry prints the failure as one line.
        const wrong = await chartKeys("--charts");
        expect(wrong.error?.code).toBe(1);
        expect(wrong.stderr).toBe("chart-keys: unexpected argument --charts; it takes none (see --help)\n");
    });
});
