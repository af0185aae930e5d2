import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StackInputError } from "../../model/problems";
import { validateModel } from "../../model/validate";
import dev from "../../stacks/dev";
import prod from "../../stacks/prod";

/** The problems `validateModel` reports for `input`, as `path: message` lines. */
function problemsOf(input: unknown): { path: string; message: string }[] {
    try {
        validateModel("test", "fixture", input);
    } catch (e) {
        expect(e).toBeInstanceOf(StackInputError);
        return [...(e as StackInputError).problems];
    }
    return [];
}

/** A deep copy of the dev model with `edit` applied. */
function devWith(edit: (m: any) => void): unknown {
    const copy = structuredClone(dev) as any;
    edit(copy);
    return copy;
}

describe("validateModel", () => {
    it("accepts the shipped stacks", () => {
        expect(problemsOf(dev)).toEqual([]);
        expect(problemsOf(prod)).toEqual([]);
    });

    it.each([undefined, null, {}])("reports an empty model (%s) at the root with what to do", (input) => {
        const problems = problemsOf(input);
        expect(problems).toHaveLength(1);
        expect(problems[0].path).toBe("(model)");
        expect(problems[0].message).toMatch(/empty.*stacks\/dev\.ts/);
    });

    it("reports every wrongly typed field at once, each with its path", () => {
        const problems = problemsOf(
            devWith((m) => {
                m.environment = 42;
                m.argocd.projects[1].sourceRepos = "https://example.com/repo";
                m.monitoring.alertmanager.groupWait = "soon";
                m.argocd.chart.version = "^10.1.0";
                m.argocd.projects[0].colour = "blue";
            }),
        );
        expect(problems.map((p) => p.path)).toEqual(
            expect.arrayContaining([
                "environment",
                "argocd.projects[1].sourceRepos",
                "monitoring.alertmanager.groupWait",
                "argocd.chart.version",
                "argocd.projects[0]",
            ]),
        );
        expect(problems.find((p) => p.path === "argocd.projects[0]")?.message).toMatch(/unknown field "colour".*remove it/);
        expect(problems.find((p) => p.path === "argocd.chart.version")?.message).toMatch(/exact chart version/);
        expect(problems.find((p) => p.path === "environment")?.message).toMatch(/expected string, received number: change the value/);
    });

    it("reports a missing required field as missing", () => {
        const problems = problemsOf(devWith((m) => delete m.argocd.domain));
        expect(problems).toEqual([{ path: "argocd.domain", message: expect.stringMatching(/required string is missing: add it/) }]);
    });

    it("reports broken cross-references with the valid choices", () => {
        const problems = problemsOf(
            devWith((m) => {
                m.argocd.applications[0].project = "team-data";
                m.argocd.rbac.bindings[0].role = "role:team-data";
                m.argocd.notifications.triggers[0].conditions[0].send = ["no-such-template"];
                m.argocd.applications[1].subscriptions[0].trigger = "on-nothing";
            }),
        );
        expect(problems).toEqual(
            expect.arrayContaining([
                { path: "argocd.applications[0].project", message: expect.stringMatching(/"team-data" is not a project.*platform, team-frontend, team-backend/) },
                { path: "argocd.rbac.bindings[0].role", message: expect.stringMatching(/"role:team-data" is not defined/) },
                { path: "argocd.notifications.triggers[0].conditions[0].send[0]", message: expect.stringMatching(/template "no-such-template" is not defined/) },
                { path: "argocd.applications[1].subscriptions[0].trigger", message: expect.stringMatching(/trigger "on-nothing" is not defined/) },
            ]),
        );
    });

    it("reports notifications that reference what does not exist, or use Helm-only functions", () => {
        const problems = problemsOf(
            devWith((m) => {
                const n = m.argocd.notifications;
                n.webhooks[0].url = "$teams-webhook";
                n.templates.push({ ...n.templates[0] });
                n.templates[1].message = '{{ include "x" . }}';
                n.subscriptions[1].recipients = ["teams:alerts"];
                n.templates[2].webhook = { teams: { method: "POST", body: "{}" } };
                m.rollouts.notifications.templates[0].message = "{{ if .rollout }}unclosed";
            }),
        );
        expect(problems).toEqual(
            expect.arrayContaining([
                { path: "argocd.notifications.webhooks[0].url", message: expect.stringMatching(/"\$teams-webhook" is not a data key .*add "teams-webhook" to argocd.notifications.secretData/) },
                { path: "argocd.notifications.templates[5].name", message: expect.stringMatching(/duplicate template "app-sync-status"/) },
                { path: "argocd.notifications.templates[1].message", message: expect.stringMatching(/"include", a Helm-only function/) },
                { path: "argocd.notifications.subscriptions[1].recipients[0]", message: expect.stringMatching(/service "teams" is not defined; use one of: slack_webhook, slack/) },
                { path: "argocd.notifications.templates[2].webhook.teams", message: expect.stringMatching(/webhook service "teams" is not defined/) },
                { path: "rollouts.notifications.templates[0].message", message: expect.stringMatching(/does not parse as a Go template: "\{\{if\}\}" is never closed/) },
            ]),
        );
    });

    it("rejects a team project that may deploy anywhere, and an app outside its project", () => {
        const problems = problemsOf(
            devWith((m) => {
                m.argocd.projects[1].destinations[0].namespace = "*";
                m.argocd.applications[0].destination.namespace = "kube-system";
                m.argocd.applications[0].source.repoURL = "https://github.com/someone/else";
            }),
        );
        expect(problems.map((p) => p.path)).toEqual(
            expect.arrayContaining(["argocd.projects[1].destinations[0].namespace", "argocd.applications[0].destination", "argocd.applications[0].source.repoURL"]),
        );
    });

    it("checks each ApplicationSet list element's Application against the project", () => {
        // GIVEN a destination that only some elements keep inside the project's namespaces
        const problems = problemsOf(
            devWith((m) => {
                m.argocd.applicationSets[1].destination.namespace = "{{.variant}}";
                m.argocd.applicationSets[1].generators[0].list.elements = [{ variant: "frontend-ok" }, { variant: "kube-system" }];
            }),
        );
        // THEN exactly the element that escapes is reported, with the namespace it expands to
        expect(problems).toEqual([{ path: "argocd.applicationSets[1].destination", message: expect.stringMatching(/namespace "kube-system" .* project "team-frontend"/) }]);
    });

    it("rejects Helm's default in an Alertmanager template and a regex that catches the peer environment", () => {
        const problems = problemsOf(
            devWith((m) => {
                m.monitoring.alertmanager.slack.text = '{{ .CommonLabels.namespace | default "N/A" }}';
                m.monitoring.alertmanager.namespaceRegex = ".*";
            }),
        );
        expect(problems).toEqual(
            expect.arrayContaining([
                { path: "monitoring.alertmanager.slack.text", message: expect.stringMatching(/"default".*use Go's "or"/) },
                { path: "monitoring.alertmanager.namespaceRegex", message: expect.stringMatching(/also matches .*"monitoring-prod"/) },
            ]),
        );
    });

    it("rejects a regex that does not compile", () => {
        const problems = problemsOf(devWith((m) => (m.monitoring.alertmanager.namespaceRegex = "(unclosed")));
        expect(problems).toEqual([{ path: "monitoring.alertmanager.namespaceRegex", message: expect.stringMatching(/does not compile/) }]);
    });

    it("reports any single corruption of a string field with a path inside the model", () => {
        // GIVEN any string field of the dev model replaced by a number
        const paths: (string | number)[][] = [];
        const walk = (value: unknown, at: (string | number)[]) => {
            if (typeof value === "string") paths.push(at);
            else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...at, i]));
            else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
        };
        walk(validateModel("dev", "dev", dev), []);
        fc.assert(
            fc.property(fc.constantFrom(...paths), (at) => {
                const corrupted = structuredClone(validateModel("dev", "dev", dev)) as any;
                let parent = corrupted;
                for (const key of at.slice(0, -1)) parent = parent[key];
                parent[at[at.length - 1]] = 7;
                // THEN it is reported, at that exact path (records report their key too)
                const reported = problemsOf(corrupted).map((p) => p.path);
                const expected = at.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
                return reported.some((p) => p === expected || expected.startsWith(p));
            }),
            { numRuns: 60 },
        );
    });
});
