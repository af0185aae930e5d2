/**
 * What the platform asks the scheduler for: every pod it runs, with the requests its containers
 * are given (core/sizing.ts), as the scheduler counts a pod: the sum of its containers, or its
 * largest init container where that is more (Kubernetes docs, "Init Containers", resource sharing
 * within containers). A Job's pod is left out: it leaves once done. Each part declares its pods
 * beside the values that size them; the tests hold the declarations to what the charts render.
 */
import { bytes, millicores } from "./quantity";
import type { Size } from "./sizing";

/** A container's requests, as the charts are given them. */
export interface Requests {
    readonly cpu: string;
    readonly memory: string;
}

/** Pods alike of one workload: how many, and what each asks for. */
export interface PodGroup {
    /** The workload, as people name it: `Argo CD's repo-server`. */
    readonly what: string;
    /** The model path of the `size` that sets its requests. */
    readonly sizeAt: string;
    readonly size: Size;
    /** How many run: a number, or one on every schedulable node (a DaemonSet). */
    readonly pods: number | "every node";
    readonly containers: readonly Requests[];
    readonly initContainers?: readonly Requests[];
}

/** One pod's requests as the scheduler counts them: millicores and bytes. */
export function podRequests(group: Pick<PodGroup, "containers" | "initContainers">): { cpu: number; memory: number } {
    const sum = (key: "cpu" | "memory", parse: (q: string) => number) => group.containers.reduce((total, c) => total + parse(c[key]), 0);
    const largestInit = (key: "cpu" | "memory", parse: (q: string) => number) => Math.max(0, ...(group.initContainers ?? []).map((c) => parse(c[key])));
    return { cpu: Math.max(sum("cpu", millicores), largestInit("cpu", millicores)), memory: Math.max(sum("memory", bytes), largestInit("memory", bytes)) };
}

/** The requests of `groups` on a cluster of `nodes` schedulable nodes, in millicores and bytes. */
export function totalRequests(groups: readonly PodGroup[], nodes: number): { cpu: number; memory: number } {
    return groups.reduce(
        (total, group) => {
            const pod = podRequests(group);
            const count = group.pods === "every node" ? nodes : group.pods;
            return { cpu: total.cpu + pod.cpu * count, memory: total.memory + pod.memory * count };
        },
        { cpu: 0, memory: 0 },
    );
}
