/** One check's verdict, as `npm run check` prints it: a line, and for a failure what to do. */

export type Verdict = "pass" | "warn" | "fail";

export interface CheckResult {
    /** A short stable name, for `--output json`: `nodes`, `storage-class`, `sealed-secrets`. */
    readonly check: string;
    readonly verdict: Verdict;
    /** What was found, in one line. */
    readonly message: string;
    /** What to do about it: one line, for a failure or a warning. */
    readonly remedy?: string;
    /** The objects behind it, one line each (those not ready, and why). */
    readonly details?: readonly string[];
}

export const pass = (check: string, message: string, details?: readonly string[]): CheckResult => ({ check, verdict: "pass", message, ...(details?.length ? { details } : {}) });
export const warn = (check: string, message: string, remedy: string, details?: readonly string[]): CheckResult => ({ check, verdict: "warn", message, remedy, ...(details?.length ? { details } : {}) });
export const fail = (check: string, message: string, remedy: string, details?: readonly string[]): CheckResult => ({ check, verdict: "fail", message, remedy, ...(details?.length ? { details } : {}) });

/** A check whose facts the API server would not give, with its reason. */
export function unreadable(check: string, what: string, section: { readonly error?: string; readonly status?: number } | undefined): CheckResult {
    const reason = section?.error ?? "not read";
    const remedy = section?.status === 403 ? "use a kube context allowed to read it (the one pulumi up uses must be)" : "check the API server and try again";
    return fail(check, `could not read ${what}: ${reason}`, remedy);
}

/** `the one CRD`, `all 25 CRDs`. */
export function all(n: number, noun: string): string {
    return n === 1 ? `the one ${noun}` : `all ${n} ${noun}s`;
}

/** `1 node`, `3 nodes`. */
export function count(n: number, noun: string): string {
    return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
