import * as pulumi from "@pulumi/pulumi";
import { compareSync } from "bcryptjs";
import { describe, expect, it } from "vitest";
import { ArgoCd } from "../../components/argocd";
import { isSecretValue } from "../../render/mockRuntime";
import { demoKeyPem, type ProgramRun, ofType, promiseOf, resource, runComponents } from "../harness";
import { unseal } from "../helpers/unseal";
import { demoSealer, owner, standIn } from "./support";

const secrets = () => ({ "slack-webhook": pulumi.secret("http://127.0.0.1:9/hook"), "slack-token": pulumi.secret("xoxb-test") });
/** Argo CD with its local admin, as the README's break-glass path turns it back on. */
const withAdmin = { ...owner.clusterWide.argocd, sso: owner.clusterWide.argocd.sso && { ...owner.clusterWide.argocd.sso, localAdmin: true } };
const configSecret = (reference: string) => pulumi.secret(`value of ${reference}`);
const args = () => ({ argocd: withAdmin, cluster: owner.cluster.name, sealer: demoSealer(), after: [standIn("controller")], notificationSecrets: secrets(), configSecret, identityProvider: owner.identityProvider });

/** What the controller unseals into argocd-secret, as Argo CD reads it. */
async function argocdSecret(run: ProgramRun): Promise<Record<string, string>> {
    const sealed = resource(run, "kubernetes:bitnami.com/v1alpha1:SealedSecret", "cd-test-sealedsecret-argocd-secret");
    const encrypted = (await promiseOf(sealed.inputs.spec.encryptedData)) as Record<string, string>;
    return Object.fromEntries(Object.entries(encrypted).map(([key, value]) => [key, unseal(demoKeyPem, "argocd", "argocd-secret", value)]));
}
/** The admin password's bcrypt hash Argo CD checks logins against. */
const passedHash = async (run: ProgramRun) => (await argocdSecret(run))["admin.password"];

describe("ArgoCd", () => {
    it("hashes a configured admin password with bcrypt, keeps it secret, and keeps values readable", async () => {
        let argocd!: ArgoCd;
        const run = await runComponents("prod", () => {
            argocd = new ArgoCd("cd-test", { ...args(), adminPassword: pulumi.secret("correct horse battery") });
        });
        const chart = resource(run, "kubernetes:helm.sh/v4:Chart", "cd-test-chart");
        expect(compareSync("correct horse battery", await passedHash(run))).toBe(true);
        expect(compareSync("wrong password", await passedHash(run))).toBe(false);
        // No secret reaches the chart: its values are plain, and argocd-secret is the program's.
        expect(JSON.stringify(chart.inputs)).not.toMatch(/correct horse battery|\$2[aby]\$/);
        expect(isSecretValue(chart.inputs.values)).toBe(false);
        expect(chart.inputs.values.configs.secret).toStrictEqual({ createSecret: false });
        expect(chart.dependencies).toContain(resource(run, "kubernetes:bitnami.com/v1alpha1:SealedSecret", "cd-test-sealedsecret-argocd-secret").urn);
        expect(await pulumi.isSecret(argocd.adminPassword as pulumi.Output<string>)).toBe(true);
        expect(ofType(run, "random:index/randomPassword:RandomPassword").map((r) => r.name).sort()).toStrictEqual(["cd-test-redis-password", "cd-test-server-secretkey"]);
    });

    it("seals into argocd-secret everything Argo CD would otherwise write there at its first start", async () => {
        const run = await runComponents("prod", () => new ArgoCd("cd-test", { ...args(), adminPassword: pulumi.secret("correct horse battery") }));
        const data = await argocdSecret(run);
        expect(Object.keys(data).sort()).toStrictEqual(["admin.password", "admin.passwordMtime", "oidc.clientSecret", "server.secretkey"]);
        // The SSO client secret, from the config secret the model names, where oidc.config references it.
        expect(data["oidc.clientSecret"]).toBe("value of gitops:argocdOidcClientSecret");
        // A fixed time in the past, in RFC 3339: Argo CD rewrites a missing or unreadable one.
        expect(new Date(data["admin.passwordMtime"]).toISOString().replace(".000", "")).toBe(data["admin.passwordMtime"]);
        expect(Date.parse(data["admin.passwordMtime"])).toBeLessThan(Date.now() - 24 * 3600_000);
        const key = resource(run, "random:index/randomPassword:RandomPassword", "cd-test-server-secretkey");
        // The session key kept in state: 32 characters, so sessions survive a restart of the server.
        expect(key.inputs.length).toBe(32);
        expect(data["server.secretkey"]).toMatch(/^[A-Za-z0-9]{32}$/);
    });

    it("salts the hash per stack: the same password hashes differently in another stack", async () => {
        const hashIn = async (stack: string) => {
            const run = await runComponents(stack, () => new ArgoCd("cd-test", { ...args(), adminPassword: pulumi.secret("correct horse battery") }));
            return passedHash(run);
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
        const password = (await promiseOf(argocd.adminPassword)) as string;
        expect(compareSync(password, await passedHash(run))).toBe(true);
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

    it("seals each private prefix's credentials into a Secret Argo CD finds by its repo-creds label, before the chart starts", async () => {
        const run = await runComponents("prod", () => new ArgoCd("cd-test", args()));
        const creds = ofType(run, "kubernetes:bitnami.com/v1alpha1:SealedSecret").filter((r) => r.inputs.metadata.name.startsWith("repo-creds-"));
        expect(creds.length).toBe(withAdmin.privateRepositories.length);
        for (const sealed of creds) {
            const { namespace, name } = sealed.inputs.metadata;
            // Argo CD reads the Secret the controller makes from the template: the label must be there.
            expect(sealed.inputs.spec.template.metadata.labels["argocd.argoproj.io/secret-type"]).toBe("repo-creds");
            expect(namespace).toBe(withAdmin.namespace);
            const encrypted = (await promiseOf(sealed.inputs.spec.encryptedData)) as Record<string, string>;
            const data = Object.fromEntries(Object.entries(encrypted).map(([key, value]) => [key, unseal(demoKeyPem, namespace, name, value)]));
            const prefix = withAdmin.privateRepositories.find((r) => r.urlPrefix === data.url);
            expect(data).toStrictEqual({ type: "git", url: prefix?.urlPrefix, username: prefix?.https?.username, password: `value of ${prefix?.https?.password}` });
            expect(resource(run, "kubernetes:helm.sh/v4:Chart", "cd-test-chart").dependencies).toContain(sealed.urn);
        }
    });
});
