/** Credentials Argo CD reads private repositories with: one `repo-creds` Secret per URL prefix. */
import { createHash } from "node:crypto";
import type { ArgoCdModel } from "../../model/schema";

/** The label by which Argo CD finds credentials for every repository under a URL prefix. */
export const SECRET_TYPE_LABEL = "argocd.argoproj.io/secret-type";

/** One credentials Secret: its name, and its data, each value plain or the config secret it comes from. */
export interface RepositoryCredentials {
    readonly name: string;
    readonly data: Readonly<Record<string, { readonly plain: string } | { readonly secret: string }>>;
}

/** `repo-creds-<the prefix's host and path>-<digest>`: readable, and one per prefix. */
function secretName(urlPrefix: string): string {
    const slug = urlPrefix.replace(/^[a-z]+:\/\//, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40).replace(/-$/, "");
    return `repo-creds-${slug}-${createHash("sha256").update(urlPrefix).digest("hex").slice(0, 6)}`;
}

/** The credentials Secrets of every private repository prefix that has credentials (Argo CD's `repo-creds` format). */
export function repositoryCredentials(argocd: ArgoCdModel): RepositoryCredentials[] {
    return argocd.privateRepositories.flatMap((r): RepositoryCredentials[] => {
        const common = { url: { plain: r.urlPrefix }, type: { plain: "git" } };
        if (r.https) return [{ name: secretName(r.urlPrefix), data: { ...common, username: { plain: r.https.username }, password: { secret: r.https.password } } }];
        if (r.ssh) return [{ name: secretName(r.urlPrefix), data: { ...common, sshPrivateKey: { secret: r.ssh.privateKey } } }];
        return [];
    });
}
