/**
 * Seals values in the Bitnami sealed-secrets format (strict scope), with no kubeseal binary:
 *
 *     uint16be(len(rsa)) || rsa || aes
 *     rsa = RSA-OAEP-SHA256(session key, label = "<namespace>/<name>")
 *     aes = AES-256-GCM(value, session key, nonce = 12 zero bytes) || 16-byte tag
 *
 * Deterministic: the session key and the OAEP seed are HMAC-SHA256 outputs, keyed by a secret
 * salt, over everything that defines the ciphertext. Equal inputs give equal bytes (quiet
 * previews); without the salt, nobody can re-seal a guessed value to compare. See docs/sealing.md.
 */
import * as crypto from "node:crypto";
import type { SealingCertificate } from "./certificate";

/** The Secret a value is sealed for: strict scope binds the ciphertext to both namespace and name. */
export interface SealScope {
    readonly namespace: string;
    readonly name: string;
}

const HASH = "sha256";
const HASH_BYTES = 32;
const MIN_SALT_BYTES = 16;
const MIN_MODULUS_BITS = 2048;
// A zero nonce is safe only because a session key never encrypts two different values:
// the key is derived from (among others) the value itself.
const ZERO_NONCE = Buffer.alloc(12);
// Distinct tags keep the session key and the OAEP seed independent although derived from the same inputs.
// Stryker disable next-line StringLiteral: any other tag, the empty one too, keeps the two apart and seals as decryptably
const SESSION_KEY_TAG = "gitops-platform/sealing/session-key/v1";
// Stryker disable next-line StringLiteral: likewise, any other tag keeps the seed apart from the session key
const OAEP_SEED_TAG = "gitops-platform/sealing/oaep-seed/v1";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

function checkSalt(salt: Buffer): void {
    if (!Buffer.isBuffer(salt) || salt.length < MIN_SALT_BYTES) {
        throw new Error(`the sealing salt must be a Buffer of at least ${MIN_SALT_BYTES} bytes`);
    }
}

// Kubernetes would reject other names anyway; checking here also keeps the label
// "<namespace>/<name>" unambiguous, since neither part can contain '/'.
function checkScope(scope: SealScope): void {
    if (scope.namespace.length > 63 || !DNS_LABEL.test(scope.namespace)) {
        throw new Error(`namespace "${scope.namespace}" is not a valid Kubernetes namespace (a DNS-1123 label: lowercase letters, digits, '-')`);
    }
    if (scope.name.length > 253 || !DNS_SUBDOMAIN.test(scope.name)) {
        throw new Error(`name "${scope.name}" is not a valid Secret name (a DNS-1123 subdomain: lowercase letters, digits, '-', '.')`);
    }
}

/** Kubernetes' rules for Secret data keys (IsConfigMapKey). */
function checkDataKey(dataKey: string): void {
    const valid = dataKey.length <= 253 && DATA_KEY.test(dataKey) && dataKey !== "." && !dataKey.startsWith("..");
    if (!valid) {
        throw new Error(`"${dataKey}" is not a valid Secret data key (at most 253 letters, digits, '-', '_', '.'; not "." nor starting with "..")`);
    }
}

// UTF-8 encoding would silently turn a lone surrogate into U+FFFD: a different secret.
function checkPlaintext(dataKey: string, plaintext: string): void {
    if (typeof plaintext !== "string") throw new TypeError(`the value of data key "${dataKey}" must be a string`);
    if (/[\uD800-\uDFFF]/u.test(plaintext)) throw new Error(`the value of data key "${dataKey}" is not valid Unicode (it has a lone surrogate)`);
}

/** The modulus size in bytes (k in RFC 8017), for an RSA key big enough to seal for. */
function modulusBytes(publicKey: crypto.KeyObject): number {
    // Stryker disable next-line ConditionalExpression: a key that is not RSA has no modulusLength, so it is refused all the same
    const bits = publicKey.asymmetricKeyType === "rsa" ? (publicKey.asymmetricKeyDetails?.modulusLength ?? 0) : 0;
    if (bits < MIN_MODULUS_BITS) throw new Error(`the sealing certificate must hold an RSA key of at least ${MIN_MODULUS_BITS} bits`);
    return Math.ceil(bits / 8);
}

/**
 * HMAC-SHA256 over length-prefixed fields, so no two different field lists encode alike. Its
 * 32 bytes are exactly an AES-256 session key, or an OAEP seed (hLen for SHA-256).
 */
function derive(salt: Buffer, fields: readonly Buffer[]): Buffer {
    const hmac = crypto.createHmac(HASH, salt);
    for (const field of fields) {
        const length = Buffer.alloc(4);
        length.writeUInt32BE(field.length);
        hmac.update(length).update(field);
    }
    return hmac.digest();
}

function sha256(...parts: Buffer[]): Buffer {
    const hash = crypto.createHash(HASH);
    for (const part of parts) hash.update(part);
    return hash.digest();
}

/** MGF1 with SHA-256 (RFC 8017, B.2.1). */
function mgf1(seed: Buffer, length: number): Buffer {
    const blocks: Buffer[] = [];
    // Stryker disable next-line EqualityOperator,ArithmeticOperator: blocks beyond `length` bytes are cut off below
    for (let counter = 0; blocks.length * HASH_BYTES < length; counter++) {
        const c = Buffer.alloc(4);
        c.writeUInt32BE(counter);
        blocks.push(sha256(seed, c));
    }
    return Buffer.concat(blocks).subarray(0, length);
}

function xor(a: Buffer, b: Buffer): Buffer {
    const out = Buffer.alloc(a.length);
    // Stryker disable next-line EqualityOperator: a write past the end of a Buffer is dropped
    for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
    return out;
}

/**
 * RSAES-OAEP-ENCRYPT (RFC 8017, 7.1.1) with SHA-256 and MGF1-SHA-256, but with the seed given
 * rather than random: Node's OAEP padding always draws a random seed, which would defeat determinism.
 */
function oaepEncrypt(publicKey: crypto.KeyObject, message: Buffer, label: Buffer, seed: Buffer): Buffer {
    const k = modulusBytes(publicKey);
    // The message is a 32-byte session key; a key of MIN_MODULUS_BITS takes up to 190.
    const maxMessage = k - 2 * HASH_BYTES - 2;
    const db = Buffer.concat([sha256(label), Buffer.alloc(maxMessage - message.length), Buffer.from([0x01]), message]);
    const maskedDb = xor(db, mgf1(seed, db.length));
    const maskedSeed = xor(seed, mgf1(maskedDb, HASH_BYTES));
    const encoded = Buffer.concat([Buffer.from([0x00]), maskedSeed, maskedDb]);
    // The leading zero byte makes the encoded message smaller than the modulus, as raw RSA requires.
    return crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_NO_PADDING }, encoded);
}

function aesGcmEncrypt(key: Buffer, plaintext: Buffer): Buffer {
    const cipher = crypto.createCipheriv("aes-256-gcm", key, ZERO_NONCE);
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function utf8(text: string): Buffer {
    return Buffer.from(text, "utf8");
}

/**
 * Seals `plaintext` as the value of `dataKey` in the Secret `scope`, for the controller that
 * holds `cert`'s private key. Deterministic in all its arguments; `salt` must stay secret.
 *
 * @returns the base64 (standard, padded) ciphertext for `spec.encryptedData[dataKey]`.
 * @throws Error on invalid input; messages never contain the plaintext.
 */
export function sealValue(cert: SealingCertificate, salt: Buffer, scope: SealScope, dataKey: string, plaintext: string): string {
    checkSalt(salt);
    checkScope(scope);
    checkDataKey(dataKey);
    checkPlaintext(dataKey, plaintext);
    const value = utf8(plaintext);
    const context = [cert.publicKey.export({ type: "spki", format: "der" }), utf8(scope.namespace), utf8(scope.name), utf8(dataKey), value];
    const sessionKey = derive(salt, [utf8(SESSION_KEY_TAG), ...context]);
    // Stryker disable next-line ArrayDeclaration: a seed of the salt alone is as deterministic; no decryption can tell which inputs it was derived from
    const seed = derive(salt, [utf8(OAEP_SEED_TAG), ...context]);
    const rsa = oaepEncrypt(cert.publicKey, sessionKey, utf8(`${scope.namespace}/${scope.name}`), seed);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(rsa.length);
    return Buffer.concat([length, rsa, aesGcmEncrypt(sessionKey, value)]).toString("base64");
}

/**
 * Seals every value of one Secret's data (see {@link sealValue}).
 *
 * @returns `spec.encryptedData`, with keys in sorted order.
 */
export function sealData(cert: SealingCertificate, salt: Buffer, scope: SealScope, data: Readonly<Record<string, string>>): Record<string, string> {
    checkSalt(salt);
    checkScope(scope);
    // fromEntries defines own properties, so even a "__proto__" data key survives.
    return Object.fromEntries(
        Object.keys(data)
            .sort()
            .map((key) => [key, sealValue(cert, salt, scope, key, data[key])]),
    );
}
