/**
 * Self-signed X.509 certificates for sealing keys, DER-encoded here rather than with
 * @peculiar/x509, which cannot be loaded without a Reflect metadata polyfill that this project
 * does not install. `npm run keygen` makes the controller's key pair with it, and the program
 * the certificate of each retired key (sealing/keys.ts).
 */
import * as crypto from "node:crypto";

// --- Minimal DER, just enough for one certificate shape (X.690) ---

function tlv(tag: number, content: Buffer): Buffer {
    if (content.length < 0x80) return Buffer.concat([Buffer.from([tag, content.length]), content]);
    const length: number[] = [];
    for (let n = content.length; n > 0; n = Math.floor(n / 256)) length.unshift(n % 256);
    return Buffer.concat([Buffer.from([tag, 0x80 | length.length, ...length]), content]);
}

const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const explicit = (tagNumber: number, item: Buffer): Buffer => tlv(0xa0 | tagNumber, item);
const octetString = (bytes: Buffer): Buffer => tlv(0x04, bytes);
const bitString = (bytes: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), bytes]));
const TRUE = Buffer.from([0x01, 0x01, 0xff]);
const NULL = Buffer.from([0x05, 0x00]);

/** A non-negative INTEGER from big-endian magnitude bytes. */
function integer(magnitude: Buffer): Buffer {
    let start = 0;
    while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
    const minimal = magnitude.subarray(start);
    // A set high bit would make the number negative in two's complement.
    return tlv(0x02, minimal[0] & 0x80 ? Buffer.concat([Buffer.from([0]), minimal]) : minimal);
}

function oid(dotted: string): Buffer {
    const [first, second, ...rest] = dotted.split(".").map(Number);
    const bytes = [40 * first + second];
    for (const arc of rest) {
        const base128 = [arc & 0x7f];
        for (let n = arc >>> 7; n > 0; n >>>= 7) base128.unshift(0x80 | (n & 0x7f));
        bytes.push(...base128);
    }
    return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime through 2049, GeneralizedTime from 2050, as RFC 5280 (4.1.2.5) requires. */
function time(date: Date): Buffer {
    const digits = date.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:T]/g, "");
    return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), "ascii")) : tlv(0x18, Buffer.from(digits, "ascii"));
}

function commonNameOnly(commonName: string): Buffer {
    if (!/^[A-Za-z0-9 '()+,./:=?-]+$/.test(commonName)) throw new Error(`common name "${commonName}" is not a PrintableString`);
    return sequence(tlv(0x31, sequence(oid("2.5.4.3"), tlv(0x13, Buffer.from(commonName, "ascii")))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
    return critical ? sequence(oid(id), TRUE, octetString(value)) : sequence(oid(id), octetString(value));
}

/** Options of {@link selfSignedCertificate}. */
export interface CertificateOptions {
    readonly commonName: string;
    readonly notBefore: Date;
    readonly notAfter: Date;
    /** The serial number's bytes; 16 random ones by default. Fixed, the certificate is the same bytes every time (RSA PKCS#1 v1.5 signatures are deterministic). */
    readonly serial?: Buffer;
}

/**
 * A self-signed X.509 v3 certificate (PEM) for an RSA key, shaped like the controller's own
 * (sealed-secrets pkg/crypto SignKey): random 128-bit serial (unless given), subject = issuer = CN only,
 * critical basicConstraints CA:TRUE and keyUsage encipherOnly, sha256WithRSAEncryption.
 */
export function selfSignedCertificate(privateKey: crypto.KeyObject, options: CertificateOptions): string {
    if (privateKey.asymmetricKeyType !== "rsa") throw new Error("the key must be an RSA private key");
    const sha256WithRsa = sequence(oid("1.2.840.113549.1.1.11"), NULL);
    const name = commonNameOnly(options.commonName);
    const tbs = sequence(
        explicit(0, integer(Buffer.from([2]))), // v3
        integer(options.serial ?? crypto.randomBytes(16)),
        sha256WithRsa,
        name,
        sequence(time(options.notBefore), time(options.notAfter)),
        name,
        crypto.createPublicKey(privateKey).export({ type: "spki", format: "der" }),
        explicit(
            3,
            sequence(
                extension("2.5.29.19", true, sequence(TRUE)),
                // encipherOnly is bit 7 of the KeyUsage BIT STRING: 0x01 in the first byte.
                extension("2.5.29.15", true, bitString(Buffer.from([0x01]))),
            ),
        ),
    );
    const der = sequence(tbs, sha256WithRsa, bitString(crypto.sign("sha256", tbs, privateKey)));
    return `-----BEGIN CERTIFICATE-----\n${der.toString("base64").match(/.{1,64}/g)?.join("\n")}\n-----END CERTIFICATE-----\n`;
}
