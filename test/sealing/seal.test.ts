/**
 * Sealing, judged by the independent `unseal` helper (the controller's decryption, written from
 * the format): round trips, strict scope, determinism and what the derived randomness depends on.
 * Test values are synthetic; no test logs or snapshots them.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSealingCertificate, type SealingCertificate } from "../../sealing/certificate";
import { type SealScope, sealData, sealValue } from "../../sealing/seal";
import { demoCertificatePem, demoKeyPem } from "../harness";
import { openSeal, unseal } from "../helpers/unseal";

const FIXTURES = path.join(__dirname, "..", "fixtures", "sealing");
const fixture = (file: string) => fs.readFileSync(path.join(FIXTURES, file), "utf8");
const NOW = new Date("2030-01-01T00:00:00Z");

const KEY = fixture("test.key");
const CERT = parseSealingCertificate(fixture("test.crt"), { now: NOW, privateKeyPem: KEY });
const OTHER_CERT = parseSealingCertificate(fixture("other.crt"), { now: NOW });
const SALT = crypto.createHash("sha256").update("test salt one").digest();
const OTHER_SALT = crypto.createHash("sha256").update("test salt two").digest();
const SCOPE: SealScope = { namespace: "monitoring", name: "alertmanager-config" };

const RUNS = { numRuns: 60 };
const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?$/);
const secretName = fc.array(dnsLabel, { minLength: 1, maxLength: 3 }).map((labels) => labels.join("."));
const dataKey = fc.stringMatching(/^[-._a-zA-Z0-9]{1,20}$/).filter((key) => key !== "." && !key.startsWith(".."));
// Any code point, including NUL, a BOM and astral characters (never a lone surrogate).
const value = fc.string({ unit: "binary", maxLength: 40 });
const inputs = fc.record({ namespace: dnsLabel, name: secretName, dataKey, value });

function bytes(ciphertext: string): Buffer {
    return Buffer.from(ciphertext, "base64");
}

/** The length prefix and the RSA part, which the derived OAEP seed and session key determine. */
function rsaPart(ciphertext: string): Buffer {
    const raw = bytes(ciphertext);
    return raw.subarray(0, 2 + raw.readUInt16BE(0));
}

/** The AES part, which the derived session key and the value determine. */
function aesPart(ciphertext: string): Buffer {
    const raw = bytes(ciphertext);
    return raw.subarray(2 + raw.readUInt16BE(0));
}

describe("sealValue", () => {
    it("decrypts with the independent unseal to the exact value, for its namespace and name only", () => {
        fc.assert(
            fc.property(inputs, ({ namespace, name, dataKey, value }) => {
                const sealed = sealValue(CERT, SALT, { namespace, name }, dataKey, value);
                expect(unseal(KEY, namespace, name, sealed)).toBe(value);
                expect(() => unseal(KEY, `${namespace}x`, name, sealed)).toThrow();
                expect(() => unseal(KEY, namespace, `${name}x`, sealed)).toThrow();
            }),
            RUNS,
        );
    });

    it("binds to the namespace and the name separately, not to their concatenation", () => {
        const sealed = sealValue(CERT, SALT, { namespace: "ab", name: "c" }, "k", "v");
        expect(() => unseal(KEY, "a", "bc", sealed)).toThrow();
        expect(() => unseal(KEY, "c", "ab", sealed)).toThrow();
    });

    it("lays out uint16 length || RSA part || AES part (ciphertext and tag), in standard padded base64", () => {
        for (const plaintext of ["", "a", "ab", "abc", "x".repeat(1000)]) {
            const sealed = sealValue(CERT, SALT, SCOPE, "k", plaintext);
            const raw = bytes(sealed);
            expect(raw.readUInt16BE(0)).toBe(256);
            expect(raw.length).toBe(2 + 256 + Buffer.byteLength(plaintext) + 16);
            expect(sealed).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
            expect(raw.toString("base64")).toBe(sealed);
            expect(unseal(KEY, SCOPE.namespace, SCOPE.name, sealed)).toBe(plaintext);
        }
    });

    it("seals for the committed 4096-bit demo pair", () => {
        const validFrom = new Date(new crypto.X509Certificate(demoCertificatePem).validFrom);
        const demo = parseSealingCertificate(demoCertificatePem, { now: validFrom, privateKeyPem: demoKeyPem });
        const sealed = sealValue(demo, SALT, SCOPE, "k", "demo value");
        expect(bytes(sealed).readUInt16BE(0)).toBe(512);
        expect(unseal(demoKeyPem, SCOPE.namespace, SCOPE.name, sealed)).toBe("demo value");
    });
});

describe("determinism", () => {
    it("gives byte-identical ciphertext for identical inputs", () => {
        fc.assert(
            fc.property(inputs, ({ namespace, name, dataKey, value }) => {
                const scope = { namespace, name };
                expect(sealValue(CERT, SALT, scope, dataKey, value)).toBe(sealValue(CERT, SALT, scope, dataKey, value));
            }),
            RUNS,
        );
    });

    // Both parts: the RSA part alone would also change with the OAEP label, even if the
    // derivation ignored namespace and name; an unchanged AES part would betray that.
    it("changes both parts when any one of value, data key, namespace, name or salt changes", () => {
        const change = fc.oneof(
            fc.record({ field: fc.constant("value" as const), other: value }),
            fc.record({ field: fc.constant("dataKey" as const), other: dataKey }),
            fc.record({ field: fc.constant("namespace" as const), other: dnsLabel }),
            fc.record({ field: fc.constant("name" as const), other: secretName }),
            fc.record({ field: fc.constant("salt" as const), other: fc.string({ minLength: 1 }) }),
        );
        fc.assert(
            fc.property(inputs, change, (base, { field, other }) => {
                const salt = field === "salt" ? crypto.createHash("sha256").update(other).digest() : SALT;
                const changed = field === "salt" ? base : { ...base, [field]: other };
                fc.pre(field === "salt" ? !salt.equals(SALT) : changed[field] !== base[field]);
                const before = sealValue(CERT, SALT, { namespace: base.namespace, name: base.name }, base.dataKey, base.value);
                const after = sealValue(CERT, salt, { namespace: changed.namespace, name: changed.name }, changed.dataKey, changed.value);
                expect(rsaPart(after).equals(rsaPart(before))).toBe(false);
                expect(aesPart(after).equals(aesPart(before))).toBe(false);
            }),
            RUNS,
        );
    });

    it("keeps the derivation's fields apart: moving text from one field to the next changes the session key", () => {
        const sessionKey = (scope: SealScope, key: string, plaintext: string) =>
            openSeal(KEY, scope.namespace, scope.name, sealValue(CERT, SALT, scope, key, plaintext)).sessionKey;
        const pairs = [
            [sessionKey({ namespace: "ab", name: "c" }, "k", "v"), sessionKey({ namespace: "a", name: "bc" }, "k", "v")],
            [sessionKey(SCOPE, "k1", "v"), sessionKey(SCOPE, "k", "1v")],
        ];
        for (const [a, b] of pairs) expect(a.equals(b)).toBe(false);
    });

    it("changes when the certificate changes, and then only that certificate's key opens it", () => {
        const mine = sealValue(CERT, SALT, SCOPE, "k", "same value");
        const theirs = sealValue(OTHER_CERT, SALT, SCOPE, "k", "same value");
        expect(rsaPart(theirs).equals(rsaPart(mine))).toBe(false);
        expect(aesPart(theirs).equals(aesPart(mine))).toBe(false);
        expect(() => unseal(KEY, SCOPE.namespace, SCOPE.name, theirs)).toThrow();
    });

    it("derives the OAEP seed and the session key from the salt: two salts give different RSA parts and session keys", () => {
        const one = sealValue(CERT, SALT, SCOPE, "k", "same value");
        const two = sealValue(CERT, OTHER_SALT, SCOPE, "k", "same value");
        expect(rsaPart(one).equals(rsaPart(two))).toBe(false);
        const keyOne = openSeal(KEY, SCOPE.namespace, SCOPE.name, one).sessionKey;
        const keyTwo = openSeal(KEY, SCOPE.namespace, SCOPE.name, two).sessionKey;
        expect(keyOne.equals(keyTwo)).toBe(false);
        // Salt only hides the randomness: both still open for the controller.
        expect(unseal(KEY, SCOPE.namespace, SCOPE.name, two)).toBe("same value");
    });

    it("never reuses a session key for two different values (the GCM nonce is always zero)", () => {
        fc.assert(
            fc.property(value, value, (a, b) => {
                fc.pre(a !== b);
                const keyA = openSeal(KEY, SCOPE.namespace, SCOPE.name, sealValue(CERT, SALT, SCOPE, "k", a)).sessionKey;
                const keyB = openSeal(KEY, SCOPE.namespace, SCOPE.name, sealValue(CERT, SALT, SCOPE, "k", b)).sessionKey;
                expect(keyA.equals(keyB)).toBe(false);
            }),
            RUNS,
        );
    });
});

describe("sealData", () => {
    it("seals every key like sealValue, with keys in sorted order", () => {
        const data = { zeta: "z", alpha: "a", "Beta.key": "b", "-dash": "d" };
        const sealed = sealData(CERT, SALT, SCOPE, data);
        expect(Object.keys(sealed)).toStrictEqual(["-dash", "Beta.key", "alpha", "zeta"]);
        for (const [key, plaintext] of Object.entries(data)) {
            expect(sealed[key]).toBe(sealValue(CERT, SALT, SCOPE, key, plaintext));
            expect(unseal(KEY, SCOPE.namespace, SCOPE.name, sealed[key])).toBe(plaintext);
        }
    });

    it("keeps a data key named __proto__ as an ordinary key", () => {
        const data = JSON.parse('{"__proto__": "p", "a": "x"}') as Record<string, string>;
        const sealed = sealData(CERT, SALT, SCOPE, data);
        expect(Object.keys(sealed)).toStrictEqual(["__proto__", "a"]);
        expect(Object.getPrototypeOf(sealed)).toBe(Object.prototype);
        expect(unseal(KEY, SCOPE.namespace, SCOPE.name, sealed["__proto__"])).toBe("p");
    });

    it("checks salt and scope even when there is nothing to seal", () => {
        expect(sealData(CERT, SALT, SCOPE, {})).toStrictEqual({});
        expect(() => sealData(CERT, Buffer.alloc(8), SCOPE, {})).toThrow(/salt/);
        expect(() => sealData(CERT, SALT, { namespace: "", name: "x" }, {})).toThrow(/namespace/);
    });
});

describe("input validation", () => {
    const MARKER = "plaintext-marker-6f1d";

    /** Runs `seal`, expecting an error that matches `message` and does not contain the value. */
    function expectRefusal(seal: () => unknown, message: RegExp): void {
        let error: unknown;
        try {
            seal();
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toMatch(message);
        expect((error as Error).message).not.toContain(MARKER);
    }

    it("needs a salt of at least 16 bytes", () => {
        expectRefusal(() => sealValue(CERT, Buffer.alloc(15), SCOPE, "k", MARKER), /salt .*at least 16 bytes/);
        expect(() => sealValue(CERT, Buffer.alloc(16), SCOPE, "k", MARKER)).not.toThrow();
    });

    it.each(["", "Monitoring", "a_b", "a/b", "-a", "a.b", "x".repeat(64)])("refuses namespace %j", (namespace) => {
        expectRefusal(() => sealValue(CERT, SALT, { namespace, name: "n" }, "k", MARKER), /namespace .*DNS-1123 label/);
    });

    it.each(["", "Name", "a/b", "a_b", "a..b", ".a", `${"x".repeat(63)}.${"y".repeat(63)}.${"z".repeat(63)}.${"w".repeat(62)}`])("refuses name %j", (name) => {
        expectRefusal(() => sealValue(CERT, SALT, { namespace: "ns", name }, "k", MARKER), /name .*DNS-1123 subdomain/);
    });

    it("accepts the longest namespace (63 characters) and name (253) Kubernetes allows", () => {
        const scope = { namespace: "n".repeat(63), name: `${"x".repeat(63)}.${"y".repeat(63)}.${"z".repeat(63)}.${"w".repeat(61)}` };
        expect(unseal(KEY, scope.namespace, scope.name, sealValue(CERT, SALT, scope, "k", "v"))).toBe("v");
    });

    it.each(["", "a/b", "a b", "ключ", ".", "..", "..a", "x".repeat(254)])("refuses data key %j", (key) => {
        expectRefusal(() => sealValue(CERT, SALT, SCOPE, key, MARKER), /not a valid Secret data key/);
    });

    it.each([".a", "a..b", "-_.", "UPPER_lower-1.2", "x".repeat(253)])("accepts data key %j", (key) => {
        expect(unseal(KEY, SCOPE.namespace, SCOPE.name, sealValue(CERT, SALT, SCOPE, key, "v"))).toBe("v");
    });

    it("refuses a value that is not a string, from a caller TypeScript does not check", () => {
        expectRefusal(() => sealValue(CERT, SALT, SCOPE, "k", 42 as unknown as string), /the value of data key "k" must be a string/);
    });

    it("refuses a value with a lone surrogate, which UTF-8 would silently alter", () => {
        expectRefusal(() => sealValue(CERT, SALT, SCOPE, "k", `${MARKER}\uD800`), /not valid Unicode/);
    });

    it("refuses a certificate whose key is not RSA of at least 2048 bits", () => {
        const ec = new crypto.X509Certificate(fixture("ec.crt")).publicKey;
        const small = crypto.generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey;
        for (const publicKey of [ec, small]) {
            const cert: SealingCertificate = { ...CERT, publicKey };
            expectRefusal(() => sealValue(cert, SALT, SCOPE, "k", MARKER), /RSA key of at least 2048 bits/);
        }
    });
});
