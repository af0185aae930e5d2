/**
 * Which Kubernetes the platform runs on: each part's supported minor versions, with where that
 * comes from (its chart's `kubeVersion`, its project's own support table at the pinned version, an
 * API field it needs), and the platform's range, their intersection. A cluster's profile must lie
 * in it; the charts are expanded for the profile's version.
 */
import type { ProblemCollector } from "../model/problems";
import type { StackModel } from "../model/schema";

/** The minor versions of Kubernetes 1.x a part supports (`max` none: no upper bound stated), and the source that says so. */
export interface KubernetesSupport {
    readonly min: number;
    readonly max?: number;
    readonly source: string;
}

/** `1.34` as a minor number. */
export function minorOf(version: string): number {
    return Number(version.split(".")[1]);
}

/** A range as people write it: `1.33–1.35`, `1.25 or later`. */
export function describeRange({ min, max }: { readonly min: number; readonly max?: number }): string {
    return max === undefined ? `1.${min} or later` : min === max ? `1.${min}` : `1.${min}–1.${max}`;
}

/** The versions every one of `supports` supports; throws when they have none in common, naming each. */
export function intersection(supports: readonly (KubernetesSupport & { readonly part: string })[]): { min: number; max?: number } {
    const min = Math.max(...supports.map((s) => s.min));
    const maxes = supports.flatMap((s) => (s.max === undefined ? [] : [s.max]));
    const max = maxes.length > 0 ? Math.min(...maxes) : undefined;
    if (max !== undefined && max < min) {
        throw new Error(`the pinned parts support no Kubernetes version in common: ${supports.map((s) => `${s.part} ${describeRange(s)}`).join(", ")}; pin versions whose ranges meet`);
    }
    return { min, ...(max === undefined ? {} : { max }) };
}

/** Refuses a profile whose Kubernetes version is outside `range`, naming the parts that bound it. */
export function checkKubernetesVersion(model: StackModel, range: { min: number; max?: number }, supports: readonly (KubernetesSupport & { readonly part: string })[], problems: ProblemCollector): void {
    const minor = minorOf(model.cluster.kubernetes);
    const outside = minor < range.min || (range.max !== undefined && minor > range.max);
    if (!outside) return;
    const bounding = supports.filter((s) => minor < s.min || (s.max !== undefined && minor > s.max)).map((s) => `${s.part} supports ${describeRange(s)} (${s.source})`);
    problems.add("cluster.kubernetes", `is ${model.cluster.kubernetes}, outside the platform's supported range ${describeRange(range)}: ${bounding.join("; ")}; run the platform on a supported version, or pin parts that support this one`);
}
