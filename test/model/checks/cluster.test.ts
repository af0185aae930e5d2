/**
 * checkAgainstOwner: a stack that shares a cluster, held against the facts its owner exported.
 * The facts here are the shipped prod stack's, as it exports them; each case changes one.
 */
import { describe, expect, it } from "vitest";
import { clusterFacts } from "../../../core/clusterFacts";
import { type ClusterFacts, clusterViewOf } from "../../../model/cluster";
import { checkAgainstOwner, type SharedSettings } from "../../../model/checks/cluster";
import { deploymentTargets } from "../../../model/checks/overlap";
import { ProblemCollector } from "../../../model/problems";
import { application, stackModel } from "../../helpers/models";

const owner = stackModel("prod");
const kinds = ["argoproj.io/Application", "monitoring.coreos.com/PrometheusRule"];
const facts: ClusterFacts = {
    ...clusterViewOf(owner.clusterWide as NonNullable<typeof owner.clusterWide>),
    version: 1,
    stack: "prod",
    cluster: clusterFacts(owner as Parameters<typeof clusterFacts>[0], "prod", { certificateFingerprint: "sha256:owner" }).cluster,
    kubeContext: "kind-gitops-shared",
    sealingCertificateFingerprint: "sha256:owner",
    customResourceKinds: kinds,
    deployments: deploymentTargets(owner).map(({ at: _, ...target }) => target),
};
const settings: SharedSettings = { certificateFingerprint: "sha256:owner", kubeContext: "kind-gitops-shared" };

/** The problems of the dev stack (with `edit` applied) against `changed` facts and settings. */
function problemsOf(changed: { facts?: Partial<ClusterFacts>; settings?: Partial<SharedSettings>; edit?: (m: any) => void } = {}): [string, string][] {
    const model = structuredClone(stackModel("dev")) as any;
    changed.edit?.(model);
    const problems = new ProblemCollector();
    checkAgainstOwner(model, { ...facts, ...changed.facts }, { ...settings, ...changed.settings }, kinds, problems);
    return problems.problems.map((p) => [p.path, p.message]);
}

describe("checkAgainstOwner", () => {
    it("finds nothing in the shipped dev stack against prod's facts", () => {
        expect(problemsOf()).toStrictEqual([]);
    });

    it("refuses a cluster of the same name that the owner installed as a dedicated one", () => {
        expect(problemsOf({ facts: { cluster: { name: owner.cluster.name, mode: "dedicated" } } }).map(([path]) => path)).toStrictEqual(["cluster"]);
    });

    it("refuses a profile other than the owner's, field by field, and reads an owner that exports none", () => {
        expect(problemsOf({ edit: (m) => ((m.cluster.kubernetes = "1.35"), (m.cluster.nodes.schedulable = 4)) })).toStrictEqual([
            ["cluster.kubernetes", expect.stringMatching(/^is "1.35", but stack "prod", which installs the cluster-wide parts, states "1.34": .*state the same in both models$/)],
            ["cluster.nodes", expect.stringContaining('"schedulable":4')],
        ]);
        expect(problemsOf({ edit: (m) => delete m.cluster.ingressClass })).toStrictEqual([["cluster.ingressClass", expect.stringMatching(/^is unset, but stack "prod".* states "nginx"/)]]);
        expect(problemsOf({ edit: (m) => (m.cluster.kubernetes = "1.35"), facts: { cluster: { name: owner.cluster.name, mode: "shared" } } })).toStrictEqual([]);
    });

    it("compares kube contexts only where both stacks set one", () => {
        expect(problemsOf({ settings: { kubeContext: undefined } })).toStrictEqual([]);
        expect(problemsOf({ facts: { kubeContext: undefined } })).toStrictEqual([]);
        expect(problemsOf({ settings: { kubeContext: "kind-other" } }).map(([path]) => path)).toStrictEqual(["gitops:kubeContext"]);
    });

    it("refuses a monitoring chart other than the cluster release's, by name as by version", () => {
        expect(problemsOf({ edit: (m) => (m.monitoring.chart = { ...m.monitoring.chart, chart: "other-stack" }) }).map(([path]) => path)).toStrictEqual(["monitoring.chart"]);
    });

    it("refuses an ApplicationSet that can deploy what the owner's does, naming both", () => {
        // GIVEN dev with the add-ons of the cluster, which prod deploys already
        const addons = stackModel("prod").argocd.applicationSets.find((s) => s.name === "platform-addons-prod");
        const problems = problemsOf({ edit: (m) => m.argocd.applicationSets.push({ ...addons, name: "platform-addons-dev", nameTemplate: "{{.path.basename}}-dev" }) });
        expect(problems).toStrictEqual([
            [
                "argocd.applicationSets[2]",
                'ApplicationSet "platform-addons-dev" can deploy platform/addons/* of https://github.com/example-org/platform-gitops into namespace "*" on https://kubernetes.default.svc, as stack "prod"\'s ApplicationSet "platform-addons-prod" can: two Argo CD Applications would fight over the same objects, and removing either stack would delete what the other deploys; deploy it from one stack only (a cluster\'s add-ons from its owner), or give each its own path or namespace',
            ],
        ]);
    });

    it("names the owner's model where a subscription's service is missing", () => {
        const [[path, message]] = problemsOf({ edit: (m) => m.argocd.applications.push({ ...application({ name: "extra-dev" }), subscriptions: [{ trigger: "on-deployed", service: "teams", recipients: [] }] }) });
        expect(path).toBe("argocd.applications[2].subscriptions[0].service");
        expect(message).toMatch(/^service "teams" is not defined in stack "prod"'s clusterWide\.argocd\.notifications; use one of: /);
    });
});
