/**
 * The policy pack (policy/): silent over what the shipped stacks register, in both topologies,
 * and each policy reporting exactly its own violation when one is seeded. Over the charts'
 * objects too: see test/program.charts.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { policies } from "../../policy/policies";
import { appliedProgramObjects } from "../../render/applied";
import { ROOT, runProgram } from "../harness";
import { shippedConfig, STACKS, TOPOLOGIES } from "../helpers/models";
import { violations } from "../helpers/policies";

/** What a stack registers itself, as the engine hands it to policies (after the transforms), with a key of its own. */
async function registered(stack: string, topology: (typeof TOPOLOGIES)[number]): Promise<Record<string, any>[]> {
    const run = await runProgram(stack, { ...shippedConfig(stack, topology), ...(stack === "prod" ? { "gitops:sealingKey": fs.readFileSync(path.join(ROOT, "demo", "sealing.key"), "utf8") } : {}) });
    if (run.error) throw run.error;
    return (await appliedProgramObjects(run.resources)).map((o) => o.object);
}

const crd = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "widgets.example.com", annotations: { "helm.sh/resource-policy": "keep" } }, spec: { group: "example.com" } };
const ingress = { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "ui", namespace: "ns", annotations: { "pulumi.com/skipAwait": "true" } }, spec: {} };
const withAnnotations = (o: Record<string, any>, annotations: Record<string, string | undefined>) => ({ ...o, metadata: { ...o.metadata, annotations: Object.fromEntries(Object.entries({ ...o.metadata.annotations, ...annotations }).filter(([, v]) => v !== undefined)) } });

describe("the policy pack", () => {
    it("is a Node.js policy pack with a version, as `pulumi preview --policy-pack policy` loads it", () => {
        expect(yaml.load(fs.readFileSync(path.join(ROOT, "policy", "PulumiPolicy.yaml"), "utf8"))).toMatchObject({ runtime: "nodejs" });
        expect(JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "package.json"), "utf8"))).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+\.\d+$/), main: "index.ts" });
        expect(policies.map((p) => p.name)).toStrictEqual(["crds-kept", "no-await-on-outside-readiness", "applicationsets-preserve-resources", "no-plain-secret", "sealed-secrets-strict-and-awaited"]);
    });

    it.each(TOPOLOGIES.flatMap((topology) => STACKS.map((stack) => [stack, topology] as const)))("reports nothing over what %s registers in the %s topology", async (stack, topology) => {
        const objects = await registered(stack, topology);
        expect(objects.length).toBeGreaterThan(8);
        expect(await violations([...objects, crd, ingress])).toStrictEqual([]);
    });

    describe("reports exactly the one violation seeded among prod's objects", async () => {
        const valid = [...(await registered("prod", "shared")), crd, ingress];
        const first = (kind: string) => valid.find((o) => o.kind === kind) as Record<string, any>;
        const seeded: [policy: string, object: Record<string, any>, message: RegExp][] = [
            ["crds-kept", withAnnotations(crd, { "helm.sh/resource-policy": undefined }), /^CustomResourceDefinition widgets.example.com: lacks the annotation helm.sh\/resource-policy/],
            ["no-await-on-outside-readiness", withAnnotations(ingress, { "pulumi.com/skipAwait": undefined }), /^Ingress ns\/ui: an Ingress is awaited until an ingress controller/],
            ["no-await-on-outside-readiness", { apiVersion: "v1", kind: "Service", metadata: { name: "lb", namespace: "ns" }, spec: { type: "LoadBalancer" } }, /^Service ns\/lb: a LoadBalancer Service/],
            ["no-await-on-outside-readiness", { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data", namespace: "ns" }, spec: {} }, /^PersistentVolumeClaim ns\/data: a claim/],
            [
                "no-await-on-outside-readiness",
                { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "db", namespace: "ns" }, spec: { template: { spec: { volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }] } } } },
                /^Deployment ns\/db: a workload with persistent volumes/,
            ],
            ["applicationsets-preserve-resources", { ...first("ApplicationSet"), spec: { ...first("ApplicationSet").spec, syncPolicy: undefined } }, /^ApplicationSet argocd\/[-a-z]+: lacks spec.syncPolicy.preserveResourcesOnDeletion: true/],
            ["no-plain-secret", { apiVersion: "v1", kind: "Secret", metadata: { name: "token", namespace: "ns" }, stringData: { token: "t" } }, /^Secret ns\/token: holds data in plain text/],
            ["sealed-secrets-strict-and-awaited", withAnnotations(first("SealedSecret"), { "sealedsecrets.bitnami.com/cluster-wide": "true" }), /is not strict-scoped \(sealedsecrets.bitnami.com\/cluster-wide\)/],
            ["sealed-secrets-strict-and-awaited", withAnnotations(first("SealedSecret"), { "pulumi.com/waitFor": undefined }), /lacks pulumi.com\/waitFor: "condition=Synced"/],
        ];

        it.each(seeded)("%s", async (policy, object, message) => {
            const found = await violations([...valid, object]);
            expect(found.map((v) => v.policy)).toStrictEqual([policy]);
            expect(found[0].message).toMatch(message);
        });
    });
});
