/**
 * The controller's retired keys: each gets a certificate the controller can load and never seals
 * with (its NotBefore is older than the active one's), the same bytes every time, and a Secret
 * name that follows the key. Judged by Node's X.509 parser and by what the controller does.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseSealingCertificate } from "../../sealing/certificate";
import { keySecretName, RETIRED_NOT_BEFORE, retiredKeys } from "../../sealing/keys";

const fixture = (file: string) => fs.readFileSync(path.join(__dirname, "..", "fixtures", "sealing", file), "utf8");
const NOW = new Date("2027-01-01T00:00:00Z");
const active = parseSealingCertificate(fixture("rotated.crt"), { now: NOW, privateKeyPem: fixture("rotated.key") });
const testKey = fixture("test.key");
const demoKey = fs.readFileSync(path.join(__dirname, "..", "..", "demo", "sealing.key"), "utf8");

describe("retiredKeys", () => {
    it("gives each retired key a certificate of its own key, valid from before any active one, the same bytes every time", () => {
        const keys = retiredKeys(`${testKey}\n${demoKey}`, active);
        expect(keys).toHaveLength(2);
        for (const [key, pem] of [[keys[0], testKey], [keys[1], demoKey]] as const) {
            const cert = new crypto.X509Certificate(key.certificatePem);
            // The controller reads tls.crt and tls.key as one pair.
            expect(cert.checkPrivateKey(crypto.createPrivateKey(pem))).toBe(true);
            expect(new Date(cert.validFrom).getTime()).toBe(RETIRED_NOT_BEFORE.getTime());
            expect(new Date(cert.validFrom).getTime()).toBeLessThan(active.notBefore.getTime());
            expect(cert.verify(cert.publicKey)).toBe(true);
            expect(crypto.createPrivateKey(key.privateKeyPem).export({ type: "pkcs8", format: "der" })).toStrictEqual(crypto.createPrivateKey(pem).export({ type: "pkcs8", format: "der" }));
        }
        expect(retiredKeys(`${testKey}\n${demoKey}`, active)).toStrictEqual(keys);
    });

    it("names a key's Secret after its public key: the same name whether the key is active or retired, another for another key", () => {
        const [retired] = retiredKeys(testKey, active);
        expect(retired.secretName).toBe(keySecretName(crypto.createPrivateKey(testKey)));
        expect(retired.secretName).toMatch(/^sealed-secrets-key-[0-9a-f]{12}$/);
        expect(keySecretName(crypto.createPrivateKey(demoKey))).not.toBe(retired.secretName);
    });

    it("refuses what is not a list of RSA private keys, the active key, and a key listed twice, naming the key by its place only", () => {
        const ec = fixture("ec.key");
        const cases: [string, RegExp][] = [
            ["", /is not a list of PEM private keys/],
            [`${testKey}\nleft over`, /is not a list of PEM private keys/],
            [fixture("test.crt"), /is not a list of PEM private keys/],
            [testKey.replace(/\n[A-Za-z0-9+/]{20}/, "\n!!!!"), /key 1 is not a readable PEM private key/],
            [`${testKey}${ec}`, /key 2 is not an RSA key/],
            [`${testKey}${fixture("rotated.key")}`, /key 2 is the active key \(gitops:sealingKey\)/],
            [`${testKey}${demoKey}${testKey}`, /key 3 is listed twice/],
        ];
        for (const [value, message] of cases) {
            let thrown: unknown;
            try {
                retiredKeys(value, active);
            } catch (e) {
                thrown = e;
            }
            expect(thrown, value.slice(0, 40)).toMatchObject({ configKey: "gitops:sealingRetiredKeys", message: expect.stringMatching(message) });
            expect((thrown as Error).message).toMatch(/pulumi config set --secret gitops:sealingRetiredKeys/);
            expect((thrown as Error).message).not.toContain("PRIVATE KEY");
        }
    });

    it("refuses an active certificate that is not newer than the retired keys' certificates, since the controller would seal with either", () => {
        const old = { ...active, notBefore: new Date("1999-01-01T00:00:00Z") };
        expect(() => retiredKeys(testKey, old)).toThrow(expect.objectContaining({ configKey: "gitops:sealingCertificate", message: expect.stringMatching(/^is valid from 1999-01-01T00:00:00.000Z, not after 2000-01-01T00:00:00.000Z.*npm run keygen/) }));
    });
});
