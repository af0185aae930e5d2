import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import fleetHub from "../../examples/fleet/hub";
import { CONFIG_KEYS, configReferences } from "../../model/config";
import { ROOT } from "../harness";
import { STACKS, stackModel, TOPOLOGIES } from "../helpers/models";

const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, { type: string; secret?: boolean; default?: string; description: string }> };
/** The config reference the guides keep. */
const reference = fs.readFileSync(path.join(ROOT, "docs", "model.md"), "utf8");

describe("Pulumi.yaml", () => {
    /** The secrets the shipped models name, in either topology, and the example fleet's hub (its spokes name none of their own). */
    const models = [...TOPOLOGIES.flatMap((topology) => STACKS.map((stack) => stackModel(stack, topology))), fleetHub];
    const named = [...new Set(models.flatMap((model) => configReferences(model).map((r) => r.key)))].sort();

    it("is the gitops project and declares exactly the keys the program reads and the secrets the shipped and example models name", () => {
        expect(project.name).toBe("gitops");
        expect(named.length).toBeGreaterThan(3);
        expect(Object.keys(project.config).sort()).toStrictEqual([...Object.keys(CONFIG_KEYS), ...named].sort());
    });

    it.each(named.map((key) => [key]))("declares %s, a secret the models name, as one that is set with --secret where a model names it", (key) => {
        const declared = project.config[key];
        expect(declared.type).toBe("string");
        // Optional for Pulumi: only a stack whose model names it needs it, and the program says so.
        expect(declared.default).toBe("");
        expect(declared.secret).toBeUndefined();
        expect(declared.description).toMatch(/^Optional, set it with --secret; needed where the model names it/);
    });

    it.each(named.map((key) => [key]))("%s is in the config reference (docs/model.md)", (key) => {
        expect(reference).toMatch(new RegExp(`^\\| \`${key}\` \\|`, "m"));
    });

    it.each(Object.entries(CONFIG_KEYS))("declares %s as the program treats it", (key, spec) => {
        const declared = project.config[key];
        expect(declared.type).toBe("string");
        expect(declared.description.length).toBeGreaterThan(20);
        // Pulumi requires a value for a declared key without a default, and refuses a plaintext
        // value for a secret one: optional keys default to "", required secrets must be encrypted.
        expect(declared.default).toBe(spec.optional ? "" : undefined);
        expect(declared.secret ?? false).toBe(spec.secret && !spec.optional);
        if (spec.optional) expect(declared.description).toMatch(/^Optional/);
    });

    it.each(Object.keys(CONFIG_KEYS))("%s is in the config reference (docs/model.md)", (key) => {
        expect(reference).toMatch(new RegExp(`^\\| \`${key}\` \\|`, "m"));
    });
});
