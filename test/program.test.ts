/**
 * The whole program per stack and topology, under the mocks harness: what is registered, under
 * which parent, in which order, and what stays secret.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { isSecretValue } from "../render/mockRuntime";
import { demoConfig, demoKeyPem, objectKeys, ofType, type ProgramRun, resource, ROOT, runProgram, waitsFor } from "./harness";
import { shippedConfig, stackModel, type Topology } from "./helpers/models";
import { requiredSecretKeys } from "../model/config";
import type { StackModel } from "../model/schema";
import { charts } from "../stacks/shared/constants";
import { CLUSTER_PARTS, clusterWideReleases, ENVIRONMENT_PARTS } from "../core/catalogue";

const CHART = "kubernetes:helm.sh/v4:Chart";
const SEALED = "kubernetes:bitnami.com/v1alpha1:SealedSecret";
const APPLICATION = "kubernetes:argoproj.io/v1alpha1:Application";

/** Every plaintext secret of a config (the program's own and those the model names): none may appear outside a secret wrapper. */
function secretValues(config: Record<string, string>, model: StackModel): string[] {
    return ["sealingKey", "sealingRetiredKeys", "argocdAdminPassword", ...requiredSecretKeys(model)]
        .map((key) => config[`gitops:${key}`])
        .filter((v): v is string => v !== undefined);
}

/** JSON of a value with every Pulumi secret replaced, i.e. what may show in a preview. */
function visible(value: unknown): string {
    return JSON.stringify(value, (_, v) => (isSecretValue(v) ? "[secret]" : v));
}

/** The demo config of a stack, with the shipped model of a topology; dev on its own cluster brings its own key. */
function configFor(stack: string, topology: Topology): Record<string, string> {
    const ownKey: Record<string, string> = stack === "dev" && topology === "dedicated" ? { "gitops:sealingKey": demoKeyPem } : {};
    return { ...shippedConfig(stack, topology), ...ownKey };
}

const CASES: [stack: string, topology: Topology, installs: boolean][] = [
    ["prod", "shared", true],
    ["dev", "shared", false],
    ["dev", "dedicated", true],
    ["prod", "dedicated", true],
];

describe.each(CASES)("the %s stack in the %s topology", (stack, topology, installs) => {
    let run: ProgramRun;
    const config = configFor(stack, topology);
    beforeAll(async () => {
        run = await runProgram(stack, config);
        if (run.error) throw run.error;
    });

    it(installs ? "installs a pinned chart per cluster-wide part of the catalogue, and its environment's monitoring release" : "installs only its environment's monitoring release", () => {
        const releases = ofType(run, CHART).map((c) => [c.inputs.name, c.inputs.namespace, c.inputs.chart, c.inputs.version]);
        const environment = [`monitoring-${stack}`, `monitoring-${stack}`, "kube-prometheus-stack", charts.kubePrometheusStack.version];
        const model = stackModel(stack, topology);
        const clusterWide = model.clusterWide ? CLUSTER_PARTS.map((p) => p.release(model.clusterWide?.[p.key] as never, model)).map((r) => [r.name, r.namespace, r.chart, r.version]) : [];
        expect(clusterWide.length).toBe(installs ? CLUSTER_PARTS.length : 0);
        expect(releases.sort()).toStrictEqual([environment, ...clusterWide].sort());
        // Each at a version pinned in stacks/shared/constants.ts.
        for (const [, , chart, version] of releases) expect(Object.values(charts).filter((c) => c.chart === chart && c.version === version), chart).toHaveLength(1);
    });

    it("labels every object it makes with the platform, its part and its environment or cluster, so `kubectl get -l` finds them", () => {
        const objects = run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== CHART).map((r) => r.inputs);
        expect(objects.length).toBeGreaterThan(8);
        const clusters = new Set<string>();
        for (const o of objects) {
            const labels = o.metadata.labels ?? {};
            const what = `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`;
            expect(labels, what).toMatchObject({ "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "gitops-platform" });
            expect(labels["app.kubernetes.io/component"], what).toMatch(/^[a-z][-a-z0-9]*$/);
            const environment = labels["gitops-platform/environment"];
            const cluster = labels["gitops-platform/cluster"];
            expect([environment, cluster].filter((v) => v !== undefined), what).toHaveLength(1);
            if (environment !== undefined) expect(environment, what).toBe(stack);
            else clusters.add(cluster);
        }
        expect([...clusters].every((c) => /^[a-z][-a-z0-9]*$/.test(c))).toBe(true);
        expect(clusters.size).toBe(installs ? 1 : 0);
    });

    it("keys each annotation it sets under a prefix of its own or of the controller that reads it, as Kubernetes asks of automation", () => {
        // An unprefixed key is the user's own (Kubernetes' annotation conventions); a prefix is a DNS subdomain.
        const keys = new Set(run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== CHART).flatMap((r) => Object.keys(r.inputs.metadata.annotations ?? {})));
        expect(keys.size).toBeGreaterThan(2);
        // pulumi.com/ is read by the Kubernetes provider (what `pulumi up` waits for), helm.sh/ by Chart v4 and Helm (what outlives a release).
        for (const key of keys) expect(key).toMatch(/^(gitops-platform|pulumi\.com|helm\.sh|[a-z0-9-]+\.(argoproj\.io|bitnami\.com))\/[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/);
    });

    it("creates its namespaces, but never kube-system", () => {
        const namespaces = objectKeys(run).filter((k) => k.startsWith("Namespace/"));
        const model = stackModel(stack, topology);
        const clusterWide = model.clusterWide ? clusterWideReleases({ ...model, clusterWide: model.clusterWide }).map((r) => `Namespace//${r.namespace}`).filter((ns) => ns !== "Namespace//kube-system") : [];
        expect(clusterWide.length).toBe(installs ? CLUSTER_PARTS.length - 1 : 0);
        expect(namespaces).toStrictEqual([...clusterWide, `Namespace//monitoring-${stack}`].sort());
    });

    it("puts every secret into a SealedSecret, with the data keys the controllers read", () => {
        const sealed = Object.fromEntries(ofType(run, SEALED).map((r) => [`${r.inputs.metadata.namespace}/${r.inputs.metadata.name}`, Object.keys(r.inputs.spec.encryptedData).sort()]));
        // The local admin only where it is kept (dev on a cluster of its own), beside single sign-on.
        const admin = stackModel(stack, topology).clusterWide?.argocd?.sso?.localAdmin ? ["admin.password", "admin.passwordMtime"] : [];
        const clusterWide = installs
            ? {
                  "argocd/argocd-notifications-secret": ["slack-token", "slack-webhook"],
                  "argocd/argocd-redis": ["auth"],
                  "argocd/argocd-secret": [...admin, "oidc.clientSecret", "server.secretkey"],
                  "argocd/repo-creds-github-com-example-org-dc5f44": ["password", "type", "url", "username"],
                  "argo-rollouts/argo-rollouts-notification-secret": ["slack-token"],
                  "cert-manager/platform-ca-ca": ["tls.crt", "tls.key"],
              }
            : {};
        expect(sealed).toStrictEqual({
            [`monitoring-${stack}/alertmanager-config-${stack}`]: ["alertmanager.yaml"],
            [`monitoring-${stack}/monitoring-${stack}-grafana-admin`]: ["admin-password", "admin-user"],
            [`monitoring-${stack}/monitoring-${stack}-grafana-oauth`]: ["client-secret"],
            ...clusterWide,
        });
        const plainSecrets = ofType(run, "kubernetes:core/v1:Secret").map((r) => r.inputs.metadata.name);
        expect(plainSecrets).toStrictEqual(config["gitops:sealingKey"] ? [expect.stringMatching(/^sealed-secrets-key-[0-9a-f]{12}$/)] : []);
    });

    it(installs ? "registers the AppProjects of the teams and of the platform" : "registers no AppProject: the owner's Argo CD has them", () => {
        const projects = objectKeys(run).filter((k) => k.startsWith("AppProject/"));
        expect(projects).toStrictEqual(installs ? ["AppProject/argocd/platform", "AppProject/argocd/team-backend", "AppProject/argocd/team-frontend"] : []);
    });

    it("puts its root applications into the cluster's Argo CD, each named after the environment", () => {
        const apps = objectKeys(run).filter((k) => k.startsWith("Application"));
        // The cluster's add-ons come from the stack that installs the cluster-wide parts only.
        expect(apps.length).toBe(installs ? 5 : 4);
        for (const key of apps) expect(key).toMatch(new RegExp(`^ApplicationS?e?t?/argocd/.*-${stack}$`));
    });

    it("parents every resource to a component named like its children", () => {
        const components = new Map(run.resources.filter((r) => r.type.startsWith("gitops:")).map((r) => [r.urn, r.name]));
        const clusterWide = installs ? CLUSTER_PARTS.map((p) => p.name) : [];
        expect([...components.values()].sort()).toStrictEqual([...clusterWide, ...ENVIRONMENT_PARTS.map((p) => `${p.name}-${stack}`), "sealing"].sort());
        const children = run.resources.filter((r) => !r.type.startsWith("gitops:") && !r.type.startsWith("pulumi:"));
        for (const r of children) {
            const parent = components.get(r.parent as string);
            expect(parent, `${r.type} ${r.name}`).toBeDefined();
            expect(r.name.startsWith(`${parent}-`), r.name).toBe(true);
        }
    });

    it("orders custom resources after the charts that bring their CRDs, and waves after lower waves", () => {
        const urnOf = (type: string, name: string) => resource(run, type, name).urn as string;
        const monitoringChart = urnOf(CHART, `monitoring-${stack}-chart`);
        for (const r of ofType(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule")) expect(r.dependencies).toContain(monitoringChart);
        const frontend = resource(run, APPLICATION, `applications-${stack}-application-frontend-${stack}`);
        expect(waitsFor(run, frontend.urn as string)).toContain(urnOf(APPLICATION, `applications-${stack}-application-backend-${stack}`));
        const chartDeps = resource(run, CHART, `monitoring-${stack}-chart`).dependencies;
        expect(chartDeps).toContain(urnOf(SEALED, `monitoring-${stack}-sealedsecret-alertmanager-config-${stack}`));
        if (!installs) return;
        const sealedSecretsChart = urnOf(CHART, "sealed-secrets-chart");
        for (const s of ofType(run, SEALED)) expect(s.dependencies).toContain(sealedSecretsChart);
        for (const p of ofType(run, "kubernetes:argoproj.io/v1alpha1:AppProject")) {
            expect(p.dependencies).toContain(urnOf(CHART, "argocd-chart"));
            for (const app of ofType(run, APPLICATION)) expect(waitsFor(run, app.urn as string), app.name).toContain(p.urn);
        }
        expect(chartDeps).toContain(urnOf(CHART, "cluster-monitoring-chart"));
        for (const t of ofType(run, "kubernetes:argoproj.io/v1alpha1:ClusterAnalysisTemplate")) expect(t.dependencies).toContain(urnOf(CHART, "argo-rollouts-chart"));
    });

    it("applies each chart after its namespace and every Secret and ConfigMap the program puts beside it", () => {
        const charts = ofType(run, CHART);
        expect(charts.length).toBeGreaterThan(0);
        for (const chart of charts) {
            const ns = chart.inputs.namespace;
            const waits = waitsFor(run, chart.urn as string);
            const beside = run.resources.filter(
                (r) => r.custom && ((r.inputs.kind === "Namespace" && r.inputs.metadata?.name === ns) || (["SealedSecret", "Secret", "ConfigMap"].includes(r.inputs.kind) && r.inputs.metadata?.namespace === ns)),
            );
            if (ns !== "kube-system") expect(beside.some((r) => r.inputs.kind === "Namespace"), chart.name).toBe(true);
            for (const r of beside.filter((r) => !waitsFor(run, r.urn as string).has(chart.urn as string))) expect(waits.has(r.urn as string), `${chart.name} waits for ${r.name}`).toBe(true);
        }
    });

    it("applies every object it puts in a namespace it creates after that Namespace, or the first apply fails", () => {
        const namespaces = new Map(run.resources.filter((r) => r.custom && r.inputs.kind === "Namespace").map((r) => [r.inputs.metadata.name as string, r.urn as string]));
        const inside = run.resources.filter((r) => r.custom && r.type !== CHART && namespaces.has(r.inputs.metadata?.namespace));
        expect(inside.length).toBeGreaterThan(2);
        for (const r of inside) expect(waitsFor(run, r.urn as string).has(namespaces.get(r.inputs.metadata.namespace) as string), r.name).toBe(true);
    });

    it("keeps plaintext secrets out of everything a preview shows, and the admin password secret", async () => {
        const shown = visible(run.resources.map((r) => r.inputs));
        const secrets = secretValues(config, stackModel(stack, topology));
        expect(secrets.length).toBeGreaterThan(1);
        for (const secret of secrets) expect(shown).not.toContain(secret);
        for (const secret of secrets) expect(visible(run.outputs)).not.toContain(secret);
        // Only where Argo CD keeps its local admin: prod signs in with SSO alone.
        if (!stackModel(stack, topology).clusterWide?.argocd?.sso?.localAdmin) {
            expect(run.outputs?.argocdAdminPassword).toBeUndefined();
            return;
        }
        expect(pulumi.Output.isInstance(run.outputs?.argocdAdminPassword)).toBe(true);
        expect(await pulumi.isSecret(run.outputs?.argocdAdminPassword as pulumi.Output<string>)).toBe(true);
    });

    it("applies every Kubernetes object server-side, through one explicit provider on the configured context", () => {
        const [provider] = ofType(run, "pulumi:providers:kubernetes");
        expect(provider.inputs.enableServerSideApply).toBe("true");
        expect(provider.inputs.context).toBe(config["gitops:kubeContext"]);
        const reference = `${provider.urn}::${provider.name}-id`;
        const kubernetesResources = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
        expect(kubernetesResources.length).toBeGreaterThan(10);
        for (const r of kubernetesResources) expect(r.provider, `${r.type} ${r.name}`).toBe(reference);
    });

    it("exports the https address of each UI it serves, and links nowhere else", () => {
        const model = stackModel(stack, topology);
        expect(run.outputs?.grafanaUrl).toBe(`https://${model.monitoring.grafana.expose.host}`);
        expect(new URL(run.outputs?.argocdUrl as string).protocol).toBe("https:");
        // The platform's links (Slack alerts, notifications, runbook): its addresses, never a .local placeholder.
        const links = visible([run.resources.map((r) => r.inputs), run.outputs]).match(/https?:\/\/[a-z0-9.-]+/gi) ?? [];
        expect(links.filter((link) => /\.local$/.test(link))).toStrictEqual([]);
        expect(links).toContain(run.outputs?.grafanaUrl);
    });

    it("points Alertmanager at the generated config secret", () => {
        const values = resource(run, CHART, `monitoring-${stack}-chart`).inputs.values;
        expect(values.alertmanager.alertmanagerSpec.configSecret).toBe(`alertmanager-config-${stack}`);
        expect(run.outputs?.alertmanagerConfigSecret).toBe(`alertmanager-config-${stack}`);
    });

    it(installs ? "exports the facts a stack sharing its cluster needs" : "reads the owner's facts, and exports none of its own", () => {
        const references = ofType(run, "pulumi:pulumi:StackReference").map((r) => r.inputs.name);
        expect(references).toStrictEqual(installs ? [] : ["organization/gitops/prod"]);
        expect(run.outputs?.clusterFacts === undefined).toBe(!installs);
        expect(run.outputs?.target).toStrictEqual({ cluster: topology === "shared" ? "gitops-shared" : `gitops-${stack}`, mode: topology, installsClusterParts: installs, kubeContext: config["gitops:kubeContext"] });
    });
});

describe("the shared cluster, across dev and prod", () => {
    let dev: ProgramRun;
    let prod: ProgramRun;
    beforeAll(async () => {
        [prod, dev] = [await runProgram("prod", demoConfig("prod")), await runProgram("dev", demoConfig("dev"))];
    });

    it("differs in the environment's names, revision and routing, and nothing of the team structure", () => {
        const appsOf = (run: ProgramRun) => ofType(run, APPLICATION).map((a) => [a.inputs.metadata.name, a.inputs.spec.source.targetRevision, a.inputs.spec.destination.namespace]);
        expect(appsOf(dev)).toStrictEqual([
            ["backend-dev", "main", "backend-dev"],
            ["frontend-dev", "main", "frontend-dev"],
        ]);
        expect(appsOf(prod)).toStrictEqual([
            ["backend-prod", "release", "backend-prod"],
            ["frontend-prod", "release", "frontend-prod"],
        ]);
        expect(dev.outputs?.argocdUrl).toBe(prod.outputs?.argocdUrl);
    });

    it("sends each environment's default Argo CD and Rollouts notifications to its own channel, by the label its Applications carry", () => {
        const cm = resource(prod, "kubernetes:core/v1:ConfigMap", "argocd-configmap-argocd-notifications-cm").inputs.data;
        const subscriptions = (yaml.load(cm.subscriptions) as { recipients: string[]; selector?: string }[]).filter((s) => s.selector);
        for (const [env, run] of [["dev", dev], ["prod", prod]] as const) {
            // Root Applications and those each ApplicationSet generates.
            const labelSets = [
                ...ofType(run, APPLICATION).map((a) => a.inputs.metadata.labels),
                ...ofType(run, "kubernetes:argoproj.io/v1alpha1:ApplicationSet").map((a) => a.inputs.spec.template.metadata.labels),
            ];
            for (const labels of labelSets) {
                const matching = subscriptions.filter((s) => s.selector?.split(",").every((term) => labels[term.split("=")[0]] === term.split("=")[1]));
                expect(matching.map((s) => s.recipients)).toStrictEqual([[`slack:platform-${env}`]]);
            }
        }
    });
});

describe("an invalid stack", () => {
    const broken = path.join(ROOT, "test", "fixtures", "models");

    it.each([
        ["empty.json", /the model is empty/],
        ["wrong-types.yaml", /environment: .*not a string/],
        ["dangling-project.ts", /argocd\.applications\[0\]\.project: "team-data" is not a project of this cluster; define it under stack "prod"'s clusterWide\.argocd\.projects/],
    ])("%s: reports the problem by path and registers nothing on the cluster", async (file, message) => {
        const run = await runProgram("dev", { ...demoConfig("dev"), "gitops:model": path.join(broken, file) });
        // A RunError: Pulumi prints its message and no stack trace.
        expect(pulumi.RunError.isInstance(run.error)).toBe(true);
        expect((run.error as Error).message).toMatch(message);
        // At most the read of the owner's outputs, which a check against the owner needs.
        expect(run.resources.filter((r) => r.type !== "pulumi:pulumi:StackReference")).toStrictEqual([]);
    });

    it("with a webhook that is not a URL and a missing token: both reported, nothing registered", async () => {
        const config: Record<string, string> = { ...demoConfig("prod"), "gitops:alertmanagerSlackWebhook": "hooks.slack.com/no-scheme" };
        delete config["gitops:rolloutsSlackToken"];
        const run = await runProgram("prod", config);
        expect((run.error as Error).message).toMatch(/gitops:alertmanagerSlackWebhook: is not an http\(s\) URL/);
        expect((run.error as Error).message).toMatch(/gitops:rolloutsSlackToken: is not set/);
        expect((run.error as Error).message).not.toContain("hooks.slack.com/no-scheme");
        expect(run.resources).toStrictEqual([]);
    });

    it("refuses pulumi up with the demo certificate, the demo CA and without a kube context, registering nothing", async () => {
        const config = { ...demoConfig("prod") };
        delete config["gitops:kubeContext"];
        const run = await runProgram("prod", config, { preview: false });
        expect((run.error as Error).message).toMatch(/^Stack "prod": the stack config has 3 problems:\n/);
        expect((run.error as Error).message).toMatch(/gitops:sealingCertificate: is the demo certificate .*`npm run keygen`/);
        expect((run.error as Error).message).toMatch(/gitops:tlsCaKey: is a private key committed in demo\/, which anyone can read/);
        expect((run.error as Error).message).toMatch(/gitops:kubeContext: is not set: pulumi up deploys only to a named kubeconfig context.*`pulumi config set gitops:kubeContext <context>`/);
        expect(run.resources).toStrictEqual([]);
    });

    it("runs pulumi up with a sealing key and a CA of its own and a kube context", async () => {
        const own = (...file: string[]) => fs.readFileSync(path.join(ROOT, "test", "fixtures", ...file), "utf8");
        const ownKeys = { "gitops:sealingCertificate": own("sealing", "test.crt"), "gitops:sealingKey": own("sealing", "test.key"), "gitops:tlsCaCertificate": own("tls", "ca.crt"), "gitops:tlsCaKey": own("tls", "ca.key") };
        const run = await runProgram("prod", { ...demoConfig("prod"), ...ownKeys }, { preview: false });
        expect(run.error).toBeUndefined();
        expect(ofType(run, CHART).length).toBeGreaterThan(0);
    });

    it("previews without a kube context, on no context the provider would guess", async () => {
        const config = { ...demoConfig("prod") };
        delete config["gitops:kubeContext"];
        const run = await runProgram("prod", config);
        expect(run.error).toBeUndefined();
        expect(ofType(run, "pulumi:providers:kubernetes")[0].inputs.context).toBeUndefined();
    });

    it("ships the fixtures it tests", () => {
        expect(fs.readdirSync(broken).filter((f) => !f.startsWith("dedicated-")).sort()).toStrictEqual(["dangling-project.ts", "empty.json", "wrong-types.yaml"]);
    });
});

describe("a stack that shares the cluster, against its owner", () => {
    /** prod's facts as the offline render computes them, edited. */
    async function devWithOwnerFacts(edit: (facts: any) => void, config: Record<string, string> = demoConfig("dev")): Promise<ProgramRun> {
        const owner = (await runProgram("prod", demoConfig("prod"))).outputs?.clusterFacts as Record<string, unknown>;
        const facts = structuredClone(owner);
        edit(facts);
        return runProgram("dev", config, { stackOutputs: { "organization/gitops/prod": { clusterFacts: facts } } });
    }

    /** Asserts that the run failed with `message` and registered nothing but the owner's StackReference. */
    function expectRefused(run: ProgramRun, message: RegExp) {
        expect(pulumi.RunError.isInstance(run.error), String(run.error)).toBe(true);
        expect((run.error as Error).message).toMatch(message);
        expect(run.resources.map((r) => r.type)).toStrictEqual(["pulumi:pulumi:StackReference"]);
    }

    it("fails, naming the stack to bring up first, when the owner has exported nothing yet", async () => {
        const run = await runProgram("dev", demoConfig("dev"), { stackOutputs: {} });
        expectRefused(run, /Stack "dev": stack "prod" \(cluster.owner\) has 1 problem:\n {2}- cluster.owner: has no "clusterFacts" output yet.*`pulumi up --stack prod`, then this stack/);
    });

    it("fails when the owner's facts are of a shape this revision cannot read", async () => {
        expectRefused(await devWithOwnerFacts((f) => (f.version = 2)), /- cluster.owner: exported "clusterFacts" that this revision cannot read; update stack "prod"/);
        // Facts of the right shape that another stack exported are no owner's either.
        expectRefused(await devWithOwnerFacts((f) => (f.stack = "staging")), /- cluster.owner: exported "clusterFacts" that this revision cannot read/);
    });

    it("fails when the owner installed another cluster, or deploys to another context", async () => {
        const run = await devWithOwnerFacts((f) => {
            f.cluster.name = "another-cluster";
            f.kubeContext = "kind-elsewhere";
        });
        expectRefused(run, /^Stack "dev": stacks\/dev.ts against stack "prod" \(cluster.owner\) has 2 problems:\n/);
        expect((run.error as Error).message).toMatch(/- cluster: names the shared cluster "gitops-shared", but stack "prod" installed its cluster-wide parts in the shared cluster "another-cluster"/);
        expect((run.error as Error).message).toMatch(/- gitops:kubeContext: is "kind-gitops-shared", but stack "prod" deploys to "kind-elsewhere".*`pulumi config set gitops:kubeContext kind-elsewhere`/);
    });

    it("fails when it would seal for another certificate than the one the owner's controller holds", async () => {
        const run = await devWithOwnerFacts((f) => (f.sealingCertificateFingerprint = "sha256:0000"));
        expectRefused(run, /- gitops:sealingCertificate: is not the certificate of the sealed-secrets controller stack "prod" installed \(sha256:0000\).*--stack prod/);
    });

    it("fails when the owner lacks a CRD it needs, or a project its applications use", async () => {
        const run = await devWithOwnerFacts((f) => {
            f.customResourceKinds = f.customResourceKinds.filter((k: string) => !["argoproj.io/ApplicationSet", "monitoring.coreos.com/PrometheusRule"].includes(k));
            f.argocd.projects = f.argocd.projects.filter((p: { name: string }) => p.name !== "team-frontend");
        });
        expectRefused(run, /- \(cluster\): stack "prod" installs no CRD for argoproj.io\/ApplicationSet, monitoring.coreos.com\/PrometheusRule, which this stack creates/);
        expect((run.error as Error).message).toMatch(/- argocd.applications\[1\].project: "team-frontend" is not a project of this cluster; define it under stack "prod"'s clusterWide.argocd.projects/);
    });

    it("fails when the owner runs another kube-prometheus-stack than its environment's release asks for", async () => {
        const run = await devWithOwnerFacts((f) => (f.monitoring.chart.version = "89.0.0"));
        expectRefused(run, /- monitoring.chart: is kube-prometheus-stack 88.5.3, but the cluster release .*stack "prod"'s clusterWide.monitoring.* runs kube-prometheus-stack 89.0.0/);
    });
});
