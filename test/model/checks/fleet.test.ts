/** A fleet section checked against the rest of its model, each problem at its path (the example fleet's hub and spoke, edited). */
import { describe, expect, it } from "vitest";
import { validateStackModel } from "../../../core/stackModel";
import hub from "../../../examples/fleet/hub";
import eu from "../../../examples/fleet/eu";
import us from "../../../examples/fleet/us";
import { edited, validationOf } from "../../helpers/models";

/** The problems of `model` edited by `edit`, validated as stack `stack` with what the core checks of it. */
const problemsOf = (model: unknown, stack: string, edit: (m: any) => unknown): [string, string][] => validationOf(() => validateStackModel(stack, "fixture", edited(model, edit))).problems;

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

    it("is valid as the examples ship them, without Argo CD", () => {
        expect(problemsOf(us, "fleet-us", () => {})).toStrictEqual([]);
        expect(problemsOf(eu, "fleet-eu", () => {})).toStrictEqual([]);
    });

    const hubArgoCd = (hub as any).clusterWide.argocd;
    const hubApps = (hub as any).argocd;
    const cases: [string, (m: any) => unknown, string, RegExp][] = [
        ["an Argo CD of its own", (m) => (m.clusterWide.argocd = structuredClone(hubArgoCd)), "clusterWide.argocd", /^must not be here: a spoke installs no Argo CD, the hub's Argo CD \(stack "fleet-hub"\) manages this cluster; remove it/],
        ["root Applications", (m) => (m.argocd.applications = structuredClone(hubApps.applications)), "argocd.applications", /^holds Applications "backend-hub", "frontend-hub", but a spoke has no Argo CD of its own: .*move them to the hub's model, as fleet.applications or fleet.addons whose selector matches this spoke's labels/],
        ["an ApplicationSet", (m) => (m.argocd.applicationSets = structuredClone(hubApps.applicationSets.slice(0, 1))), "argocd.applicationSets", /^holds ApplicationSet "platform-addons-hub", but a spoke has no Argo CD of its own: .*move it to the hub's model/],
        ["a shared cluster", (m) => Object.assign(m.cluster, { mode: "shared", owner: "fleet-us" }), "cluster.mode", /^is "shared", but a spoke is a cluster of its own, which the hub's Argo CD \(stack "fleet-hub"\) manages/],
    ];
    it.each(cases)("refuses %s, at its path, saying where it belongs", (_, edit, path, message) => {
        const problems = problemsOf(us, "fleet-us", edit);
        expect(problems.find(([at]) => at === path)?.[1], JSON.stringify(problems)).toMatch(message);
    });

    it("leaves Argo CD out only of a spoke: any other stack that installs the cluster-wide parts must have it", () => {
        const problems = problemsOf(hub, "fleet-hub", (m) => delete m.clusterWide.argocd);
        expect(problems).toContainEqual(["clusterWide.argocd", 'is missing: a stack that installs the cluster-wide parts runs the cluster\'s Argo CD (only a fleet spoke, fleet.role "spoke", has none); add it (see stacks/shared/clusterWide.ts)']);
        expect(problemsOf(hub, "fleet-hub", (m) => ((m.fleet = undefined), delete m.clusterWide.argocd)).map(([at]) => at)).toStrictEqual(["clusterWide.argocd"]);
    });
});
