/**
 * Where a pinned chart's files are found, and a chart fetched from its repository as Helm would
 * pull it: its index.yaml and archive served by a loopback HTTP server, the archive made by tar.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { chartDir, chartFolders, fetchChart, fetchedCharts } from "../../render/chartSources";
import { sharedDir } from "../../render/layout";
import { ROOT } from "../harness";
import { freePort } from "../helpers/alertmanager";
import { execLaunched } from "../helpers/launcher";
import { temporaryDirs } from "../helpers/tmp";

const tmp = temporaryDirs("chart-sources-");
const WIDGETS = path.join(ROOT, "test", "fixtures", "charts", "widgets");

/** A folder of charts holding the fixture chart `widgets` at `version`. */
function folderWithWidgets(version: string): string {
    const folder = tmp();
    fs.cpSync(WIDGETS, path.join(folder, "widgets"), { recursive: true });
    const chartFile = path.join(folder, "widgets", "Chart.yaml");
    fs.writeFileSync(chartFile, fs.readFileSync(chartFile, "utf8").replace(/^version: .*$/m, `version: ${version}`));
    return folder;
}

afterEach(() => vi.unstubAllEnvs());

describe("chartFolders and chartDir", () => {
    it("look in GITOPS_CHARTS_DIR's folders first, then shared/'s minihelm charts, then the fetched ones", () => {
        const [a, b] = [tmp(), tmp()];
        vi.stubEnv("GITOPS_CHARTS_DIR", [a, "", b].join(path.delimiter));
        expect(chartFolders({ chart: "widgets", version: "1.2.3" })).toStrictEqual([a, b, path.join(sharedDir(), "tools", "minihelm", "charts"), path.join(fetchedCharts(), "widgets-1.2.3")]);
    });

    it("find the first folder that holds the pinned version, and name the versions here when none does", () => {
        const [old, pinned] = [folderWithWidgets("1.0.0"), folderWithWidgets("1.2.3")];
        vi.stubEnv("GITOPS_CHARTS_DIR", [old, pinned].join(path.delimiter));
        expect(chartDir({ chart: "widgets", version: "1.2.3" })).toBe(path.join(pinned, "widgets"));
        expect(() => chartDir({ chart: "widgets", version: "2.0.0" })).toThrow(`${path.join(old, "widgets")} is widgets 1.0.0, ${path.join(pinned, "widgets")} is widgets 1.2.3, but the release pins 2.0.0; npm run chart-keys fetches the pinned one`);
        expect(chartDir({ chart: "gadgets", version: "1.0.0" })).toBeUndefined();
    });
});

describe("fetchChart", () => {
    let server: http.Server;
    let repository: string;
    const served = new Map<string, Buffer>();
    const version = "9.9.9-test";
    const kept = path.join(fetchedCharts(), `widgets-${version}`);

    beforeAll(async () => {
        const archiveDir = folderWithWidgets(version);
        await execLaunched("tar", ["-czf", path.join(archiveDir, "widgets.tgz"), "-C", archiveDir, "widgets"]);
        const archive = fs.readFileSync(path.join(archiveDir, "widgets.tgz"));
        const digest = createHash("sha256").update(archive).digest("hex");
        served.set("/charts/widgets-9.9.9-test.tgz", archive);
        const index = { apiVersion: "v1", entries: { widgets: [{ version: "10.0.0", urls: ["widgets-10.0.0.tgz"] }, { version, urls: ["widgets-9.9.9-test.tgz"], digest }, { version: "9.9.8", urls: ["widgets-9.9.8.tgz"], digest: "0".repeat(64) }] } };
        served.set("/charts/index.yaml", Buffer.from(yaml.dump(index)));
        served.set("/charts/widgets-9.9.8.tgz", archive);
        server = http.createServer((req, res) => {
            const body = served.get(req.url ?? "");
            res.writeHead(body ? 200 : 404).end(body);
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        repository = `http://127.0.0.1:${(server.address() as AddressInfo).port}/charts`;
    });
    afterAll(() => {
        server.close();
        fs.rmSync(kept, { recursive: true, force: true });
    });

    it("downloads the pinned version the repository's index names, checks its digest and unpacks it where chartDir finds it", async () => {
        const dir = await fetchChart({ chart: "widgets", version, repository });
        expect(dir).toBe(path.join(kept, "widgets"));
        expect(fs.readFileSync(path.join(dir, "values.yaml"), "utf8")).toBe(fs.readFileSync(path.join(WIDGETS, "values.yaml"), "utf8"));
        expect(chartDir({ chart: "widgets", version })).toBe(dir);
        expect(fs.readdirSync(fetchedCharts()).filter((f) => f.startsWith(".staging-"))).toStrictEqual([]);
    });

    it("refuses an archive whose digest is not the index's, and a version the index does not have, naming what it has", async () => {
        await expect(fetchChart({ chart: "widgets", version: "9.9.8", repository })).rejects.toThrow(/^chart widgets 9\.9\.8 from http:\/\/127\.0\.0\.1:\d+\/charts\/widgets-9\.9\.8\.tgz has sha256 [0-9a-f]{64}, but the repository's index says 0{64}; it was not kept$/);
        await expect(fetchChart({ chart: "widgets", version: "1.0.0", repository })).rejects.toThrow(`${repository} has no chart widgets 1.0.0 (its latest: 10.0.0, ${version}, 9.9.8); check the pin`);
        await expect(fetchChart({ chart: "gadgets", version: "1.0.0", repository })).rejects.toThrow(`${repository} has no chart gadgets 1.0.0 (it has no chart gadgets); check the pin`);
        expect(fs.existsSync(path.join(fetchedCharts(), "widgets-9.9.8"))).toBe(false);
    });

    it("says what to do when the repository cannot be reached", async () => {
        const closed = await freePort();
        const nowhere = `http://127.0.0.1:${closed}/charts`;
        await expect(fetchChart({ chart: "widgets", version, repository: nowhere })).rejects.toThrow(`cannot download the index of ${nowhere} from ${nowhere}/index.yaml (ECONNREFUSED); with no network, put the chart into a folder GITOPS_CHARTS_DIR names`);
        await expect(fetchChart({ chart: "widgets", version, repository: `${repository}/missing` })).rejects.toThrow(/\(HTTP 404\)$/);
    });
});
