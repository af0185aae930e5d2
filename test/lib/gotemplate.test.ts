import { describe, expect, it } from "vitest";
import { readGoTemplate } from "../../lib/gotemplate";

describe("readGoTemplate", () => {
    it("lists the functions a template calls, not fields, variables or keywords", () => {
        // GIVEN the seed's Slack text with pipes, parentheses, a variable and a range
        const report = readGoTemplate('{{ or .CommonLabels.namespace "N/A" }} {{ (index .Alerts 0).StartsAt }} {{ range $i, $a := .Alerts }}{{ $a.Labels.x | toUpper }}{{ end }}');
        // THEN only the three functions are found and it parses
        expect(report).toStrictEqual({ functions: ["index", "or", "toUpper"], errors: [] });
    });

    it("does not read words inside string literals as functions", () => {
        expect(readGoTemplate('{{ printf "default %s" .x }} {{ `include` }}').functions).toStrictEqual(["printf"]);
    });

    it.each([
        ["{{ if .x }}never closed", /"\{\{if\}\}" is never closed/],
        ["{{ end }}", /without a matching/],
        ["{{ else }}", /outside an if/],
        ["text {{ .x ", /unclosed action/],
    ])("reports the structural error in %s", (source, message) => {
        const { errors } = readGoTemplate(source);
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatch(message);
    });

    it("accepts trim markers and comments", () => {
        expect(readGoTemplate("{{- if .x -}}a{{- else -}}b{{- end -}}{{/* a comment with default */}}")).toStrictEqual({ functions: [], errors: [] });
    });
});
