/**
 * The secret values a model names, judged as cert-manager's CA issuer would load them, and the
 * private keys of demo/ recognised however they are encoded.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readPlatformConfig } from "../../model/config";
import { demoKeysIn } from "../../model/secretValues";
import { demoConfig, ROOT } from "../harness";
import { stackModel, validationOf } from "../helpers/models";

const read = (...file: string[]) => fs.readFileSync(path.join(ROOT, ...file), "utf8");
const tls = (file: string) => read("test", "fixtures", "tls", file);
const owner = stackModel("prod");

/** The problems of prod's config with the CA pair replaced, by config key. */
function problemsWith(certificate: string, key: string): [string, string][] {
    const config: Record<string, string> = { ...demoConfig("prod"), "gitops:tlsCaCertificate": certificate, "gitops:tlsCaKey": key };
    return validationOf(() => readPlatformConfig("prod", owner, (k) => config[`gitops:${k}`])).problems;
}

describe("a CA issuer's key pair", () => {
    it("is accepted when it is a CA and its key", () => {
        expect(problemsWith(tls("ca.crt"), tls("ca.key"))).toStrictEqual([]);
    });

    it("is refused when the certificate is not a CA, as cert-manager's CA issuer refuses it", () => {
        const problems = problemsWith(tls("leaf.crt"), tls("leaf.key"));
        expect(problems.map(([at]) => at)).toStrictEqual(["gitops:tlsCaCertificate"]);
        expect(problems[0][1]).toMatch(/is not a CA certificate .*ClusterIssuer "platform-ca" \(clusterWide\.certManager\.issuers\[0\]\.ca\)/);
    });

    it("is refused when the key is another's, or either is not PEM, naming the key and never the value", () => {
        expect(problemsWith(tls("ca.crt"), tls("leaf.key"))).toStrictEqual([
            ["gitops:tlsCaKey", expect.stringMatching(/^is not the private key of gitops:tlsCaCertificate \(clusterWide\.certManager\.issuers\[0\]\.ca\)/)],
        ]);
        const garbled = problemsWith("not a certificate", "not a key");
        expect(garbled).toStrictEqual([["gitops:tlsCaCertificate", expect.stringMatching(/^is not a PEM certificate, but clusterWide\.certManager\.issuers\[0\]\.ca\.certificate names it as the CA certificate of ClusterIssuer "platform-ca"/)]]);
        expect(problemsWith(tls("ca.crt"), "not a key")).toStrictEqual([["gitops:tlsCaKey", expect.stringMatching(/^is not a PEM private key, but clusterWide\.certManager\.issuers\[0\]\.ca\.key names it as the key of ClusterIssuer "platform-ca"/)]]);
    });

    it("is not judged while either is unset: that is reported as unset alone", () => {
        for (const [certificate, key] of [["", tls("ca.key")], [tls("ca.crt"), ""]]) {
            const problems = problemsWith(certificate, key);
            expect(problems).toStrictEqual([[expect.stringMatching(/^gitops:tlsCa/), expect.stringMatching(/^is not set/)]]);
        }
    });
});

describe("demoKeysIn", () => {
    const demoCaKey = read("demo", "ca.key");

    it("finds the private keys demo/ publishes, in any encoding, and nothing else", () => {
        const reencoded = crypto.createPrivateKey(read("demo", "sealing.key")).export({ type: "pkcs1", format: "pem" }) as string;
        expect(demoKeysIn({ tlsCaKey: demoCaKey, sealingKey: reencoded, ownKey: tls("ca.key"), webhook: "https://hooks.example.com/x", unset: undefined })).toStrictEqual(["sealingKey", "tlsCaKey"]);
    });

    it("is what pulumi up refuses: the demo config holds the demo CA's key", () => {
        const config = demoConfig("prod");
        expect(readPlatformConfig("prod", owner, (k) => config[`gitops:${k}`]).demoKeys).toStrictEqual(["tlsCaKey"]);
    });
});
