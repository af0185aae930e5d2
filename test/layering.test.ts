/**
 * The layers import downwards only: `model/` (what a stack says) knows nothing of `core/` (what
 * it becomes), and `core/` nothing of `components/` (how it is registered). Shared helpers live in `lib/`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./harness";

/** The .ts files under `dir`, and every relative import of theirs as a path from the project root. */
function importsUnder(dir: string): { files: string[]; imports: { file: string; target: string }[] } {
    const files = fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts")).map((f) => path.join(dir, f));
    const imports = files.flatMap((file) =>
        [...fs.readFileSync(path.join(ROOT, file), "utf8").matchAll(/from "(\.[^"]+)"/g)].map((m) => ({ file, target: path.relative(ROOT, path.resolve(ROOT, path.dirname(file), m[1])) })),
    );
    return { files, imports };
}

describe.each([
    ["model", ["core", "components", "render", "stacks"]],
    ["lib", ["model", "core", "components", "render", "sealing", "stacks"]],
    ["core", ["components", "render", "stacks"]],
    ["sealing", ["model", "core", "components", "render"]],
])("%s/", (layer, forbidden) => {
    it(`imports nothing from ${forbidden.join(", ")}`, () => {
        const { files, imports } = importsUnder(layer);
        expect(files.length).toBeGreaterThan(0);
        const upward = imports.filter(({ target }) => forbidden.some((f) => target === f || target.startsWith(`${f}/`)));
        expect(upward).toStrictEqual([]);
    });
});

/** The modules `entry` loads when it runs: its relative imports, transitively, but type-only ones (erased). */
function loadedFrom(entry: string): string[] {
    const seen = new Set<string>();
    const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        for (const m of fs.readFileSync(path.join(ROOT, file), "utf8").matchAll(/^import (?!type )[^;]*? from "(\.[^"]+)";$/gms)) visit(`${path.relative(ROOT, path.resolve(ROOT, path.dirname(file), m[1]))}.ts`);
    };
    visit(entry);
    return [...seen];
}

describe("npm run diff", () => {
    it("starts without loading the Pulumi SDK (a second of every render's start): no module it loads imports @pulumi/", () => {
        const loaded = loadedFrom("render/diffCli.ts");
        expect(loaded).toContain("render/diffRun.ts");
        expect(loaded.filter((file) => /^import (?!type )[^;]*? from "@pulumi\//ms.test(fs.readFileSync(path.join(ROOT, file), "utf8")))).toStrictEqual([]);
    });
});
