import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { CONFIG_KEYS } from "../../model/config";
import { ROOT } from "../harness";

const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, { type: string; secret?: boolean; default?: string; description: string }> };
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

describe("Pulumi.yaml", () => {
    it("is the gitops project and declares exactly the keys the program reads", () => {
        expect(project.name).toBe("gitops");
        expect(Object.keys(project.config).sort()).toStrictEqual(Object.keys(CONFIG_KEYS).sort());
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

    it.each(Object.keys(CONFIG_KEYS))("%s is in the README's config reference", (key) => {
        expect(readme).toMatch(new RegExp(`^\\| \`${key}\` \\|`, "m"));
    });
});
