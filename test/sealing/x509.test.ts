/** The self-signed certificates of sealing keys, judged by Node's own X.509 parser and by parseSealingCertificate. */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseSealingCertificate } from "../../sealing/certificate";
import { selfSignedCertificate } from "../../sealing/x509";

const FIXTURE_KEY = crypto.createPrivateKey(fs.readFileSync(path.join(__dirname, "..", "fixtures", "sealing", "test.key"), "utf8"));

describe("selfSignedCertificate", () => {
    const key = FIXTURE_KEY;

    it("encodes the exact validity, as UTCTime before 2050 and GeneralizedTime from 2050", () => {
        for (const [from, until] of [
            ["2020-02-29T12:34:56Z", "2049-12-31T23:59:59Z"],
            ["2049-12-31T23:59:59Z", "2050-01-01T00:00:00Z"],
        ]) {
            const pem = selfSignedCertificate(key, { commonName: "sealing-test", notBefore: new Date(from), notAfter: new Date(until) });
            const cert = parseSealingCertificate(pem, { now: new Date(from), privateKeyPem: key.export({ type: "pkcs8", format: "pem" }).toString() });
            expect(cert.notAfter.toISOString()).toBe(new Date(until).toISOString());
            expect(new Date(new crypto.X509Certificate(pem).validFrom).toISOString()).toBe(new Date(from).toISOString());
        }
    });

    it("gives every certificate a fresh, positive 128-bit serial and a valid self-signature", () => {
        const options = { commonName: "sealing-test", notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2026-01-01T00:00:00Z") };
        // Half of all random serials have the high bit set: eight make a missed sign byte near certain to show.
        const certs = Array.from({ length: 8 }, () => new crypto.X509Certificate(selfSignedCertificate(key, options)));
        expect(new Set(certs.map((cert) => cert.serialNumber)).size).toBe(8);
        for (const cert of certs) {
            expect(cert.serialNumber).toMatch(/^[0-9A-F]{1,32}$/);
            expect(cert.verify(crypto.createPublicKey(key))).toBe(true);
        }
    });

    it("is the same bytes every time with a fixed serial, which it encodes as a positive number", () => {
        const options = { commonName: "sealed-secret", notBefore: new Date("2000-01-01T00:00:00Z"), notAfter: new Date("2100-01-01T00:00:00Z"), serial: Buffer.alloc(16, 0xab) };
        const pem = selfSignedCertificate(key, options);
        expect(selfSignedCertificate(key, options)).toBe(pem);
        expect(new crypto.X509Certificate(pem).serialNumber).toBe("AB".repeat(16));
        expect(new crypto.X509Certificate(pem).verify(crypto.createPublicKey(key))).toBe(true);
    });

    it("refuses a non-RSA key and a common name it cannot encode", () => {
        const ec = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
        const dates = { notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2026-01-01T00:00:00Z") };
        expect(() => selfSignedCertificate(ec, { commonName: "x", ...dates })).toThrow(/RSA/);
        expect(() => selfSignedCertificate(key, { commonName: "sealed_secret", ...dates })).toThrow(/PrintableString/);
    });
});
