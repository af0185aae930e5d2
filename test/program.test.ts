/**
 * The whole program per stack, under the mocks harness: what is registered, under which parent,
 * in which order, and what stays secret.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { isSecretValue } from "../render/mockRuntime";
import { demoConfig, objectKeys, ofType, type ProgramRun, resource, ROOT, runProgram } from "./harness";

const CHART = "kubernetes:helm.sh/v4:Chart";
const SEALED = "kubernetes:bitnami.com/v1alpha1:SealedSecret";

/** Every plaintext secret of a config: none may appear outside a secret wrapper. */
function secretValues(config: Record<string, string>): string[] {
    return ["gitops:sealingKey", "gitops:alertmanagerSlackWebhook", "gitops:argocdSlackWebhook", "gitops:argocdSlackToken", "gitops:rolloutsSlackToken", "gitops:argocdAdminPassword"]
        .map((k) => config[k])
        .filter((v): v is string => v !== undefined);
}

/** JSON of a value with every Pulumi secret replaced, i.e. what may show in a preview. */
function visible(value: unknown): string {
    return JSON.stringify(value, (_, v) => (isSecretValue(v) ? "[secret]" : v));
}

describe.each(["dev", "prod"])("the %s stack", (stack) => {
    let run: ProgramRun;
    const config = demoConfig(stack);
    beforeAll(async () => {
        run = await runProgram(stack, config);
        if (run.error) throw run.error;
    });

    it("installs the four pinned charts in their namespaces", () => {
        const releases = ofType(run, CHART).map((c) => [c.inputs.name, c.inputs.namespace, c.inputs.chart, c.inputs.version]);
        expect(releases).toStrictEqual(
            expect.arrayContaining([
                ["sealed-secrets", "kube-system", "sealed-secrets", "2.18.5"],
                ["argocd", "argocd", "argo-cd", "10.1.1"],
                ["argo-rollouts", "argo-rollouts", "argo-rollouts", "2.41.0"],
                [`monitoring-${stack}`, `monitoring-${stack}`, "kube-prometheus-stack", "88.5.3"],
            ]),
        );
        expect(releases).toHaveLength(4);
    });

    it("creates the platform's namespaces, but never kube-system", () => {
        const namespaces = objectKeys(run).filter((k) => k.startsWith("Namespace/"));
        expect(namespaces).toStrictEqual(["Namespace//argo-rollouts", "Namespace//argocd", `Namespace//monitoring-${stack}`]);
    });

    it("puts every secret into a SealedSecret, with the data keys the controllers read", () => {
        const sealed = Object.fromEntries(ofType(run, SEALED).map((r) => [`${r.inputs.metadata.namespace}/${r.inputs.metadata.name}`, Object.keys(r.inputs.spec.encryptedData).sort()]));
        expect(sealed).toStrictEqual({
            [`monitoring-${stack}/alertmanager-config-${stack}`]: ["alertmanager.yaml"],
            [`monitoring-${stack}/monitoring-${stack}-grafana-admin`]: ["admin-password", "admin-user"],
            "argocd/argocd-notifications-secret": ["slack-token", "slack-webhook"],
            "argocd/argocd-redis": ["auth"],
            "argo-rollouts/argo-rollouts-notification-secret": ["slack-token"],
        });
        const plainSecrets = ofType(run, "kubernetes:core/v1:Secret").map((r) => r.inputs.metadata.name);
        expect(plainSecrets).toStrictEqual(config["gitops:sealingKey"] ? ["sealed-secrets-byo-key"] : []);
    });

    it("registers the AppProjects of the teams and of the platform", () => {
        const projects = objectKeys(run).filter((k) => k.startsWith("AppProject/"));
        expect(projects).toStrictEqual(["AppProject/argocd/platform", "AppProject/argocd/team-backend", "AppProject/argocd/team-frontend"]);
    });

    it("parents every resource to a component named like its children", () => {
        const components = new Map(run.resources.filter((r) => r.type.startsWith("gitops:")).map((r) => [r.urn, r.name]));
        expect([...components.values()].sort()).toStrictEqual(["argo-rollouts", "argocd", `monitoring-${stack}`, "sealed-secrets"]);
        for (const r of run.resources.filter((r) => !r.type.startsWith("gitops:") && !r.type.startsWith("pulumi:providers:"))) {
            const parent = components.get(r.parent as string);
            expect(parent, `${r.type} ${r.name}`).toBeDefined();
            expect(r.name.startsWith(`${parent}-`), r.name).toBe(true);
        }
    });

    it("orders custom resources after the charts that bring their CRDs, and waves after lower waves", () => {
        const urnOf = (type: string, name: string) => resource(run, type, name).urn as string;
        const argocdChart = urnOf(CHART, "argocd-chart");
        const monitoringChart = urnOf(CHART, `monitoring-${stack}-chart`);
        for (const p of ofType(run, "kubernetes:argoproj.io/v1alpha1:AppProject")) expect(p.dependencies).toContain(argocdChart);
        for (const r of ofType(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule")) expect(r.dependencies).toContain(monitoringChart);
        const sealedSecretsChart = urnOf(CHART, "sealed-secrets-chart");
        for (const s of ofType(run, SEALED)) expect(s.dependencies).toContain(sealedSecretsChart);
        const frontend = resource(run, "kubernetes:argoproj.io/v1alpha1:Application", `argocd-application-frontend-${stack}`);
        expect(frontend.dependencies).toContain(urnOf("kubernetes:argoproj.io/v1alpha1:Application", `argocd-application-backend-${stack}`));
        const chartDeps = resource(run, CHART, `monitoring-${stack}-chart`).dependencies;
        expect(chartDeps).toContain(urnOf(SEALED, `monitoring-${stack}-sealedsecret-alertmanager-config-${stack}`));
    });

    it("keeps plaintext secrets out of everything a preview shows, and the admin password secret", async () => {
        const shown = visible(run.resources.map((r) => r.inputs));
        for (const secret of secretValues(config)) expect(shown).not.toContain(secret);
        expect(pulumi.Output.isInstance(run.outputs?.argocdAdminPassword)).toBe(true);
        expect(await pulumi.isSecret(run.outputs?.argocdAdminPassword as pulumi.Output<string>)).toBe(true);
    });

    it("applies every Kubernetes object server-side, through one explicit provider", () => {
        const [provider] = ofType(run, "pulumi:providers:kubernetes");
        expect(provider.inputs.enableServerSideApply).toBe("true");
        const reference = `${provider.urn}::${provider.name}-id`;
        const kubernetesResources = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
        expect(kubernetesResources.length).toBeGreaterThan(20);
        for (const r of kubernetesResources) expect(r.provider, `${r.type} ${r.name}`).toBe(reference);
    });

    it("points Alertmanager at the generated config secret", () => {
        const values = resource(run, CHART, `monitoring-${stack}-chart`).inputs.values;
        expect(values.alertmanager.alertmanagerSpec.configSecret).toBe(`alertmanager-config-${stack}`);
        expect(run.outputs?.alertmanagerConfigSecret).toBe(`alertmanager-config-${stack}`);
    });
});

describe("what differs between dev and prod", () => {
    it("is the environment's names, revision and routing, and nothing of the team structure", async () => {
        const dev = await runProgram("dev", demoConfig("dev"));
        const prod = await runProgram("prod", demoConfig("prod"));
        const appsOf = (run: ProgramRun) =>
            ofType(run, "kubernetes:argoproj.io/v1alpha1:Application").map((a) => [a.inputs.metadata.name, a.inputs.spec.source.targetRevision, a.inputs.spec.destination.namespace]);
        expect(appsOf(dev)).toStrictEqual([
            ["backend-dev", "main", "backend-dev"],
            ["frontend-dev", "main", "frontend-dev"],
        ]);
        expect(appsOf(prod)).toStrictEqual([
            ["backend-prod", "release", "backend-prod"],
            ["frontend-prod", "release", "frontend-prod"],
        ]);
        const projectsOf = (run: ProgramRun) => ofType(run, "kubernetes:argoproj.io/v1alpha1:AppProject").map((p) => p.inputs.spec);
        expect(projectsOf(dev)).toStrictEqual(projectsOf(prod));
    });
});

describe("an invalid stack", () => {
    const broken = path.join(ROOT, "test", "fixtures", "models");

    it.each([
        ["empty.json", /the model is empty/],
        ["wrong-types.yaml", /environment: .*expected string/],
        ["dangling-project.ts", /argocd\.applications\[0\]\.project: "team-data" is not a project/],
    ])("%s: reports the problem by path and registers nothing", async (file, message) => {
        const run = await runProgram("dev", { ...demoConfig("dev"), "gitops:model": path.join(broken, file) });
        // A RunError: Pulumi prints its message and no stack trace.
        expect(pulumi.RunError.isInstance(run.error)).toBe(true);
        expect((run.error as Error).message).toMatch(message);
        expect(run.resources).toStrictEqual([]);
    });

    it("with a webhook that is not a URL and a missing token: both reported, nothing registered", async () => {
        const config: Record<string, string> = { ...demoConfig("dev"), "gitops:alertmanagerSlackWebhook": "hooks.slack.com/no-scheme" };
        delete config["gitops:rolloutsSlackToken"];
        const run = await runProgram("dev", config);
        expect((run.error as Error).message).toMatch(/gitops:alertmanagerSlackWebhook: is not an http\(s\) URL/);
        expect((run.error as Error).message).toMatch(/gitops:rolloutsSlackToken: is not set/);
        expect((run.error as Error).message).not.toContain("hooks.slack.com/no-scheme");
        expect(run.resources).toStrictEqual([]);
    });

    it("refuses pulumi up with the demo certificate, registering nothing", async () => {
        const run = await runProgram("dev", demoConfig("dev"), { preview: false });
        expect((run.error as Error).message).toMatch(/gitops:sealingCertificate: is the demo certificate .*`npm run keygen`/);
        expect(run.resources).toStrictEqual([]);
    });

    it("ships the fixtures it tests", () => {
        expect(fs.readdirSync(broken).sort()).toStrictEqual(["dangling-project.ts", "empty.json", "wrong-types.yaml"]);
    });
});
