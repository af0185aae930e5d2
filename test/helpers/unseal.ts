/**
 * Test-only decryption of sealed-secrets values (strict scope), written from the format and
 * sharing no code with `sealing/`, so a round trip checks the sealer against the format, not
 * against itself. It does what the controller does: OAEP-SHA256 via OpenSSL, then AES-256-GCM.
 */
import * as crypto from "node:crypto";

/** The two parts of a sealed value, and the session key inside the RSA part. */
export interface OpenedSeal {
    readonly rsaPart: Buffer;
    readonly aesPart: Buffer;
    readonly sessionKey: Buffer;
}

/** Splits a sealed value and decrypts its session key; throws if the label or key is wrong. */
export function openSeal(privateKeyPem: string, namespace: string, name: string, ciphertextBase64: string): OpenedSeal {
    const bytes = Buffer.from(ciphertextBase64, "base64");
    // Node's base64 decoder skips junk; the controller's (Go's StdEncoding) does not.
    if (bytes.toString("base64") !== ciphertextBase64) throw new Error("not standard padded base64");
    if (bytes.length < 2) throw new Error("too short");
    const rsaLength = bytes.readUInt16BE(0);
    if (bytes.length < 2 + rsaLength) throw new Error("too short for its RSA part");
    const rsaPart = bytes.subarray(2, 2 + rsaLength);
    const aesPart = bytes.subarray(2 + rsaLength);
    const sessionKey = crypto.privateDecrypt(
        { key: privateKeyPem, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: Buffer.from(`${namespace}/${name}`, "utf8") },
        rsaPart,
    );
    if (sessionKey.length !== 32) throw new Error(`session key is ${sessionKey.length} bytes, not 32`);
    return { rsaPart, aesPart, sessionKey };
}

/** The plaintext of a sealed value for the Secret `namespace`/`name`; throws when decryption fails. */
export function unseal(privateKeyPem: string, namespace: string, name: string, ciphertextBase64: string): string {
    const { aesPart, sessionKey } = openSeal(privateKeyPem, namespace, name, ciphertextBase64);
    if (aesPart.length < 16) throw new Error("AES part shorter than its tag");
    const decipher = crypto.createDecipheriv("aes-256-gcm", sessionKey, Buffer.alloc(12));
    decipher.setAuthTag(aesPart.subarray(aesPart.length - 16));
    const plaintext = Buffer.concat([decipher.update(aesPart.subarray(0, aesPart.length - 16)), decipher.final()]);
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(plaintext);
}
