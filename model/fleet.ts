/**
 * The `fleet` section of a stack's model: a hub (one Argo CD managing spoke clusters by label) or
 * a spoke (a cluster prepared to be managed by a hub). Absent: the stack is no part of a fleet.
 */
import { z } from "zod";
import { configReference, dnsLabel, hostname, repoUrl, serverUrl, stackName } from "./primitives";

/** A label key as Kubernetes takes it: an optional DNS prefix and `/`, then a name of at most 63 characters. */
export const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A label value: empty, or at most 63 letters, digits, '-', '_' and '.', alphanumeric at both ends. */
export const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const labelKey = z.string().regex(LABEL_KEY, "must be a label key such as region or example.com/tier");
const labelValue = z.string().regex(LABEL_VALUE, "must be a label value: at most 63 letters, digits, '-', '_' and '.'");

/** A Kubernetes label selector, as Argo CD's cluster generator evaluates it against each cluster Secret's labels. */
export const selectorSchema = z.strictObject({
    matchLabels: z.record(labelKey, labelValue).default({}),
    matchExpressions: z
        .array(
            z
                .strictObject({ key: labelKey, operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]), values: z.array(labelValue).default([]) })
                .refine((e) => (e.operator === "In" || e.operator === "NotIn" ? e.values.length > 0 : e.values.length === 0), {
                    message: "In and NotIn take at least one value, Exists and DoesNotExist none (as Kubernetes' label selectors)",
                }),
        )
        .default([]),
});

/** How the hub's Argo CD authenticates to a spoke, as the cluster Secret's `config` says. */
const authSchema = z.discriminatedUnion("type", [
    /** The ServiceAccount token the spoke stack made (or the config secret `bearerToken` names). */
    z.strictObject({ type: z.literal("bearerToken") }),
    /** EKS: `aws eks get-token` for `clusterName`, as `roleARN` when given (awsAuthConfig). */
    z.strictObject({ type: z.literal("aws"), clusterName: z.string().min(1), roleARN: z.string().regex(/^arn:aws[-a-z]*:iam::[0-9]{12}:role\/\S+$/, "must be an IAM role ARN").optional() }),
    /** A client-go credential plugin the hub's Argo CD image has (execProviderConfig). */
    z.strictObject({ type: z.literal("exec"), command: z.string().min(1), args: z.array(z.string()).default([]), apiVersion: z.string().default("client.authentication.k8s.io/v1beta1") }),
]);

/** Where the hub finds a spoke's server, certificate authority and credentials. */
const spokeSourceSchema = z.union([
    /** A spoke stack of this project, read through a StackReference (its `fleetSpoke` output). */
    z.strictObject({ stack: stackName }),
    /** A cluster built elsewhere: its API server, and the config secrets holding its CA and token. */
    z.strictObject({
        config: z.strictObject({
            server: serverUrl,
            /** PEM certificate authority of the API server. */
            caData: configReference,
            /** Token for `auth.type: bearerToken`. */
            bearerToken: configReference.optional(),
            /** The sealed-secrets controller's certificate of that cluster: what the hub seals its secrets with. */
            sealingCertificate: configReference,
            /** Namespaces Argo CD may manage there; none: the whole cluster. */
            namespaces: z.array(dnsLabel).optional(),
        }),
    }),
]);

const spokeSchema = z.strictObject({
    /** The cluster's name in Argo CD (the cluster Secret's `name`, and `{{.name}}` in templates). */
    name: dnsLabel,
    /** Labels of its cluster Secret, which selectors match: environment, region, team, `enable_<addon>: "true"`. */
    labels: z.record(labelKey, labelValue).default({}),
    /** Annotations of its cluster Secret beside the program's (cluster name, Prometheus URL, ingress domain). */
    annotations: z.record(labelKey, z.string()).default({}),
    /** Its Prometheus, for add-ons that read it (annotation `gitops-platform/prometheus-url`). */
    prometheusUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** The domain its ingress serves (annotation `gitops-platform/ingress-domain`). */
    ingressDomain: hostname.optional(),
    source: spokeSourceSchema,
    auth: authSchema.default({ type: "bearerToken" }),
});

/** A secret an add-on needs on each cluster it is placed on, sealed there for that cluster's controller. */
const addonSecretSchema = z.strictObject({ name: dnsLabel, namespace: dnsLabel, data: z.record(z.string().regex(/^[-._a-zA-Z0-9]+$/), configReference) });

/**
 * A git directories generator, joined to the cluster generator by a matrix: one Application per
 * selected cluster and per directory of the repository that a pattern of `include` matches and
 * none of `exclude` (Argo CD's path globs, read by the controller at each refresh). Templates may
 * then read `.path.path`, `.path.basename`, `.path.basenameNormalized` and `index .path.segments n`.
 */
const directoriesSchema = z.strictObject({
    repoURL: repoUrl,
    revision: z.string().min(1).default("HEAD"),
    include: z.array(z.string().min(1)).min(1),
    exclude: z.array(z.string().min(1)).default([]),
});

/** What an ApplicationSet of the hub deploys on each cluster its selector selects; string fields may use `{{.name}}`, `{{.metadata.labels.<key>}}`, `{{.metadata.annotations.<key>}}`. */
const placedSchema = {
    name: dnsLabel,
    selector: selectorSchema,
    /** Also one Application per directory of a repository (see above); `source.path` then reads `.path.path`. */
    directories: directoriesSchema.optional(),
    source: z.strictObject({ repoURL: repoUrl, path: z.string().min(1), targetRevision: z.string().min(1).default("HEAD") }),
    /** Namespace on the cluster (templated). */
    namespace: z.string().min(1),
    /** Helm parameters (templated values). */
    parameters: z.record(z.string().min(1), z.string()).default({}),
};

const addonSchema = z.strictObject({ ...placedSchema, secrets: z.array(addonSecretSchema).default([]) });
const applicationSchema = z.strictObject({ ...placedSchema, project: dnsLabel });

/** A team's project and role on the clusters its selector selects (Argo CD RBAC and AppProject destinations). */
const teamSchema = z.strictObject({
    name: dnsLabel,
    /** SSO groups bound to the team's role. */
    groups: z.array(z.string().min(1)).default([]),
    clusters: selectorSchema,
    /** Namespaces its applications may deploy to on those clusters. */
    namespaces: z.array(z.string().min(1)).min(1),
    /** Repositories its applications may sync from (Argo CD globs). */
    sourceRepos: z.array(z.string().min(1)).min(1),
    /** What it may do with its applications, e.g. get, sync. */
    actions: z.array(z.enum(["get", "create", "update", "delete", "sync", "override"])).min(1),
});

const hubSchema = z.strictObject({
    role: z.literal("hub"),
    /** The project of the add-ons' ApplicationSets: one of clusterWide.argocd.projects that may deploy anywhere. */
    addonsProject: dnsLabel.default("platform"),
    spokes: z.array(spokeSchema).default([]),
    addons: z.array(addonSchema).default([]),
    applications: z.array(applicationSchema).default([]),
    teams: z.array(teamSchema).default([]),
});

const spokeRoleSchema = z.strictObject({
    role: z.literal("spoke"),
    /** The hub stack that manages this cluster. */
    hub: stackName,
    /** The API server's URL as the hub reaches it. */
    server: serverUrl,
    /** Namespaces the hub's Argo CD may manage here; none: the whole cluster. */
    namespaces: z.array(dnsLabel).optional(),
});

export const fleetSchema = z.discriminatedUnion("role", [hubSchema, spokeRoleSchema]);

export type FleetModel = z.output<typeof fleetSchema>;
export type HubModel = z.output<typeof hubSchema>;
export type SpokeRoleModel = z.output<typeof spokeRoleSchema>;
export type SpokeModel = z.output<typeof spokeSchema>;
export type SelectorModel = z.output<typeof selectorSchema>;
export type DirectoriesModel = z.output<typeof directoriesSchema>;
export type AddonModel = z.output<typeof addonSchema>;
export type FleetApplicationModel = z.output<typeof applicationSchema>;
export type TeamModel = z.output<typeof teamSchema>;
export type ClusterAuthModel = z.output<typeof authSchema>;

/** The stack output a spoke exports for its hub. */
export const FLEET_SPOKE_OUTPUT = "fleetSpoke";

/** What a spoke exports for its hub (a secret output: it holds the token), read through a StackReference. */
export const spokeOutputSchema = z.strictObject({
    /** The spoke's cluster name (its `cluster.name`). */
    cluster: dnsLabel,
    server: serverUrl,
    /** The API server's certificate authority, PEM (the token Secret's `ca.crt`). */
    caPem: z.string().includes("-----BEGIN CERTIFICATE-----"),
    /** The ServiceAccount token Argo CD acts with there; empty until Kubernetes has filled the token Secret. */
    bearerToken: z.string(),
    namespaces: z.array(dnsLabel).optional(),
    /** The certificate of the spoke's own sealed-secrets controller: whatever the hub seals for the spoke is sealed for it. */
    sealingCertificate: z.string().includes("-----BEGIN CERTIFICATE-----"),
});
export type SpokeOutput = z.output<typeof spokeOutputSchema>;
