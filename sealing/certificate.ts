/**
 * The sealed-secrets controller's certificate (and, optionally, its key): parsed and checked
 * once, before anything is sealed or registered.
 */
import * as crypto from "node:crypto";

export interface SealingCertificate {
    readonly pem: string;
    readonly publicKey: crypto.KeyObject;
    /** SHA-256 of the DER certificate, hex. */
    readonly fingerprint: string;
    readonly notAfter: Date;
}

/** A config value that cannot be used for sealing; the message names the key and what to do. */
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
const FETCH =
    "fetch the controller's certificate with `kubeseal --fetch-cert --controller-name sealed-secrets --controller-namespace kube-system`, or create a key pair with `npm run keygen`, and store it with `pulumi config set gitops:sealingCertificate -- \"$(cat sealing.crt)\"`";

/** Parses and checks the certificate: an RSA certificate valid now, matching the key when given. */
export function parseSealingCertificate(pem: string, opts: { now?: Date; privateKeyPem?: string } = {}): SealingCertificate {
    let cert: crypto.X509Certificate;
    try {
        cert = new crypto.X509Certificate(pem);
    } catch {
        throw new SealingConfigError(CERT_KEY, `is not a PEM certificate; ${FETCH}`);
    }
    if (cert.publicKey.asymmetricKeyType !== "rsa") {
        throw new SealingConfigError(CERT_KEY, `holds a ${cert.publicKey.asymmetricKeyType} key, but sealed-secrets seals with RSA; ${FETCH}`);
    }
    const now = opts.now ?? new Date();
    const notAfter = new Date(cert.validTo);
    if (notAfter.getTime() < now.getTime()) {
        throw new SealingConfigError(CERT_KEY, `expired on ${notAfter.toISOString()}; ${FETCH}`);
    }
    if (new Date(cert.validFrom).getTime() > now.getTime()) {
        throw new SealingConfigError(CERT_KEY, `is not valid before ${new Date(cert.validFrom).toISOString()}; check the machine's clock or ${FETCH}`);
    }
    if (opts.privateKeyPem !== undefined) {
        let key: crypto.KeyObject;
        try {
            key = crypto.createPrivateKey(opts.privateKeyPem);
        } catch {
            throw new SealingConfigError(KEY_KEY, "is not a PEM private key; store the controller's key with `pulumi config set --secret gitops:sealingKey -- \"$(cat sealing.key)\"`");
        }
        if (!cert.checkPrivateKey(key)) {
            throw new SealingConfigError(KEY_KEY, `does not match ${CERT_KEY}; set both from the same key pair (\`npm run keygen\` prints the commands)`);
        }
    }
    return { pem, publicKey: cert.publicKey, fingerprint: crypto.createHash("sha256").update(cert.raw).digest("hex"), notAfter };
}

/**
 * A 32-byte secret salt derived from the controller's private key, so that a bring-your-own key
 * needs no further secret for deterministic sealing.
 */
export function saltFromPrivateKey(privateKeyPem: string): Buffer {
    const der = crypto.createPrivateKey(privateKeyPem).export({ type: "pkcs8", format: "der" });
    return crypto.createHmac("sha256", "gitops-platform/sealing-salt/v1").update(der).digest();
}
