/**
 * The example fleet (examples/fleet/) under the mocks: the hub reads its spokes' outputs (as the
 * offline render computes them from the spokes' models and demo config), seals one cluster Secret
 * per spoke for its own controller, and each add-on secret for the one spoke it goes to; a spoke
 * makes the hub's access and exports it. Sealed values are opened with the independent test
 * decryption and each cluster's demo key.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPlan } from "../check/plan";
import { CLUSTER_PARTS } from "../core/catalogue";
import { FLEET_POLICY_KEY } from "../core/fleet/teams";
import { placementTable } from "../core/fleet/placement";
import { loadStackModel } from "../core/stackModel";
import { FLEET_SPOKE_OUTPUT, type HubModel } from "../model/fleet";
import { renderStack } from "../render/render";
import { isSecretValue } from "../render/mockRuntime";
import { offlineSpokeOutputs, offlineToken } from "../render/spokeOutputs";
import { OTHER_CLUSTERS, PLACEMENT_FILE } from "../render/layout";
import { renderTree } from "../render/tree";
import { demoConfig, demoKeyPem, ofType, type ProgramRun, promiseOf, ROOT, resource, runProgram } from "./harness";
import { violations } from "./helpers/policies";
import { unseal } from "./helpers/unseal";
import { appliedProgramObjects } from "../render/applied";

const SEALED = "kubernetes:bitnami.com/v1alpha1:SealedSecret";
const spokeKey = (spoke: string) => fs.readFileSync(path.join(ROOT, "demo", `fleet-${spoke}-sealing.key`), "utf8");
const HUB_MODEL = path.join(ROOT, "examples", "fleet", "hub.ts");

/** A sealed value opened with `key`, or the error it fails with. */
function open(key: string, sealed: { inputs: any }, dataKey: string): string {
    const { namespace, name } = sealed.inputs.metadata;
    return unseal(key, namespace, name, sealed.inputs.spec.encryptedData[dataKey]);
}

describe("the example fleet's hub", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runProgram("fleet-hub", demoConfig("fleet-hub"), { stackOutputs: offlineSpokeOutputs("fleet-hub", HUB_MODEL) });
        expect(run.error).toBeUndefined();
    });
    const sealedNamed = (name: string) => ofType(run, SEALED).filter((s) => s.inputs.metadata.name === name);

    it("seals one cluster Secret per spoke for its own controller, as Argo CD reads it", () => {
        for (const spoke of ["eu", "us"]) {
            const [sealed] = sealedNamed(`cluster-${spoke}`);
            expect(sealed.inputs.metadata.namespace).toBe("argocd");
            expect(sealed.inputs.spec.template.metadata.labels).toMatchObject({ "argocd.argoproj.io/secret-type": "cluster", environment: "prod", region: spoke });
            expect(sealed.inputs.spec.template.metadata.annotations).toMatchObject({ "gitops-platform/cluster-name": spoke, "gitops-platform/ingress-domain": `${spoke}.fleet.example.com` });
            expect(open(demoKeyPem, sealed, "name")).toBe(spoke);
            expect(open(demoKeyPem, sealed, "server")).toBe(`https://api.${spoke}.fleet.example.com:6443`);
            const config = JSON.parse(open(demoKeyPem, sealed, "config"));
            expect(config.bearerToken).toBe(offlineToken(`fleet-${spoke}`));
            expect(Buffer.from(config.tlsClientConfig.caData, "base64").toString("utf8")).toBe(fs.readFileSync(path.join(ROOT, "demo", "ca.crt"), "utf8"));
            // Lives in the hub: the spoke's key cannot open it.
            expect(() => open(spokeKey(spoke), sealed, "config")).toThrow();
        }
        // us lets Argo CD manage only its listed namespaces.
        expect(open(demoKeyPem, sealedNamed("cluster-us")[0], "namespaces")).toBe("metrics,policies");
        expect(sealedNamed("cluster-eu")[0].inputs.spec.encryptedData.namespaces).toBeUndefined();
    });

    it("seals each add-on secret for the spoke it goes to: its key opens it, the hub's and the other spoke's do not", async () => {
        const secrets = sealedNamed("metrics-remote-write");
        expect(secrets).toHaveLength(2);
        const providerOf = (s: (typeof secrets)[number]) => (s.provider as string).split("::")[3];
        const bySpoke = new Map(secrets.map((s) => [providerOf(s).replace(/^fleet-hub-/, ""), s]));
        expect([...bySpoke.keys()].sort()).toStrictEqual(["eu", "us"]);
        for (const [spoke, other] of [["eu", "us"], ["us", "eu"]]) {
            const sealed = bySpoke.get(spoke) as (typeof secrets)[number];
            expect(open(spokeKey(spoke), sealed, "password")).toBe(demoConfig("fleet-hub")["gitops:fleetMetricsPassword"]);
            expect(() => open(demoKeyPem, sealed, "password")).toThrow();
            expect(() => open(spokeKey(other), sealed, "password")).toThrow();
            // Applied through a provider of that spoke, which authenticates as Argo CD does there.
            const provider = resource(run, "pulumi:providers:kubernetes", `fleet-hub-${spoke}`);
            expect(provider.inputs.clusterIdentifier).toBe(spoke);
            // Applied as the stack's own provider applies: server-side, forced, taking over what exists.
            expect([provider.inputs.enableServerSideApply, provider.inputs.enablePatchForce, provider.inputs.upsertExistingObjects]).toStrictEqual(["true", "true", "true"]);
            // A secret: it holds the spoke's token.
            expect(isSecretValue(provider.inputs.kubeconfig)).toBe(true);
            const kubeconfig = JSON.parse((provider.inputs.kubeconfig as { value: string }).value);
            expect(kubeconfig.clusters[0].cluster.server).toBe(`https://api.${spoke}.fleet.example.com:6443`);
        }
    });

    it("places add-ons and applications with ApplicationSets, gives the team its project and its clusters' RBAC", () => {
        const sets = ofType(run, "kubernetes:argoproj.io/v1alpha1:ApplicationSet").map((s) => s.inputs.metadata.name);
        expect(sets).toEqual(expect.arrayContaining(["addon-metrics", "addon-policies", "app-shop"]));
        const project = ofType(run, "kubernetes:argoproj.io/v1alpha1:AppProject").find((p) => p.inputs.metadata.name === "shop");
        expect(project?.inputs.spec.destinations).toStrictEqual([{ name: "eu", namespace: "shop" }]);
        const chart = ofType(run, "kubernetes:helm.sh/v4:Chart").find((c) => c.inputs.name === "argocd");
        expect(chart?.inputs.values.configs.rbac[FLEET_POLICY_KEY]).toContain("p, role:fleet-shop, clusters, get, https://api.eu.fleet.example.com:6443, allow");
        expect(chart?.inputs.values.configs.rbac[FLEET_POLICY_KEY]).not.toContain("api.us.");
    });

    it("renders what goes into each spoke under that spoke's folder", async () => {
        const { files } = await renderTree(run.resources);
        expect([...files.keys()].filter((f) => f.startsWith(`${OTHER_CLUSTERS}/`))).toStrictEqual([
            "_spokes/eu/_cluster/namespace/metrics.yaml",
            "_spokes/eu/metrics/sealedsecret/metrics-remote-write.yaml",
            "_spokes/us/_cluster/namespace/metrics.yaml",
            "_spokes/us/metrics/sealedsecret/metrics-remote-write.yaml",
        ]);
    });

    it("renders offline on its demo config, with a sealed cluster Secret per spoke and the placement table, and no token in plaintext", async () => {
        const { tree } = await renderStack({ stack: "fleet-hub" });
        const files = [...tree.files.keys()];
        expect(files.filter((f) => f.startsWith("argocd/sealedsecret/cluster-"))).toStrictEqual(["argocd/sealedsecret/cluster-eu.yaml", "argocd/sealedsecret/cluster-us.yaml"]);
        expect(tree.files.get(PLACEMENT_FILE)).toBe(placementTable("fleet-hub", loadStackModel("fleet-hub", HUB_MODEL).fleet as HubModel));
        for (const text of tree.files.values()) expect(text).not.toContain(offlineToken("fleet-eu"));
    });

    it("refuses to register anything while a spoke stack has no outputs, saying what to do", async () => {
        const refused = await runProgram("fleet-hub", demoConfig("fleet-hub"), { stackOutputs: {} });
        expect(String(refused.error)).toMatch(/fleet\.spokes\[0\]\.source\.stack: stack "fleet-eu" has no "fleetSpoke" output: is it a spoke \(fleet\.role "spoke"\)\? bring it up first with `pulumi up --stack fleet-eu`/);
        // Nothing but the reads of the spokes' outputs.
        expect(refused.resources.map((r) => r.type).filter((t) => t !== "pulumi:pulumi:StackReference")).toStrictEqual([]);
    });
});

describe("the example fleet's spoke us", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runProgram("fleet-us", demoConfig("fleet-us"));
        expect(run.error).toBeUndefined();
    });

    it("makes the hub's access in its listed namespaces only, and exports it with its own sealing certificate", async () => {
        const rbac = run.resources.filter((r) => /rbac.authorization.k8s.io\/v1:(Cluster)?Role(Binding)?$/.test(r.type) && r.name.startsWith("fleet-spoke-"));
        expect(rbac.map((r) => `${r.inputs.kind} ${r.inputs.metadata.namespace}`).sort()).toStrictEqual(["Role metrics", "Role policies", "RoleBinding metrics", "RoleBinding policies"]);
        const exported = (await promiseOf(run.outputs?.[FLEET_SPOKE_OUTPUT] as any)) as Record<string, unknown>;
        expect(exported).toMatchObject({ cluster: "us", server: "https://api.us.fleet.example.com:6443", namespaces: ["metrics", "policies"] });
        // The token and CA Kubernetes writes into the token Secret (as the mocks fake them), decoded.
        expect(exported.bearerToken).toMatch(/^[0-9a-f]{64}$/);
        expect(exported.caPem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
        expect(exported.sealingCertificate).toBe(fs.readFileSync(path.join(ROOT, "demo", "fleet-us-sealing.crt"), "utf8"));
    });

    it("labels every series and alert of its Prometheus with its cluster's name", () => {
        const chart = ofType(run, "kubernetes:helm.sh/v4:Chart").find((c) => c.inputs.name === "monitoring-us");
        expect(chart?.inputs.values.prometheus.prometheusSpec.externalLabels).toStrictEqual({ cluster: "us" });
    });
});

describe.each(["eu", "us"])("the example fleet's spoke %s, managed by the hub's Argo CD", (spoke) => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runProgram(`fleet-${spoke}`, demoConfig(`fleet-${spoke}`));
        expect(run.error).toBeUndefined();
    });

    it("installs no Argo CD and nothing that lives in one: no chart, no namespace, no Application, ApplicationSet or AppProject", () => {
        // Every part of the catalogue but Argo CD (a part a user adds too: docs/catalogue.md), and its environment's monitoring.
        const model = loadStackModel(`fleet-${spoke}`, path.join(ROOT, "examples", "fleet", `${spoke}.ts`));
        const charts = ofType(run, "kubernetes:helm.sh/v4:Chart").map((c) => c.inputs.chart).sort();
        const argocdChart = charts.filter((c) => c === "argo-cd");
        expect(argocdChart).toStrictEqual([]);
        expect(charts).toStrictEqual([...CLUSTER_PARTS.filter((p) => p.key !== "argocd").map((p) => (model.clusterWide?.[p.key] as { chart: { chart: string } }).chart.chart), model.monitoring.chart.chart].sort());
        expect(run.resources.filter((r) => r.type.startsWith("kubernetes:argoproj.io/") && ["Application", "ApplicationSet", "AppProject"].includes(r.inputs.kind)).map((r) => r.name)).toStrictEqual([]);
        expect(run.resources.filter((r) => r.type.startsWith("kubernetes:") && (r.inputs.metadata?.namespace === "argocd" || (r.inputs.kind === "Namespace" && r.inputs.metadata?.name === "argocd"))).map((r) => r.name)).toStrictEqual([]);
        expect(run.resources.filter((r) => r.type.startsWith("gitops:argocd:")).map((r) => r.type)).toStrictEqual([]);
        // Nor watches one: its Prometheus scrapes the parts it runs only.
        const monitors = ofType(run, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor").map((m) => m.inputs.metadata.name).sort();
        expect(monitors).toStrictEqual(["platform-argo-rollouts", "platform-cert-manager", "platform-sealed-secrets"]);
        expect(run.outputs?.argocdUrl).toBeUndefined();
    });

    it("still makes the hub's access, with its own sealed-secrets controller, cert-manager's issuers, Argo Rollouts and monitoring", async () => {
        const objects = run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind).map((r) => `${r.inputs.kind} ${r.inputs.metadata?.namespace ?? ""}/${r.inputs.metadata?.name}`);
        expect(objects).toEqual(expect.arrayContaining(["ServiceAccount kube-system/argocd-manager", "Secret kube-system/argocd-manager-token", "ClusterIssuer /platform-ca"]));
        expect(objects.filter((o) => o.startsWith("ClusterAnalysisTemplate ")).length).toBeGreaterThan(0);
        const exported = (await promiseOf(run.outputs?.[FLEET_SPOKE_OUTPUT] as any)) as Record<string, unknown>;
        expect(exported.sealingCertificate).toBe(fs.readFileSync(path.join(ROOT, "demo", `fleet-${spoke}-sealing.crt`), "utf8"));
    });

    it("routes the alerts of the namespaces it runs, and no Argo CD's", () => {
        const regex = loadStackModel(`fleet-${spoke}`, path.join(ROOT, "examples", "fleet", `${spoke}.ts`)).monitoring.alertmanager.namespaceRegex;
        expect(regex.split("|")).not.toContain("argocd");
        expect(regex.split("|")).toEqual(expect.arrayContaining(["kube-system", "cert-manager", "argo-rollouts", "monitoring"]));
    });

    it("plans npm run check without Argo CD: no release, CRD, object or permission of it", async () => {
        const plan = await loadPlan({ stack: `fleet-${spoke}` });
        expect(plan.releases.map((r) => r.part).sort()).toStrictEqual([...CLUSTER_PARTS.filter((p) => p.key !== "argocd").map((p) => p.name), `monitoring of ${spoke}`].sort());
        expect([...plan.installsCrds, ...plan.needsCrds].filter((k) => /^argoproj.io\/(Application|ApplicationSet|AppProject)$/.test(k))).toStrictEqual([]);
        expect(plan.needsCrds).toContain("argoproj.io/ClusterAnalysisTemplate");
        expect(plan.argocdObjects).toStrictEqual([]);
        expect(plan.permissions.filter((p) => p.group === "argoproj.io")).toStrictEqual([]);
        expect(plan.ingressClasses.length).toBeGreaterThan(0);
    });

    it("breaks no rule of the policy pack", async () => {
        const objects = (await appliedProgramObjects(run.resources)).map((o) => o.object);
        expect(objects.length).toBeGreaterThan(10);
        expect(await violations(objects)).toStrictEqual([]);
    });
});
