/**
 * The fetch of the upstream reference data for a clone without ../shared: judged against a
 * loopback HTTP server that serves good, tampered and missing files, and against the copy that
 * sits beside this checkout.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./harness";
import { REFERENCE } from "./helpers/reference";
import { temporaryDirs } from "./helpers/tmp";
import { fetchReference, type ReferenceSource, readSources } from "./helpers/referenceFetch";

const pin = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);
const GOOD = "p, role:readonly, applications, get, */*, allow\n";
const source = (file: string, content: string, sourcePath = file): ReferenceSource => ({ file, repository: "argoproj/argo-cd", path: sourcePath, tag: "v3.5.1", sha256Prefix: pin(content) });

describe("fetchReference", () => {
    let server: http.Server;
    let baseUrl: string;
    const requests: string[] = [];

    beforeAll(async () => {
        // Serves GOOD at good.csv, something else at tampered.csv, and 404 for anything else.
        server = http.createServer((req, res) => {
            requests.push(req.url ?? "");
            if (req.url === "/argoproj/argo-cd/v3.5.1/assets/good.csv") res.end(GOOD);
            else if (req.url === "/argoproj/argo-cd/v3.5.1/assets/tampered.csv") res.end(`${GOOD}p, role:readonly, applications, sync, */*, allow\n`);
            else res.writeHead(404).end();
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const dest = temporaryDirs("reference-");

    it("fetches each file at its pinned path and tag, and keeps it once its hash matches", async () => {
        const dir = dest();
        const sources = [source("argocd/builtin-policy.csv", GOOD, "assets/good.csv")];
        expect(await fetchReference(sources, dir, baseUrl)).toStrictEqual({ fetched: 1, cached: 0 });
        expect(fs.readFileSync(path.join(dir, "argocd/builtin-policy.csv"), "utf8")).toBe(GOOD);
        expect(requests).toContain("/argoproj/argo-cd/v3.5.1/assets/good.csv");
        // THEN a second run finds it intact and asks nothing
        const asked = requests.length;
        expect(await fetchReference(sources, dir, baseUrl)).toStrictEqual({ fetched: 0, cached: 1 });
        expect(requests.length).toBe(asked);
    });

    it("refuses a file whose hash is not the pinned one, keeps nothing of it, and says what to do", async () => {
        const dir = dest();
        const sources = [source("argocd/builtin-policy.csv", GOOD, "assets/tampered.csv")];
        await expect(fetchReference(sources, dir, baseUrl)).rejects.toThrow(
            new RegExp(`argocd/builtin-policy.csv from argoproj/argo-cd@v3.5.1 has sha256 [0-9a-f]{16}…, but ${pin(GOOD)}… is pinned.*not kept.*run them once with network access.*GITOPS_SHARED_DIR`),
        );
        expect(fs.readdirSync(dir)).toStrictEqual([]);
    });

    it("applies a release build's edits to what it fetches, and pins the edited file", async () => {
        const dir = dest();
        const released = GOOD.replace("get", "sync");
        const sources = [{ ...source("argocd/builtin-policy.csv", released, "assets/good.csv"), edits: [[", get,", ", sync,"]] as const }];
        expect(await fetchReference(sources, dir, baseUrl)).toStrictEqual({ fetched: 1, cached: 0 });
        expect(fs.readFileSync(path.join(dir, "argocd/builtin-policy.csv"), "utf8")).toBe(released);
        // THEN an edit whose text is not in the file leaves it unedited, which its pin refuses
        await expect(fetchReference([{ ...sources[0], edits: [["no such text", "x"]] }], dest(), baseUrl)).rejects.toThrow(/has sha256 [0-9a-f]{16}…, but .* is pinned/);
    });

    it("replaces a cached file that was changed since", async () => {
        const dir = dest();
        fs.mkdirSync(path.join(dir, "argocd"));
        fs.writeFileSync(path.join(dir, "argocd/builtin-policy.csv"), "edited by hand\n");
        expect(await fetchReference([source("argocd/builtin-policy.csv", GOOD, "assets/good.csv")], dir, baseUrl)).toStrictEqual({ fetched: 1, cached: 0 });
        expect(fs.readFileSync(path.join(dir, "argocd/builtin-policy.csv"), "utf8")).toBe(GOOD);
    });

    it("names the file and the URL when the server has no such file, or cannot be reached", async () => {
        await expect(fetchReference([source("argocd/model.conf", GOOD, "assets/missing.conf")], dest(), baseUrl)).rejects.toThrow(/could not fetch argocd\/model.conf from http:\/\/127.0.0.1:\d+\/argoproj\/argo-cd\/v3.5.1\/assets\/missing.conf \(HTTP 404\)/);
        // A port nothing listens on: what a machine without network sees.
        const closed = http.createServer();
        await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
        const port = (closed.address() as AddressInfo).port;
        await new Promise<void>((resolve) => closed.close(() => resolve()));
        await expect(fetchReference([source("argocd/model.conf", GOOD)], dest(), `http://127.0.0.1:${port}`)).rejects.toThrow(/could not fetch argocd\/model.conf .*\(ECONNREFUSED\); the tests judge the program by this upstream data: run them once with network access/);
    });
});

describe("the pinned list, .github/reference-sources.tsv", () => {
    const sourcesDir = temporaryDirs("sources-");
    const sources = readSources(path.join(ROOT, ".github", "reference-sources.tsv"));

    it("pins every file the tests read, with the hash of the copy they read", () => {
        expect(sources.length).toBeGreaterThan(30);
        for (const s of sources) {
            const bytes = fs.readFileSync(path.join(REFERENCE, s.file));
            expect(createHash("sha256").update(bytes).digest("hex").slice(0, 16), s.file).toBe(s.sha256Prefix);
        }
        const used = new Set(sources.map((s) => s.file));
        for (const dir of ["crds", "charts", "argocd"]) {
            for (const file of fs.readdirSync(path.join(REFERENCE, dir), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".yaml") || f.endsWith(".csv") || f.endsWith(".conf"))) {
                expect(used, `${dir}/${file}`).toContain(`${dir}/${file}`);
            }
        }
    });

    it("refuses a malformed line, naming it", () => {
        const file = path.join(sourcesDir(), "sources.tsv");
        fs.writeFileSync(file, "# header\nargocd/model.conf\targoproj/argo-cd\tassets/model.conf\tv3.5.1\n");
        expect(() => readSources(file)).toThrow(/line 2 is not "file<TAB>repository<TAB>path<TAB>tag<TAB>sha256 prefix\[<TAB>edits\]"/);
        for (const edits of ["not json", '{"from":"to"}', '[["only one"]]', "[[1, 2]]"]) {
            fs.writeFileSync(file, `argocd/model.conf\targoproj/argo-cd\tassets/model.conf\tv3.5.1\t${"0".repeat(16)}\t${edits}\n`);
            expect(() => readSources(file), edits).toThrow(/line 1 is not/);
        }
    });

    it("reads a release build's edits from the sixth column", () => {
        const edited = sources.filter((s) => s.edits !== undefined);
        expect(edited.map((s) => s.file)).toStrictEqual(["charts/cert-manager/Chart.yaml"]);
        expect(edited[0].edits).toContainEqual(["version: v0.0.0\n", "version: v1.21.1\n"]);
    });
});
