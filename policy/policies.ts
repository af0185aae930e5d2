/**
 * What must hold of every Kubernetes object the platform applies, so that a cluster's life (first
 * `up`, upgrades, rotations, removals) loses and blocks nothing. Each rule reads only the
 * object's own fields, as the engine hands them to a policy (the object after the program's
 * transforms); none reads `retainOnDelete`, which policies are not shown, so a kept CRD is
 * judged by the annotation that says so.
 */
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";

type K8sObject = Record<string, any>;

const annotationsOf = (o: K8sObject): Record<string, string> => o.metadata?.annotations ?? {};
const isKind = (o: K8sObject, group: string, kind: string) => o.kind === kind && String(o.apiVersion ?? "").startsWith(group === "" ? "v" : `${group}/`);
const nameOf = (o: K8sObject) => `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata?.name}`;

/** A rule over one Kubernetes object: what is wrong with it, if anything. */
type Rule = (object: K8sObject) => string | undefined;

function policy(name: string, description: string, rule: Rule): ResourceValidationPolicy {
    return {
        name,
        description,
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            if (!args.type.startsWith("kubernetes:") || typeof args.props.kind !== "string") return;
            const problem = rule(args.props);
            if (problem !== undefined) reportViolation(`${nameOf(args.props)}: ${problem}`);
        },
    };
}

/** The pod template's spec of a workload. */
function podSpecOf(o: K8sObject): K8sObject | undefined {
    if (o.kind === "Pod") return o.spec;
    return ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(o.kind) ? o.spec?.template?.spec : undefined;
}

/**
 * Why the Kubernetes provider (pulumi-kubernetes 4.x provider/pkg/await) would wait on this
 * object for something no `pulumi up` of the platform provides, if it would.
 */
function waitsOnOutside(o: K8sObject): string | undefined {
    if (isKind(o, "networking.k8s.io", "Ingress")) return "an Ingress is awaited until an ingress controller writes its status.loadBalancer";
    if (isKind(o, "", "Service") && o.spec?.type === "LoadBalancer") return "a LoadBalancer Service is awaited until the cloud's load balancer gives it an address";
    if (isKind(o, "", "PersistentVolumeClaim")) return "a claim is awaited until its storage class's provisioner binds it";
    const mountsClaim = (podSpecOf(o)?.volumes ?? []).some((v: K8sObject) => v.persistentVolumeClaim);
    if (mountsClaim || (o.kind === "StatefulSet" && (o.spec?.volumeClaimTemplates ?? []).length > 0)) return "a workload with persistent volumes is awaited until a storage class's provisioner binds them";
    return undefined;
}

export const policies: readonly ResourceValidationPolicy[] = [
    policy("crds-kept", "Every CustomResourceDefinition is kept on delete: deleting one deletes every custom resource of its kind, in every namespace and every environment.", (o) =>
        isKind(o, "apiextensions.k8s.io", "CustomResourceDefinition") && annotationsOf(o)["helm.sh/resource-policy"] !== "keep"
            ? 'lacks the annotation helm.sh/resource-policy: "keep" (and with it retainOnDelete): removing the release or the stack would delete every object of its kind'
            : undefined,
    ),
    policy("no-await-on-outside-readiness", "No object is awaited whose readiness only a controller or infrastructure outside the platform decides: the first `up` on a fresh cluster would wait ten minutes and fail.", (o) => {
        const why = waitsOnOutside(o);
        return why !== undefined && annotationsOf(o)["pulumi.com/skipAwait"] !== "true" ? `${why}; annotate it pulumi.com/skipAwait: "true"` : undefined;
    }),
    policy("applicationsets-preserve-resources", "Every ApplicationSet preserves its Applications' resources when it is deleted: the teams' running workloads outlive the platform object.", (o) =>
        isKind(o, "argoproj.io", "ApplicationSet") && o.spec?.syncPolicy?.preserveResourcesOnDeletion !== true
            ? "lacks spec.syncPolicy.preserveResourcesOnDeletion: true, so the Applications it generates carry the resources finalizer and deleting it deletes the teams' workloads"
            : undefined,
    ),
    policy("no-plain-secret", "No Secret with data is applied in plain text, but the sealed-secrets controller's own keys: every other secret is a SealedSecret.", (o) => {
        if (!isKind(o, "", "Secret")) return undefined;
        const hasData = Object.keys(o.data ?? {}).length + Object.keys(o.stringData ?? {}).length > 0;
        const controllerKey = o.metadata?.labels?.["sealedsecrets.bitnami.com/sealed-secrets-key"] !== undefined;
        return hasData && !controllerKey ? "holds data in plain text; seal it into a SealedSecret" : undefined;
    }),
    policy("sealed-secrets-strict-and-awaited", "Every SealedSecret has strict scope (bound to its namespace and name) and is awaited until the controller has unsealed it.", (o) => {
        if (!isKind(o, "bitnami.com", "SealedSecret")) return undefined;
        const annotations = { ...(o.spec?.template?.metadata?.annotations ?? {}), ...annotationsOf(o) };
        const widened = ["sealedsecrets.bitnami.com/namespace-wide", "sealedsecrets.bitnami.com/cluster-wide"].filter((a) => annotations[a] === "true");
        if (widened.length > 0) return `is not strict-scoped (${widened.join(", ")}): anyone who can create a SealedSecret elsewhere could unseal it there`;
        if (annotationsOf(o)["pulumi.com/waitFor"] !== "condition=Synced") return 'lacks pulumi.com/waitFor: "condition=Synced": a SealedSecret the controller cannot open would pass the `up` silently';
        return undefined;
    }),
];
