import type * as pulumi from "@pulumi/pulumi";
import type { HelmRelease } from "../helm";
import { argocdUrl } from "../../model/cluster";
import type { ArgoCdModel } from "../../model/schema";
import { accountsConfig, rbacConfig } from "./rbac";

/** The name of the Secret holding Redis' password (the chart's hook Job would make it otherwise). */
export const REDIS_SECRET = "argocd-redis";
/** The Secret Argo CD reads its admin password hash, its session key and `$key` references from. */
export const ARGOCD_SECRET = "argocd-secret";
/**
 * Fixed, so `argocd-secret` does not change on every run. Sessions issued before it are invalid;
 * it only has to be in the past, in RFC 3339 (Argo CD rewrites it otherwise).
 */
const ADMIN_PASSWORD_MTIME = "2025-01-01T00:00:00Z";

/**
 * The data of `argocd-secret`, sealed by the program: everything Argo CD would otherwise write
 * into it at its first start (argo-cd v3.4 util/settings/settings.go: a generated
 * `server.secretkey`, and an admin password when none is set), so that it never writes there and
 * the controller's next unseal, which replaces the Secret's data, takes nothing away. Values are
 * secrets: the admin password's bcrypt hash and the key sessions are signed with.
 */
export function argocdSecretData(adminPasswordHash: pulumi.Input<string>, serverSecretKey: pulumi.Input<string>): Record<string, pulumi.Input<string>> {
    return { "admin.password": adminPasswordHash, "admin.passwordMtime": ADMIN_PASSWORD_MTIME, "server.secretkey": serverSecretKey };
}

/** Without an ingress the server terminates TLS itself. */
// Stryker disable next-line ObjectLiteral: the chart's default; said so that both cases read alike
const NO_INGRESS = { enabled: false };

/**
 * The Argo CD release. It carries no secret: `argocd-secret` is the program's SealedSecret, so no
 * value that is unknown before the first `pulumi up` (a generated password's hash) reaches the
 * chart, which would render nothing in that preview.
 */
export function argocdRelease(argocd: ArgoCdModel): HelmRelease {
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
                secret: { createSecret: false },
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
    };
}
