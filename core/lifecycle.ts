/**
 * How Pulumi treats each object it applies, chart-rendered or the program's own: what `pulumi up`
 * waits for, what it keeps when a release or a stack goes away, and whose fields it takes over.
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
/** Pulumi takes every field of the object over on apply, whoever managed it before (server-side apply's force). */
export const PATCH_FORCE = "pulumi.com/patchForce";
/** What Pulumi waits for instead of its own rules: `condition=<Type>` or `jsonpath=...`. */
export const WAIT_FOR = "pulumi.com/waitFor";
/** Helm's (and Chart v4's) mark of an object that outlives its release. */
export const RESOURCE_POLICY = "helm.sh/resource-policy";

/** What a stack does to every object it applies beyond what the object says. */
export interface ApplyPolicy {
    /**
     * The stack adopts a cluster whose releases were installed by hand (`gitops:adoptExisting`):
     * every object takes over the fields Helm or kubectl managed, instead of failing on them.
     */
    readonly adoptExisting: boolean;
}

/** An object as Pulumi applies it, and whether Pulumi leaves it in the cluster when it deletes it. */
export interface AppliedObject {
    readonly object: Record<string, any>;
    readonly retainOnDelete: boolean;
}

const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "Job"]);

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
    if (object.kind === "Service" && object.spec?.type === "LoadBalancer") return "its address comes from the cloud's load balancer";
    const claims = (podSpec(object)?.volumes ?? []).some((v: Record<string, unknown>) => v.persistentVolumeClaim !== undefined);
    if (claims || (object.kind === "StatefulSet" && (object.spec?.volumeClaimTemplates ?? []).length > 0)) {
        return "its pods start once the provisioner of a storage class binds their volumes";
    }
    return undefined;
}

/** The object with the annotations the policy adds, and its delete behaviour. */
export function appliedObject(object: Record<string, any>, policy: ApplyPolicy): AppliedObject {
    const added: Record<string, string> = {};
    // A CRD deleted takes every custom resource of its kind with it, in every namespace.
    const isCrd = object.kind === "CustomResourceDefinition";
    if (isCrd) added[RESOURCE_POLICY] = "keep";
    if (readinessFromOutside(object) !== undefined) added[SKIP_AWAIT] = "true";
    if (policy.adoptExisting) added[PATCH_FORCE] = "true";
    const annotations = { ...object.metadata?.annotations, ...added };
    return {
        object: Object.keys(added).length === 0 ? object : { ...object, metadata: { ...object.metadata, annotations } },
        retainOnDelete: annotations[RESOURCE_POLICY] === "keep",
    };
}
