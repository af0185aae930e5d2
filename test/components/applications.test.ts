import { describe, expect, it } from "vitest";
import { RootApplications } from "../../components/applications";
import { ofType, resource, runComponents } from "../harness";
import { model, standIn } from "./support";

const APPLICATION = "kubernetes:argoproj.io/v1alpha1:Application";
const APPLICATION_SET = "kubernetes:argoproj.io/v1alpha1:ApplicationSet";

describe("RootApplications", () => {
    it("puts every root application into the cluster's Argo CD, wave by wave, the first after what it is given", async () => {
        const run = await runComponents("dev", () => new RootApplications("apps-test", { model, argocdNamespace: "cd-elsewhere", after: [standIn("argocd-ready")] }));
        const all = [...ofType(run, APPLICATION), ...ofType(run, APPLICATION_SET)];
        expect(all.map((a) => a.inputs.metadata.namespace)).toStrictEqual(all.map(() => "cd-elsewhere"));
        // Waves -1 (add-ons), 1 (backend), 2 (frontend), 3 (previews).
        const addons = resource(run, APPLICATION_SET, "apps-test-applicationset-platform-addons-dev");
        const backend = resource(run, APPLICATION, "apps-test-application-backend-dev");
        const frontend = resource(run, APPLICATION, "apps-test-application-frontend-dev");
        expect(addons.dependencies).toStrictEqual([resource(run, "test:index:StandIn", "argocd-ready").urn]);
        expect(backend.dependencies).toContain(addons.urn);
        expect(frontend.dependencies).toContain(backend.urn);
        expect(addons.dependencies).not.toContain(backend.urn);
    });

    it("needs nothing to wait for in a stack that shares the owner's Argo CD", async () => {
        const run = await runComponents("dev", () => new RootApplications("apps-test", { model, argocdNamespace: "argocd" }));
        expect(resource(run, APPLICATION_SET, "apps-test-applicationset-platform-addons-dev").dependencies).toStrictEqual([]);
    });
});
