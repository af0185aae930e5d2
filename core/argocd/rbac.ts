/** Argo CD RBAC (`argocd-rbac-cm`) and local accounts (`argocd-cm`) from the typed model. */
import type { ArgoCdModel } from "../../model/schema";

/** One `p,` line per rule and one `g,` line per binding, in model order. */
export function policyCsv(argocd: ArgoCdModel): string {
    const lines = [
        ...argocd.rbac.roles.flatMap((role) =>
            role.rules.map((r) => `p, role:${role.name}, ${r.resource}, ${r.action}, ${r.object}, ${r.effect}`),
        ),
        ...argocd.rbac.bindings.map((b) => `g, ${b.subject}, ${b.role}`),
    ];
    return `${lines.join("\n")}\n`;
}

/** The `argocd-rbac-cm` data the chart writes from `configs.rbac`. */
export function rbacConfig(argocd: ArgoCdModel): Record<string, string> {
    return {
        "policy.csv": policyCsv(argocd),
        "policy.default": argocd.rbac.defaultRole,
        // `*` spans `/` in globs: `team-frontend/*` covers every app of the project.
        // Stryker disable next-line StringLiteral: glob is also Argo CD's default when the key is empty; said so the policy's patterns read as what they are
        "policy.matchMode": "glob",
    };
}

/** `accounts.<name>` (capabilities) and `accounts.<name>.enabled` entries for `argocd-cm`. */
export function accountsConfig(argocd: ArgoCdModel): Record<string, string> {
    const entries: Record<string, string> = {};
    for (const a of argocd.accounts) {
        entries[`accounts.${a.name}`] = a.capabilities.join(", ");
        entries[`accounts.${a.name}.enabled`] = String(a.enabled);
    }
    return entries;
}
