import { describe, expect, it } from "vitest";
import { RootApplications } from "../../components/applications";
import { ofType, resource, runComponents, waitsFor } from "../harness";
import { model, standIn } from "./support";

const APPLICATION = "kubernetes:argoproj.io/v1alpha1:Application";
const APPLICATION_SET = "kubernetes:argoproj.io/v1alpha1:ApplicationSet";

describe("RootApplications", () => {
    it("puts every root application into the cluster's Argo CD", async () => {
        const run = await runComponents("dev", () => new RootApplications("apps-test", { model, argocdNamespace: "cd-elsewhere" }));
        const all = [...ofType(run, APPLICATION), ...ofType(run, APPLICATION_SET)];
        expect(all.length).toBe(model.argocd.applications.length + model.argocd.applicationSets.length);
        expect(all.map((a) => a.inputs.metadata.namespace)).toStrictEqual(all.map(() => "cd-elsewhere"));
    });

    it("orders the waves exactly as waiting for every lower wave would, and all of them after what it is given", async () => {
        // GIVEN 40 applications over 4 waves besides the shipped ones
        const many = structuredClone(model);
        const template = many.argocd.applications[0];
        for (let i = 0; i < 40; i++) many.argocd.applications.push({ ...template, name: `many-${i}-dev`, syncWave: 10 + (i % 4) });
        const run = await runComponents("dev", () => new RootApplications("apps-test", { model: many, argocdNamespace: "argocd", after: [standIn("argocd-ready")] }));
        const apps = [...ofType(run, APPLICATION), ...ofType(run, APPLICATION_SET)];
        const waveOf = (r: (typeof apps)[number]) => Number(r.inputs.metadata.annotations["argocd.argoproj.io/sync-wave"]);
        const ready = resource(run, "test:index:StandIn", "argocd-ready").urn as string;
        // THEN each waits, directly or not, for every application of a lower wave and for nothing else of its own or higher waves
        for (const app of apps) {
            const waited = waitsFor(run, app.urn as string);
            expect(waited.has(ready), app.name).toBe(true);
            const expected = apps.filter((other) => waveOf(other) < waveOf(app)).map((o) => o.urn);
            expect(apps.filter((other) => waited.has(other.urn as string)).map((o) => o.urn).sort(), app.name).toStrictEqual(expected.sort());
        }
        // AND no list of dependencies grows with the number of applications
        expect(Math.max(...run.resources.filter((r) => r.type === APPLICATION).map((r) => r.dependencies.length))).toBe(1);
        const barriers = ofType(run, "pulumi:index:Stash");
        expect(barriers.map((b) => b.name)).toStrictEqual(["apps-test-after-wave-1", "apps-test-after-wave-2", "apps-test-after-wave-3", "apps-test-after-wave-10", "apps-test-after-wave-11", "apps-test-after-wave-12"]);
    });

    it("needs nothing to wait for in a stack that shares the owner's Argo CD", async () => {
        const run = await runComponents("dev", () => new RootApplications("apps-test", { model, argocdNamespace: "argocd" }));
        expect(resource(run, APPLICATION, "apps-test-application-backend-dev").dependencies).toStrictEqual([]);
    });
});
