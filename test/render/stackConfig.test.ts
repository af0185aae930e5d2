import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { demoConfigFile, offlineStackConfig } from "../../render/stackConfig";

function tempYaml(content: string): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "stack-config-")), "config.yaml");
    fs.writeFileSync(file, content);
    return file;
}

describe("offlineStackConfig", () => {
    it("uses the demo config while the stack has no config of its own", () => {
        const config = offlineStackConfig("dev");
        expect(config.demoFile).toBe(demoConfigFile("dev"));
        expect(config.values["gitops:argocdSlackToken"]).toMatch(/^xoxb-demo-/);
    });

    it("layers a config file instead of the demo config", () => {
        const config = offlineStackConfig("dev", tempYaml("gitops:alertmanagerSlackWebhook: http://127.0.0.1:9/hook\n"));
        expect(config).toStrictEqual({ values: { "gitops:alertmanagerSlackWebhook": "http://127.0.0.1:9/hook" }, demoFile: undefined });
    });

    it("names each encrypted value and says how to pass it", () => {
        const file = tempYaml("gitops:argocdSlackWebhook:\n  secure: v1:AAAA\ngitops:rolloutsSlackToken:\n  secure: v1:BBBB\n");
        expect(() => offlineStackConfig("dev", file)).toThrow(/gitops:argocdSlackWebhook: is encrypted .*--config-file[\s\S]*gitops:rolloutsSlackToken: is encrypted/);
    });

    it("names the stacks that exist when the stack file is missing", () => {
        expect(() => offlineStackConfig("staging")).toThrow(/Pulumi\.staging\.yaml: does not exist; use one of: dev, prod/);
    });

    it("rejects a config file that is not a mapping", () => {
        expect(() => offlineStackConfig("dev", tempYaml("- a\n- b\n"))).toThrow(/must be a YAML mapping of config keys/);
    });
});
