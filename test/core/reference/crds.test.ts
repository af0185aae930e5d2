/**
 * Every custom resource the core builds, and every one the whole program registers, judged by
 * the upstream CRD schemas in
 * ../shared/reference/crds (ajv for types, required fields, enums and patterns, plus a walk that
 * rejects any field the schema does not declare: an API server would silently prune it).
 */
import { describe, expect, it } from "vitest";
import { applicationsByWave } from "../../../core/argocd/applications";
import { appProjects } from "../../../core/argocd/projects";
import { prometheusRules } from "../../../core/monitoring/rules";
import { clusterLabels, type KubeObject, sealedSecret } from "../../../core/objects";
import { clusterAnalysisTemplates } from "../../../core/rollouts";
import type { StackModel } from "../../../model/schema";
import { runProgram } from "../../harness";
import { crdSchema, customResourceProblems, undeclaredFields } from "../../helpers/crds";
import { shippedConfig, STACKS, stackModel, TOPOLOGIES } from "../../helpers/models";

const models: [string, StackModel][] = TOPOLOGIES.flatMap((topology) => STACKS.map((stack): [string, StackModel] => [`${stack}, ${topology}`, stackModel(stack, topology)]));

const withSmokeAlert = (model: StackModel, smokeAlert: boolean): StackModel => ({ ...model, monitoring: { ...model.monitoring, smokeAlert } });

const label = (o: KubeObject) => `${o.kind} ${o.metadata.name}`;

/** Every custom resource the core renders for a model (a sealed secret with a stand-in ciphertext), with a test label. */
function labelledResources(model: StackModel): [string, KubeObject][] {
    const projects = model.clusterWide?.argocd ? appProjects(model.clusterWide.argocd, model.cluster.name) : [];
    return [
        ...projects.map((o): [string, KubeObject] => [label(o), o]),
        ...applicationsByWave(model, "argocd")
            .flatMap((w) => w.objects)
            .map((o): [string, KubeObject] => [label(o), o]),
        ...[false, true].flatMap((smoke) => prometheusRules(withSmokeAlert(model, smoke)).map((o): [string, KubeObject] => [`${label(o)} (smokeAlert: ${smoke})`, o])),
        ...clusterAnalysisTemplates(model).map((o): [string, KubeObject] => [label(o), o]),
        ...[sealedSecret("argocd-notifications-secret", "argocd", clusterLabels(model.cluster.name, "argocd"), { "slack-token": "AgB..." })].map((o): [string, KubeObject] => [label(o), o]),
    ];
}

const customResources = (model: StackModel): KubeObject[] => labelledResources(model).map(([, o]) => o);

/** A deep copy to break on purpose. */
const clone = <T>(value: T): T => structuredClone(value);

describe.each(models)("custom resources of %s", (_, model) => {
    const objects = customResources(model);

    it("covers every kind the brief lists (AppProjects where the stack installs Argo CD)", () => {
        const kinds = ["Application", "ApplicationSet", "PrometheusRule", "ClusterAnalysisTemplate", "SealedSecret", ...(model.clusterWide ? ["AppProject"] : [])];
        expect(new Set(objects.map((o) => o.kind))).toEqual(new Set(kinds));
        expect(prometheusRules(withSmokeAlert(model, true)).length).toBeGreaterThan(prometheusRules(withSmokeAlert(model, false)).length);
    });

    // Under a fixed title as well: the titles below carry the objects' names, which a mutant may change.
    it("has every custom resource valid against its CRD, named as the API server accepts", () => {
        for (const [label, object] of labelledResources(model)) expect(customResourceProblems(object), label).toStrictEqual([]);
    });

    it.each(labelledResources(model))("%s validates strictly against its upstream CRD", (_, object) => {
        expect(customResourceProblems(object)).toEqual([]);
    });
});

describe("the CRD check can fail", () => {
    const model = stackModel("prod");
    const first = (kind: string): KubeObject => {
        const found = customResources(model).find((o) => o.kind === kind);
        if (!found) throw new Error(`no ${kind}`);
        return clone(found);
    };
    type Spec = Record<string, any>;
    const spec = (o: KubeObject) => o.spec as Spec;

    it.each<[string, string, (o: KubeObject) => void, RegExp]>([
        ["Application", "missing spec.destination", (o) => delete spec(o).destination, /destination/],
        ["Application", "misspelled spec.syncPolicy.automated.selfheal", (o) => (spec(o).syncPolicy.automated = { prune: true, selfheal: true }), /\.selfheal is not declared/],
        ["Application", "syncWave as a number in spec", (o) => (spec(o).syncWave = 1), /\$\.spec\.syncWave is not declared/],
        ["ApplicationSet", "generators not a list", (o) => (spec(o).generators = { list: {} }), /generators.*must be array/],
        ["ApplicationSet", "misspelled template.spec.destinaton", (o) => (spec(o).template.spec.destinaton = spec(o).template.spec.destination), /destinaton is not declared/],
        ["AppProject", "misspelled sourceRepo", (o) => (spec(o).sourceRepo = spec(o).sourceRepos), /\$\.spec\.sourceRepo is not declared/],
        ["AppProject", "orphanedResources.warn as a string", (o) => (spec(o).orphanedResources = { warn: "true" }), /orphanedResources\.warn must be boolean/],
        ["PrometheusRule", "rule without expr", (o) => delete spec(o).groups[0].rules[0].expr, /must have required property 'expr'/],
        ["PrometheusRule", "misspelled rule annotation", (o) => (spec(o).groups[0].rules[0].annotation = {}), /rules\[0\]\.annotation is not declared/],
        ["ClusterAnalysisTemplate", "metric without name", (o) => delete spec(o).metrics[0].name, /must have required property 'name'/],
        ["ClusterAnalysisTemplate", "misspelled provider.prometheus.querry", (o) => (spec(o).metrics[0].provider.prometheus.querry = "up"), /querry is not declared/],
        ["SealedSecret", "misspelled spec.encryptedDatas", (o) => (spec(o).encryptedDatas = spec(o).encryptedData), /encryptedDatas is not declared/],
        ["SealedSecret", "encryptedData value not a string", (o) => (spec(o).encryptedData = { key: 1 }), /must be string/],
        ["PrometheusRule", "a name ending in a dash", (o) => Object.assign(o.metadata, { name: `${o.metadata.name}-` }), /metadata.name ".*-" is not a DNS-1123 subdomain/],
        ["Application", "a name with capitals", (o) => Object.assign(o.metadata, { name: "Backend" }), /metadata.name "Backend" is not a DNS-1123 subdomain/],
    ])("%s: %s", (kind, _, breakIt, expected) => {
        const object = first(kind);
        expect(customResourceProblems(object)).toEqual([]);
        breakIt(object);
        expect(customResourceProblems(object).join("\n")).toMatch(expected);
    });

    it("walks additionalProperties and preserve-unknown-fields as open, everything else as closed", () => {
        const schema = {
            type: "object",
            properties: {
                closed: { type: "object", properties: { a: { type: "string" } } },
                labels: { type: "object", additionalProperties: { type: "string" } },
                nested: { type: "object", additionalProperties: { type: "object", properties: { x: { type: "string" } } } },
                free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                list: { type: "array", items: { type: "object", properties: { b: { type: "string" } } } },
            },
        };
        expect(undeclaredFields(schema, { closed: { a: "1" }, labels: { any: "x" }, nested: { k: { x: "1" } }, free: { z: { y: 1 } }, list: [{ b: "2" }] })).toEqual([]);
        expect(undeclaredFields(schema, { closed: { b: "1" }, nested: { k: { y: "1" } }, list: [{ b: "2" }, { c: "3" }], extra: 1 })).toEqual([
            "$.closed.b is not declared by the schema",
            "$.nested.k.y is not declared by the schema",
            "$.list[1].c is not declared by the schema",
            "$.extra is not declared by the schema",
        ]);
    });

    it("takes schemas from crds/ only: AlertmanagerConfig is served as v1alpha1 there, not v1beta1", () => {
        expect(crdSchema("monitoring.coreos.com/v1alpha1", "AlertmanagerConfig").type).toBe("object");
        expect(() => crdSchema("monitoring.coreos.com/v1beta1", "AlertmanagerConfig")).toThrow(/does not serve/);
        expect(() => crdSchema("argoproj.io/v1beta1", "Application")).toThrow(/does not serve/);
    });
});

describe.each(TOPOLOGIES.flatMap((topology) => STACKS.map((stack) => [stack, topology] as const)))("every custom resource the %s program registers (%s)", (stack, topology) => {
    it("validates strictly against its upstream CRD, with the real ciphertexts in place", async () => {
        const run = await runProgram(stack, shippedConfig(stack, topology));
        const registered = run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.custom && !r.type.startsWith("kubernetes:core/") && !r.type.startsWith("kubernetes:helm.sh/"));
        expect(registered.length).toBeGreaterThanOrEqual(9);
        for (const r of registered) expect(customResourceProblems(r.inputs as KubeObject), r.name).toStrictEqual([]);
    });
});
