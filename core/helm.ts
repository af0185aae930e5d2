/** Pulumi's type of a Chart v4 release, a packaged component whose children are the objects it renders. */
export const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";

/** A pinned Helm release, as the core describes it; `components/register.ts` registers it as a Chart v4. */
export interface HelmRelease {
    readonly name: string;
    readonly namespace: string;
    readonly chart: string;
    readonly version: string;
    readonly repository: string;
    /** Values as plain data, never a secret: previews and renders show them in full. */
    readonly values: Record<string, unknown>;
}
