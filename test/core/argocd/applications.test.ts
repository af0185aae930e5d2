/**
 * Root Applications and ApplicationSets: they sync as the model says, and each ApplicationSet's
 * template, expanded the way Argo CD's controller expands it (Go's text/template, see
 * test/helpers/applicationSets.ts), names valid Applications and fails on a parameter no
 * generator gives instead of printing `<no value>`.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { applicationsByWave } from "../../../core/argocd/applications";
import type { KubeObject } from "../../../core/objects";
import type { StackModel } from "../../../model/schema";
import { generatorParams, renderTemplates, templateStrings } from "../../helpers/applicationSets";
import { assertInstalled, go, skipWithout, suiteTitle } from "../../helpers/binaries";
import { DNS_1123_SUBDOMAIN } from "../../helpers/crds";
import { STACKS, stackModel, TOPOLOGIES } from "../../helpers/models";

const MODELS = TOPOLOGIES.flatMap((topology) => STACKS.map((stack) => [`${stack}, ${topology}`, stackModel(stack, topology)] as [string, StackModel]));
const objectsOf = (model: StackModel, kind: string) => applicationsByWave(model, "argocd").flatMap((w) => w.objects.filter((o) => o.kind === kind));
const spec = (o: KubeObject) => o.spec as Record<string, any>;

/** Kubernetes' rule for namespaces (a DNS-1123 label); names follow DNS_1123_SUBDOMAIN. */
const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

describe.each(MODELS)("the root applications of %s", (_, model) => {
    it("sync each Application as its model says: automated with its prune and selfHeal, or by hand, with its sync options", () => {
        const byName = new Map(objectsOf(model, "Application").map((o) => [o.metadata.name, spec(o).syncPolicy]));
        expect([...byName.keys()].sort()).toStrictEqual(model.argocd.applications.map((a) => a.name).sort());
        for (const app of model.argocd.applications) expect(byName.get(app.name), app.name).toStrictEqual(app.syncPolicy);
    });

    it("sync every Application an ApplicationSet generates as its model says", () => {
        const byName = new Map(objectsOf(model, "ApplicationSet").map((o) => [o.metadata.name, spec(o).template.spec.syncPolicy]));
        for (const set of model.argocd.applicationSets) expect(byName.get(set.name), set.name).toStrictEqual(set.syncPolicy);
    });

    it("leave an Application without automated sync to be synced by hand", () => {
        const [first] = model.argocd.applications;
        const manual: StackModel = { ...model, argocd: { ...model.argocd, applications: [{ ...first, syncPolicy: { syncOptions: ["CreateNamespace=true"] } }], applicationSets: [] } };
        expect(spec(objectsOf(manual, "Application")[0]).syncPolicy).toStrictEqual({ syncOptions: ["CreateNamespace=true"] });
    });
});

describe.skipIf(skipWithout(go))(suiteTitle("ApplicationSets expanded as Argo CD's controller expands them", go), () => {
    beforeAll(() => assertInstalled(go));

    /** Every string of every ApplicationSet's template, rendered with each parameter set of its generators. */
    async function expand(set: KubeObject, edit: (template: string, at: string) => string = (t) => t) {
        const strings = templateStrings(spec(set).template);
        const params = generatorParams(spec(set).generators);
        const cases = params.flatMap((p) => strings.map(([at, template]) => ({ at, template: edit(template, at), params: p })));
        const rendered = await renderTemplates(go, spec(set), cases);
        return params.map((p, i) => ({ params: p, fields: new Map(strings.map(([at], j) => [at, rendered[i * strings.length + j]])) }));
    }

    it.each(MODELS)("%s: every generated Application has a valid, distinct name and namespace, and no template left unfilled", async (_, model) => {
        for (const set of objectsOf(model, "ApplicationSet")) {
            const apps = await expand(set);
            expect(apps.length, set.metadata.name).toBeGreaterThan(1);
            for (const { params, fields } of apps) {
                const where = `${set.metadata.name} with ${JSON.stringify(params)}`;
                for (const [at, r] of fields) {
                    expect(r.error, `${where}: ${at}`).toBeUndefined();
                    expect(r.text, `${where}: ${at}`).not.toMatch(/\{\{|\}\}|<no value>/);
                }
                expect(fields.get("metadata.name")?.text, where).toMatch(DNS_1123_SUBDOMAIN);
                expect(fields.get("spec.destination.namespace")?.text, where).toMatch(LABEL);
            }
            const names = apps.map((a) => a.fields.get("metadata.name")?.text);
            expect(new Set(names).size, set.metadata.name).toBe(names.length);
        }
    });

    it.each(MODELS)("%s: a parameter no generator gives fails the ApplicationSet, instead of naming an Application <no value>", async (_, model) => {
        for (const set of objectsOf(model, "ApplicationSet")) {
            const apps = await expand(set, (t, at) => (at === "metadata.name" ? `${t}-{{.nosuch}}` : t));
            for (const { fields } of apps) expect(fields.get("metadata.name")?.error, set.metadata.name).toMatch(/map has no entry for key "nosuch"/);
        }
    });
});
