/**
 * The render's file handling, without rendering: which model a stack renders, which folders it
 * may write into, and the folder it writes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { checkOutDir, MARKER, renderInputs, writeTree } from "../../render/render";
import { demoConfig, ROOT } from "../harness";
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

    it("refuses a folder that holds anything else, saying what to do", () => {
        const dir = tmpDir();
        fs.writeFileSync(path.join(dir, "keep.txt"), "mine");
        expect(() => checkOutDir(dir)).toThrow(`${dir} is not empty and is not an earlier render (no ${MARKER} file); choose another --out folder`);
    });
});

describe("writeTree", () => {
    it("creates the folder and its parents, marked as a render for whoever finds it", () => {
        const out = path.join(tmpDir(), "a", "b");
        writeTree(out, { files: new Map([["ns/configmap/c.yaml", "kind: ConfigMap\n"]]), notes: [] });
        expect(fs.readFileSync(path.join(out, "ns/configmap/c.yaml"), "utf8")).toBe("kind: ConfigMap\n");
        expect(fs.readFileSync(path.join(out, MARKER), "utf8")).toMatch(/npm run render.*replaced/);
    });
});
