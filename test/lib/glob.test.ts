import { describe, expect, it } from "vitest";
import * as fc from "fast-check";
import { globAllowed, globMatch, globsOverlap, SEGMENT, shownPattern } from "../../lib/glob";

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

describe("globsOverlap", () => {
    /** The pattern as a regular expression: `*` any run, SEGMENT a run without `/`, `?` one character but `/`. */
    const regex = (p: string) => new RegExp(`^${[...p].map((c) => (c === "*" ? ".*" : c === SEGMENT ? "[^/]*" : c === "?" ? "[^/]" : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&"))).join("")}$`);
    /** Every string of a, b and / up to `length` characters. */
    const strings = (length: number): string[] => (length === 0 ? [""] : [...strings(length - 1), ...strings(length - 1).filter((s) => s.length === length - 1).flatMap((s) => ["a", "b", "/"].map((c) => s + c))]);
    // A shortest witness has no more characters than the two patterns have besides stars: six.
    const candidates = [...new Set(strings(6))];

    it("says two patterns overlap exactly when some string matches both", () => {
        const pattern = fc.array(fc.constantFrom("a", "b", "/", "*", "?", SEGMENT), { maxLength: 3 }).map((chars) => chars.join(""));
        fc.assert(
            fc.property(pattern, pattern, (a, b) => {
                const witness = candidates.some((s) => regex(a).test(s) && regex(b).test(s));
                expect(globsOverlap(a, b), `${shownPattern(a)} / ${shownPattern(b)}`).toBe(witness);
            }),
            { numRuns: 400 },
        );
    });

    it("keeps a git generator's folder within one folder, and lets * cross folders", () => {
        expect(globsOverlap(`platform/addons/${SEGMENT}`, "platform/addons/ingress")).toBe(true);
        expect(globsOverlap(`platform/addons/${SEGMENT}`, "platform/addons/ingress/overlays")).toBe(false);
        expect(globsOverlap("platform/*", "platform/addons/ingress/overlays")).toBe(true);
        expect(globsOverlap("backend-*", "frontend-*")).toBe(false);
        expect(shownPattern(`a/${SEGMENT}/b`)).toBe("a/*/b");
    });
});
