import * as crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { type ConfigKey, readPlatformConfig } from "../../model/config";
import { validateModel } from "../../model/validate";
import dev from "../../stacks/dev";
import { demoConfig } from "../harness";

const model = validateModel("dev", "stacks/dev.ts", dev);

/** Reads config from a `gitops:<key>` map as index.ts does. */
function read(config: Record<string, string | undefined>, now?: Date) {
    return readPlatformConfig("dev", model, (key: ConfigKey) => config[`gitops:${key}`], now);
}

function messageOf(config: Record<string, string | undefined>, now?: Date): string {
    try {
        read(config, now);
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("expected the config to be rejected");
}

describe("readPlatformConfig", () => {
    it("accepts the demo config and recognises its certificate as the demo one", () => {
        const config = read(demoConfig("dev"));
        expect(config.usesDemoCertificate).toBe(true);
        expect(Object.keys(config.secrets).sort()).toStrictEqual(["alertmanagerSlackWebhook", "argocdSlackToken", "argocdSlackWebhook", "rolloutsSlackToken"]);
    });

    it("lists every missing key at once, each with the command that sets it", () => {
        const message = messageOf({});
        for (const key of ["alertmanagerSlackWebhook", "argocdSlackWebhook", "argocdSlackToken", "rolloutsSlackToken"]) {
            expect(message).toContain(`gitops:${key}: is not set`);
            expect(message).toContain(`pulumi config set --secret gitops:${key} <value>`);
        }
        expect(message).toMatch(/gitops:sealingCertificate: is not set: fetch the controller's certificate with `kubeseal --fetch-cert/);
    });

    it("rejects a webhook that is not an http(s) URL without echoing the value", () => {
        const message = messageOf({ ...demoConfig("dev"), "gitops:argocdSlackWebhook": "ftp://hooks.example/secret-part" });
        expect(message).toMatch(/gitops:argocdSlackWebhook: is not an http\(s\) URL/);
        expect(message).not.toContain("secret-part");
    });

    it("rejects an expired certificate and a key of another pair, naming the keys", () => {
        expect(messageOf(demoConfig("dev"), new Date("2100-01-01"))).toMatch(/gitops:sealingCertificate: expired on/);
        const other = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }) as string;
        expect(messageOf({ ...demoConfig("dev"), "gitops:sealingKey": other })).toMatch(/gitops:sealingKey: does not match gitops:sealingCertificate/);
        expect(messageOf({ ...demoConfig("dev"), "gitops:sealingCertificate": "not a certificate" })).toMatch(/gitops:sealingCertificate: is not a PEM certificate/);
    });

    it("rejects a short admin password", () => {
        expect(messageOf({ ...demoConfig("dev"), "gitops:argocdAdminPassword": "short" })).toMatch(/gitops:argocdAdminPassword: is shorter than 8/);
    });
});

describe("the demo certificate", () => {
    it("is recognised by fingerprint, even reformatted", () => {
        const reformatted = demoConfig("dev")["gitops:sealingCertificate"].replace(/\n/g, "\r\n");
        expect(read({ ...demoConfig("dev"), "gitops:sealingCertificate": reformatted }).usesDemoCertificate).toBe(true);
    });
});
