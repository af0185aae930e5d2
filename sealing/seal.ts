/**
 * Seals values in the exact Bitnami sealed-secrets format, with no kubeseal binary:
 * `uint16 len(rsa) || rsa || aes`, where `rsa` is RSA-OAEP(SHA-256, label = "<namespace>/<name>")
 * of a 32-byte session key and `aes` is AES-256-GCM of the value under that key (zero nonce: each
 * key is used once). The session key and the OAEP seed are derived with HMAC from a secret salt,
 * so equal inputs give equal ciphertext, and only a holder of the salt could recompute them.
 */
import * as crypto from "node:crypto";
import type { SealingCertificate } from "./certificate";

/** Where a Secret will live: strict scope binds the ciphertext to both. */
export interface SealScope {
    readonly namespace: string;
    readonly name: string;
}

const HASH_LENGTH = 32;

/** HMAC-SHA256 over length-prefixed parts, so no two different inputs encode alike. */
function derive(salt: Buffer, tag: string, parts: readonly (string | Buffer)[]): Buffer {
    const hmac = crypto.createHmac("sha256", salt);
    for (const part of [tag, ...parts]) {
        const bytes = typeof part === "string" ? Buffer.from(part, "utf8") : part;
        const length = Buffer.alloc(4);
        length.writeUInt32BE(bytes.length);
        hmac.update(length).update(bytes);
    }
    return hmac.digest();
}

/** MGF1 with SHA-256 (RFC 8017, B.2.1). */
function mgf1(seed: Buffer, length: number): Buffer {
    const blocks: Buffer[] = [];
    for (let counter = 0; blocks.length * HASH_LENGTH < length; counter++) {
        const c = Buffer.alloc(4);
        c.writeUInt32BE(counter);
        blocks.push(crypto.createHash("sha256").update(seed).update(c).digest());
    }
    return Buffer.concat(blocks).subarray(0, length);
}

function xor(a: Buffer, b: Buffer): Buffer {
    return Buffer.from(a.map((byte, i) => byte ^ b[i]));
}

/** RSA-OAEP encryption (RFC 8017, 7.1.1) with a caller-chosen seed. */
function oaepEncrypt(publicKey: crypto.KeyObject, message: Buffer, label: Buffer, seed: Buffer): Buffer {
    const k = Math.ceil((publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
    if (message.length > k - 2 * HASH_LENGTH - 2) throw new Error(`the RSA key is too small (${k * 8} bits) to seal a session key`);
    const lHash = crypto.createHash("sha256").update(label).digest();
    const db = Buffer.concat([lHash, Buffer.alloc(k - message.length - 2 * HASH_LENGTH - 2), Buffer.from([1]), message]);
    const maskedDb = xor(db, mgf1(seed, db.length));
    const maskedSeed = xor(seed, mgf1(maskedDb, HASH_LENGTH));
    const encoded = Buffer.concat([Buffer.from([0]), maskedSeed, maskedDb]);
    return crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_NO_PADDING }, encoded);
}

function checkInputs(salt: Buffer, scope: SealScope, dataKey: string): void {
    if (salt.length < 16) throw new Error("the sealing salt must be at least 16 bytes");
    if (scope.namespace === "" || scope.name === "") throw new Error("a SealedSecret needs a namespace and a name (strict scope)");
    if (!/^[-._a-zA-Z0-9]+$/.test(dataKey)) throw new Error(`"${dataKey}" is not a valid Secret data key (letters, digits, '-', '_', '.')`);
}

/** Seals one value of one data key for the Secret `scope`; returns the base64 ciphertext. */
export function sealValue(cert: SealingCertificate, salt: Buffer, scope: SealScope, dataKey: string, plaintext: string): string {
    checkInputs(salt, scope, dataKey);
    const label = `${scope.namespace}/${scope.name}`;
    const spki = cert.publicKey.export({ type: "spki", format: "der" });
    const inputs = [spki, scope.namespace, scope.name, dataKey, plaintext];
    const sessionKey = derive(salt, "sealed-secrets/session-key/v1", inputs);
    const seed = derive(salt, "sealed-secrets/oaep-seed/v1", inputs);
    const rsa = oaepEncrypt(cert.publicKey, sessionKey, Buffer.from(label, "utf8"), seed);
    const cipher = crypto.createCipheriv("aes-256-gcm", sessionKey, Buffer.alloc(12));
    const aes = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(rsa.length);
    return Buffer.concat([length, rsa, aes]).toString("base64");
}

/** Seals every data key of one Secret; keys come out sorted. */
export function sealData(cert: SealingCertificate, salt: Buffer, scope: SealScope, data: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(
        Object.keys(data)
            .sort()
            .map((key) => [key, sealValue(cert, salt, scope, key, data[key])]),
    );
}
