/**
 * Two Applications that can sync the same source into the same namespace: refused within a stack,
 * each naming the other; what a stack deploys, as the owner's facts carry it.
 */
import { describe, expect, it } from "vitest";
import { deploymentTargets } from "../../../model/checks/overlap";
import { stackModel, validated } from "../../helpers/models";

const REPO = "https://github.com/example-org/platform-gitops";
const apps = (m: any) => m.argocd.applications;
const sets = (m: any) => m.argocd.applicationSets;

describe("two Applications of one stack that can deploy the same", () => {
    it("are refused at the second, naming the first", () => {
        const { problems } = validated((m) => apps(m).push({ ...apps(m)[0], name: "backend-copy-prod" }));
        expect([...problems]).toStrictEqual([
            [
                "argocd.applications[2]",
                `Application "backend-copy-prod" can deploy apps/backend/overlays/prod of ${REPO} into namespace "backend-prod" on https://kubernetes.default.svc, as Application "backend-prod" (argocd.applications[0]) can: two Argo CD Applications would fight over the same objects, and removing either stack would delete what the other deploys; deploy it from one stack only (a cluster's add-ons from its owner), or give each its own path or namespace`,
            ],
        ]);
    });

    it("are found through an ApplicationSet's list elements and git folders", () => {
        const git = (path: string) => ({ git: { repoURL: REPO, directories: [{ path }] } });
        const listed = { name: "listed-prod", project: "team-backend", generators: [{ list: { elements: [{ svc: "billing" }] } }], nameTemplate: "{{.svc}}-prod", source: { repoURL: REPO, path: "services/{{.svc}}" }, destination: { server: "https://kubernetes.default.svc", namespace: "backend-prod" } };
        const { problems } = validated((m) => sets(m).push(listed, { ...listed, name: "folders-prod", generators: [git("services/*")], nameTemplate: "{{.path.basename}}-prod", source: { repoURL: REPO, path: "{{.path.path}}" } }));
        expect([...problems.keys()]).toStrictEqual(["argocd.applicationSets[4]"]);
        expect(problems.get("argocd.applicationSets[4]")).toMatch(/^ApplicationSet "folders-prod" can deploy services\/\* of .* as ApplicationSet "listed-prod" \(argocd.applicationSets\[3\]\) can/);
    });

    it("are not told apart by revision, and not confused across folders, namespaces or clusters", () => {
        const backend = (m: any) => apps(m)[0];
        const notOverlapping = [
            (m: any) => apps(m).push({ ...backend(m), name: "deeper-prod", source: { ...backend(m).source, path: "apps/backend/overlays/prod/extra" } }),
            (m: any) => apps(m).push({ ...backend(m), name: "elsewhere-prod", destination: { ...backend(m).destination, namespace: "backend-other-prod" } }),
            // A git generator's folder is one folder deep, as Argo CD matches it.
            (m: any) => sets(m).push({ ...sets(m)[0], name: "one-level-prod", nameTemplate: "{{.path.basename}}-x-prod", generators: [{ git: { repoURL: REPO, directories: [{ path: "apps/*" }] } }], destination: { server: "https://kubernetes.default.svc", namespace: "backend-prod" } }),
        ];
        for (const edit of notOverlapping) expect([...validated(edit).problems]).toStrictEqual([]);
        const { problems } = validated((m) => apps(m).push({ ...backend(m), name: "other-branch-prod", source: { ...backend(m).source, targetRevision: "feature" } }));
        expect([...problems.keys()]).toStrictEqual(["argocd.applications[2]"]);
    });
});

describe("deploymentTargets", () => {
    it("reads a git generator's folders as one folder each, and basenames as one folder's name", () => {
        const addons = deploymentTargets(stackModel("prod")).find((t) => t.what === 'ApplicationSet "platform-addons-prod"');
        expect(addons).toMatchObject({ at: "argocd.applicationSets[0]", repoURL: REPO, path: "platform/addons/\u{E000}", namespace: "\u{E000}" });
    });

    it("gives the add-ons of a shared cluster to its owner only", () => {
        const named = (stack: string) => deploymentTargets(stackModel(stack)).map((t) => t.what);
        expect(named("prod")).toContain('ApplicationSet "platform-addons-prod"');
        expect(named("dev").filter((what) => what.includes("addons"))).toStrictEqual([]);
        expect(deploymentTargets(stackModel("dev", "dedicated")).map((t) => t.what)).toContain('ApplicationSet "platform-addons-dev"');
    });
});
