import * as pulumi from "@pulumi/pulumi";
import { compareSync } from "bcryptjs";
import { describe, expect, it } from "vitest";
import { ArgoCd } from "../../components/argocd";
import { isSecretValue } from "../../render/mockRuntime";
import { ofType, promiseOf, resource, runComponents } from "../harness";
import { demoSealer, model } from "./support";

const controller = () => new pulumi.ComponentResource("test:index:Controller", "controller-stand-in");
const secrets = () => ({ "slack-webhook": pulumi.secret("http://127.0.0.1:9/hook"), "slack-token": pulumi.secret("xoxb-test") });

/** The bcrypt hash the chart gets, from the secret values file. */
async function passedHash(chart: { inputs: Record<string, any> }): Promise<string> {
    expect(isSecretValue(chart.inputs.valueYamlFiles)).toBe(true);
    const text: string = await chart.inputs.valueYamlFiles.value[0].text;
    return /argocdServerAdminPassword: "?([^"\n]+)"?/.exec(text)?.[1] as string;
}

describe("ArgoCd", () => {
    it("hashes a configured admin password with bcrypt, keeps it secret, and keeps values readable", async () => {
        let argocd!: ArgoCd;
        const run = await runComponents("dev", () => {
            argocd = new ArgoCd("cd-test", { model, sealer: demoSealer(), sealedSecretsController: controller(), notificationSecrets: secrets(), adminPassword: pulumi.secret("correct horse battery") });
        });
        const chart = resource(run, "kubernetes:helm.sh/v4:Chart", "cd-test-chart");
        expect(compareSync("correct horse battery", await passedHash(chart))).toBe(true);
        expect(compareSync("wrong password", await passedHash(chart))).toBe(false);
        expect(JSON.stringify(chart.inputs.values)).not.toContain("correct horse battery");
        expect(isSecretValue(chart.inputs.values)).toBe(false);
        expect(await pulumi.isSecret(argocd.adminPassword)).toBe(true);
        expect(ofType(run, "random:index/randomPassword:RandomPassword").map((r) => r.name)).toStrictEqual(["cd-test-redis-password"]);
    });

    it("generates a random admin password when none is configured", async () => {
        let argocd!: ArgoCd;
        const run = await runComponents("dev", () => {
            argocd = new ArgoCd("cd-test", { model, sealer: demoSealer(), sealedSecretsController: controller(), notificationSecrets: secrets() });
        });
        const generated = resource(run, "random:index/randomPassword:RandomPassword", "cd-test-admin-password");
        expect(generated.parent).toBe(run.resources.find((r) => r.name === "cd-test")?.urn);
        const password = await promiseOf(argocd.adminPassword);
        expect(compareSync(password, await passedHash(resource(run, "kubernetes:helm.sh/v4:Chart", "cd-test-chart")))).toBe(true);
    });

    it("creates projects after the chart and root applications wave by wave", async () => {
        const run = await runComponents("dev", () => {
            new ArgoCd("cd-test", { model, sealer: demoSealer(), sealedSecretsController: controller(), notificationSecrets: secrets() });
        });
        const chart = resource(run, "kubernetes:helm.sh/v4:Chart", "cd-test-chart").urn;
        for (const p of ofType(run, "kubernetes:argoproj.io/v1alpha1:AppProject")) expect(p.dependencies).toContain(chart);
        const addons = resource(run, "kubernetes:argoproj.io/v1alpha1:ApplicationSet", "cd-test-applicationset-platform-addons-dev");
        const backend = resource(run, "kubernetes:argoproj.io/v1alpha1:Application", "cd-test-application-backend-dev");
        expect(backend.dependencies).toContain(addons.urn);
        expect(addons.dependencies).not.toContain(backend.urn);
    });
});
