/**
 * Every SealedSecret the program registers, opened by the independent test decryption with the
 * demo key: it must give back exactly the configured values, and only for its own namespace and name.
 */
import * as yaml from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { PREVIEW_ANNOTATION, SECRET_PLACEHOLDER } from "../core/objects";
import { renderTree } from "../render/tree";
import { demoConfig, demoKeyPem, ofType, type ProgramRun, runProgram } from "./harness";
import { shippedConfig, STACKS, TOPOLOGIES } from "./helpers/models";
import { unseal } from "./helpers/unseal";

const SEALED = "kubernetes:bitnami.com/v1alpha1:SealedSecret";

/** Every sealed value as `namespace/name/key` to plaintext. */
function opened(run: ProgramRun): Record<string, string> {
    const out: Record<string, string> = {};
    for (const s of ofType(run, SEALED)) {
        const { namespace, name } = s.inputs.metadata;
        for (const [key, value] of Object.entries(s.inputs.spec.encryptedData as Record<string, string>)) out[`${namespace}/${name}/${key}`] = unseal(demoKeyPem, namespace, name, value);
    }
    return out;
}

describe.each(TOPOLOGIES.flatMap((topology) => STACKS.map((stack) => [stack, topology] as const)))("the SealedSecrets of the %s stack (%s)", (stack, topology) => {
    const config = shippedConfig(stack, topology);
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runProgram(stack, config);
    });

    it("decrypt to exactly the configured values", () => {
        const plain = opened(run);
        if (stack === "prod" || topology === "dedicated") {
            expect(plain["argocd/argocd-notifications-secret/slack-webhook"]).toBe(config["gitops:argocdSlackWebhook"]);
            expect(plain["argocd/argocd-notifications-secret/slack-token"]).toBe(config["gitops:argocdSlackToken"]);
            expect(plain["argo-rollouts/argo-rollouts-notification-secret/slack-token"]).toBe(config["gitops:rolloutsSlackToken"]);
        }
        const amConfig = yaml.load(plain[`monitoring-${stack}/alertmanager-config-${stack}/alertmanager.yaml`]) as any;
        const slack = amConfig.receivers.find((r: any) => r.name === `slack-${stack}`);
        expect(slack.slack_configs[0].api_url).toBe(config["gitops:alertmanagerSlackWebhook"]);
        // prod's heartbeat URL, sealed with the rest; dev drops Watchdog and has no switch.
        const heartbeat = amConfig.receivers.find((r: any) => r.name === `deadmansswitch-${stack}`);
        if (stack === "prod") expect(heartbeat.webhook_configs).toStrictEqual([{ url: config["gitops:alertmanagerDeadMansSwitchUrl"], send_resolved: false }]);
        else expect(heartbeat).toBeUndefined();
        expect(plain[`monitoring-${stack}/monitoring-${stack}-grafana-admin/admin-user`]).toBe("admin");
        // Generated passwords are letters and digits, which nothing that reads them has to quote:
        // Redis takes its password on its command line and its health check in a shell.
        expect(plain[`monitoring-${stack}/monitoring-${stack}-grafana-admin/admin-password`]).toMatch(/^[A-Za-z0-9]{32}$/);
        if (stack === "prod" || topology === "dedicated") expect(plain["argocd/argocd-redis/auth"]).toMatch(/^[A-Za-z0-9]{32}$/);
    });

    it("preview what they hold, the secret values replaced: decrypted, each preview is what was sealed", () => {
        const plain = opened(run);
        const previews = ofType(run, SEALED).flatMap((s) =>
            Object.entries((s.inputs.metadata.annotations ?? {}) as Record<string, string>)
                .filter(([k]) => k.startsWith(PREVIEW_ANNOTATION))
                .map(([k, text]) => [`${s.inputs.metadata.namespace}/${s.inputs.metadata.name}/${k.slice(PREVIEW_ANNOTATION.length)}`, text] as const),
        );
        expect(previews.map(([key]) => key).sort()).toStrictEqual([`monitoring-${stack}/alertmanager-config-${stack}/alertmanager.yaml`, `monitoring-${stack}/monitoring-${stack}-grafana-admin/admin-user`]);
        // The receivers' secrets: the Slack webhook, and prod's PagerDuty routing key and heartbeat URL.
        const secrets = new Set(Object.values(config));
        /** The sealed content with the secret's own values replaced: YAML compared as data. */
        const redacted = (key: string) => {
            if (!key.endsWith(".yaml")) return plain[key];
            const replace = (v: unknown): unknown =>
                typeof v === "string" && secrets.has(v) ? SECRET_PLACEHOLDER : Array.isArray(v) ? v.map(replace) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)])) : v;
            return replace(yaml.load(plain[key]));
        };
        for (const [key, text] of previews) {
            expect(key.endsWith(".yaml") ? yaml.load(text) : text, key).toStrictEqual(redacted(key));
            for (const secret of Object.values(config).filter((v) => !v.includes("BEGIN CERTIFICATE") && !v.startsWith("kind-"))) expect(text, key).not.toContain(secret);
        }
        expect(previews.find(([key]) => key.endsWith("alertmanager.yaml"))?.[1]).toContain(SECRET_PLACEHOLDER);
    });

    it("do not decrypt for another namespace or another name (strict scope)", () => {
        for (const s of ofType(run, SEALED)) {
            const { namespace, name } = s.inputs.metadata;
            const [value] = Object.values(s.inputs.spec.encryptedData as Record<string, string>);
            expect(() => unseal(demoKeyPem, "default", name, value)).toThrow();
            expect(() => unseal(demoKeyPem, namespace, `${name}-copy`, value)).toThrow();
        }
    });
});

describe("changing one secret value", () => {
    it("changes exactly one rendered object", async () => {
        const before = await renderTree((await runProgram("prod", demoConfig("prod"))).resources);
        const after = await renderTree((await runProgram("prod", { ...demoConfig("prod"), "gitops:rolloutsSlackToken": "xoxb-rotated" })).resources);
        const changed = [...before.files.keys()].filter((file) => before.files.get(file) !== after.files.get(file));
        expect(changed).toStrictEqual(["argo-rollouts/sealedsecret/argo-rollouts-notification-secret.yaml"]);
        expect([...after.files.keys()]).toStrictEqual([...before.files.keys()]);
    });
});
