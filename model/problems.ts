/** One thing wrong with a stack's inputs: where, what, and what to do about it. */
export interface Problem {
    /** Property path such as `argocd.projects[0].name`, or a config key such as `gitops:sealingKey`. */
    readonly path: string;
    readonly message: string;
}

/** Renders a zod-style path (`["argocd", "projects", 0]`) as `argocd.projects[0]`. */
export function formatPath(segments: readonly PropertyKey[]): string {
    let out = "";
    for (const segment of segments) {
        if (typeof segment === "number") out += `[${segment}]`;
        else out += out === "" ? String(segment) : `.${String(segment)}`;
    }
    return out === "" ? "(model)" : out;
}

/**
 * Every problem found in a stack's model or config, reported at once, before any resource
 * exists. index.ts hands it to Pulumi as a `RunError`, which prints no stack trace.
 */
export class StackInputError extends Error {
    constructor(
        readonly stackName: string,
        readonly source: string,
        readonly problems: readonly Problem[],
    ) {
        super(
            [
                `Stack "${stackName}": ${source} has ${problems.length} problem${problems.length === 1 ? "" : "s"}:`,
                ...problems.map((p) => `  - ${p.path}: ${p.message}`),
            ].join("\n"),
        );
        this.name = "StackInputError";
    }
}

/** Collects problems from several checks and throws once if there are any. */
export class ProblemCollector {
    private readonly found: Problem[] = [];
    private readonly seen = new Set<string>();

    /** Adds a problem; the same one found again (say, once per generated Application) is kept once. */
    add(path: string, message: string): void {
        const key = `${path}\n${message}`;
        if (this.seen.has(key)) return;
        this.seen.add(key);
        this.found.push({ path, message });
    }

    get problems(): readonly Problem[] {
        return this.found;
    }

    throwIfAny(stack: string, source: string): void {
        if (this.found.length > 0) throw new StackInputError(stack, source, this.found);
    }
}
