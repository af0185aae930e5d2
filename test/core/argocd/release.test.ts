import { describe, expect, it } from "vitest";
import { argocdRelease } from "../../../core/argocd/release";
import type { ArgoCdModel } from "../../../model/schema";
import { type ExpandedObject, expandCached, expansionTitle, skipExpansion } from "../../helpers/charts";
import { installerModel } from "../../helpers/models";

const shipped = installerModel("prod", "shared").clusterWide.argocd;

/** What the chart renders for `argocd`. */
function rendered(argocd: ArgoCdModel): Promise<ExpandedObject[]> {
    return expandCached(argocdRelease(argocd));
}
const find = (objects: ExpandedObject[], kind: string, name: string) => objects.find((o) => o.object.kind === kind && o.object.metadata.name === name)?.object;

describe.skipIf(skipExpansion)(expansionTitle("the Argo CD release"), () => {
    it("serves its domain through the ingress in plain HTTP behind it, with the admin account on, and leaves argocd-secret to the program", async () => {
        const objects = await rendered({ ...shipped, domain: "cd.test.example", ingress: { enabled: true, className: "traefik" } });
        const ingress = find(objects, "Ingress", "argocd-server");
        expect(ingress?.spec.ingressClassName).toBe("traefik");
        expect(ingress?.spec.rules.map((r: { host: string }) => r.host)).toStrictEqual(["cd.test.example"]);
        expect(find(objects, "ConfigMap", "argocd-cm")?.data).toMatchObject({ url: "https://cd.test.example", "admin.enabled": "true" });
        expect(find(objects, "ConfigMap", "argocd-cmd-params-cm")?.data["server.insecure"]).toBe("true");
        // The program seals argocd-secret itself: the chart makes no Secret at all.
        expect(objects.filter((o) => o.object.kind === "Secret")).toStrictEqual([]);
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
