import type * as pulumi from "@pulumi/pulumi";
import { argocdUrl } from "../../model/cluster";
import type { ArgoCdModel, IdentityProviderModel } from "../../model/schema";
import { CLUSTER_ISSUER_ANNOTATION } from "../exposure";
import type { HelmRelease } from "../helm";
import { mergeValues, type OwnedValue, releaseOf } from "../chartValues";
import { argocdSizingValues } from "./sizing";
import { toYaml } from "../objects";
import { accountsConfig, rbacConfig } from "./rbac";

/** The name of the Secret holding Redis' password (the chart's hook Job would make it otherwise). */
export const REDIS_SECRET = "argocd-redis";
/** The Secret Argo CD reads its admin password hash, its session key and `$key` references from. */
export const ARGOCD_SECRET = "argocd-secret";
/** The argocd-server Service the Ingress or HTTPRoute sends requests to, in plain HTTP. */
export const SERVER_SERVICE = { name: "argocd-server", port: 80 };
/**
 * Fixed, so `argocd-secret` does not change on every run. Sessions issued before it are invalid;
 * it only has to be in the past, in RFC 3339 (Argo CD rewrites it otherwise).
 */
const ADMIN_PASSWORD_MTIME = "2025-01-01T00:00:00Z";
/** The argocd-secret key `oidc.config` reads the client secret from, as `$oidc.clientSecret`. */
const OIDC_SECRET_KEY = "oidc.clientSecret";
const dexSecretKey = (connector: string) => `dex.${connector}.clientSecret`;

/** True when Argo CD keeps its local admin account: always without SSO. */
export function keepsLocalAdmin(argocd: ArgoCdModel): boolean {
    return argocd.sso?.localAdmin ?? true;
}

/**
 * The data of `argocd-secret`, sealed by the program, by key: everything Argo CD would otherwise
 * write into it at its first start (argo-cd v3.4 util/settings/settings.go: a generated
 * `server.secretkey`, and an admin password while the admin account is on), so that it never
 * writes there and the controller's next unseal, which replaces the Secret's data, takes nothing
 * away; and the SSO client secrets `oidc.config` and `dex.config` reference. `secrets` are the
 * values from config, by the reference the model names them with.
 */
export function argocdSecretData(
    argocd: ArgoCdModel,
    values: { adminPasswordHash?: pulumi.Input<string>; serverSecretKey: pulumi.Input<string>; secrets: (reference: string) => pulumi.Input<string> },
): Record<string, pulumi.Input<string>> {
    const { sso } = argocd;
    return {
        ...(keepsLocalAdmin(argocd) && values.adminPasswordHash !== undefined ? { "admin.password": values.adminPasswordHash, "admin.passwordMtime": ADMIN_PASSWORD_MTIME } : {}),
        "server.secretkey": values.serverSecretKey,
        ...(sso?.oidc ? { [OIDC_SECRET_KEY]: values.secrets(sso.oidc.clientSecret) } : {}),
        ...Object.fromEntries((sso?.dex?.connectors ?? []).flatMap((c) => (c.clientSecret ? [[dexSecretKey(c.id), values.secrets(c.clientSecret)]] : []))),
    };
}

/** `oidc.config` or `dex.config` for argocd-cm, and the RBAC scope of the groups claim. */
function ssoConfig(argocd: ArgoCdModel, identityProvider: IdentityProviderModel | undefined): { cm: Record<string, string>; scopes?: string } {
    const { sso } = argocd;
    if (!sso) return { cm: {} };
    const groupsClaim = identityProvider?.groupsClaim ?? "groups";
    const scopes = `[${groupsClaim}]`;
    if (sso.oidc) {
        const oidc = {
            name: "SSO",
            issuer: identityProvider?.issuer,
            clientID: sso.oidc.clientId,
            clientSecret: `$${OIDC_SECRET_KEY}`,
            requestedScopes: identityProvider?.scopes,
            requestedIDTokenClaims: { [groupsClaim]: { essential: true } },
        };
        return { cm: { "oidc.config": toYaml(oidc) }, scopes };
    }
    const connectors = (sso.dex?.connectors ?? []).map((c) => ({ type: c.type, id: c.id, name: c.name, config: { ...c.config, ...(c.clientSecret ? { clientSecret: `$${dexSecretKey(c.id)}` } : {}) } }));
    return { cm: { "dex.config": toYaml({ connectors }) }, scopes };
}

/** Argo CD's components with metrics, by their key in the chart's values. */
const METRICS_COMPONENTS = ["controller", "server", "repoServer", "applicationSet", "notifications"] as const;

/** The values the program sets from the model or replaces (core/chartValues.ts): a model's `values` may not touch them. */
export const ARGOCD_OWNED_VALUES: readonly OwnedValue[] = [
    ...["nameOverride", "fullnameOverride"].map((key) => ({ path: [key], why: "the platform's ServiceMonitors select the metrics Services by the chart's names" })),
    ...METRICS_COMPONENTS.map((component) => ({ path: [component, "metrics", "enabled"], why: "the platform's ServiceMonitors scrape its metrics Service" })),
    { path: ["global", "domain"], why: "Argo CD's address is clusterWide.argocd.expose.host" },
    { path: ["server", "ingress"], why: "Argo CD's address is clusterWide.argocd.expose" },
    { path: ["notifications", "argocdUrl"], why: "the links notifications send are clusterWide.argocd.expose's" },
    { path: ["configs", "params", "server.insecure"], why: "TLS ends at the Ingress or Gateway of clusterWide.argocd.expose" },
    { path: ["configs", "secret"], why: "argocd-secret is the program's SealedSecret (the admin's hash, the SSO client secrets, the session key)" },
    { path: ["configs", "rbac"], why: "RBAC is clusterWide.argocd.rbac, checked with casbin before it is applied" },
    { path: ["configs", "cm", "admin.enabled"], why: "the local admin is clusterWide.argocd.sso.localAdmin" },
    { path: ["configs", "cm", "oidc.config"], why: "single sign-on is clusterWide.argocd.sso" },
    { path: ["configs", "cm", "dex.config"], why: "single sign-on is clusterWide.argocd.sso" },
    { path: ["dex", "enabled"], why: "Dex runs where clusterWide.argocd.sso.dex is set" },
    { path: ["notifications", "cm"], why: "the program makes argocd-notifications-cm from clusterWide.argocd.notifications" },
    { path: ["notifications", "secret"], why: "the program seals the notifications secret from clusterWide.argocd.notifications.secretData" },
    ...[["redis-ha", "hardAntiAffinity"], ["redis-ha", "haproxy", "hardAntiAffinity"]].map((path) => ({ path, why: "it is clusterWide.argocd.redisHaAntiAffinity, held to the cluster's nodes (cluster.nodes)" })),
    ...[["redis-ha", "replicas"], ["redis-ha", "haproxy", "replicas"]].map((path) => ({ path, why: "Redis HA runs three of each (clusterWide.argocd.redisHa), held to the cluster's nodes (cluster.nodes)" })),
    { path: ["redisSecretInit"], why: "it is a Helm hook Job, which Chart v4 drops; the program seals argocd-redis itself" },
];

/**
 * The Argo CD release. It carries no secret: `argocd-secret` is the program's SealedSecret, so no
 * value that is unknown before the first `pulumi up` (a generated password's hash) reaches the
 * chart, which would render nothing in that preview. The server speaks plain HTTP behind the
 * Ingress (or the Gateway) that terminates TLS with cert-manager's certificate. `extraPolicies`
 * are further `policy.<name>.csv` keys of argocd-rbac-cm (a fleet hub's teams).
 */
export function argocdRelease(argocd: ArgoCdModel, identityProvider?: IdentityProviderModel, extraPolicies: Readonly<Record<string, string>> = {}): HelmRelease {
    const { expose } = argocd;
    const sso = ssoConfig(argocd, identityProvider);
    const own = {
        global: { domain: expose.host },
        configs: {
            // A bool like the chart's default: the chart writes argocd-cm with `toString`, and
            // some of its templates compare these flags with `eq true`.
            cm: { "admin.enabled": keepsLocalAdmin(argocd), ...accountsConfig(argocd), ...sso.cm },
            params: { "server.insecure": true },
            // `policy.<name>.csv` keys (a hub's fleet policy) are appended to policy.csv by Argo CD.
            rbac: { ...rbacConfig(argocd), ...extraPolicies, ...(sso.scopes ? { scopes: sso.scopes } : {}) },
            secret: { createSecret: false },
        },
        server: {
            ingress: expose.ingress
                ? { enabled: true, ingressClassName: expose.ingress.className, hostname: expose.host, tls: true, annotations: { [CLUSTER_ISSUER_ANNOTATION]: expose.clusterIssuer } }
                : { enabled: false },
        },
        // Dex only for its connectors: OIDC goes to the identity provider directly.
        dex: { enabled: argocd.sso?.dex !== undefined },
        // This program owns the notifications ConfigMap and its SealedSecret.
        notifications: { argocdUrl: argocdUrl(argocd), cm: { create: false }, secret: { create: false } },
        // A Helm hook Job, which Chart v4 omits: Redis would not start without the
        // `argocd-redis` Secret it creates. The program seals that password itself.
        redisSecretInit: { enabled: false },
    };
    // The metrics Services the platform's ServiceMonitors scrape (core/monitoring/platform.ts).
    const metrics = Object.fromEntries(METRICS_COMPONENTS.map((component) => [component, { metrics: { enabled: true } }]));
    return releaseOf(argocd, [metrics, argocdSizingValues(argocd)].reduce(mergeValues, own));
}
