/**
 * Checks of how people reach the platform: every address signed by a ClusterIssuer the cluster
 * has, single sign-on only with an identity provider, and no project reading a private repository
 * it has no credentials for.
 */
import { globMatch } from "../../lib/glob";
import type { ClusterView } from "../cluster";
import type { ProblemCollector } from "../problems";
import type { ArgoCdModel, ClusterWideModel, Exposure, StackModel } from "../schema";
import { checkUnique } from "./argocd";

/** An address's certificate must come from a ClusterIssuer the cluster has. */
export function checkExposure(expose: Exposure, at: string, issuers: readonly string[], where: string, problems: ProblemCollector): void {
    if (!issuers.includes(expose.clusterIssuer)) {
        problems.add(`${at}.clusterIssuer`, `"${expose.clusterIssuer}" is not a ClusterIssuer of this cluster; define it under ${where} or use one of: ${issuers.join(", ") || "none"}`);
    }
}

/**
 * The credentials that cover a repository: of the private prefixes it is under, the longest; its
 * credentials, or none when that prefix is declared private without them.
 */
function coveringPrefix(argocd: ArgoCdModel, repoURL: string): ArgoCdModel["privateRepositories"][number] | undefined {
    return argocd.privateRepositories.filter((r) => repoURL.startsWith(r.urlPrefix)).sort((a, b) => b.urlPrefix.length - a.urlPrefix.length)[0];
}

/** Every project's source repository under a private prefix needs credentials for it: Argo CD could not read it otherwise. */
function checkPrivateRepositories(argocd: ArgoCdModel, at: string, problems: ProblemCollector): void {
    checkUnique(problems, `${at}.privateRepositories`, argocd.privateRepositories.map((r) => r.urlPrefix), "repository prefix", "urlPrefix");
    argocd.projects.forEach((project, i) =>
        project.sourceRepos.forEach((repo, j) => {
            // A glob reads every repository it matches: judged by what it matches of the prefixes.
            const prefix = repo.includes("*") ? argocd.privateRepositories.find((r) => globMatch(repo, `${r.urlPrefix}x`)) : coveringPrefix(argocd, repo);
            if (prefix && prefix.https === undefined && prefix.ssh === undefined) {
                problems.add(`${at}.projects[${i}].sourceRepos[${j}]`, `"${repo}" is under the private prefix "${prefix.urlPrefix}", which has no credentials, so Argo CD could not read it; give ${at}.privateRepositories its https token or ssh key`);
            }
        }),
    );
}

/** Argo CD's single sign-on: an identity provider for OIDC, Dex connectors of distinct ids, and no local admin only with SSO. */
function checkArgoCdSso(model: StackModel, argocd: ArgoCdModel, at: string, problems: ProblemCollector): void {
    const { sso } = argocd;
    if (!sso) return;
    if (sso.oidc && !model.identityProvider) problems.add(`${at}.sso.oidc`, "signs in with OIDC, but the model has no identityProvider; define identityProvider (its issuer and endpoints)");
    if (sso.dex) checkUnique(problems, `${at}.sso.dex.connectors`, sso.dex.connectors.map((c) => c.id), "Dex connector", "id");
}

/** The cluster-wide parts' addresses, single sign-on and repositories. */
export function checkClusterAccess(model: StackModel, clusterWide: ClusterWideModel, problems: ProblemCollector): void {
    const issuers = clusterWide.certManager.issuers.map((i) => i.name);
    checkUnique(problems, "clusterWide.certManager.issuers", issuers, "ClusterIssuer");
    if (!clusterWide.argocd) return;
    checkExposure(clusterWide.argocd.expose, "clusterWide.argocd.expose", issuers, "clusterWide.certManager.issuers", problems);
    checkArgoCdSso(model, clusterWide.argocd, "clusterWide.argocd", problems);
    checkPrivateRepositories(clusterWide.argocd, "clusterWide.argocd", problems);
}

/** The environment's Grafana against the cluster: its certificate's issuer, its identity provider. */
export function checkEnvironmentAccess(model: StackModel, view: ClusterView, issuersAt: string, problems: ProblemCollector): void {
    const { grafana } = model.monitoring;
    checkExposure(grafana.expose, "monitoring.grafana.expose", view.certManager.issuers, issuersAt, problems);
    if (grafana.sso && !model.identityProvider) problems.add("monitoring.grafana.sso", "signs in with the identity provider, but the model has no identityProvider; define identityProvider (its issuer and endpoints)");
}
