import type * as pulumi from "@pulumi/pulumi";

/** A pinned Helm release, as the core describes it; `components/register.ts` registers it as a Chart v4. */
export interface HelmRelease {
    readonly name: string;
    readonly namespace: string;
    readonly chart: string;
    readonly version: string;
    readonly repository: string;
    /** Values as plain data: previews and renders show them in full. */
    readonly values: Record<string, unknown>;
    /**
     * Values that are secrets, passed as a separate values file so that the secret does not
     * turn all of `values` into one opaque secret in previews.
     */
    readonly secretValues?: pulumi.Output<Record<string, unknown>>;
}
