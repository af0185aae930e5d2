import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { argocdRelease } from "../../../core/argocd/release";
import type { ArgoCdModel } from "../../../model/schema";
import { type ExpandedObject, expandCached, expansionTitle, skipExpansion } from "../../helpers/charts";
import { installerModel } from "../../helpers/models";

const shipped = installerModel("prod", "shared").clusterWide.argocd;

/** What the chart renders for `argocd`, with a stand-in for the admin password's hash (a secret, redacted in renders). */
async function rendered(argocd: ArgoCdModel): Promise<ExpandedObject[]> {
    const release = argocdRelease(argocd, pulumi.output("$2a$10$hash"));
    const values = release.values as { configs: Record<string, object> };
    return expandCached({ ...release, values: { ...values, configs: { ...values.configs, secret: { ...values.configs.secret, argocdServerAdminPassword: "<secret>" } } } });
}
const find = (objects: ExpandedObject[], kind: string, name: string) => objects.find((o) => o.object.kind === kind && o.object.metadata.name === name)?.object;

describe.skipIf(skipExpansion)(expansionTitle("the Argo CD release"), () => {
    it("serves its domain through the ingress in plain HTTP behind it, with the admin account on and its password's time fixed", async () => {
        const objects = await rendered({ ...shipped, domain: "cd.test.example", ingress: { enabled: true, className: "traefik" } });
        const ingress = find(objects, "Ingress", "argocd-server");
        expect(ingress?.spec.ingressClassName).toBe("traefik");
        expect(ingress?.spec.rules.map((r: { host: string }) => r.host)).toStrictEqual(["cd.test.example"]);
        expect(find(objects, "ConfigMap", "argocd-cm")?.data).toMatchObject({ url: "https://cd.test.example", "admin.enabled": "true" });
        expect(find(objects, "ConfigMap", "argocd-cmd-params-cm")?.data["server.insecure"]).toBe("true");
        // A fixed time in the past, not the time of the render: argocd-secret would change on every run.
        const mtime = Buffer.from(find(objects, "Secret", "argocd-secret")?.data["admin.passwordMtime"], "base64").toString();
        expect(Date.parse(mtime)).toBeLessThan(Date.now() - 24 * 3600_000);
    }, 60_000);

    it("declares the model's local accounts in argocd-cm as Argo CD reads them: capabilities by comma, and whether each is enabled", async () => {
        const accounts = [...shipped.accounts, { ...shipped.accounts[0], name: "switched-off", enabled: false }];
        const data = find(await rendered({ ...shipped, accounts }), "ConfigMap", "argocd-cm")?.data as Record<string, string>;
        expect(accounts.length).toBeGreaterThan(1);
        for (const account of accounts) {
            expect(data[`accounts.${account.name}`].split(",").map((c) => c.trim()), account.name).toStrictEqual(account.capabilities);
            expect(data[`accounts.${account.name}.enabled`], account.name).toBe(String(account.enabled));
        }
    }, 60_000);

    it("terminates TLS itself without an ingress", async () => {
        const objects = await rendered({ ...shipped, domain: "cd.test.example", ingress: { enabled: false, className: "nginx" } });
        expect(objects.filter((o) => o.object.kind === "Ingress")).toStrictEqual([]);
        expect(find(objects, "ConfigMap", "argocd-cmd-params-cm")?.data["server.insecure"]).toBe("false");
    }, 60_000);
});
