import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { loadModel, readModelFile, STACKS_DIR } from "../../model/load";
import { importAfresh } from "../helpers/afresh";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "models-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
};
const data = { environment: "dev", peers: ["prod"], nested: { n: 1 } };

describe("readModelFile", () => {
    it("reads YAML (.yaml or .yml), JSON and a module's default export or `model` alike", () => {
        for (const file of [
            write("a.yaml", "environment: dev\npeers: [prod]\nnested: { n: 1 }\n"),
            write("a.yml", "environment: dev\npeers: [prod]\nnested: { n: 1 }\n"),
            write("a.json", JSON.stringify(data)),
            write("a.ts", `const model: Record<string, unknown> = ${JSON.stringify(data)};\nexport default model;\n`),
            write("b.ts", `export const model = ${JSON.stringify(data)};\n`),
            write("a.js", `exports.default = ${JSON.stringify(data)};\n`),
        ]) {
            expect(readModelFile("dev", file), path.basename(file)).toStrictEqual(data);
        }
    });

    it("reads an empty JSON file as no model at all", () => {
        expect(readModelFile("dev", write("empty.json", "  \n"))).toBeUndefined();
    });

    it("names a file it cannot parse with the parser's first line, and one whose extension it does not read", () => {
        expect(() => readModelFile("dev", write("bad.yaml", "a: [1,\n"))).toThrow(/^Stack "dev": .*bad\.yaml has 1 problem:\n {2}- \(model\): cannot be read \([^\n]*\); fix its syntax$/);
        expect(() => readModelFile("dev", write("bad.json", "{"))).toThrow(/cannot be read \(.*JSON.*\); fix its syntax/);
        expect(() => readModelFile("dev", write("a.toml", "x = 1"))).toThrow('has an unsupported extension ".toml"; use .ts, .json or .yaml');
    });

    it("names the shipped stacks for a model file that does not exist, wherever it was looked for", () => {
        const shipped = fs.readdirSync(STACKS_DIR).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3));
        expect(shipped).toEqual(expect.arrayContaining(["dev", "prod"]));
        const empty = fs.mkdtempSync(path.join(dir, "empty-"));
        for (const file of [path.join(STACKS_DIR, "qa.ts"), path.join(dir, "nowhere", "qa.ts"), path.join(empty, "qa.ts")]) {
            expect(() => readModelFile("qa", file)).toThrow(new RegExp(`no model file here; create it, or name another: the shipped stacks are ${shipped.join(", ")} \\(stacks/<stack>\\.ts\\)$`));
        }
    });

    it("names the model files beside a missing one, where that folder holds any", () => {
        const own = fs.mkdtempSync(path.join(dir, "own-"));
        for (const name of ["edge.ts", "old.tsx.ts", "qa.yaml", "notes.md"]) fs.writeFileSync(path.join(own, name), "");
        expect(() => readModelFile("qa", path.join(own, "qa.json"))).toThrow(/the shipped stacks are dev, prod \(stacks\/<stack>\.ts\); beside it: edge\.ts, old\.tsx\.ts, qa\.yaml$/);
    });

    it("names the file relative to the working directory, in a read error and a validation error alike", () => {
        const unreadable = write("rel.yaml", "a: [1,\n");
        expect(() => readModelFile("dev", unreadable)).toThrow(`Stack "dev": ${path.relative(process.cwd(), unreadable)} has 1 problem:`);
        const invalid = write("rel.json", "{}");
        expect(() => loadModel("dev", invalid)).toThrow(`Stack "dev": ${path.relative(process.cwd(), invalid)} has `);
    });

    describe("the .ts loader, which tsx replaces the first time a process loads a model", () => {
        const extensions = require.extensions;
        const tsxLoader = () => undefined;
        /** load.ts loaded afresh over a tsx that replaces the loader, as it does on its first load. */
        function readWithFreshTsx(file: string): Promise<unknown> {
            const tsx = () => ({
                require: () => {
                    extensions[".ts"] = tsxLoader;
                    return { default: {} };
                },
            });
            const load = importAfresh<typeof import("../../model/load.js")>(path.join(__dirname, "..", "..", "model", "load.ts"), { mocks: { "tsx/cjs/api": tsx } });
            return load.then(({ readModelFile: read }) => read("dev", file));
        }
        const original = extensions[".ts"];
        afterEach(() => {
            if (original) extensions[".ts"] = original;
            else delete extensions[".ts"];
        });

        it("puts back the one the process had, as pulumi up's ts-node needs", async () => {
            const tsNode = () => undefined;
            extensions[".ts"] = tsNode;
            expect(await readWithFreshTsx(write("c.ts", "export default {};\n"))).toStrictEqual({});
            expect(extensions[".ts"]).toBe(tsNode);
        });

        it("keeps tsx's where the process had none", async () => {
            delete extensions[".ts"];
            await readWithFreshTsx(write("d.ts", "export default {};\n"));
            expect(extensions[".ts"]).toBe(tsxLoader);
        });
    });
});
