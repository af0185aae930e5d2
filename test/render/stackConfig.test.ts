import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { demoConfigFile, offlineStackConfig } from "../../render/stackConfig";
import { temporaryDirs } from "../helpers/tmp";

const tmp = temporaryDirs("stack-config-");

function tempYaml(content: string): string {
    const file = path.join(tmp(), "config.yaml");
    fs.writeFileSync(file, content);
    return file;
}

describe("offlineStackConfig", () => {
    it("uses the demo config while the stack has no config of its own", () => {
        const config = offlineStackConfig("dev");
        expect(config.demoFile).toBe(demoConfigFile("dev"));
        expect(config.values["gitops:argocdSlackToken"]).toMatch(/^xoxb-demo-/);
    });

    it("layers a config file over the demo config while the stack has none of its own", () => {
        const config = offlineStackConfig("dev", tempYaml("gitops:alertmanagerSlackWebhook: http://127.0.0.1:9/hook\n"));
        expect(config.demoFile).toBe(demoConfigFile("dev"));
        expect(config.values).toStrictEqual({ ...offlineStackConfig("dev").values, "gitops:alertmanagerSlackWebhook": "http://127.0.0.1:9/hook" });
    });

    it("names each encrypted value and says how to pass it", () => {
        const file = tempYaml("gitops:argocdSlackWebhook:\n  secure: v1:AAAA\ngitops:rolloutsSlackToken:\n  secure: v1:BBBB\n");
        expect(() => offlineStackConfig("dev", file)).toThrow(/gitops:argocdSlackWebhook: is encrypted .*--config-file[\s\S]*gitops:rolloutsSlackToken: is encrypted/);
    });

    it("refuses a stack name that is a path, or dots alone, before reading any file", () => {
        for (const stack of ["../x", "a/b", "..", ".", "x\\y", ""]) {
            expect(() => offlineStackConfig(stack), stack).toThrow(`Stack "${stack}": the command line has 1 problem:\n  - --stack: "${stack}" is not a stack name: use the short name of a stack of this project (letters, digits, '-', '_' and '.'), such as prod`);
        }
        expect(() => offlineStackConfig("dev.v2")).toThrow(/Pulumi\.dev\.v2\.yaml: does not exist/);
    });

    it("names the stacks that exist when the stack file is missing", () => {
        expect(() => offlineStackConfig("staging")).toThrow(/Pulumi\.staging\.yaml: does not exist; use one of: dev, prod/);
    });

    it("refuses a key of a config file that the project does not declare, naming the closest, instead of using the demo value", () => {
        const file = tempYaml("alertmanagerSlackWebhook: http://127.0.0.1:9/hook\ngitops:alertmanagerSlackWebhok: http://127.0.0.1:9/hook\nkubernetes:context: kind\n");
        expect(() => offlineStackConfig("dev", file)).toThrow(
            [
                `Stack "dev": ${file} has 3 problems:`,
                `  - alertmanagerSlackWebhook: is not a config key: they are written gitops:<name>; did you mean gitops:alertmanagerSlackWebhook? Rename it to gitops:alertmanagerSlackWebhook in ${file}, or remove it.`,
                `  - gitops:alertmanagerSlackWebhok: is not a config key of this project (Pulumi.yaml declares none by that name); did you mean gitops:alertmanagerSlackWebhook? Rename it to gitops:alertmanagerSlackWebhook in ${file}, or remove it.`,
                `  - kubernetes:context: is read by nothing: the program's Kubernetes provider and parts are configured by gitops: keys alone; did you mean gitops:kubeContext? Rename it to gitops:kubeContext in ${file}, or remove it.`,
            ].join("\n"),
        );
    });

    it("rejects a config file that is not a mapping", () => {
        for (const content of ["- a\n- b\n", "just text\n"]) expect(() => offlineStackConfig("dev", tempYaml(content))).toThrow(/must be a YAML mapping of config keys/);
    });

    describe("in a project of its own", () => {
        /** A project folder with these files (relative path to content), its Pulumi.yaml declaring the keys its stacks use. */
        function project(files: Record<string, string>): string {
            const dir = tmp();
            const declared = ["kubeContext", "replicas", "tags", "z", "a", "plain"];
            files = { "Pulumi.yaml": `name: gitops\nconfig:\n${declared.map((key) => `  ${key}: { type: string }\n`).join("")}`, ...files };
            for (const [file, content] of Object.entries(files)) {
                fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
                fs.writeFileSync(path.join(dir, file), content);
            }
            return dir;
        }

        it("reads the stack's own config, as strings, and no demo config once it has a gitops key", () => {
            const dir = project({ "Pulumi.qa.yaml": "config:\n  gitops:kubeContext: kind-qa\n  gitops:replicas: 3\n  gitops:tags: [a, b]\n", "demo/qa.yaml": "gitops:kubeContext: demo\n" });
            expect(offlineStackConfig("qa", undefined, undefined, dir)).toStrictEqual({ values: { "gitops:kubeContext": "kind-qa", "gitops:replicas": "3", "gitops:tags": '["a","b"]' }, demoFile: undefined });
        });

        it("uses the demo config when the stack sets only Pulumi's own keys, and an empty file as no keys", () => {
            const dir = project({ "Pulumi.qa.yaml": "config:\n  pulumi:tags: {}\n", "demo/qa.yaml": "gitops:kubeContext: demo\n", "empty.yaml": "" });
            expect(offlineStackConfig("qa", undefined, undefined, dir)).toStrictEqual({ values: { "pulumi:tags": "{}", "gitops:kubeContext": "demo" }, demoFile: path.join(dir, "demo", "qa.yaml") });
            expect(offlineStackConfig("qa", path.join(dir, "empty.yaml"), undefined, dir)).toStrictEqual({ values: { "pulumi:tags": "{}", "gitops:kubeContext": "demo" }, demoFile: path.join(dir, "demo", "qa.yaml") });
            for (const nothing of ["", "~\n"]) expect(offlineStackConfig("qa", undefined, undefined, project({ "Pulumi.qa.yaml": nothing }))).toStrictEqual({ values: {}, demoFile: undefined });
        });

        it("refuses a key of the stack's own file that the project does not declare, Pulumi's own keys aside", () => {
            const dir = project({ "Pulumi.qa.yaml": "config:\n  gitops:kubeContex: kind-qa\n  pulumi:tags: {}\n" });
            expect(() => offlineStackConfig("qa", undefined, undefined, dir)).toThrow(/^Stack "qa": Pulumi\.qa\.yaml has 1 problem:\n {2}- gitops:kubeContex: is not a config key of this project .*did you mean gitops:kubeContext\? Rename it to gitops:kubeContext in Pulumi\.qa\.yaml, or remove it\.$/);
        });

        it("reads only the keys asked for, so others may stay encrypted, and names the encrypted ones in order", () => {
            const dir = project({ "Pulumi.qa.yaml": "config:\n  gitops:z:\n    secure: v1:Z\n  gitops:a:\n    secure: v1:A\n  gitops:plain: p\n" });
            expect(offlineStackConfig("qa", undefined, ["gitops:plain"], dir).values).toStrictEqual({ "gitops:plain": "p" });
            expect(() => offlineStackConfig("qa", undefined, undefined, dir)).toThrow(/^Stack "qa": Pulumi\.qa\.yaml has 2 problems:\n {2}- gitops:a: is encrypted[^\n]*\n {2}- gitops:z: is encrypted/);
        });

        it("names the stacks that exist, by their Pulumi.<stack>.yaml files only, and a file it cannot read", () => {
            const dir = project({ "Pulumi.a.yaml": "", "Pulumi.b.yaml": "", "xPulumi.c.yaml": "", "Pulumi.d.yaml.bak": "", "bad.yaml": "a: [1,\n" });
            expect(() => offlineStackConfig("qa", undefined, undefined, dir)).toThrow('Stack "qa": the stack config has 1 problem:\n  - Pulumi.qa.yaml: does not exist; use one of: a, b, or create it with `pulumi stack init qa`');
            // The YAML parser's reason, its first line only.
            expect(() => offlineStackConfig("a", path.join(dir, "bad.yaml"), undefined, dir)).toThrow(/bad\.yaml: cannot be read \([^\n]{12,}\)$/);
        });
    });
});
