/**
 * Plain Kubernetes objects. Pure builders: the components register what these return.
 * Values may be Pulumi inputs (a sealed secret's ciphertext is known only once sealed).
 */
import type * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { RESOURCE_POLICY, TIMEOUT_SECONDS, WAIT_FOR } from "./lifecycle";

/** A Kubernetes object as the API server takes it. */
export interface KubeObject {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata: {
        readonly name: string;
        readonly namespace?: string;
        readonly labels?: Readonly<Record<string, string>>;
        readonly annotations?: Readonly<Record<string, string>>;
    };
    readonly [field: string]: unknown;
}

/** The label that tells which environment an object belongs to; default notification subscriptions select by it. */
export const ENVIRONMENT_LABEL = "gitops-platform/environment";
/** The label of the cluster-wide parts, which belong to no one environment. */
export const CLUSTER_LABEL = "gitops-platform/cluster";

function labels(component: string, key: string, value: string): Record<string, string> {
    return { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "gitops-platform", "app.kubernetes.io/component": component, [key]: value };
}

/** Labels on every object of an environment's parts, so `kubectl get -l` finds them. */
export function environmentLabels(environment: string, component: string): Record<string, string> {
    return labels(component, ENVIRONMENT_LABEL, environment);
}

/** Labels on every object of the cluster-wide parts. */
export function clusterLabels(cluster: string, component: string): Record<string, string> {
    return labels(component, CLUSTER_LABEL, cluster);
}

/** YAML text for a ConfigMap or Secret value: keys sorted, no line folding, stable output. */
export function toYaml(data: unknown): string {
    return yaml.dump(data, { sortKeys: true, lineWidth: -1, noRefs: true, quotingType: '"' });
}

/**
 * A namespace; `keep` for one that holds data: Pulumi leaves it, and the volumes in it, when it
 * deletes it (a renamed environment, `pulumi destroy`), and a later `up` takes it back
 * (core/lifecycle.ts).
 */
export function namespace(name: string, labels: Record<string, string>, options: { readonly keep?: boolean } = {}): KubeObject {
    return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels, ...(options.keep ? { annotations: { [RESOURCE_POLICY]: "keep" } } : {}) } };
}

export function configMap(name: string, ns: string, labels: Record<string, string>, data: Record<string, string>): KubeObject {
    return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: ns, labels }, data };
}

/** What a secret value is shown as wherever it is shown: previews, renders, diffs. */
export const SECRET_PLACEHOLDER = "<secret: not rendered>";
/** Prefix of the annotations that show what a sealed data key holds, its secret values replaced. */
export const PREVIEW_ANNOTATION = "gitops-platform/preview.";

/**
 * What `pulumi up` waits for on a SealedSecret: the controller's `Synced` condition, which it
 * writes True once it has unsealed the Secret and False with the error when it cannot
 * (sealed-secrets v0.36 pkg/controller/controller.go, `--update-status` on by default). A
 * SealedSecret sealed for a certificate the controller has no key of fails the `up` by name.
 */
export const UNSEALED = "condition=Synced";

/**
 * How long `pulumi up` waits for a SealedSecret to be unsealed: the controller (applied and
 * awaited before any SealedSecret) unseals within seconds, so three minutes are ample, and a
 * SealedSecret it cannot open (sealed for another key) fails the `up` then, by name, instead of
 * after the provider's default of ten (`pulumi.com/timeoutSeconds`, metadata/overrides.go).
 * Why it could not is the condition's message: `kubectl get sealedsecret -n <namespace> <name>`.
 */
export const UNSEAL_TIMEOUT_SECONDS = 180;

/** The sealed-secrets controller's annotations of a Secret (v0.36.6 pkg/apis/sealedsecrets/v1alpha1/types.go). */
export const SEALED_SECRETS_ANNOTATIONS = {
    /** It takes over a Secret it did not make, and owns it from then on. */
    managed: "sealedsecrets.bitnami.com/managed",
    /** It writes its keys into the Secret and keeps the others, instead of replacing the whole Secret. */
    patch: "sealedsecrets.bitnami.com/patch",
} as const;

/** A Secret whose every value is a secret the model names as a config key (`gitops:<key>`): the program seals it. */
export interface SecretFromConfig {
    readonly name: string;
    /** Its Kubernetes type (`Opaque`, `kubernetes.io/tls`...). */
    readonly type: string;
    /** Each data key, with the config reference of its value. */
    readonly data: Readonly<Record<string, string>>;
}

/**
 * A SealedSecret with strict scope: only the controller can decrypt it, and only into a
 * Secret with exactly this namespace and name; `pulumi up` waits until it is unsealed.
 * `previews` shows, per data key whose content is not secret as a whole, what the program sealed
 * with every secret value replaced by SECRET_PLACEHOLDER: reviews and `kubectl get` can read
 * what changed without any key. `templateLabels` and `templateAnnotations` go on the Secret only
 * (Argo CD finds its repository credentials and clusters by such a label, and its cluster
 * generator reads a cluster Secret's annotations).
 */
export function sealedSecret(
    name: string,
    ns: string,
    labels: Record<string, string>,
    encryptedData: pulumi.Input<Record<string, string>>,
    options: {
        readonly previews?: Readonly<Record<string, string>>;
        readonly templateLabels?: Readonly<Record<string, string>>;
        readonly templateAnnotations?: Readonly<Record<string, string>>;
        readonly type?: string;
        readonly sharedWithItsController?: boolean;
    } = {},
): KubeObject {
    const previews = Object.entries(options.previews ?? {}).map(([key, text]) => [`${PREVIEW_ANNOTATION}${key}`, text]);
    const annotations = { [WAIT_FOR]: UNSEALED, [TIMEOUT_SECONDS]: String(UNSEAL_TIMEOUT_SECONDS), ...Object.fromEntries(previews) };
    // The controller makes the Secret from the template, annotations included; then, on every later unseal, patches it.
    const secretAnnotations = { ...options.templateAnnotations, ...(options.sharedWithItsController ? { [SEALED_SECRETS_ANNOTATIONS.patch]: "true" } : {}) };
    const templateAnnotations = Object.keys(secretAnnotations).length > 0 ? { annotations: secretAnnotations } : {};
    return {
        apiVersion: "bitnami.com/v1alpha1",
        kind: "SealedSecret",
        metadata: { name, namespace: ns, labels, annotations },
        spec: { encryptedData, template: { metadata: { name, namespace: ns, labels: { ...labels, ...options.templateLabels }, ...templateAnnotations }, type: options.type ?? "Opaque" } },
    };
}

/**
 * The Secret patch that hands the existing Secret a SealedSecret writes to the controller:
 * managed, and patched where the SealedSecret's own Secret is (so that the keys the Secret's other
 * writer put there stay). Of the SealedSecret's type: where no Secret exists yet the patch makes
 * one, and a Secret's type cannot change later.
 */
export function sealedSecretAdoption(sealed: KubeObject): { metadata: { name: string; namespace: string; annotations: Record<string, string> }; type: string } {
    const template = (sealed.spec as { template: { metadata?: { annotations?: Record<string, string> }; type: string } }).template;
    const patched = template.metadata?.annotations?.[SEALED_SECRETS_ANNOTATIONS.patch] === "true";
    const annotations = { [SEALED_SECRETS_ANNOTATIONS.managed]: "true", ...(patched ? { [SEALED_SECRETS_ANNOTATIONS.patch]: "true" } : {}) };
    return { metadata: { name: sealed.metadata.name, namespace: sealed.metadata.namespace as string, annotations }, type: template.type };
}
