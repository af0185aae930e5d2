/**
 * Teams on the fleet, judged by casbin with Argo CD's own model and built-in policy
 * (test/helpers/argocdRbac.ts): a team's role acts on its project's applications and sees only
 * the clusters its selector selects; its AppProject deploys only there.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { fleetPolicyCsv, teamProject } from "../../../core/fleet/teams";
import { type ArgoCdRbac, argoCdRbac } from "../../helpers/argocdRbac";
import { customResourceProblems } from "../../helpers/crds";
import { hubFleet } from "../../helpers/fleet";

const SERVERS = { "eu-prod": "https://eu.example.com:6443", "us-prod": "https://us.example.com:6443", lab: "https://lab.example.com:6443" };

describe("a team limited to clusters by label", () => {
    const fleet = hubFleet((f) => f.teams.push({ name: "ops", groups: ["ops"], clusters: { matchLabels: { environment: "prod" } }, namespaces: ["ops"], sourceRepos: ["*"], actions: ["get"] }));
    let rbac: ArgoCdRbac;
    // Argo CD appends every policy.<name>.csv to policy.csv; the default role is empty so that only the fleet's lines grant anything.
    beforeAll(async () => (rbac = await argoCdRbac({ "policy.csv": fleetPolicyCsv(fleet, SERVERS), "policy.default": "" })));

    it.each([
        ["shop-team", "applications", "sync", "shop/checkout-eu-prod", true],
        ["shop-team", "applications", "get", "shop/anything", true],
        ["shop-team", "applications", "delete", "shop/checkout-eu-prod", false],
        ["shop-team", "applications", "sync", "ops/agent-eu-prod", false],
        ["shop-team", "clusters", "get", SERVERS["eu-prod"], true],
        ["shop-team", "clusters", "get", SERVERS["us-prod"], false],
        ["shop-team", "clusters", "get", SERVERS.lab, false],
        ["ops", "clusters", "get", SERVERS["eu-prod"], true],
        ["ops", "clusters", "get", SERVERS["us-prod"], true],
        ["ops", "clusters", "get", SERVERS.lab, false],
        ["ops", "applications", "sync", "ops/agent-eu-prod", false],
        ["someone-else", "clusters", "get", SERVERS["eu-prod"], false],
    ] as const)("%s may %s %s %s: %s", async (group, resource, action, object, allowed) => {
        expect(await rbac.allows({ sub: "user", groups: [group] }, resource, action, object)).toBe(allowed);
    });

    it("has an AppProject whose destinations name only its clusters", () => {
        const project = teamProject(fleet, fleet.teams[1], "argocd", "hub");
        expect(customResourceProblems(project as never)).toStrictEqual([]);
        expect((project.spec as any).destinations).toStrictEqual([
            { name: "eu-prod", namespace: "ops" },
            { name: "us-prod", namespace: "ops" },
        ]);
        expect((teamProject(fleet, fleet.teams[0], "argocd", "hub").spec as any).destinations).toStrictEqual([{ name: "eu-prod", namespace: "shop" }]);
    });
});
