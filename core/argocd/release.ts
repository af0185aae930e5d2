import type * as pulumi from "@pulumi/pulumi";
import type { HelmRelease } from "../helm";
import { argocdUrl } from "../../model/cluster";
import type { ArgoCdModel } from "../../model/schema";
import { accountsConfig, rbacConfig } from "./rbac";

/** The name of the Secret holding Redis' password (the chart's hook Job would make it otherwise). */
export const REDIS_SECRET = "argocd-redis";
/**
 * Fixed, so the rendered `argocd-secret` does not change on every run (the chart uses `now`).
 * Sessions issued before it are invalid; it only has to be in the past.
 */
const ADMIN_PASSWORD_MTIME = "2025-01-01T00:00:00Z";

/** Without an ingress the server terminates TLS itself. */
// Stryker disable next-line ObjectLiteral: the chart's default; said so that both cases read alike
const NO_INGRESS = { enabled: false };

/** The Argo CD release. `adminPasswordHash` is the bcrypt hash of the admin password, a secret. */
export function argocdRelease(argocd: ArgoCdModel, adminPasswordHash: pulumi.Output<string>): HelmRelease {
    return {
        name: argocd.releaseName,
        namespace: argocd.namespace,
        ...argocd.chart,
        values: {
            global: { domain: argocd.domain },
            configs: {
                // A bool like the chart's default: the chart writes argocd-cm with `toString`, and
                // some of its templates compare these flags with `eq true`.
                cm: { "admin.enabled": true, ...accountsConfig(argocd) },
                // Behind an ingress that terminates TLS the server speaks plain HTTP.
                params: { "server.insecure": argocd.ingress.enabled },
                rbac: rbacConfig(argocd),
                secret: { argocdServerAdminPasswordMtime: ADMIN_PASSWORD_MTIME },
            },
            server: {
                ingress: argocd.ingress.enabled
                    ? { enabled: true, ingressClassName: argocd.ingress.className, hostname: argocd.domain }
                    : NO_INGRESS,
            },
            // This program owns the notifications ConfigMap and its SealedSecret.
            notifications: { argocdUrl: argocdUrl(argocd), cm: { create: false }, secret: { create: false } },
            // A Helm hook Job, which Chart v4 omits: Redis would not start without the
            // `argocd-redis` Secret it creates. The program seals that password itself.
            redisSecretInit: { enabled: false },
        },
        secretValues: adminPasswordHash.apply((hash): Record<string, unknown> => ({ configs: { secret: { argocdServerAdminPassword: hash } } })),
    };
}
