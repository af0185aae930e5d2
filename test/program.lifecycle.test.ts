/**
 * The program as a cluster's life meets it: the first preview of a stack (nothing created yet),
 * the provider it deploys with, a config key mistyped, adopting a cluster built by hand, and a
 * rotation of the sealing key, which must leave every secret sealed before it readable.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { CLUSTER_PARTS } from "../core/catalogue";
import { transformsOf } from "../render/applied";
import { renderTree } from "../render/tree";
import { isSecretValue, type RecordedResource } from "../render/mockRuntime";
import { demoConfig, demoKeyPem, ofType, promiseOf, type ProgramRun, ROOT, runProgram } from "./harness";
import { INSTALLERS, shippedConfig } from "./helpers/models";
import { unseal } from "./helpers/unseal";

const CHART = "kubernetes:helm.sh/v4:Chart";
const SEALED = "kubernetes:bitnami.com/v1alpha1:SealedSecret";
const fixture = (file: string) => fs.readFileSync(path.join(ROOT, "test", "fixtures", "sealing", file), "utf8");

describe.each(INSTALLERS)("the first preview of %s (%s), before anything exists", (stack, topology) => {
    it("passes no unknown value to any chart, so Chart v4 renders every object in it", async () => {
        const run = await runProgram(stack, shippedConfig(stack, topology), { firstPreview: true });
        if (run.error) throw run.error;
        const charts = ofType(run, CHART);
        expect(charts.length).toBe(CLUSTER_PARTS.length + 1);
        for (const chart of charts) expect(pulumi.containsUnknowns(chart.inputs), chart.name).toBe(false);
        // What depends on a generated value is unknown indeed: argocd-secret holds a generated key.
        const argocdSecret = ofType(run, SEALED).find((r) => r.inputs.metadata.name === "argocd-secret");
        expect(pulumi.containsUnknowns(argocdSecret?.inputs)).toBe(true);
    });
});

/** The stack's Kubernetes providers as registered: the stack's own, and the one of what the platform keeps. */
function providersOf(run: ProgramRun): { main: Record<string, string>; kept: Record<string, string> } {
    const providers = ofType(run, "pulumi:providers:kubernetes");
    expect(providers.map((p) => p.name)).toStrictEqual(["kubernetes", "kubernetes-kept"]);
    return { main: providers[0].inputs, kept: providers[1].inputs };
}
const providerOf = (run: ProgramRun) => providersOf(run).main;
const SECRET_PATCH = "kubernetes:core/v1:SecretPatch";

describe("the Kubernetes provider", () => {
    it("targets the configured context, and is replaced only when the model's cluster changes", async () => {
        const run = await runProgram("dev", demoConfig("dev"));
        // Provider inputs reach the engine as strings.
        // Force: a field Helm or kubectl also set never stops an up as a conflict (await.go, patchForce).
        const base = { clusterIdentifier: "gitops-shared", context: "kind-gitops-shared", enableServerSideApply: "true", enablePatchForce: "true" };
        expect(providersOf(run)).toStrictEqual({ main: base, kept: { ...base, upsertExistingObjects: "true" } });
    });

    it("applies what the platform keeps through the provider that takes it back, so that a rebuild finds it without a flag", async () => {
        const run = await runProgram("prod", demoConfig("prod"));
        const chainOf = transformsOf(run.resources);
        /** The provider the engine applies a resource with once its transforms ran: the one they give, or its own. */
        const appliedWith = async (r: RecordedResource) => {
            let opts: pulumi.CustomResourceOptions = {};
            for (const transform of chainOf(r)) opts = (await transform({ custom: true, type: r.type, name: r.name, props: r.inputs, opts }))?.opts ?? opts;
            return opts.provider ? await promiseOf(opts.provider.urn) : r.provider;
        };
        const namespaces = ofType(run, "kubernetes:core/v1:Namespace");
        const kept = namespaces.filter((r) => r.inputs.metadata.annotations?.["helm.sh/resource-policy"] === "keep");
        expect(kept.map((r) => r.inputs.metadata.name)).toStrictEqual(["monitoring-prod"]);
        expect(await appliedWith(kept[0])).toMatch(/::kubernetes-kept$/);
        const others = namespaces.filter((r) => r !== kept[0]);
        expect(others.length).toBeGreaterThan(2);
        for (const r of others) expect(await appliedWith(r), r.name).toMatch(/::kubernetes::kubernetes-id$/);
    });

    it("without a context, points at a cluster that cannot exist, never at the current context", async () => {
        const { "gitops:kubeContext": _, ...withoutContext } = demoConfig("dev");
        const provider = providerOf(await runProgram("dev", withoutContext));
        expect(provider.context).toBeUndefined();
        expect(provider.clusterIdentifier).toBe("gitops-shared");
        // Read as kubectl reads a kubeconfig: its current context's cluster.
        const kubeconfig = yaml.load(provider.kubeconfig) as { "current-context": string; contexts: { name: string; context: { cluster: string } }[]; clusters: { name: string; cluster: { server: string } }[] };
        const context = kubeconfig.contexts.find((c) => c.name === kubeconfig["current-context"]);
        const server = new URL(kubeconfig.clusters.find((c) => c.name === context?.context.cluster)?.cluster.server as string);
        // RFC 2606: .invalid never resolves.
        expect(server.hostname.endsWith(".invalid")).toBe(true);
    });

    it("upserts objects that exist already only for the up that adopts a cluster, and hands every Secret a SealedSecret writes to the controller first", async () => {
        const run = await runProgram("prod", { ...demoConfig("prod"), "gitops:adoptExisting": "true" });
        expect(providerOf(run).upsertExistingObjects).toBe("true");
        const sealed = ofType(run, SEALED);
        expect(sealed.length).toBeGreaterThan(5);
        const patches = ofType(run, SECRET_PATCH);
        expect(patches).toHaveLength(sealed.length);
        for (const s of sealed) {
            const { name, namespace } = s.inputs.metadata;
            const patch = patches.find((p) => p.inputs.metadata.name === name && p.inputs.metadata.namespace === namespace);
            // The controller takes over a Secret it did not make only so marked (sealed-secrets v0.36.6 controller.go).
            expect(patch?.inputs.metadata.annotations["sealedsecrets.bitnami.com/managed"], `${namespace}/${name}`).toBe("true");
            expect(patch?.inputs.type).toBe(s.inputs.spec.template.type);
            expect(s.dependencies, `${namespace}/${name}`).toContain(patch?.urn);
            // Patched where the SealedSecret patches its Secret: argocd-secret keeps the keys Argo CD writes.
            const patched = s.inputs.spec.template.metadata.annotations?.["sealedsecrets.bitnami.com/patch"];
            expect(patch?.inputs.metadata.annotations["sealedsecrets.bitnami.com/patch"], `${namespace}/${name}`).toBe(patched);
        }
        expect(sealed.filter((s) => s.inputs.spec.template.metadata.annotations?.["sealedsecrets.bitnami.com/patch"] === "true").map((s) => s.inputs.metadata.name)).toStrictEqual(["argocd-secret"]);
        // The render shows the hand-over as patches, never as Secrets of the program's own.
        const { files } = await renderTree(run.resources);
        const rendered = [...files.keys()];
        expect(rendered.filter((f) => f.includes("/secretpatch/"))).toHaveLength(sealed.length);
        expect(files.get("argocd/secretpatch/argocd-secret.yaml")).toMatch(/^# A SecretPatch: pulumi up applies these fields to the Secret of this name/);
        expect(rendered.filter((f) => /\/secret\/(argocd-secret|argocd-redis)\.yaml$/.test(f))).toStrictEqual([]);
        // Without it, a plain create: one that finds an object refuses it; nothing to hand over.
        const plain = await runProgram("prod", demoConfig("prod"));
        expect(providerOf(plain).upsertExistingObjects).toBeUndefined();
        expect(ofType(plain, SECRET_PATCH)).toStrictEqual([]);
    });
});

describe("a config key the project does not declare", () => {
    it("is refused with the declared key it most likely means, before anything is registered", async () => {
        const run = await runProgram("dev", { ...demoConfig("dev"), "gitops:kubeContxt": "kind-gitops-shared", "gitops:alertmanagerSlackWebhok": "https://hooks.slack.invalid/x" });
        expect((run.error as Error).message).toBe(
            [
                'Stack "dev": the stack config has 2 problems:',
                "  - gitops:alertmanagerSlackWebhok: is not a config key of this project (Pulumi.yaml declares none by that name); did you mean gitops:alertmanagerSlackWebhook? Move the value with `pulumi config rm gitops:alertmanagerSlackWebhok` and `pulumi config set --secret gitops:alertmanagerSlackWebhook <value>`",
                "  - gitops:kubeContxt: is not a config key of this project (Pulumi.yaml declares none by that name); did you mean gitops:kubeContext? Move the value with `pulumi config rm gitops:kubeContxt` and `pulumi config set gitops:kubeContext <value>`",
            ].join("\n"),
        );
        expect(run.resources).toStrictEqual([]);
    });

    it("of another namespace is refused too (the program's Kubernetes provider is its own, configured by gitops: keys), Pulumi's own keys aside", async () => {
        const run = await runProgram("dev", { ...demoConfig("dev"), "kubernetes:context": "x" });
        expect((run.error as Error).message).toBe(
            [
                'Stack "dev": the stack config has 1 problem:',
                "  - kubernetes:context: is read by nothing: the program's Kubernetes provider and parts are configured by gitops: keys alone; did you mean gitops:kubeContext? Move the value with `pulumi config rm kubernetes:context` and `pulumi config set gitops:kubeContext <value>`",
            ].join("\n"),
        );
        expect((await runProgram("dev", { ...demoConfig("dev"), "pulumi:tags": "{}" })).error).toBeUndefined();
    });
});

describe("rotating the sealing key", () => {
    const before = { ...demoConfig("prod"), "gitops:sealingKey": demoKeyPem };
    // The next key pair is active; the demo key is retired.
    const after = { ...demoConfig("prod"), "gitops:sealingCertificate": fixture("rotated.crt"), "gitops:sealingKey": fixture("rotated.key"), "gitops:sealingRetiredKeys": demoKeyPem };

    /** Every sealed value of a run: where it unseals to, and the ciphertext. */
    async function sealedValues(run: ProgramRun): Promise<{ namespace: string; name: string; key: string; value: string }[]> {
        const values = await Promise.all(
            ofType(run, SEALED).map(async (r) => {
                const data = (await promiseOf(r.inputs.spec.encryptedData)) as Record<string, string>;
                return Object.entries(data).map(([key, value]) => ({ namespace: r.inputs.metadata.namespace, name: r.inputs.metadata.name, key, value }));
            }),
        );
        return values.flat();
    }

    /** The controller's key Secrets of a run: name, certificate and private key (a secret in the inputs). */
    function controllerKeys(run: ProgramRun): { name: string; certificate: crypto.X509Certificate; key: string }[] {
        return ofType(run, "kubernetes:core/v1:Secret")
            .filter((r) => r.inputs.metadata.labels["sealedsecrets.bitnami.com/sealed-secrets-key"] === "active")
            .map((r) => {
                expect(isSecretValue(r.inputs.stringData)).toBe(true);
                const data = (r.inputs.stringData as { value: Record<string, string> }).value;
                return { name: r.inputs.metadata.name, certificate: new crypto.X509Certificate(data["tls.crt"]), key: data["tls.key"] };
            });
    }

    /** The key the controller seals with and serves to `kubeseal --fetch-cert`: the one whose certificate's NotBefore is latest (keyregistry.go). */
    const offered = (keys: ReturnType<typeof controllerKeys>) => [...keys].sort((a, b) => Date.parse(b.certificate.validFrom) - Date.parse(a.certificate.validFrom))[0];

    it("keeps every secret sealed for the old key readable with a key the cluster holds, and seals the new ones for the active key", async () => {
        const [old, rotated] = [await runProgram("prod", before), await runProgram("prod", after)];
        for (const run of [old, rotated]) if (run.error) throw run.error;
        const keys = controllerKeys(rotated);
        expect(keys).toHaveLength(2);
        const oldValues = await sealedValues(old);
        expect(oldValues.length).toBeGreaterThan(5);
        for (const v of oldValues) {
            expect(keys.some((k) => { try { unseal(k.key, v.namespace, v.name, v.value); return true; } catch { return false; } }), `${v.namespace}/${v.name} ${v.key}`).toBe(true);
        }
        // kubeseal --fetch-cert gives the configured certificate, and everything new is sealed for it.
        const active = offered(keys);
        expect(active.certificate.raw).toStrictEqual(new crypto.X509Certificate(fixture("rotated.crt")).raw);
        for (const v of await sealedValues(rotated)) expect(() => unseal(active.key, v.namespace, v.name, v.value), `${v.namespace}/${v.name} ${v.key}`).not.toThrow();
    });

    it("adds a Secret and overwrites none: the old key keeps its Secret, with the same key in it", async () => {
        const [oldKeys, newKeys] = [controllerKeys(await runProgram("prod", before)), controllerKeys(await runProgram("prod", after))];
        expect(oldKeys).toHaveLength(1);
        const kept = newKeys.find((k) => k.name === oldKeys[0].name);
        expect(crypto.createPrivateKey(kept?.key as string).export({ type: "pkcs8", format: "der" })).toStrictEqual(crypto.createPrivateKey(oldKeys[0].key).export({ type: "pkcs8", format: "der" }));
        expect(newKeys.map((k) => k.name)).toContain(oldKeys[0].name);
    });

    it("restarts the controller, which reads its keys only when it starts", async () => {
        const annotation = async (config: Record<string, string>) => ofType(await runProgram("prod", config), CHART).find((c) => c.inputs.chart === "sealed-secrets")?.inputs.values.podAnnotations;
        const [a, b] = [await annotation(before), await annotation(after)];
        expect(a).toBeDefined();
        expect(b).not.toStrictEqual(a);
    });
});
