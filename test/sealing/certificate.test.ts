/**
 * The controller certificate and key as they arrive from Pulumi config: what is accepted, and
 * for each refusal, which config key is blamed and what the message tells the user to do.
 * Fixed `now` values keep every test independent of the clock.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { selfSignedCertificate } from "../../sealing/x509";
import { opensslTime, parseSealingCertificate, saltFromPrivateKey, SealingConfigError } from "../../sealing/certificate";

const FIXTURES = path.join(__dirname, "..", "fixtures", "sealing");
const fixture = (file: string) => fs.readFileSync(path.join(FIXTURES, file), "utf8");
const NOW = new Date("2030-01-01T00:00:00Z");

const TEST_CRT = fixture("test.crt");
const TEST_KEY = fixture("test.key");
const CERT_KEY = "gitops:sealingCertificate";
const KEY_KEY = "gitops:sealingKey";
// The pair's advice: the key of this very certificate, stored as a secret.
const STORE_ADVICE = /store the key that belongs to gitops:sealingCertificate with `pulumi config set --secret gitops:sealingKey.*npm run keygen/;
// Messages follow "<configKey>: " in the stack's problem list; their advice names the key.
const FETCH_ADVICE = /kubeseal --fetch-cert > sealing.crt` \(kubeseal finds kube-system\/sealed-secrets-controller by default\).*pulumi config set gitops:sealingCertificate/;

function pkcs1(keyPem: string): string {
    return crypto.createPrivateKey(keyPem).export({ type: "pkcs1", format: "pem" }).toString();
}

/** The SealingConfigError `parse` throws; fails the test if it throws anything else or nothing. */
function configError(parse: () => unknown): SealingConfigError {
    try {
        parse();
    } catch (e) {
        expect(e).toBeInstanceOf(SealingConfigError);
        return e as SealingConfigError;
    }
    throw new Error("expected a SealingConfigError");
}

describe("parseSealingCertificate", () => {
    it("reads the public key, the SHA-256 fingerprint of the DER certificate and notAfter", () => {
        const cert = parseSealingCertificate(TEST_CRT, { now: NOW });
        const reference = new crypto.X509Certificate(TEST_CRT);
        expect(cert.fingerprint).toBe(reference.fingerprint256.replace(/:/g, "").toLowerCase());
        expect(cert.notAfter.toISOString()).toBe("2125-01-01T00:00:00.000Z");
        expect(cert.publicKey.equals(reference.publicKey)).toBe(true);
        expect(cert.pem).toBe(TEST_CRT);
    });

    it("accepts config-mangled PEM (CRLF, indentation, surrounding text) and returns it canonical", () => {
        const mangled = `Bag Attributes: friendlyName\r\n  ${TEST_CRT.trim().replace(/\n/g, "\r\n  ")}\r\n\r\n`;
        const cert = parseSealingCertificate(mangled, { now: NOW });
        expect(cert.pem).toBe(TEST_CRT);
        expect(cert.fingerprint).toBe(parseSealingCertificate(TEST_CRT, { now: NOW }).fingerprint);
    });

    it("accepts the matching private key, as PKCS#8 or PKCS#1", () => {
        expect(() => parseSealingCertificate(TEST_CRT, { now: NOW, privateKeyPem: TEST_KEY })).not.toThrow();
        expect(() => parseSealingCertificate(TEST_CRT, { now: NOW, privateKeyPem: pkcs1(TEST_KEY) })).not.toThrow();
    });

    it.each([
        ["plain text", "not a certificate", "found no PEM block"],
        ["a public key", crypto.createPublicKey(TEST_KEY).export({ type: "spki", format: "pem" }).toString(), 'found "PUBLIC KEY")'],
        ["two certificates", `${TEST_CRT}${fixture("other.crt")}`, 'found "CERTIFICATE", "CERTIFICATE")'],
    ])("says what it found instead of one certificate in %s", (_, pem, found) => {
        expect(configError(() => parseSealingCertificate(pem, { now: NOW })).message).toContain(`(expected one "-----BEGIN CERTIFICATE-----" block, ${found}`);
    });

    it.each([
        ["an empty value", ""],
        ["plain text", "not a certificate"],
        ["a public key", crypto.createPublicKey(TEST_KEY).export({ type: "spki", format: "pem" }).toString()],
        ["two certificates", `${TEST_CRT}${fixture("other.crt")}`],
        ["base64 garbage in a certificate block", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"],
        ["a broken body", TEST_CRT.replace(/\n[A-Za-z0-9+/]{10}/, "\n!!!!!!!!!!")],
    ])("blames gitops:sealingCertificate for %s, and says where to get a certificate", (_, pem) => {
        const error = configError(() => parseSealingCertificate(pem, { now: NOW }));
        expect(error.configKey).toBe(CERT_KEY);
        expect(error.message).toMatch(/^is not a PEM certificate/);
        expect(error.message).toMatch(FETCH_ADVICE);
        expect(error.message).toContain("npm run keygen");
    });

    it("warns, without echoing it, when the certificate value holds a private key", () => {
        const error = configError(() => parseSealingCertificate(`${TEST_CRT}${TEST_KEY}`, { now: NOW }));
        expect(error.configKey).toBe(CERT_KEY);
        expect(error.message).toMatch(/^contains a private key.*plain text.*gitops:sealingKey/);
        const keyBody = TEST_KEY.split("\n")[1];
        expect(error.message).not.toContain(keyBody);
    });

    it("refuses a non-RSA (EC) certificate", () => {
        const error = configError(() => parseSealingCertificate(fixture("ec.crt"), { now: NOW }));
        expect(error.configKey).toBe(CERT_KEY);
        expect(error.message).toMatch(/^holds a non-RSA key \(ec\), but sealed-secrets seals with RSA/);
        expect(error.message).toMatch(FETCH_ADVICE);
    });

    it("refuses a certificate whose key Node.js cannot read, as it would a non-RSA one", () => {
        // The test certificate with its key's algorithm made one no one knows (rsaEncryption's OID, last arc 99).
        const der = new crypto.X509Certificate(TEST_CRT).raw;
        const rsaEncryption = Buffer.from("06092a864886f70d010101", "hex");
        const at = der.indexOf(rsaEncryption);
        expect(der.indexOf(rsaEncryption, at + 1), "the key's algorithm, named once").toBe(-1);
        const unknownKey = Buffer.from(der);
        unknownKey[at + rsaEncryption.length - 1] = 99;
        const pem = `-----BEGIN CERTIFICATE-----\n${unknownKey.toString("base64")}\n-----END CERTIFICATE-----\n`;
        expect(() => new crypto.X509Certificate(pem).publicKey).toThrow();
        const error = configError(() => parseSealingCertificate(pem, { now: NOW }));
        expect(error.configKey).toBe(CERT_KEY);
        expect(error.message).toMatch(/^holds a public key of a type Node.js cannot read, but sealed-secrets seals with RSA/);
        expect(error.message).toMatch(FETCH_ADVICE);
    });

    it("refuses an RSA key under 2048 bits", () => {
        const small = crypto.generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
        const pem = selfSignedCertificate(small, { commonName: "small", notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2125-01-01T00:00:00Z") });
        const error = configError(() => parseSealingCertificate(pem, { now: NOW }));
        expect(error.configKey).toBe(CERT_KEY);
        expect(error.message).toMatch(/^holds a 1024-bit RSA key; at least 2048 bits are required/);
        expect(error.message).toMatch(FETCH_ADVICE);
    });

    it("refuses the expired fixture, naming the date it expired", () => {
        const error = configError(() => parseSealingCertificate(fixture("expired.crt"), { now: NOW }));
        expect(error.configKey).toBe(CERT_KEY);
        expect(error.message).toMatch(/^expired on 2021-01-01T00:00:00.000Z/);
        expect(error.message).toMatch(FETCH_ADVICE);
    });

    it("is valid on the first and the last second of its validity period", () => {
        expect(() => parseSealingCertificate(TEST_CRT, { now: new Date("2025-01-01T00:00:00Z") })).not.toThrow();
        expect(() => parseSealingCertificate(TEST_CRT, { now: new Date("2125-01-01T00:00:00Z") })).not.toThrow();
    });

    it.each([
        ["a character outside base64 before the body", (body: string) => `*${body}`],
        ["one after it", (body: string) => `${body}*`],
        ["padding inside it", (body: string) => `${body.slice(0, 8)}=${body.slice(8)}`],
    ])("refuses a certificate body with %s", (_, edit) => {
        const [begin, ...rest] = TEST_CRT.trim().split("\n");
        const end = rest.pop() as string;
        const error = configError(() => parseSealingCertificate([begin, edit(rest.join("")), end].join("\n"), { now: NOW }));
        expect(error.message).toMatch(/^is not a PEM certificate \(its body is not base64\)/);
    });

    it("judges validity at `now`: the expired fixture was fine in 2020, the test one is not valid before 2025 or after 2125", () => {
        expect(() => parseSealingCertificate(fixture("expired.crt"), { now: new Date("2020-06-01T00:00:00Z") })).not.toThrow();
        expect(configError(() => parseSealingCertificate(TEST_CRT, { now: new Date("2125-01-01T00:00:01Z") })).message).toMatch(/^expired on 2125-01-01/);
        const early = configError(() => parseSealingCertificate(TEST_CRT, { now: new Date("2024-12-31T23:59:59Z") }));
        expect(early.configKey).toBe(CERT_KEY);
        expect(early.message).toMatch(/^is not valid before 2025-01-01T00:00:00.000Z \(check this machine's clock\)/);
    });

    it.each([
        ["garbage", "not a key"],
        ["a certificate", TEST_CRT],
        ["an encrypted key", crypto.createPrivateKey(TEST_KEY).export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "pass" }).toString()],
    ])("blames gitops:sealingKey when it is %s, and says what to store", (_, privateKeyPem) => {
        const error = configError(() => parseSealingCertificate(TEST_CRT, { now: NOW, privateKeyPem }));
        expect(error.configKey).toBe(KEY_KEY);
        expect(error.message).toMatch(/^is not a readable PEM private key/);
        expect(error.message).toMatch(STORE_ADVICE);
    });

    it.each([
        ["another RSA certificate", "other.crt", "test.key"],
        ["an EC key", "test.crt", "ec.key"],
    ])("blames gitops:sealingKey, naming both keys, when the key does not match (%s)", (_, certFile, keyFile) => {
        const error = configError(() => parseSealingCertificate(fixture(certFile), { now: NOW, privateKeyPem: fixture(keyFile) }));
        expect(error.configKey).toBe(KEY_KEY);
        expect(error.message).toMatch(/^does not match gitops:sealingCertificate/);
        expect(error.message).toMatch(STORE_ADVICE);
    });

    it("is an Error named SealingConfigError", () => {
        const error = configError(() => parseSealingCertificate("", { now: NOW }));
        expect(error).toBeInstanceOf(Error);
        expect(error.name).toBe("SealingConfigError");
    });
});

describe("opensslTime", () => {
    const key = crypto.createPrivateKey(TEST_KEY);
    it.each(Array.from({ length: 12 }, (_, month) => month))("reads the validity Node reports for a certificate ending in month %i", (month) => {
        // Single- and double-digit days: OpenSSL pads the day with a space.
        const notBefore = new Date(Date.UTC(2030, month, 3, 4, 5, 6));
        const notAfter = new Date(Date.UTC(2031, month, 28, 23, 59, 58));
        const cert = new crypto.X509Certificate(selfSignedCertificate(key, { commonName: "t", notBefore, notAfter }));
        expect([opensslTime(cert.validFrom), opensslTime(cert.validTo)]).toStrictEqual([notBefore, notAfter]);
    });

    it.each(["2030-11-03T04:05:06Z", "Nov  3 04:05:06 2030", "Nov  3 04:05:06 2030 GMT+1", "xNov  3 04:05:06 2030 GMT", "Foo  3 04:05:06 2030 GMT"])("refuses %j, naming the certificate", (text) => {
        const error = configError(() => opensslTime(text));
        expect(error.configKey).toBe(CERT_KEY);
        expect(error.message).toMatch(/^has a validity period that cannot be read/);
    });
});

describe("saltFromPrivateKey", () => {
    it("is 32 deterministic bytes, whatever the PEM flavour of the key", () => {
        const salt = saltFromPrivateKey(TEST_KEY);
        expect(salt).toHaveLength(32);
        expect(saltFromPrivateKey(TEST_KEY).equals(salt)).toBe(true);
        expect(saltFromPrivateKey(pkcs1(TEST_KEY)).equals(salt)).toBe(true);
    });

    it("differs between keys", () => {
        const other = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
        expect(saltFromPrivateKey(other).equals(saltFromPrivateKey(TEST_KEY))).toBe(false);
        expect(saltFromPrivateKey(fixture("ec.key")).equals(saltFromPrivateKey(TEST_KEY))).toBe(false);
    });

    it("is not a plain hash of the key, which others might also compute", () => {
        const der = crypto.createPrivateKey(TEST_KEY).export({ type: "pkcs8", format: "der" });
        expect(saltFromPrivateKey(TEST_KEY).equals(crypto.createHash("sha256").update(der).digest())).toBe(false);
    });

    it("blames gitops:sealingKey for an unreadable key", () => {
        const error = configError(() => saltFromPrivateKey("not a key"));
        expect(error.configKey).toBe(KEY_KEY);
        expect(error.message).toMatch(/^is not a readable PEM private key/);
        expect(error.message).toMatch(STORE_ADVICE);
    });
});
