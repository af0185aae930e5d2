/**
 * The sealed-secrets controller's certificate (and, optionally, its private key), parsed and
 * checked once, before anything is sealed; and the secret salt derived from that key.
 */
import * as crypto from "node:crypto";

/** A controller certificate that is fit to seal for: RSA, at least 2048 bits, valid at parse time. */
export interface SealingCertificate {
    /** The certificate alone, re-encoded as canonical PEM (LF line endings, trailing newline). */
    readonly pem: string;
    /** The RSA public key every value is sealed for. */
    readonly publicKey: crypto.KeyObject;
    /** SHA-256 of the DER certificate, lowercase hex. */
    readonly fingerprint: string;
    readonly notBefore: Date;
    readonly notAfter: Date;
}

/**
 * A config value that cannot be used for sealing. `configKey` is the Pulumi config key at fault.
 * The message is written to follow "<configKey>: " (as the stack's problem list prints it), says
 * what to do, and names the config key in that advice. It never quotes the value.
 */
export class SealingConfigError extends Error {
    constructor(
        readonly configKey: string,
        message: string,
    ) {
        super(message);
        this.name = "SealingConfigError";
    }
}

const CERT_KEY = "gitops:sealingCertificate";
const KEY_KEY = "gitops:sealingKey";
const MIN_MODULUS_BITS = 2048;
const FETCH_CERT =
    "fetch the controller's certificate with `kubeseal --fetch-cert > sealing.crt` (kubeseal finds kube-system/sealed-secrets-controller by default) " +
    'and store it with `pulumi config set gitops:sealingCertificate -- "$(cat sealing.crt)"`, or run `npm run keygen` to make a new key pair';
const STORE_PAIR =
    "store the key that belongs to gitops:sealingCertificate with " +
    '`pulumi config set --secret gitops:sealingKey -- "$(cat sealing.key)"`, or run `npm run keygen` to make a new pair and set both';
// Versioned so a future change of derivation is a visible, deliberate break.
// Stryker disable next-line StringLiteral: any tag, the empty one too, keeps the salt a keyed hash of the key that nobody without it computes
const SALT_TAG = "gitops-platform/sealing/salt-from-private-key/v1";

function certError(problem: string): SealingConfigError {
    return new SealingConfigError(CERT_KEY, `${problem}; ${FETCH_CERT}.`);
}

function keyError(problem: string): SealingConfigError {
    return new SealingConfigError(KEY_KEY, `${problem}; ${STORE_PAIR}.`);
}

/**
 * The DER bytes of the single CERTIFICATE block in `pem`. Text around the block (such as
 * openssl's "Bag Attributes") is tolerated; any other block is refused, naming only its type.
 */
function certificateDer(pem: string): Buffer {
    const blocks = [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
    const types = blocks.map((block) => block[1]);
    if (types.some((type) => type.includes("PRIVATE KEY"))) {
        throw certError(
            "contains a private key, and this config value is stored in plain text: remove it, rotate the key if the config was shared, keep the key only in gitops:sealingKey (set with --secret)",
        );
    }
    if (types.length !== 1 || types[0] !== "CERTIFICATE") {
        const found = types.length === 0 ? "no PEM block" : types.map((type) => `"${type}"`).join(", ");
        throw certError(`is not a PEM certificate (expected one "-----BEGIN CERTIFICATE-----" block, found ${found})`);
    }
    const body = blocks[0][2].replace(/\s/g, "");
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw certError("is not a PEM certificate (its body is not base64)");
    return Buffer.from(body, "base64");
}

function toPem(der: Buffer): string {
    return `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/.{64}(?=.)/g, "$&\n")}\n-----END CERTIFICATE-----\n`;
}

function parseDer(der: Buffer): { cert: crypto.X509Certificate; publicKey: crypto.KeyObject } {
    let cert: crypto.X509Certificate;
    try {
        cert = new crypto.X509Certificate(der);
    } catch {
        throw certError("is not a PEM certificate (its content is not a DER X.509 certificate)");
    }
    try {
        return { cert, publicKey: cert.publicKey };
    } catch {
        throw certError("holds a public key of a type Node.js cannot read, but sealed-secrets seals with RSA");
    }
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Reads OpenSSL's validity format ("Nov  3 04:05:06 2030 GMT", Node's `validFrom`/`validTo`)
 * explicitly, rather than trusting the engine's lenient legacy `Date` parsing.
 */
export function opensslTime(text: string): Date {
    const match = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/.exec(text);
    // Stryker disable next-line UnaryOperator: without a match the condition below throws before the month counts
    const month = match ? MONTHS.indexOf(match[1]) : -1;
    if (!match || month < 0) throw certError("has a validity period that cannot be read");
    const [day, hours, minutes, seconds, year] = match.slice(2).map(Number);
    return new Date(Date.UTC(year, month, day, hours, minutes, seconds));
}

function checkRsa(publicKey: crypto.KeyObject): void {
    if (publicKey.asymmetricKeyType !== "rsa") {
        throw certError(`holds a non-RSA key (${publicKey.asymmetricKeyType}), but sealed-secrets seals with RSA`);
    }
    const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_MODULUS_BITS) throw certError(`holds a ${bits}-bit RSA key; at least ${MIN_MODULUS_BITS} bits are required`);
}

function checkValidity(notBefore: Date, notAfter: Date, now: Date): void {
    if (notAfter.getTime() < now.getTime()) {
        throw certError(`expired on ${notAfter.toISOString()}`);
    }
    if (notBefore.getTime() > now.getTime()) {
        throw certError(`is not valid before ${notBefore.toISOString()} (check this machine's clock)`);
    }
}

function parsePrivateKey(privateKeyPem: string): crypto.KeyObject {
    try {
        return crypto.createPrivateKey({ key: privateKeyPem, format: "pem" });
    } catch {
        // The underlying error is not passed on: it says nothing useful and this is a secret.
        throw keyError("is not a readable PEM private key (an unencrypted PKCS#8 or PKCS#1 key is expected)");
    }
}

function spki(key: crypto.KeyObject): Buffer {
    return key.export({ type: "spki", format: "der" });
}

/** SHA-256 of a DER certificate, lowercase hex: how a certificate is recognised. */
export function certificateFingerprint(der: Buffer): string {
    return crypto.createHash("sha256").update(der).digest("hex");
}

/**
 * Parses and checks the controller certificate (`gitops:sealingCertificate`): exactly one PEM
 * certificate, RSA of at least 2048 bits, valid at `now` (default: the current time). When
 * `privateKeyPem` (`gitops:sealingKey`) is given, it must parse and match the certificate.
 *
 * @throws SealingConfigError naming the config key at fault and what to do.
 */
export function parseSealingCertificate(pem: string, opts: { now?: Date; privateKeyPem?: string } = {}): SealingCertificate {
    const der = certificateDer(pem);
    const { cert, publicKey } = parseDer(der);
    checkRsa(publicKey);
    const notBefore = opensslTime(cert.validFrom);
    const notAfter = opensslTime(cert.validTo);
    checkValidity(notBefore, notAfter, opts.now ?? new Date());
    if (opts.privateKeyPem !== undefined) {
        const privateKey = parsePrivateKey(opts.privateKeyPem);
        if (!spki(crypto.createPublicKey(privateKey)).equals(spki(publicKey))) {
            throw keyError(`does not match ${CERT_KEY} (they are not one key pair)`);
        }
    }
    return {
        pem: toPem(der),
        publicKey,
        fingerprint: certificateFingerprint(der),
        notBefore,
        notAfter,
    };
}

/**
 * A deterministic 32-byte secret salt derived from the controller's private key, so a
 * bring-your-own key needs no further secret: HKDF-Extract (HMAC-SHA256 keyed by a domain tag)
 * over the key's PKCS#8 DER. The PEM flavour (PKCS#1 or PKCS#8) does not change the result.
 *
 * @throws SealingConfigError (`gitops:sealingKey`) when the key cannot be parsed.
 */
export function saltFromPrivateKey(privateKeyPem: string): Buffer {
    const der = parsePrivateKey(privateKeyPem).export({ type: "pkcs8", format: "der" });
    return crypto.createHmac("sha256", SALT_TAG).update(der).digest();
}
