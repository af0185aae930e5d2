/**
 * What `npm run check` read from the live cluster, as plain data: what the judges
 * (check/pre.ts, check/post.ts) decide on, and what the tests give them directly.
 */

/** A status condition as Kubernetes objects carry them. */
export interface Condition {
    readonly type: string;
    readonly status: string;
    readonly reason?: string;
    readonly message?: string;
}

/** One read of the cluster: its value, or why the API server refused it (its HTTP status where there was one). */
export type Section<T> = { readonly value: T; readonly error?: undefined } | { readonly value?: undefined; readonly error: string; readonly status?: number };

export interface LiveNode {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly providerID: string;
    /** Cordoned (`kubectl cordon`). */
    readonly unschedulable: boolean;
    readonly taints: readonly { readonly key: string; readonly effect: string }[];
    readonly ready: boolean;
    readonly allocatable: { readonly cpu: string; readonly memory: string };
    readonly kubeletVersion: string;
}

export interface LiveCrd {
    readonly name: string;
    readonly group: string;
    readonly kind: string;
    readonly established: boolean;
    /** The field managers of its managedFields: `pulumi-kubernetes-…` for Pulumi's server-side apply, `helm` for Helm. */
    readonly managers: readonly string[];
}

/** A platform object of the kinds the stack creates (SealedSecret, Application, ApplicationSet, AppProject), as it is in the cluster. */
export interface LiveObject {
    readonly kind: string;
    readonly namespace: string;
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly managers: readonly string[];
    readonly conditions: readonly Condition[];
    /** An Application's sync and health status. */
    readonly sync?: string;
    readonly health?: string;
}

export interface LiveWorkload {
    readonly part: string;
    readonly release: string;
    readonly namespace: string;
    readonly kind: string;
    readonly name: string;
    /** Pods wanted, and those ready (a Deployment's available ones). */
    readonly desired: number;
    readonly ready: number;
    readonly conditions: readonly Condition[];
}

export interface LiveCluster {
    /** The kube context read, and its API server. */
    readonly context: string;
    readonly server: string;
    readonly sections: {
        api?: Section<{ gitVersion: string; major: string; minor: string }>;
        nodes?: Section<LiveNode[]>;
        storageClasses?: Section<{ name: string; isDefault: boolean }[]>;
        ingressClasses?: Section<{ name: string; isDefault: boolean }[]>;
        crds?: Section<LiveCrd[]>;
        gateways?: Section<{ namespace: string; name: string; exists: boolean }[]>;
        access?: Section<{ permission: { verb: string; group: string; resource: string; namespace?: string }; allowed: boolean; reason?: string }[]>;
        namespaces?: Section<{ name: string; labels: Record<string, string>; managers: string[] }[]>;
        /** Helm's release records (Secrets labelled owner=helm) in the namespaces of the stack's releases. */
        helmReleases?: Section<{ namespace: string; release: string; status: string; version: string }[]>;
        /** The Secrets at the names the stack's SealedSecrets write. */
        secrets?: Section<{ namespace: string; name: string; exists: boolean; ownedBySealedSecret: boolean; managedAnnotation: boolean }[]>;
        sealedSecrets?: Section<LiveObject[]>;
        argocdObjects?: Section<LiveObject[]>;
        workloads?: Section<LiveWorkload[]>;
        /** In a shared cluster, the workloads of the cluster-wide releases its owner installs. */
        ownerWorkloads?: Section<LiveWorkload[]>;
        certificates?: Section<{ namespace: string; name: string; conditions: Condition[] }[]>;
        issuers?: Section<{ name: string; conditions: Condition[] }[]>;
        /** The environment's Prometheus and Alertmanager. */
        monitors?: Section<{ kind: string; namespace: string; name: string; conditions: Condition[] }[]>;
    };
}

/** The condition of `type`, if the object has it. */
export function conditionOf(conditions: readonly Condition[], type: string): Condition | undefined {
    return conditions.find((c) => c.type === type);
}

/** True when a field manager is Pulumi's server-side apply (pulumi-kubernetes provider.go, fieldManagerName: `pulumi-kubernetes-<random>`). */
export function isPulumiManager(manager: string): boolean {
    return manager.startsWith("pulumi-kubernetes");
}
