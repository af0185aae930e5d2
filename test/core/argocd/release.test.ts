/**
 * The Argo CD release, judged by what the pinned chart renders from it: its address through the
 * Ingress with cert-manager's certificate, single sign-on as Argo CD reads argocd-cm and
 * argocd-rbac-cm, and the local admin on or off.
 */
import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { argocdRelease, argocdSecretData } from "../../../core/argocd/release";
import { argocdPods } from "../../../core/argocd/sizing";
import { podRequests, type Requests } from "../../../core/footprint";
import type { ArgoCdModel, IdentityProviderModel } from "../../../model/schema";
import { type ExpandedObject, expandRelease, expansionTitle, skipExpansion } from "../../helpers/charts";
import { installerModel } from "../../helpers/models";

const model = installerModel("prod", "shared");
const shipped = model.clusterWide.argocd;
const idp = model.identityProvider as IdentityProviderModel;

/** What the chart renders for `argocd`. */
function rendered(argocd: ArgoCdModel, identityProvider: IdentityProviderModel | undefined = idp): Promise<ExpandedObject[]> {
    return expandRelease(argocdRelease(argocd, identityProvider));
}
const find = (objects: ExpandedObject[], kind: string, name: string) => objects.find((o) => o.object.kind === kind && o.object.metadata.name === name)?.object;

/** The pod anti-affinity terms of a workload's pods, required and preferred. */
const antiAffinity = (workload: Record<string, any> | undefined) => {
    const terms = workload?.spec.template.spec.affinity?.podAntiAffinity ?? {};
    return { required: (terms.requiredDuringSchedulingIgnoredDuringExecution ?? []).length, preferred: (terms.preferredDuringSchedulingIgnoredDuringExecution ?? []).length };
};

describe.skipIf(skipExpansion)(expansionTitle("the Argo CD release"), () => {
    it("keeps Redis HA's pods on a node each where its anti-affinity is hard, and only prefers it where soft", async () => {
        const workloads = (objects: ExpandedObject[]) => [find(objects, "StatefulSet", "argocd-redis-ha-server"), find(objects, "Deployment", "argocd-redis-ha-haproxy")];
        expect(shipped.redisHa && shipped.redisHaAntiAffinity).toBe("hard");
        for (const workload of workloads(await rendered(shipped))) expect(antiAffinity(workload)).toStrictEqual({ required: 1, preferred: 0 });
        for (const workload of workloads(await rendered({ ...shipped, redisHaAntiAffinity: "soft" }))) expect(antiAffinity(workload)).toStrictEqual({ required: 0, preferred: 1 });
    }, 60_000);

    it("serves its host through an Ingress of its class with cert-manager's certificate, in plain HTTP behind it, and leaves argocd-secret to the program", async () => {
        const objects = await rendered({ ...shipped, expose: { host: "cd.test.example", clusterIssuer: "test-ca", ingress: { className: "traefik" } } });
        const ingress = find(objects, "Ingress", "argocd-server");
        expect(ingress?.spec.ingressClassName).toBe("traefik");
        expect(ingress?.spec.rules.map((r: { host: string }) => r.host)).toStrictEqual(["cd.test.example"]);
        // cert-manager's ingress-shim issues the Secret the Ingress names, from the ClusterIssuer it names.
        expect(ingress?.spec.tls).toStrictEqual([{ hosts: ["cd.test.example"], secretName: "argocd-server-tls" }]);
        expect(ingress?.metadata.annotations["cert-manager.io/cluster-issuer"]).toBe("test-ca");
        expect(find(objects, "ConfigMap", "argocd-cm")?.data.url).toBe("https://cd.test.example");
        expect(find(objects, "ConfigMap", "argocd-cmd-params-cm")?.data["server.insecure"]).toBe("true");
        expect(objects.filter((o) => o.object.kind === "Secret")).toStrictEqual([]);
    }, 60_000);

    it("signs people in with the identity provider: oidc.config as Argo CD reads it, the groups claim as RBAC's scope, no Dex, no local admin", async () => {
        const objects = await rendered(shipped);
        const cm = find(objects, "ConfigMap", "argocd-cm")?.data as Record<string, string>;
        expect(cm["admin.enabled"]).toBe("false");
        expect(yaml.load(cm["oidc.config"])).toStrictEqual({
            name: "SSO",
            issuer: idp.issuer,
            clientID: shipped.sso?.oidc?.clientId,
            // Resolved by Argo CD from argocd-secret's key of that name.
            clientSecret: "$oidc.clientSecret",
            requestedScopes: idp.scopes,
            requestedIDTokenClaims: { [idp.groupsClaim]: { essential: true } },
        });
        expect(find(objects, "ConfigMap", "argocd-rbac-cm")?.data.scopes).toBe(`[${idp.groupsClaim}]`);
        expect(objects.filter((o) => o.object.kind === "Deployment" && /dex/.test(o.object.metadata.name))).toStrictEqual([]);
        // Every $key of the config is a key of the argocd-secret the program seals.
        const sealed = Object.keys(argocdSecretData(shipped, { serverSecretKey: "k", secrets: () => "s" }));
        for (const reference of cm["oidc.config"].match(/\$[\w.-]+/g) ?? []) expect(sealed).toContain(reference.slice(1));
        expect(sealed).not.toContain("admin.password");
    }, 60_000);

    it("signs people in through Dex instead, with its connectors' secrets in argocd-secret", async () => {
        const dex = { connectors: [{ type: "github", id: "github", name: "GitHub", config: { clientID: "abc", orgs: [{ name: "example-org" }] }, clientSecret: "gitops:argocdOidcClientSecret" }] };
        const argocd = { ...shipped, sso: { dex, localAdmin: true } };
        const objects = await rendered(argocd, undefined);
        const cm = find(objects, "ConfigMap", "argocd-cm")?.data as Record<string, string>;
        expect(cm["admin.enabled"]).toBe("true");
        expect(yaml.load(cm["dex.config"])).toStrictEqual({ connectors: [{ type: "github", id: "github", name: "GitHub", config: { clientID: "abc", orgs: [{ name: "example-org" }], clientSecret: "$dex.github.clientSecret" } }] });
        const dexServer = find(objects, "Deployment", "argocd-dex-server")?.spec.template.spec;
        // Its pod asks for what the part declares of it (core/footprint.ts).
        const requestsOf = (containers: { resources: { requests: Requests } }[] = []) => containers.map((c) => c.resources.requests);
        const declared = argocdPods(argocd).filter((g) => g.what.includes("Dex"));
        expect(declared.map(podRequests)).toStrictEqual([podRequests({ containers: requestsOf(dexServer?.containers), initContainers: requestsOf(dexServer?.initContainers) })]);
        expect(Object.keys(argocdSecretData(argocd, { adminPasswordHash: "h", serverSecretKey: "k", secrets: () => "s" })).sort()).toStrictEqual(["admin.password", "admin.passwordMtime", "dex.github.clientSecret", "server.secretkey"]);
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

    it("makes no Ingress where a Gateway routes to it (the program makes the HTTPRoute)", async () => {
        const objects = await rendered({ ...shipped, expose: { host: "cd.test.example", clusterIssuer: "test-ca", gateway: { name: "public", namespace: "gateways" } } });
        expect(objects.filter((o) => o.object.kind === "Ingress")).toStrictEqual([]);
        expect(find(objects, "ConfigMap", "argocd-cmd-params-cm")?.data["server.insecure"]).toBe("true");
    }, 60_000);
});
