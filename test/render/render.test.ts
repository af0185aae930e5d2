/**
 * The render's file handling, without rendering: which model a stack renders, which folders it
 * may write into, and the folder it writes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { checkOutDir, MARKER, writeTree } from "../../render/folder";
import { renderInputs } from "../../render/render";
import { demoConfig, ROOT } from "../harness";
import { execLaunched } from "../helpers/launcher";
import { temporaryDirs } from "../helpers/tmp";

const tmpDir = temporaryDirs("render-files-");

describe("renderInputs", () => {
    const fixture = path.join(ROOT, "test/fixtures/models/dedicated-dev.ts");

    it("renders stacks/<stack>.ts unless the stack's config or --model names another model, --model first", () => {
        const configFile = path.join(tmpDir(), "config.yaml");
        fs.writeFileSync(configFile, yaml.dump({ ...demoConfig("dev"), "gitops:model": fixture }));
        expect(renderInputs({ stack: "dev" }).modelFile).toBe(path.join(ROOT, "stacks", "dev.ts"));
        expect(renderInputs({ stack: "dev", configFile })).toMatchObject({ modelFile: fixture, config: { "gitops:model": fixture } });
        const other = path.join(ROOT, "test/fixtures/models/empty.json");
        expect(renderInputs({ stack: "dev", configFile, model: other })).toMatchObject({ modelFile: other, config: { "gitops:model": other } });
    });
});

describe("checkOutDir", () => {
    it("accepts a folder that does not exist, an empty one and an earlier render", () => {
        const dir = tmpDir();
        expect(() => checkOutDir(path.join(dir, "new"))).not.toThrow();
        expect(() => checkOutDir(dir)).not.toThrow();
        fs.writeFileSync(path.join(dir, MARKER), "");
        fs.writeFileSync(path.join(dir, "old.yaml"), "");
        expect(() => checkOutDir(dir)).not.toThrow();
    });

    it("refuses, in words, an --out that is a file or lies under one", () => {
        const file = path.join(tmpDir(), "file.yaml");
        fs.writeFileSync(file, "");
        expect(() => checkOutDir(file)).toThrow(`--out ${file}: it is a file, not a folder; choose a folder for the render`);
        expect(() => checkOutDir(path.join(file, "a", "b"))).toThrow(`--out ${path.join(file, "a", "b")}: ${file} is a file, not a folder; choose a folder for the render`);
    });

    it("refuses a folder that holds anything else, saying what to do", () => {
        const dir = tmpDir();
        fs.writeFileSync(path.join(dir, "keep.txt"), "mine");
        expect(() => checkOutDir(dir)).toThrow(`${dir} is not empty and is not an earlier render (no ${MARKER} file); choose another --out folder`);
    });
});

/** Runs test/fixtures/writeTree.ts as a process: `count` files holding `label` written into `out`. */
const writeTreeProcess = (out: string, label: string, count: number) =>
    execLaunched(process.execPath, ["--import", pathToFileURL(require.resolve("tsx")).href, path.join(ROOT, "test/fixtures/writeTree.ts"), out, label, String(count)]);

/** The files of a folder, relative path to content. */
function filesOf(dir: string): Map<string, string> {
    return new Map(
        fs
            .readdirSync(dir, { recursive: true, withFileTypes: true })
            .filter((entry) => entry.isFile())
            .map((entry) => [path.relative(dir, path.join(entry.parentPath, entry.name)), fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8")]),
    );
}

describe("writeTree", () => {
    it("creates the folder and its parents, marked as a render for whoever finds it", () => {
        const out = path.join(tmpDir(), "a", "b");
        writeTree(out, { files: new Map([["ns/configmap/c.yaml", "kind: ConfigMap\n"]]), notes: [] });
        expect(fs.readFileSync(path.join(out, "ns/configmap/c.yaml"), "utf8")).toBe("kind: ConfigMap\n");
        expect(fs.readFileSync(path.join(out, MARKER), "utf8")).toMatch(/npm run render.*replaced/);
    });

    it("leaves one whole render when several write into the same folder at once, and nothing beside it", async () => {
        const parent = tmpDir();
        const out = path.join(parent, "rendered");
        const labels = ["first", "second", "third"];
        // GIVEN an earlier render there, and three renders of 200 files each writing at once
        fs.mkdirSync(out);
        fs.writeFileSync(path.join(out, MARKER), "");
        await Promise.all(labels.map((label) => writeTreeProcess(out, label, 200)));
        // THEN the folder holds one of them whole, marked, and no staging folder is left
        const files = filesOf(out);
        expect(files.size).toBe(201);
        expect(files.has(MARKER)).toBe(true);
        const contents = new Set([...files].filter(([file]) => file !== MARKER).map(([, text]) => text));
        expect(contents.size).toBe(1);
        expect(labels.map((l) => `${l}\n`)).toContain([...contents][0]);
        expect(fs.readdirSync(parent)).toStrictEqual(["rendered"]);
    }, 60_000);

    it("puts back what was moved into the folder meanwhile, if it is not a render, and says so", () => {
        // GIVEN a folder that holds something else by the time the render moves in (checkOutDir passed earlier)
        const out = path.join(tmpDir(), "out");
        fs.mkdirSync(out);
        fs.writeFileSync(path.join(out, "keep.txt"), "mine");
        expect(() => writeTree(out, { files: new Map([["a.yaml", "a\n"]]), notes: [] })).toThrow(`${out} was filled with something other than a render while this one was written; nothing was changed there, choose another --out folder`);
        expect(filesOf(out)).toStrictEqual(new Map([["keep.txt", "mine"]]));
        expect(fs.readdirSync(path.dirname(out))).toStrictEqual(["out"]);
    });
});
