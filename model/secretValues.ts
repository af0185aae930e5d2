/**
 * The secret values a model names, checked as their consumers will read them, before anything is
 * registered: a CA issuer's key pair as cert-manager loads it, and no private key that demo/
 * publishes. Messages name the config key and the model path, never the value.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ProblemCollector } from "./problems";
import type { StackModel } from "./schema";

/** The private keys committed in demo/ for the offline render: public, so never for a cluster. */
const DEMO_KEY_FILES = ["sealing.key", "ca.key", "fleet-eu-sealing.key", "fleet-us-sealing.key"].map((file) => path.join(__dirname, "..", "demo", file));

const keyOf = (reference: string) => reference.slice(reference.indexOf(":") + 1);

/** The public key of a PEM private key, to compare keys whatever their encoding; undefined when the value is no private key. */
function publicKeyOf(pem: string): string | undefined {
    try {
        return crypto.createPublicKey(crypto.createPrivateKey(pem)).export({ type: "spki", format: "der" }).toString("base64");
    } catch {
        return undefined;
    }
}

let demoPublicKeys: ReadonlySet<string | undefined> | undefined;

/** The config keys (without `gitops:`) among `values` that hold a private key committed in demo/. */
export function demoKeysIn(values: Readonly<Record<string, string | undefined>>): string[] {
    // Read once per process: a render of many stacks or commits reads config for each.
    demoPublicKeys ??= new Set(DEMO_KEY_FILES.map((file) => publicKeyOf(fs.readFileSync(file, "utf8"))));
    const demo = demoPublicKeys;
    return Object.entries(values)
        .filter(([, value]) => value !== undefined && demo.has(publicKeyOf(value)))
        .map(([key]) => key)
        .sort();
}

/**
 * Each CA issuer's certificate and key as cert-manager's CA issuer loads them: a PEM certificate
 * marked as a CA (its setup refuses any other: "certificate is not a CA"), and the private key
 * of that certificate (or every certificate it signs fails to verify).
 */
export function checkIssuerKeyPairs(model: StackModel, secrets: Readonly<Record<string, string>>, problems: ProblemCollector): void {
    (model.clusterWide?.certManager.issuers ?? []).forEach((issuer, i) => {
        if (!issuer.ca) return;
        const at = `clusterWide.certManager.issuers[${i}].ca`;
        const [certificateKey, privateKey] = [keyOf(issuer.ca.certificate), keyOf(issuer.ca.key)];
        const [certificatePem, keyPem] = [secrets[certificateKey], secrets[privateKey]];
        // Either unset is reported as such by the config check.
        if (certificatePem === undefined || keyPem === undefined) return;
        let certificate: crypto.X509Certificate;
        try {
            certificate = new crypto.X509Certificate(certificatePem);
        } catch {
            problems.add(`gitops:${certificateKey}`, `is not a PEM certificate, but ${at}.certificate names it as the CA certificate of ClusterIssuer "${issuer.name}"; set it to the CA's certificate (-----BEGIN CERTIFICATE-----)`);
            return;
        }
        if (!certificate.ca) {
            problems.add(`gitops:${certificateKey}`, `is not a CA certificate (no basicConstraints CA:TRUE), so cert-manager would refuse ClusterIssuer "${issuer.name}" (${at}); create a CA as the README's "Access" shows`);
        }
        let key: crypto.KeyObject;
        try {
            key = crypto.createPrivateKey(keyPem);
        } catch {
            problems.add(`gitops:${privateKey}`, `is not a PEM private key, but ${at}.key names it as the key of ClusterIssuer "${issuer.name}"; set it to the CA's private key`);
            return;
        }
        if (!certificate.checkPrivateKey(key)) {
            problems.add(`gitops:${privateKey}`, `is not the private key of gitops:${certificateKey} (${at}): every certificate ClusterIssuer "${issuer.name}" signed would fail to verify; set the key and the certificate of one CA`);
        }
    });
}
