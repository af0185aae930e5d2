/**
 * The stack config this program reads (Pulumi project `gitops`). Values are validated here,
 * before any resource is registered; errors name the config key, never the value.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { closest } from "fastest-levenshtein";
import * as yaml from "js-yaml";
import { certificateFingerprint, parseSealingCertificate, type SealingCertificate, SealingConfigError } from "../sealing/certificate";
import { type ControllerKey, keySecretName, retiredKeys } from "../sealing/keys";
import { type Problem, ProblemCollector, StackInputError } from "./problems";
import { CONFIG_REFERENCE, type StackModel } from "./schema";
import { checkIssuerKeyPairs, demoKeysIn } from "./secretValues";

export const CONFIG_NAMESPACE = "gitops";

/**
 * The config keys the program reads itself, as declared in Pulumi.yaml (optional ones default to
 * "", read as unset). The secrets a model names (`gitops:<key>`, see `configReferences`) are
 * declared there too, and read only where a model names them.
 */
export const CONFIG_KEYS = {
    sealingCertificate: { secret: false, optional: false, description: "PEM certificate of the sealed-secrets controller: every secret is sealed for it" },
    sealingKey: { secret: true, optional: true, description: "PEM private key of the sealed-secrets controller (bring your own key)" },
    sealingRetiredKeys: { secret: true, optional: true, description: "the controller's retired PEM private keys, one after another: kept in the cluster so that what was sealed for them still opens" },
    argocdAdminPassword: { secret: true, optional: true, description: "Argo CD admin password; a random one is generated when unset" },
    kubeContext: { secret: false, optional: true, description: "kubeconfig context of the cluster this stack deploys to; `pulumi up` refuses without it" },
    adoptExisting: { secret: false, optional: true, description: '"true" for the `pulumi up` that adopts releases installed by hand: existing objects are taken over instead of refused' },
    model: { secret: false, optional: true, description: "Path of the stack's model file; defaults to stacks/<stack>.ts" },
} as const;
export type ConfigKey = keyof typeof CONFIG_KEYS;

/** The project file that declares every config key. */
export const PROJECT_FILE = path.join(__dirname, "..", "Pulumi.yaml");

/** Every config key Pulumi.yaml declares, with its description: the program's own and the secrets models name. */
export function declaredConfigKeys(file = PROJECT_FILE): ReadonlyMap<string, string> {
    const project = yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, { description?: string }> };
    return new Map(Object.entries(project.config ?? {}).map(([key, spec]) => [key, spec.description ?? ""]));
}

/** Where a model names a secret of the stack's config: its path, and the key without `gitops:`. */
export interface ConfigReference {
    readonly path: string;
    readonly key: string;
}

/**
 * Every secret the model names must be declared in Pulumi.yaml (Pulumi passes any key through,
 * so a typo would only show as a missing value), and be none of the keys the program reads itself.
 */
export function checkConfigReferences(model: StackModel, problems: ProblemCollector): void {
    const declared = [...declaredConfigKeys().keys()].filter((key) => !(key in CONFIG_KEYS));
    for (const { path: at, key } of configReferences(model)) {
        if (key in CONFIG_KEYS) problems.add(at, `"${CONFIG_NAMESPACE}:${key}" is a key the program reads itself, not a secret to seal; declare a key of its own in Pulumi.yaml`);
        else if (!declared.includes(key)) problems.add(at, `"${CONFIG_NAMESPACE}:${key}" is not declared in Pulumi.yaml; declare it there (with a description), or use one of: ${declared.map((k) => `${CONFIG_NAMESPACE}:${k}`).join(", ")} (closest: ${CONFIG_NAMESPACE}:${closest(key, declared)})`);
    }
}

/** Every secret of the config the model names, wherever it names one (a string `gitops:<key>`), in model order. */
export function configReferences(model: unknown): ConfigReference[] {
    const found: ConfigReference[] = [];
    const walk = (value: unknown, at: string) => {
        if (typeof value === "string" && CONFIG_REFERENCE.test(value)) found.push({ path: at, key: value.slice(CONFIG_NAMESPACE.length + 1) });
        else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}[${i}]`));
        else if (typeof value === "object" && value !== null) for (const [k, v] of Object.entries(value)) walk(v, at === "" ? k : `${at}.${k}`);
    };
    walk(model, "");
    return found;
}

/** The certificate shipped in `demo/`: fine for offline renders and previews, never for a cluster. */
export const DEMO_CERTIFICATE_FILE = path.join(__dirname, "..", "demo", "sealing.crt");
/** Every demo sealing certificate: the shipped stacks' and the example fleet's spokes' (docs/fleet.md). */
const DEMO_CERTIFICATE_FILES = [DEMO_CERTIFICATE_FILE, ...["fleet-eu", "fleet-us"].map((spoke) => path.join(__dirname, "..", "demo", `${spoke}-sealing.crt`))];

/** Config values, validated. Plaintext secrets live only here, in memory, until sealed. */
export interface PlatformConfig {
    readonly certificate: SealingCertificate;
    readonly sealingKeyPem?: string;
    /**
     * The controller's keys when the program brings them (`sealingKey` set): the active one first,
     * then the retired ones. Empty when the controller keeps its own.
     */
    readonly controllerKeys: readonly ControllerKey[];
    /** Take over objects that exist already (`adoptExisting`). */
    readonly adoptExisting: boolean;
    /** The secrets the model names, by key (without `gitops:`). */
    readonly secrets: Readonly<Record<string, string>>;
    readonly argocdAdminPassword?: string;
    /** The kubeconfig context to deploy to; unset is refused by `pulumi up`. */
    readonly kubeContext?: string;
    /** True when the certificate is the committed demo one. */
    readonly usesDemoCertificate: boolean;
    /** The config keys (without `gitops:`) that hold a private key committed in demo/. */
    readonly demoKeys: readonly string[];
}

/** The secret config keys the model needs: exactly those it names, in key order. */
export function requiredSecretKeys(model: StackModel): string[] {
    return [...new Set(configReferences(model).map((r) => r.key))].sort();
}

/** Keys only the stack that installs the cluster-wide parts may set: a stack sharing the cluster would not use them. */
const INSTALLER_ONLY_KEYS = ["sealingKey", "sealingRetiredKeys", "argocdAdminPassword"] as const satisfies readonly ConfigKey[];

/**
 * Every key among `keys` (a stack's config, or a file of it) that is not a `gitops:` key of
 * `declared` (Pulumi.yaml's keys), with the declared key it most likely means and `fix`, how to
 * move its value there: Pulumi passes any key through, so a typo would only show as a key that
 * is missing, or as none at all where a default or the demo config fills in. `pulumi:` keys,
 * Pulumi's own, pass.
 */
export function undeclaredConfigKeys(keys: readonly string[], declared: readonly string[], fix: (key: string, guess: string) => string): Problem[] {
    const namespace = `${CONFIG_NAMESPACE}:`;
    const known = (key: string) => key.startsWith("pulumi:") || (key.startsWith(namespace) && declared.includes(key.slice(namespace.length)));
    return keys
        .filter((key) => !known(key))
        .sort()
        .map((key) => {
            const guess = closest(key.slice(key.indexOf(":") + 1), [...declared]);
            const what = !key.includes(":")
                ? `is not a config key: they are written ${namespace}<name>`
                : key.startsWith(namespace)
                  ? "is not a config key of this project (Pulumi.yaml declares none by that name)"
                  : `is read by nothing: the program's Kubernetes provider and parts are configured by ${namespace} keys alone`;
            return { path: key, message: `${what}; did you mean ${namespace}${guess}? ${fix(key, guess)}` };
        });
}

/** Refuses every key of the stack's config that is not one this project declares (see `undeclaredConfigKeys`). */
export function checkConfigKeys(stack: string, keys: readonly string[]): void {
    const problems = undeclaredConfigKeys(keys, [...declaredConfigKeys().keys()], (key, guess) => `Move the value with \`pulumi config rm ${key}\` and \`${setCommand(guess)}\``);
    if (problems.length > 0) throw new StackInputError(stack, "the stack config", problems);
}

function isHttpUrl(value: string): boolean {
    try {
        return ["http:", "https:"].includes(new URL(value).protocol);
    } catch {
        return false;
    }
}

function setCommand(key: string): string {
    const secret = key in CONFIG_KEYS ? CONFIG_KEYS[key as ConfigKey].secret : true;
    return `pulumi config set${secret ? " --secret" : ""} ${CONFIG_NAMESPACE}:${key} <value>`;
}

/**
 * Reads and checks the config. `get` returns a key's value (plaintext) or undefined. All
 * problems are reported at once, each naming its key.
 */
export function readPlatformConfig(stack: string, model: StackModel, get: (key: string) => string | undefined, now?: Date): PlatformConfig {
    const problems = new ProblemCollector();
    const at = (key: string) => `${CONFIG_NAMESPACE}:${key}`;
    const secrets: Record<string, string> = {};
    const declared = declaredConfigKeys();
    const references = configReferences(model);
    for (const key of requiredSecretKeys(model)) {
        const value = get(key);
        // Where the model needs it, so that a stack that does not want it knows what to remove instead.
        const namedAt = `the model names it at ${references.filter((r) => r.key === key).map((r) => r.path).join(", ")}`;
        if (value === undefined || value.trim() === "") {
            const what = (declared.get(key) ?? "").replace(/^Optional.*?\.\s+/, "").replace(/\.$/, "");
            problems.add(at(key), `is not set: ${what || "a secret the model names"} (${namedAt}); set it with \`${setCommand(key)}\``);
        } else if ((key.endsWith("Webhook") || key.endsWith("Url")) && !isHttpUrl(value)) {
            // What posts to it takes nothing else: Alertmanager would refuse its whole config at load, keeping the previous one.
            problems.add(at(key), `is not an http(s) URL (${namedAt}); set the ${key.endsWith("Webhook") ? "webhook " : ""}URL with \`${setCommand(key)}\``);
        } else {
            secrets[key] = value;
        }
    }
    checkIssuerKeyPairs(model, secrets, problems);
    const certificatePem = get("sealingCertificate");
    const sealingKeyPem = get("sealingKey");
    let certificate: SealingCertificate | undefined;
    if (certificatePem === undefined) {
        problems.add(at("sealingCertificate"), `is not set: fetch the controller's certificate with \`kubeseal --fetch-cert > sealing.crt\` or create a key pair with \`npm run keygen\`, then \`${setCommand("sealingCertificate")}\``);
    } else {
        try {
            certificate = parseSealingCertificate(certificatePem, { now, privateKeyPem: sealingKeyPem });
        } catch (e) {
            if (!(e instanceof SealingConfigError)) throw e;
            problems.add(e.configKey, e.message);
        }
    }
    if (!model.clusterWide) {
        for (const key of INSTALLER_ONLY_KEYS.filter((k) => get(k) !== undefined)) {
            problems.add(
                at(key),
                `is set, but stack "${model.cluster.owner}" installs the sealed-secrets controller and Argo CD of cluster "${model.cluster.name}", so this stack never uses it; set it there, and remove it here with \`pulumi config rm ${CONFIG_NAMESPACE}:${key}\``,
            );
        }
    }
    let controllerKeys: ControllerKey[] = [];
    const retired = get("sealingRetiredKeys");
    if (retired !== undefined && sealingKeyPem === undefined) {
        problems.add(at("sealingRetiredKeys"), `is set, but ${at("sealingKey")} is not: without a key of its own the controller keeps its keys itself; set the active key with \`${setCommand("sealingKey")}\`, or remove this one with \`pulumi config rm ${at("sealingRetiredKeys")}\``);
    } else if (certificate && sealingKeyPem !== undefined) {
        const active = { secretName: keySecretName(crypto.createPrivateKey(sealingKeyPem)), certificatePem: certificate.pem, privateKeyPem: sealingKeyPem };
        try {
            controllerKeys = [active, ...(retired === undefined ? [] : retiredKeys(retired, certificate))];
        } catch (e) {
            if (!(e instanceof SealingConfigError)) throw e;
            problems.add(e.configKey, e.message);
        }
    }
    const adoptExisting = get("adoptExisting");
    if (adoptExisting !== undefined && !["true", "false"].includes(adoptExisting)) {
        problems.add(at("adoptExisting"), `is "${adoptExisting}", but must be "true" or "false"; set it with \`pulumi config set ${at("adoptExisting")} true\` for the adopting \`pulumi up\`, and remove it afterwards`);
    }
    const kubeContext = get("kubeContext");
    if (kubeContext !== undefined && kubeContext.trim() !== kubeContext) {
        problems.add(at("kubeContext"), `has leading or trailing spaces, which no kubeconfig context name has; set it again with \`${setCommand("kubeContext")}\``);
    }
    const adminPassword = get("argocdAdminPassword");
    if (adminPassword !== undefined && model.clusterWide?.argocd?.sso?.localAdmin === false) {
        problems.add(at("argocdAdminPassword"), `is set, but Argo CD's local admin is off (clusterWide.argocd.sso.localAdmin: false); remove it with \`pulumi config rm ${at("argocdAdminPassword")}\`, or turn the local admin on for the break-glass path (see the README)`);
    }
    if (adminPassword !== undefined && adminPassword.length < 8) {
        problems.add(at("argocdAdminPassword"), `is shorter than 8 characters; choose a longer one, or unset it for a random password`);
    }
    problems.throwIfAny(stack, "the stack config");
    // By fingerprint: a reformatted copy of the demo certificate is still the demo certificate.
    const demoFingerprints = DEMO_CERTIFICATE_FILES.filter((file) => fs.existsSync(file)).map((file) => certificateFingerprint(new crypto.X509Certificate(fs.readFileSync(file)).raw));
    return {
        certificate: certificate as SealingCertificate,
        sealingKeyPem,
        controllerKeys,
        adoptExisting: adoptExisting === "true",
        secrets,
        argocdAdminPassword: adminPassword,
        kubeContext,
        usesDemoCertificate: demoFingerprints.includes(certificate?.fingerprint as string),
        demoKeys: demoKeysIn({ ...secrets, sealingKey: sealingKeyPem }),
    };
}
