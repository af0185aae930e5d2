/**
 * How Pulumi treats each object it applies, chart-rendered or the program's own: what `pulumi up`
 * waits for, and what it keeps when a release or a stack goes away (and takes back when a later
 * `up` finds it: components/register.ts gives kept objects a provider that upserts).
 * Pure: Pulumi runs it as a transform on every Chart v4 child, the components run it on the
 * program's own objects, and the offline render runs it on every chart's expansion, so that the
 * render and `npm run diff -- --charts` show what is applied.
 *
 * Sources followed (pulumi-kubernetes 4.3x, provider/pkg/await and metadata/annotations.go): an
 * Ingress is awaited until `status.loadBalancer.ingress` is set, which only an ingress controller
 * writes; a LoadBalancer Service likewise, by the cloud's load balancer; a PersistentVolumeClaim
 * until it is Bound (5 minutes, Pending is enough only with a WaitForFirstConsumer class); a
 * Deployment until every claim it mounts is Bound too. `pulumi.com/skipAwait: "true"` turns that
 * off. Chart v4 retains an object on delete only where the chart's manifest carries
 * `helm.sh/resource-policy: keep` (provider/pkg/provider/helm/v4/chart.go).
 */

/** Pulumi does not wait for an object that carries it as "true". */
export const SKIP_AWAIT = "pulumi.com/skipAwait";
/** What Pulumi waits for instead of its own rules: `condition=<Type>` or `jsonpath=...`. */
export const WAIT_FOR = "pulumi.com/waitFor";
/** How long Pulumi waits for it, in seconds, instead of its default ten minutes. */
export const TIMEOUT_SECONDS = "pulumi.com/timeoutSeconds";
/** Helm's (and Chart v4's) mark of an object that outlives its release. */
export const RESOURCE_POLICY = "helm.sh/resource-policy";

/** An object as Pulumi applies it, and whether Pulumi leaves it in the cluster when it deletes it. */
export interface AppliedObject {
    readonly object: Record<string, any>;
    readonly retainOnDelete: boolean;
}

const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"]);

function podSpec(object: Record<string, any>): Record<string, any> | undefined {
    if (object.kind === "Pod") return object.spec;
    return WORKLOADS.has(object.kind) ? object.spec?.template?.spec : undefined;
}

/**
 * Why `pulumi up` could not see this object ready with what the same `up` creates: a controller
 * or infrastructure outside the program decides it. Undefined when nothing outside does.
 */
export function readinessFromOutside(object: Record<string, any>): string | undefined {
    switch (object.kind) {
        case "Ingress":
            return "its status is written by an ingress controller, which the cluster's add-ons bring after Argo CD";
        case "PersistentVolumeClaim":
            return "it is bound by the provisioner of its storage class";
    }
    // Stryker disable next-line ConditionalExpression: no other kind has a spec.type of LoadBalancer
    if (object.kind === "Service" && object.spec?.type === "LoadBalancer") return "its address comes from the cloud's load balancer";
    // Stryker disable next-line ArrayDeclaration: a volume that is a string claims nothing
    const claims = (podSpec(object)?.volumes ?? []).some((v: Record<string, unknown>) => v.persistentVolumeClaim !== undefined);
    // Stryker disable next-line ConditionalExpression: only a StatefulSet has volumeClaimTemplates
    if (claims || (object.kind === "StatefulSet" && (object.spec?.volumeClaimTemplates ?? []).length > 0)) {
        return "its pods start once the provisioner of a storage class binds their volumes";
    }
    return undefined;
}

/**
 * The custom resources awaited until their operator says they serve: a Prometheus or Alertmanager
 * that never starts (its volume never bound, its config refused) would otherwise leave an `up`
 * green and the environment unwatched. prometheus-operator sets `Available` on both once every
 * replica is ready (since v0.56; Argo CD's health check of them reads the same condition:
 * resource_customizations/monitoring.coreos.com/Prometheus/health.lua).
 */
const AWAITED_CONDITION: Readonly<Record<string, string>> = {
    "monitoring.coreos.com/v1/Prometheus": "condition=Available",
    "monitoring.coreos.com/v1/Alertmanager": "condition=Available",
};

/** The object with the annotations Pulumi needs of it, and its delete behaviour. */
export function appliedObject(object: Record<string, any>): AppliedObject {
    const added: Record<string, string> = {};
    // A CRD deleted takes every custom resource of its kind with it, in every namespace.
    const isCrd = object.kind === "CustomResourceDefinition";
    if (isCrd) added[RESOURCE_POLICY] = "keep";
    if (readinessFromOutside(object) !== undefined) added[SKIP_AWAIT] = "true";
    const awaited = AWAITED_CONDITION[`${object.apiVersion}/${object.kind}`];
    if (awaited !== undefined && object.metadata?.annotations?.[WAIT_FOR] === undefined) added[WAIT_FOR] = awaited;
    const annotations = { ...object.metadata?.annotations, ...added };
    return {
        object: Object.keys(added).length === 0 ? object : { ...object, metadata: { ...object.metadata, annotations } },
        retainOnDelete: annotations[RESOURCE_POLICY] === "keep",
    };
}
