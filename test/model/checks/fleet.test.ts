/** A fleet section checked against the rest of its model, each problem at its path (the example fleet's hub and spoke, edited). */
import { describe, expect, it } from "vitest";
import { validateStackModel } from "../../../core/stackModel";
import hub from "../../../examples/fleet/hub";
import us from "../../../examples/fleet/us";
import { StackInputError } from "../../../model/problems";

/** The problems of `model` edited by `edit`, validated as stack `stack` with what the core checks of it. */
function problemsOf(model: unknown, stack: string, edit: (m: any) => unknown): [string, string][] {
    const input = structuredClone(model) as any;
    edit(input);
    try {
        validateStackModel(stack, "fixture", input);
        return [];
    } catch (e) {
        if (!(e instanceof StackInputError)) throw e;
        return e.problems.map((p) => [p.path, p.message]);
    }
}

describe("a hub's fleet", () => {
    it("is valid as the example ships it", () => {
        expect(problemsOf(hub, "fleet-hub", () => {})).toStrictEqual([]);
    });

    const cases: [string, (m: any) => unknown, string, RegExp][] = [
        ["a spoke named twice", (m: any) => (m.fleet.spokes[1].name = "eu"), "fleet.spokes[1].name", /^duplicate spoke "eu"/],
        ["an add-ons project the hub lacks", (m: any) => (m.fleet.addonsProject = "addons"), "fleet.addonsProject", /"addons" is not a project of this hub; use one of clusterWide.argocd.projects: platform, /],
        ["an application's project that is neither a team nor a project", (m: any) => (m.fleet.applications[0].project = "ghost"), "fleet.applications[0].project", /"ghost" is neither a team of fleet.teams nor a project/],
        ["a team named as a project", (m: any) => (m.fleet.teams[0].name = "platform"), "fleet.teams[0].name", /is a project of clusterWide.argocd.projects already/],
        ["a spoke that is the hub's own stack", (m: any) => (m.fleet.spokes[0].source.stack = "fleet-hub"), "fleet.spokes[0].source.stack", /is this stack, the hub/],
        ["a cluster built elsewhere without its token", (m: any) => (m.fleet.spokes[0].source = { config: { server: "https://x.example.com", caData: "gitops:tlsCaCertificate", sealingCertificate: "gitops:tlsCaCertificate" } }), "fleet.spokes[0].source.config.bearerToken", /is missing: auth "bearerToken" needs/],
        ["a spoke label of the program's", (m: any) => (m.fleet.spokes[0].labels["gitops-platform/tier"] = "a"), "fleet.spokes[0].labels.gitops-platform/tier", /labels are the program's own/],
        ["a selector on a label of the program's", (m: any) => (m.fleet.addons[1].selector.matchExpressions.push({ key: "app.kubernetes.io/part-of", operator: "Exists" })), "fleet.addons[1].selector.matchExpressions[1].key", /labels are the program's own/],
        ["an add-on a spoke enables that nothing places", (m: any) => (m.fleet.spokes[1].labels.enable_gpu = "true"), "fleet.spokes[1].labels.enable_gpu", /enables add-on "gpu", which no ApplicationSet of this hub places/],
        ["a template reading a label a selected spoke lacks", (m: any) => (m.fleet.addons[0].source.path = "metrics/{{.metadata.labels.team}}"), "fleet.addons[0].source.path", /reads label "team", which cluster "us" does not have/],
        ["a hub without Argo CD of its own", (m: any) => delete m.clusterWide, "fleet", /a hub manages its spokes with its own Argo CD/],
    ];
    it.each(cases)("refuses %s, at its path", (_, edit, path, message) => {
        const problems = problemsOf(hub, "fleet-hub", edit);
        expect(problems.find(([at]) => at === path)?.[1], JSON.stringify(problems)).toMatch(message);
    });
});

describe("a spoke's fleet", () => {
    it("refuses a spoke that is its own hub, and one without its own sealed-secrets controller", () => {
        expect(problemsOf(us, "fleet-hub", () => {})).toContainEqual(["fleet.hub", "is this stack: a spoke is managed by another stack, the hub"]);
        const withoutParts = problemsOf(us, "fleet-us", (m) => delete m.clusterWide);
        expect(withoutParts.find(([at]) => at === "fleet")?.[1]).toMatch(/a spoke runs its own sealed-secrets controller and key/);
    });
});
