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
