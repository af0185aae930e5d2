/**
 * What a change does to the render, object by object: two render trees compared, and the result
 * as Markdown for a pull request. SealedSecrets are compared by data key, never by ciphertext;
 * what they hold shows through their preview annotations, whose secret values are replaced.
 */
import { createTwoFilesPatch } from "diff";
import * as yaml from "js-yaml";
import { toYaml } from "../core/objects";
import { OTHER_CLUSTERS, PLACEMENT_FILE } from "./layout";

export type Change = "added" | "changed" | "removed";

/** One file of the render (an object, or a chart's release or values) that differs. */
export interface FileChange {
    readonly path: string;
    readonly change: Change;
    /** The object's kind, `Helm release` or `Helm values`. */
    readonly kind: string;
    /** `SealedSecret argocd/argocd-notifications-secret`, `values of release argocd`. */
    readonly title: string;
    /** What a patch cannot say, such as which sealed data keys changed. */
    readonly notes: readonly string[];
    /** A unified diff, base to head; empty when the notes say it all. */
    readonly patch: string;
}

/** The changes of one stack, and of the objects its changed charts render (with `--charts`). */
export interface StackDiff {
    readonly stack: string;
    readonly changes: readonly FileChange[];
    readonly charts: readonly ChartDiff[];
}

/** The objects a changed release's chart renders, compared; or why they could not be. */
export interface ChartDiff {
    readonly release: string;
    readonly changes: readonly FileChange[];
    /** Set when the chart could not be expanded on one side (a version not available here, say). */
    readonly notExpanded?: string;
}

/** What encrypted data values are shown as: their content is never compared as text. */
export const SEALED_VALUE = "<sealed>";

/** The kind and title of a render file. */
function describe(path: string, text: string): { kind: string; title: string } {
    // Stryker disable next-line Regex: render paths have three segments, so the anchors cannot change a match
    const chart = /^charts\/([^/]+)\/(release|values)\.yaml$/.exec(path);
    if (chart) return chart[2] === "release" ? { kind: "Helm release", title: `release ${chart[1]}` } : { kind: "Helm values", title: `values of release ${chart[1]}` };
    // Markdown, not an object: which spoke receives which add-on and application.
    if (path === PLACEMENT_FILE) return { kind: "fleet placement", title: "placement of the fleet's add-ons and applications" };
    const object = (yaml.load(text) ?? {}) as { kind?: string; metadata?: { name?: string; namespace?: string } };
    const where = object.metadata?.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : String(object.metadata?.name);
    const spoke = path.startsWith(`${OTHER_CLUSTERS}/`) ? ` in spoke ${path.split("/")[1]}` : "";
    return { kind: object.kind ?? "object", title: `${object.kind} ${where}${spoke}` };
}

/** A unified diff of two texts, headed by the file's path on each side. */
export function unifiedPatch(path: string, before: string | undefined, after: string | undefined): string {
    if (before === after) return "";
    const patch = createTwoFilesPatch(before === undefined ? "/dev/null" : `base/${path}`, after === undefined ? "/dev/null" : `head/${path}`, before ?? "", after ?? "", undefined, undefined, { context: 3 });
    // The first line is a separator of `=`; what follows is what `git diff` prints.
    return patch.split("\n").slice(1).join("\n").trimEnd();
}

/** A SealedSecret with every encrypted value replaced, and which data keys differ. */
function sealedSecretChange(before: string | undefined, after: string | undefined): { notes: string[]; before?: string; after?: string } {
    const parse = (text: string | undefined) => (text === undefined ? undefined : (yaml.load(text) as { spec?: { encryptedData?: Record<string, string> } }));
    const [a, b] = [parse(before), parse(after)];
    const [keysA, keysB] = [a?.spec?.encryptedData ?? {}, b?.spec?.encryptedData ?? {}];
    const notes = [...new Set([...Object.keys(keysA), ...Object.keys(keysB)])].sort().flatMap((key) => {
        if (!(key in keysA)) return [`\`encryptedData.${key}\` added`];
        if (!(key in keysB)) return [`\`encryptedData.${key}\` removed`];
        return keysA[key] === keysB[key] ? [] : [`\`encryptedData.${key}\` changed`];
    });
    const masked = (o: typeof a) => (o === undefined ? undefined : toYaml({ ...o, spec: { ...o.spec, encryptedData: Object.fromEntries(Object.keys(o.spec?.encryptedData ?? {}).map((k) => [k, SEALED_VALUE])) } }));
    return { notes, before: masked(a), after: masked(b) };
}

/** Every file of `head` that differs from `base`, in path order. */
export function diffTrees(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>): FileChange[] {
    const paths = [...new Set([...base.keys(), ...head.keys()])].sort();
    return paths.flatMap((path): FileChange[] => {
        const [before, after] = [base.get(path), head.get(path)];
        if (before === after) return [];
        const change: Change = before === undefined ? "added" : after === undefined ? "removed" : "changed";
        const { kind, title } = describe(path, (after ?? before) as string);
        if (kind === "SealedSecret") {
            const sealed = sealedSecretChange(before, after);
            return [{ path, change, kind, title, notes: sealed.notes, patch: unifiedPatch(path, sealed.before, sealed.after) }];
        }
        return [{ path, change, kind, title, notes: [], patch: unifiedPatch(path, before, after) }];
    });
}

/** Counts of the changes by stack and kind: the summary's rows. */
function summaryRows(diffs: readonly StackDiff[]): string[] {
    const rows: string[] = [];
    const count = (where: string, changes: readonly FileChange[]) => {
        const kinds = [...new Set(changes.map((c) => c.kind))].sort();
        for (const kind of kinds) {
            const of = (change: Change) => changes.filter((c) => c.kind === kind && c.change === change).length;
            rows.push(`| ${where} | ${kind} | ${of("added")} | ${of("changed")} | ${of("removed")} |`);
        }
    };
    for (const d of diffs) {
        count(d.stack, d.changes);
        for (const chart of d.charts) count(`${d.stack}, chart ${chart.release}`, chart.changes);
    }
    return rows;
}

/** One change as Markdown: what it is, its notes, its patch. */
function changeSection(c: FileChange, where: string): string {
    const lines = [`#### ${c.change}: ${c.title} (${where})`, "", `\`${c.path}\``, ""];
    for (const note of c.notes) lines.push(`- ${note}`);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a blank line more or less between the notes and the fence renders the same
    if (c.notes.length > 0) lines.push("");
    // A fence longer than any backtick run in the patch, so that no content ends it early.
    const fence = "`".repeat(Math.max(3, ...[...c.patch.matchAll(/`+/g)].map((m) => m[0].length + 1)));
    if (c.patch !== "") lines.push(`${fence}diff`, c.patch, fence, "");
    return lines.join("\n");
}

export interface DiffReport {
    /** The summary: what was compared, and the table of changes (or that there are none). */
    readonly summary: string;
    /** One section per change, in stack and path order. */
    readonly sections: readonly string[];
}

/** The report of `diffs`, comparing `base` (as the reader should name it) with `head`. */
export function report(diffs: readonly StackDiff[], base: string, head: string): DiffReport {
    const stacks = diffs.map((d) => d.stack).join(", ");
    const intro = `Render of ${stacks}: ${head} against ${base}. SealedSecrets are compared by data key; no secret value is shown.`;
    const rows = summaryRows(diffs);
    const summary =
        rows.length === 0
            ? ["## Render diff", "", intro, "", `No changes: every object and chart renders exactly as on ${base}.`, ""].join("\n")
            : ["## Render diff", "", intro, "", "| stack | kind | added | changed | removed |", "|---|---|---:|---:|---:|", ...rows, ""].join("\n");
    const sections = diffs.flatMap((d) => [
        ...d.changes.map((c) => changeSection(c, d.stack)),
        ...d.charts.flatMap((chart) => [
            ...(chart.notExpanded ? [`#### chart ${chart.release} (${d.stack}): its objects are not compared\n\n${chart.notExpanded}\n`] : []),
            ...chart.changes.map((c) => changeSection(c, `${d.stack}, chart ${chart.release}`)),
        ]),
    ]);
    return { summary, sections };
}

/** The whole report as Markdown. */
export function markdown(r: DiffReport): string {
    // Stryker disable next-line StringLiteral: every part ends in a newline and each section opens with a heading, which ends a table, list or fence alike: the blank line only spaces the raw text
    return [r.summary, ...r.sections].join("\n");
}

/** GitHub refuses comments longer than 65,536 characters; this leaves room for the marker. */
export const COMMENT_LIMIT = 65_000;
/** GitHub takes at most 1 MiB of job summary per step. */
export const SUMMARY_LIMIT = 1_000_000;

/**
 * The report within `limit` characters: the summary always, then whole sections while they fit,
 * then a line that says how many were left out and where they are.
 */
export function trimmed(r: DiffReport, limit = COMMENT_LIMIT, elsewhere = "the job summary and the render-diff artifact"): string {
    const full = markdown(r);
    if (full.length <= limit) return full;
    const note = (left: number) => `\n_${left} more change${left === 1 ? "" : "s"} not shown here: the whole diff is in ${elsewhere}._\n`;
    const parts = [r.summary];
    let length = r.summary.length;
    let shown = 0;
    for (const section of r.sections) {
        if (length + 1 + section.length + note(r.sections.length).length > limit) break;
        parts.push(section);
        length += 1 + section.length;
        shown++;
    }
    const text = `${parts.join("\n")}${note(r.sections.length - shown)}`;
    return text.length <= limit ? text : `${text.slice(0, limit - note(r.sections.length).length)}${note(r.sections.length)}`;
}
