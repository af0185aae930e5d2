/**
 * The controller's key set when the program brings its keys: the active key pair
 * (`gitops:sealingKey` and `gitops:sealingCertificate`) and the retired keys
 * (`gitops:sealingRetiredKeys`), each installed as a Secret of its own.
 *
 * What the controller does with them (sealed-secrets v0.36.6, pkg/controller/main.go and
 * keyregistry.go): at start it loads every Secret labelled `sealedsecrets.bitnami.com/sealed-secrets-key=active`
 * in its namespace, reading `tls.key` and `tls.crt` (it does not start when `tls.crt` is missing);
 * it unseals with whichever loaded key opens a value; it seals, and serves on `/v1/cert.pem`
 * (`kubeseal --fetch-cert`), with the key whose certificate's NotBefore is latest
 * (`--key-order-priority=CertNotBefore`, the default). A retired key comes as a private key only,
 * so the program gives it a certificate that is valid from {@link RETIRED_NOT_BEFORE}: older
 * than any active certificate, so the active key is the one the controller offers.
 */
import * as crypto from "node:crypto";
import { type SealingCertificate, SealingConfigError } from "./certificate";
import { selfSignedCertificate } from "./x509";

/** Where every certificate the program makes for a retired key starts: before any active one it accepts. */
export const RETIRED_NOT_BEFORE = new Date("2000-01-01T00:00:00Z");
/** Far enough that a retired key's certificate never expires; the controller does not check it for unsealing. */
const RETIRED_NOT_AFTER = new Date("2099-12-31T23:59:59Z");
const RETIRED_KEYS = "gitops:sealingRetiredKeys";

/** One key of the controller, as its Secret holds it. */
export interface ControllerKey {
    /** The Secret's name: derived from the public key, so a key keeps its Secret from active to retired. */
    readonly secretName: string;
    readonly certificatePem: string;
    readonly privateKeyPem: string;
}

function publicKeyDigest(key: crypto.KeyObject): Buffer {
    return crypto.createHash("sha256").update(crypto.createPublicKey(key).export({ type: "spki", format: "der" })).digest();
}

/** `sealed-secrets-key-<12 hex digits of the public key's SHA-256>`. */
export function keySecretName(key: crypto.KeyObject): string {
    return `sealed-secrets-key-${publicKeyDigest(key).toString("hex").slice(0, 12)}`;
}

function retiredError(message: string): SealingConfigError {
    return new SealingConfigError(
        RETIRED_KEYS,
        `${message}; set the retired keys again with \`pulumi config set --secret ${RETIRED_KEYS} -- "$(cat old-key-1.pem old-key-2.pem)"\` (PEM private keys, one after another)`,
    );
}

/**
 * The retired keys of `gitops:sealingRetiredKeys` (PEM private keys, one after another), each
 * with the certificate the program gives it. Its certificate and Secret name are the same for the
 * same key every time: a fixed serial from the public key, fixed dates.
 *
 * @throws SealingConfigError naming `gitops:sealingRetiredKeys`; the message never quotes a key.
 */
export function retiredKeys(pem: string, active: SealingCertificate): ControllerKey[] {
    const blocks = [...pem.matchAll(/-----BEGIN ([A-Z ]*PRIVATE KEY)-----[\s\S]*?-----END \1-----/g)].map((m) => m[0]);
    const leftover = blocks.reduce((text, block) => text.replace(block, ""), pem).trim();
    if (blocks.length === 0 || leftover !== "") throw retiredError("is not a list of PEM private keys (it holds no key, or text that is not one)");
    if (active.notBefore.getTime() <= RETIRED_NOT_BEFORE.getTime()) {
        throw new SealingConfigError("gitops:sealingCertificate", `is valid from ${active.notBefore.toISOString()}, not after ${RETIRED_NOT_BEFORE.toISOString()}, when the certificates of retired keys start, so the controller could seal with a retired key; make a new key pair with \`npm run keygen\``);
    }
    const activeDigest = crypto.createHash("sha256").update(active.publicKey.export({ type: "spki", format: "der" })).digest();
    const seen = new Set<string>();
    return blocks.map((block, i) => {
        let key: crypto.KeyObject;
        try {
            key = crypto.createPrivateKey({ key: block, format: "pem" });
        } catch {
            throw retiredError(`key ${i + 1} is not a readable PEM private key (an unencrypted PKCS#8 or PKCS#1 key is expected)`);
        }
        if (key.asymmetricKeyType !== "rsa") throw retiredError(`key ${i + 1} is not an RSA key, and sealed-secrets keys are`);
        const digest = publicKeyDigest(key);
        if (digest.equals(activeDigest)) throw retiredError(`key ${i + 1} is the active key (gitops:sealingKey); list only keys that are no longer active`);
        if (seen.has(digest.toString("hex"))) throw retiredError(`key ${i + 1} is listed twice; list each retired key once`);
        seen.add(digest.toString("hex"));
        const certificatePem = selfSignedCertificate(key, { commonName: "sealed-secret", notBefore: RETIRED_NOT_BEFORE, notAfter: RETIRED_NOT_AFTER, serial: digest.subarray(0, 16) });
        return { secretName: keySecretName(key), certificatePem, privateKeyPem: key.export({ type: "pkcs8", format: "pem" }).toString() };
    });
}
