/**
 * How big the platform runs: the requests of every container by the part's `size`, and the
 * storage and disruption budgets the charts take. The scheduler places pods by their requests: a
 * container without any is placed anywhere, and evicted first when its node runs short.
 */

/** A part's size in the model. */
export type Size = "small" | "production";

/** How much a container does: a sidecar or init step, a light controller, a busy server, the heaviest. */
export type Weight = "tiny" | "light" | "medium" | "heavy";

/** The requests of a container of each weight, by size: `small` at rest on a test cluster, `production` under a real platform's load. */
const REQUESTS: Readonly<Record<Size, Readonly<Record<Weight, { readonly cpu: string; readonly memory: string }>>>> = {
    small: { tiny: { cpu: "10m", memory: "32Mi" }, light: { cpu: "25m", memory: "64Mi" }, medium: { cpu: "50m", memory: "128Mi" }, heavy: { cpu: "100m", memory: "256Mi" } },
    production: { tiny: { cpu: "20m", memory: "64Mi" }, light: { cpu: "100m", memory: "128Mi" }, medium: { cpu: "250m", memory: "512Mi" }, heavy: { cpu: "1", memory: "2Gi" } },
};

/** A container's `resources`: its requests by size and weight, and as much memory again as its limit, so that a leak is stopped before it starves its node. */
export function resources(size: Size, weight: Weight): { requests: { cpu: string; memory: string }; limits: { memory: string } } {
    const requests = REQUESTS[size][weight];
    return { requests: { ...requests }, limits: { memory: doubled(requests.memory) } };
}

/** A container's requests by size and weight. */
export function requests(size: Size, weight: Weight): { cpu: string; memory: string } {
    return { ...REQUESTS[size][weight] };
}

/** `128Mi` → `256Mi`, `2Gi` → `4Gi`. */
function doubled(quantity: string): string {
    const [, amount, unit] = /^([0-9]+)(Mi|Gi)$/.exec(quantity) as RegExpExecArray;
    return `${Number(amount) * 2}${unit}`;
}

/** A PodDisruptionBudget's values in the charts' shape, on where a component runs two replicas or more: a drain then keeps one running. */
export function disruptionBudget(replicas: number): { enabled: boolean; maxUnavailable?: number } {
    return replicas > 1 ? { enabled: true, maxUnavailable: 1 } : { enabled: false };
}

/** A PersistentVolumeClaim spec of the given size and storage class (the cluster's default one when absent). */
export function claimSpec(storage: { readonly size: string; readonly storageClass?: string }): Record<string, unknown> {
    return {
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: storage.size } },
        ...(storage.storageClass ? { storageClassName: storage.storageClass } : {}),
    };
}
