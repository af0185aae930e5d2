import { describe, expect, it } from "vitest";
import { globAllowed, globMatch } from "../../lib/glob";

describe("globMatch", () => {
    it.each([
        ["frontend-*", "frontend-dev", true],
        ["frontend-*", "backend-dev", false],
        ["https://github.com/org/*", "https://github.com/org/team/repo", true],
        ["team-?", "team-a", true],
        ["team-?", "team-ab", false],
        ["a.b", "axb", false],
        ["!kube-*", "kube-system", false],
        ["!kube-*", "default", true],
    ])("%s matches %s: %s", (pattern, value, expected) => {
        expect(globMatch(pattern, value)).toBe(expected);
    });

    it("denies what a negated pattern excludes even when another allows it", () => {
        expect(globAllowed(["*", "!kube-system"], "kube-system")).toBe(false);
        expect(globAllowed(["*", "!kube-system"], "backend-dev")).toBe(true);
        expect(globAllowed(["!kube-system"], "backend-dev")).toBe(false);
    });
});
