/**
 * `npm run keygen -- [--out <dir>] [--stack <name>]`: makes a sealing key pair like the one the
 * sealed-secrets controller makes for itself (RSA-4096, self-signed, CN "sealed-secret", 10 years),
 * writes `sealing.key` and `sealing.crt` into <dir>, and prints the `pulumi config set` commands
 * that store them. Never overwrites a file.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs, promisify } from "node:util";
import { selfSignedCertificate } from "../sealing/x509";

const USAGE = "usage: npm run keygen -- [--out <dir>] [--stack <name>]";
const HELP = `${USAGE}

Makes a sealing key pair for the sealed-secrets controller (RSA-4096, self-signed, CN "sealed-secret",
10 years), writes sealing.key and sealing.crt into the folder, and prints the commands that store them
in the stack's Pulumi config. Never overwrites a file.

  --out <dir>      the folder to write into, made if missing (default: the current folder)
  --stack <name>   the stack the printed commands set the config of
  -h, --help       print this and exit
`;
const KEY_FILE = "sealing.key";
const CERT_FILE = "sealing.crt";
const MODULUS_BITS = 4096;
const VALIDITY_MS = 3650 * 24 * 60 * 60 * 1000;

interface Options {
    readonly outDir: string;
    readonly stack?: string;
    readonly help?: boolean;
}

function parseOptions(argv: string[]): Options {
    let values: { out?: string; stack?: string; help?: boolean };
    try {
        ({ values } = parseArgs({ args: argv, options: { out: { type: "string" }, stack: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false }));
    } catch (e) {
        throw new Error(`${(e as Error).message} (${USAGE})`);
    }
    if (values.out === "") throw new Error(`--out needs a directory (${USAGE})`);
    // Pulumi stack names are [A-Za-z0-9_.-], optionally qualified as org/project/stack; checking
    // them also keeps the printed commands safe to paste.
    if (values.stack !== undefined && !/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/.test(values.stack)) {
        throw new Error(`--stack "${values.stack}" is not a Pulumi stack name`);
    }
    return { outDir: path.resolve(values.out ?? "."), stack: values.stack, help: values.help };
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
    if (options.help) return HELP;
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
