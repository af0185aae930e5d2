/**
 * How people reach the platform, checked before anything is registered: each case breaks one
 * thing of the shipped prod model and expects exactly its path.
 */
import { describe, expect, it } from "vitest";
import prod from "../../../stacks/prod";
import { validated } from "../../helpers/models";

const argocd = (m: any) => m.clusterWide.argocd;
const problemsOf = (edit: (m: any) => void) => [...validated(edit).problems];

describe("addresses", () => {
    it("refuse a certificate from a ClusterIssuer the cluster does not have, listing those it has", () => {
        expect(problemsOf((m) => (argocd(m).expose.clusterIssuer = "letsencrypt"))).toStrictEqual([
            ["clusterWide.argocd.expose.clusterIssuer", '"letsencrypt" is not a ClusterIssuer of this cluster; define it under clusterWide.certManager.issuers or use one of: platform-ca'],
        ]);
        expect(problemsOf((m) => (m.monitoring.grafana.expose.clusterIssuer = "letsencrypt")).map(([at]) => at)).toStrictEqual(["monitoring.grafana.expose.clusterIssuer"]);
    });

    it("refuse two ClusterIssuers of one name", () => {
        const problems = problemsOf((m) => m.clusterWide.certManager.issuers.push({ ...m.clusterWide.certManager.issuers[0] }));
        expect(problems.map(([at]) => at)).toStrictEqual(["clusterWide.certManager.issuers[1].name"]);
        expect(problems[0][1]).toMatch(/ClusterIssuer "platform-ca"/);
        // With two, the message lists both.
        const listed = problemsOf((m) => {
            m.clusterWide.certManager.issuers.push({ name: "other-ca", ca: m.clusterWide.certManager.issuers[0].ca });
            m.clusterWide.argocd.expose.clusterIssuer = "missing";
        });
        expect(listed).toStrictEqual([["clusterWide.argocd.expose.clusterIssuer", expect.stringMatching(/use one of: platform-ca, other-ca$/)]]);
    });

    it("take an ingress or a gateway, not both and not neither", () => {
        const gateway = { name: "public", namespace: "gateways" };
        expect(problemsOf((m) => (argocd(m).expose.gateway = gateway)).map(([at]) => at)).toStrictEqual(["clusterWide.argocd.expose"]);
        expect(problemsOf((m) => delete argocd(m).expose.ingress).map(([at]) => at)).toStrictEqual(["clusterWide.argocd.expose"]);
        expect(problemsOf((m) => ((argocd(m).expose.gateway = gateway), delete argocd(m).expose.ingress))).toStrictEqual([]);
    });
});

describe("single sign-on", () => {
    it("needs an identity provider, for Argo CD's OIDC and for Grafana", () => {
        const problems = problemsOf((m) => delete m.identityProvider);
        expect(problems.map(([at]) => at)).toStrictEqual(["clusterWide.argocd.sso.oidc", "monitoring.grafana.sso"]);
        for (const [, message] of problems) expect(message).toMatch(/but the model has no identityProvider; define identityProvider/);
    });

    it("refuses two Dex connectors of one id", () => {
        const github = { type: "github", id: "github", name: "GitHub", config: { clientID: "x", clientSecret: "$dex.github.clientSecret" } };
        const problems = problemsOf((m) => (argocd(m).sso = { dex: { connectors: [github, { ...github, name: "GitHub again" }] }, localAdmin: true }));
        expect(problems.map(([at]) => at)).toStrictEqual(["clusterWide.argocd.sso.dex.connectors[1].id"]);
        expect(problems[0][1]).toMatch(/Dex connector "github"/);
    });
});

describe("private repositories", () => {
    const withoutCredentials = (m: any) => delete argocd(m).privateRepositories[0].https;

    it("refuse a project's source under a private prefix that has no credentials, at that source", () => {
        const problems = problemsOf(withoutCredentials);
        expect(problems.length).toBeGreaterThan(0);
        for (const [at, message] of problems) {
            expect(at).toMatch(/^clusterWide\.argocd\.projects\[\d+\]\.sourceRepos\[\d+\]$/);
            expect(message).toMatch(/under the private prefix "https:\/\/github.com\/example-org\/", which has no credentials/);
        }
    });

    it("refuse a prefix listed twice", () => {
        const problems = problemsOf((m) => argocd(m).privateRepositories.push({ ...argocd(m).privateRepositories[0] }));
        expect(problems).toStrictEqual([["clusterWide.argocd.privateRepositories[1].urlPrefix", 'duplicate repository prefix "https://github.com/example-org/": each urlPrefix must be unique']]);
    });

    it("judge a glob by the private prefixes it reaches, and a longer prefix over a shorter one", () => {
        const uncovered = { urlPrefix: "https://git.example.com/private/" };
        const readingFromGit = (sourceRepo: string, prefixes: object[] = [uncovered]) => (m: any) => {
            argocd(m).privateRepositories.push(...prefixes);
            argocd(m).projects[0].sourceRepos.push(sourceRepo);
        };
        const sourceAt = `clusterWide.argocd.projects[0].sourceRepos[${argocd(prod).projects[0].sourceRepos.length}]`;
        expect(problemsOf(readingFromGit("https://git.example.com/public/*"))).toStrictEqual([]);
        expect(problemsOf(readingFromGit("https://git.example.com/*")).map(([path]) => path)).toStrictEqual([sourceAt]);
        const covered = { urlPrefix: "https://git.example.com/private/platform-", ssh: { privateKey: "gitops:gitRepositoryToken" } };
        expect(problemsOf(readingFromGit("https://git.example.com/private/platform-gitops", [uncovered, covered]))).toStrictEqual([]);
        expect(problemsOf(readingFromGit("https://git.example.com/private/other", [uncovered, covered])).map(([path]) => path)).toStrictEqual([sourceAt]);
    });
});
