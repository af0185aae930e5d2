/** The verdicts as `flux check` prints its own: a heading, a line per check with its mark, a remedy under each failure, a summary. */
import type { CheckMode } from "./read";
import type { CheckResult, Verdict } from "./result";

const MARKS: Readonly<Record<Verdict, string>> = { pass: "✔", warn: "!", fail: "✗" };

/** What the whole run comes to: passed when no check failed (a warning does not fail it). */
export function summaryOf(results: readonly CheckResult[]): { passed: boolean; failed: number; warnings: number } {
    const failed = results.filter((r) => r.verdict === "fail").length;
    return { passed: failed === 0, failed, warnings: results.filter((r) => r.verdict === "warn").length };
}

export interface RunHeader {
    readonly stack: string;
    readonly mode: CheckMode;
    readonly context: string;
    readonly server: string;
}

export function heading(header: RunHeader): string {
    const when = header.mode === "pre" ? "before pulumi up" : "after pulumi up";
    return `► checking the cluster of stack "${header.stack}" ${when} (context ${header.context}${header.server ? `, ${header.server}` : ""})\n`;
}

export function textReport(header: RunHeader, results: readonly CheckResult[]): string {
    const lines = [heading(header)];
    for (const r of results) {
        lines.push(`${MARKS[r.verdict]} ${r.message}\n`);
        for (const detail of r.details ?? []) lines.push(`    ${detail}\n`);
        if (r.remedy) lines.push(`  → ${r.remedy}\n`);
    }
    const { passed, failed, warnings } = summaryOf(results);
    const noted = warnings > 0 ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : "";
    lines.push(passed ? `✔ all ${results.length} checks passed${noted}\n` : `✗ ${failed} of ${results.length} checks failed${noted}\n`);
    return lines.join("");
}

export function jsonReport(header: RunHeader, results: readonly CheckResult[]): string {
    return `${JSON.stringify({ ...header, ...summaryOf(results), checks: results }, null, 2)}\n`;
}
