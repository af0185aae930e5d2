/**
 * Judge: the pinned charts themselves, expanded by render/charts.ts (helm, or minihelm). Where
 * neither can run the suites that need them are skipped with the reason, except in CI, where
 * they fail: CI installs what they need (`.ci/run`).
 */
import { cannotExpand, type ExpandedObject, expandRelease as expandForCluster, type ReleaseToExpand } from "../../render/charts";
import { CLUSTER_PROFILE } from "../../stacks/shared/constants";
import { IN_CI } from "./binaries";

export type { ExpandedObject, ReleaseToExpand } from "../../render/charts";

/** The Kubernetes version the shipped stacks' cluster runs, which the charts are expanded for unless a test says otherwise. */
export const SHIPPED_KUBERNETES = CLUSTER_PROFILE.kubernetes;

/** What a release renders on the shipped stacks' cluster, or on `kubernetes` where the release says. */
export function expandRelease(release: Omit<ReleaseToExpand, "kubernetes"> & { readonly kubernetes?: string }): Promise<ExpandedObject[]> {
    return expandForCluster({ kubernetes: SHIPPED_KUBERNETES, ...release });
}

/** True when the chart-expansion suites must be skipped: they cannot run and this is not CI. */
export const skipExpansion = cannotExpand !== undefined && !IN_CI;

/** A suite's title, with the reason it is skipped appended. */
export function expansionTitle(title: string): string {
    return skipExpansion ? `${title} [skipped: ${cannotExpand}]` : title;
}

/** Throws (in CI) when charts cannot be expanded: call it in beforeAll. */
export function assertCanExpand(): void {
    if (cannotExpand) throw new Error(`${cannotExpand}; CI is set, so this fails instead of skipping: install what .ci/run installs`);
}
