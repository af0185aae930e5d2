import * as pulumi from "@pulumi/pulumi";
import { compareSync } from "bcryptjs";
import { describe, expect, it } from "vitest";
import { ArgoCd } from "../../components/argocd";
import { isSecretValue } from "../../render/mockRuntime";
import { ofType, promiseOf, resource, runComponents } from "../harness";
import { demoSealer, owner, standIn } from "./support";

const secrets = () => ({ "slack-webhook": pulumi.secret("http://127.0.0.1:9/hook"), "slack-token": pulumi.secret("xoxb-test") });
const args = () => ({ argocd: owner.clusterWide.argocd, cluster: owner.cluster.name, sealer: demoSealer(), sealedSecretsController: standIn("controller"), notificationSecrets: secrets() });

/** The bcrypt hash the chart gets, from the secret values file. */
async function passedHash(chart: { inputs: Record<string, any> }): Promise<string> {
    expect(isSecretValue(chart.inputs.valueYamlFiles)).toBe(true);
    const text: string = await chart.inputs.valueYamlFiles.value[0].text;
    return /argocdServerAdminPassword: "?([^"\n]+)"?/.exec(text)?.[1] as string;
}

describe("ArgoCd", () => {
    it("hashes a configured admin password with bcrypt, keeps it secret, and keeps values readable", async () => {
        let argocd!: ArgoCd;
        const run = await runComponents("prod", () => {
            argocd = new ArgoCd("cd-test", { ...args(), adminPassword: pulumi.secret("correct horse battery") });
        });
        const chart = resource(run, "kubernetes:helm.sh/v4:Chart", "cd-test-chart");
        expect(compareSync("correct horse battery", await passedHash(chart))).toBe(true);
        expect(compareSync("wrong password", await passedHash(chart))).toBe(false);
        expect(JSON.stringify(chart.inputs.values)).not.toContain("correct horse battery");
        expect(isSecretValue(chart.inputs.values)).toBe(false);
        expect(await pulumi.isSecret(argocd.adminPassword)).toBe(true);
        expect(ofType(run, "random:index/randomPassword:RandomPassword").map((r) => r.name)).toStrictEqual(["cd-test-redis-password"]);
    });

    it("salts the hash per stack: the same password hashes differently in another stack", async () => {
        const hashIn = async (stack: string) => {
            const run = await runComponents(stack, () => new ArgoCd("cd-test", { ...args(), adminPassword: pulumi.secret("correct horse battery") }));
            return passedHash(resource(run, "kubernetes:helm.sh/v4:Chart", "cd-test-chart"));
        };
        const [prod, dev] = [await hashIn("prod"), await hashIn("dev")];
        expect(prod).not.toBe(dev);
        for (const hash of [prod, dev]) expect(compareSync("correct horse battery", hash)).toBe(true);
    });

    it("generates a random admin password when none is configured", async () => {
        let argocd!: ArgoCd;
        const run = await runComponents("prod", () => {
            argocd = new ArgoCd("cd-test", args());
        });
        const generated = resource(run, "random:index/randomPassword:RandomPassword", "cd-test-admin-password");
        expect(generated.parent).toBe(run.resources.find((r) => r.name === "cd-test")?.urn);
        const password = await promiseOf(argocd.adminPassword);
        expect(compareSync(password, await passedHash(resource(run, "kubernetes:helm.sh/v4:Chart", "cd-test-chart")))).toBe(true);
        // Typed into a login form and a CLI prompt: letters and digits only.
        expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
    });

    it("creates projects after the chart, and offers both for root applications to wait for", async () => {
        let argocd!: ArgoCd;
        const run = await runComponents("prod", () => {
            argocd = new ArgoCd("cd-test", args());
        });
        const chart = resource(run, "kubernetes:helm.sh/v4:Chart", "cd-test-chart");
        const projects = ofType(run, "kubernetes:argoproj.io/v1alpha1:AppProject");
        expect(projects.map((p) => p.inputs.metadata.name).sort()).toStrictEqual(["platform", "team-backend", "team-frontend"]);
        for (const p of projects) expect(p.dependencies).toContain(chart.urn);
        const ready = await Promise.all(argocd.ready.map((r) => promiseOf(r.urn)));
        expect(ready.sort()).toStrictEqual([chart.urn, ...projects.map((p) => p.urn)].sort());
    });
});
