/**
 * `npm run keygen -- [--out <dir>] [--stack <name>]`: makes a sealing key pair like the one the
 * sealed-secrets controller makes for itself (RSA-4096, self-signed, CN "sealed-secret", 10 years),
 * writes `sealing.key` and `sealing.crt` into <dir>, and prints the `pulumi config set` commands
 * that store them. Never overwrites a file.
 *
 * The certificate is DER-encoded here rather than with @peculiar/x509, which cannot be loaded
 * without a Reflect metadata polyfill that this project does not install.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs, promisify } from "node:util";

const USAGE = "usage: npm run keygen -- [--out <dir>] [--stack <name>]";
const KEY_FILE = "sealing.key";
const CERT_FILE = "sealing.crt";
const MODULUS_BITS = 4096;
const VALIDITY_MS = 3650 * 24 * 60 * 60 * 1000;

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
}

/**
 * A self-signed X.509 v3 certificate (PEM) for an RSA key, shaped like the controller's own
 * (sealed-secrets pkg/crypto SignKey): random 128-bit serial, subject = issuer = CN only,
 * critical basicConstraints CA:TRUE and keyUsage encipherOnly, sha256WithRSAEncryption.
 */
export function selfSignedCertificate(privateKey: crypto.KeyObject, options: CertificateOptions): string {
    if (privateKey.asymmetricKeyType !== "rsa") throw new Error("the key must be an RSA private key");
    const sha256WithRsa = sequence(oid("1.2.840.113549.1.1.11"), NULL);
    const name = commonNameOnly(options.commonName);
    const tbs = sequence(
        explicit(0, integer(Buffer.from([2]))), // v3
        integer(crypto.randomBytes(16)),
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

// --- The CLI ---

interface Options {
    readonly outDir: string;
    readonly stack?: string;
}

function parseOptions(argv: string[]): Options {
    let values: { out?: string; stack?: string };
    try {
        ({ values } = parseArgs({ args: argv, options: { out: { type: "string" }, stack: { type: "string" } }, strict: true, allowPositionals: false }));
    } catch (e) {
        throw new Error(`${(e as Error).message} (${USAGE})`);
    }
    if (values.out === "") throw new Error(`--out needs a directory (${USAGE})`);
    // Pulumi stack names are [A-Za-z0-9_.-], optionally qualified as org/project/stack; checking
    // them also keeps the printed commands safe to paste.
    if (values.stack !== undefined && !/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/.test(values.stack)) {
        throw new Error(`--stack "${values.stack}" is not a Pulumi stack name`);
    }
    return { outDir: path.resolve(values.out ?? "."), stack: values.stack };
}

/** Writes both files or neither; `wx` never replaces a file, even one created since the check. */
function writeFiles(keyFile: string, keyPem: string, certFile: string, certPem: string): void {
    fs.writeFileSync(keyFile, keyPem, { flag: "wx", mode: 0o600 });
    try {
        fs.writeFileSync(certFile, certPem, { flag: "wx" });
    } catch (e) {
        fs.rmSync(keyFile);
        throw e;
    }
}

function shellQuote(word: string): string {
    return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function instructions(options: Options, keyFile: string, certFile: string, notAfter: Date): string {
    const set = `pulumi config set${options.stack === undefined ? "" : ` --stack ${options.stack}`}`;
    return [
        `Wrote ${keyFile} (private key) and ${certFile} (certificate, valid until ${notAfter.toISOString()}).`,
        "",
        "Store them in the stack's Pulumi config:",
        `  ${set} gitops:sealingCertificate -- "$(cat ${shellQuote(certFile)})"`,
        `  ${set} --secret gitops:sealingKey -- "$(cat ${shellQuote(keyFile)})"`,
        "",
        `Then back up ${keyFile} offline (it decrypts every secret sealed for this certificate) and delete the local file.`,
        "",
    ].join("\n");
}

/** A fresh private key of the controller's kind and size. */
async function generateSealingKey(): Promise<crypto.KeyObject> {
    return (await promisify(crypto.generateKeyPair)("rsa", { modulusLength: MODULUS_BITS })).privateKey;
}

/**
 * Runs keygen with command-line arguments; resolves with what to print, or rejects with a one-line
 * reason. `generateKey` makes the private key: a fresh RSA-4096 one unless a test passes its own.
 */
export async function keygen(argv: string[], generateKey: () => Promise<crypto.KeyObject> = generateSealingKey): Promise<string> {
    const options = parseOptions(argv);
    const keyFile = path.join(options.outDir, KEY_FILE);
    const certFile = path.join(options.outDir, CERT_FILE);
    // Checked before the slow key generation, so a refusal is immediate.
    for (const file of [keyFile, certFile]) {
        if (fs.existsSync(file)) throw new Error(`${file} already exists; refusing to overwrite it (move it away or choose another --out)`);
    }
    const privateKey = await generateKey();
    // Whole seconds: that is all a certificate's validity can express.
    const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000);
    const notAfter = new Date(notBefore.getTime() + VALIDITY_MS);
    const certPem = selfSignedCertificate(privateKey, { commonName: "sealed-secret", notBefore, notAfter });
    const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    fs.mkdirSync(options.outDir, { recursive: true });
    writeFiles(keyFile, keyPem, certFile, certPem);
    return instructions(options, keyFile, certFile, notAfter);
}

// Only as a program: tests import keygen and selfSignedCertificate without running the CLI.
if (typeof require !== "undefined" && require.main === module) {
    keygen(process.argv.slice(2)).then((text) => process.stdout.write(text)).catch((e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        process.stderr.write(`keygen: ${message.replace(/\s*\n\s*/g, " ")}\n`);
        process.exitCode = 1;
    });
}
