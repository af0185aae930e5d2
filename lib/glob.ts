/**
 * Glob matching as Argo CD applies it to project source repositories and destinations:
 * `*` matches any run of characters (including `/`), `?` one character, and a leading `!`
 * negates the pattern.
 */
export function globMatch(pattern: string, value: string): boolean {
    if (pattern.startsWith("!")) return !globMatch(pattern.slice(1), value);
    const source = pattern
        .split("")
        .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
        .join("");
    return new RegExp(`^${source}$`).test(value);
}

/** True when `value` matches at least one pattern and no negated pattern excludes it. */
export function globAllowed(patterns: readonly string[], value: string): boolean {
    const denied = patterns.some((p) => p.startsWith("!") && !globMatch(p, value));
    return !denied && patterns.some((p) => !p.startsWith("!") && globMatch(p, value));
}

/**
 * In an overlap pattern, a run of characters without a `/`: what a git generator's `*` matches
 * (one folder) and what `{{.path.basename}}` becomes. A character no path or name holds.
 */
export const SEGMENT = "\u{E000}";
const WILDCARD = /[*?\u{E000}]/u;

/**
 * True when some string matches both patterns: `*` any run of characters, SEGMENT any run without
 * `/`, `?` one character (no negation). Each position pair is decided once.
 */
export function globsOverlap(a: string, b: string): boolean {
    // Two plain strings, as most are, overlap when they are one.
    if (!WILDCARD.test(a) && !WILDCARD.test(b)) return a === b;
    const decided = new Map<number, boolean>();
    const isStar = (c: string | undefined) => c === "*" || c === SEGMENT;
    // What a star may take of the other side: anything, but a `/` only for `*`.
    const takes = (star: string, c: string | undefined) => c !== undefined && (star === "*" || c !== "/");
    const from = (i: number, j: number): boolean => {
        const key = i * (b.length + 1) + j;
        const known = decided.get(key);
        if (known !== undefined) return known;
        let result: boolean;
        if (i === a.length && j === b.length) result = true;
        // A star matches nothing, or takes the other side's next character (or its star's run) too.
        else if (isStar(a[i])) result = from(i + 1, j) || (takes(a[i], b[j]) && from(i, j + 1));
        else if (isStar(b[j])) result = from(i, j + 1) || (takes(b[j], a[i]) && from(i + 1, j));
        else result = i < a.length && j < b.length && (a[i] === b[j] || (a[i] === "?" && b[j] !== "/") || (b[j] === "?" && a[i] !== "/")) && from(i + 1, j + 1);
        decided.set(key, result);
        return result;
    };
    return from(0, 0);
}

/** An overlap pattern as a reader writes it: SEGMENT shown as `*`. */
export function shownPattern(pattern: string): string {
    return pattern.replaceAll(SEGMENT, "*");
}
