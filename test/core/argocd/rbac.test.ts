/**
 * Argo CD RBAC of the generated argocd-rbac-cm, judged by casbin with Argo CD's own model and
 * built-in policy (../shared/reference/argocd), not by re-reading the CSV the core wrote.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { appProjects } from "../../../core/argocd/projects";
import { policyCsv, rbacConfig } from "../../../core/argocd/rbac";
import { type ArgoCdRbac, argoCdRbac, argoGlobMatch, parsePolicyLines } from "../../helpers/argocdRbac";
import { INSTALLERS, installerModel } from "../../helpers/models";

/** Every Argo CD a stack installs: the shared cluster's (prod's), and each dedicated cluster's. */
const models = INSTALLERS.map(([stack, topology]) => [`${stack}, ${topology}`, installerModel(stack, topology).clusterWide.argocd, installerModel(stack, topology).cluster.name] as const);

const FRONTEND_APP = "team-frontend/shop";
const BACKEND_APP = "team-backend/x";
const PLATFORM_APP = "platform/ingress-nginx";
const APP_ACTIONS = ["get", "create", "update", "delete", "sync"] as const;

type Row = readonly [subject: string, resource: string, action: string, object: string, allowed: boolean];

/** A team (SSO group or its local account): everything but override on its own apps; only what the default role gives elsewhere. */
function teamRows(subject: string, own: string, other: string): Row[] {
    return [
        ...APP_ACTIONS.map((action): Row => [subject, "applications", action, own, true]),
        [subject, "applications", "override", own, false],
        [subject, "applications", "action/apps/Deployment/restart", own, false],
        [subject, "applications", "get", other, true],
        [subject, "applications", "get", PLATFORM_APP, true],
        ...(["create", "update", "delete", "sync", "override"] as const).map((action): Row => [subject, "applications", action, other, false]),
        [subject, "applications", "sync", PLATFORM_APP, false],
        [subject, "applicationsets", "create", own, false],
    ];
}

const table: Row[] = [
    ...teamRows("frontend-team", FRONTEND_APP, BACKEND_APP),
    ...teamRows("frontend-dev", FRONTEND_APP, BACKEND_APP),
    ...teamRows("backend-team", BACKEND_APP, FRONTEND_APP),
    ...teamRows("backend-dev", BACKEND_APP, FRONTEND_APP),
    // developers: get and sync everywhere, never create or delete (their own deny, and the default role has no allow).
    ...[FRONTEND_APP, BACKEND_APP, PLATFORM_APP].flatMap((app): Row[] => [
        ["developers", "applications", "get", app, true],
        ["developers", "applications", "sync", app, true],
        ["developers", "applications", "create", app, false],
        ["developers", "applications", "delete", app, false],
        ["developers", "applications", "update", app, false],
        ["developers", "applications", "override", app, false],
    ]),
    // Anyone authenticated whom no rule names: the default role, read-only.
    ["random-user", "applications", "get", FRONTEND_APP, true],
    ["random-user", "applications", "get", BACKEND_APP, true],
    ["random-user", "projects", "get", "team-frontend", true],
    ["random-user", "clusters", "get", "https://kubernetes.default.svc", true],
    ["random-user", "logs", "get", FRONTEND_APP, true],
    ...(["create", "update", "delete", "sync", "override"] as const).map((action): Row => ["random-user", "applications", action, FRONTEND_APP, false]),
    ["random-user", "exec", "create", FRONTEND_APP, false],
    ["readonly-user", "applications", "get", PLATFORM_APP, true],
    ["readonly-user", "applications", "sync", PLATFORM_APP, false],
    // Platform settings: only admin.
    ...["frontend-team", "backend-team", "developers", "frontend-dev", "backend-dev", "readonly-user", "random-user"].flatMap((subject): Row[] => [
        [subject, "projects", "update", "team-frontend", false],
        [subject, "projects", "create", "new-project", false],
        [subject, "projects", "delete", "platform", false],
        [subject, "clusters", "create", "https://prod.example.com", false],
        [subject, "repositories", "create", "https://github.com/example-org/other", false],
        [subject, "accounts", "update", "frontend-dev", false],
    ]),
    ["admin", "projects", "update", "team-frontend", true],
    ["admin", "clusters", "create", "https://prod.example.com", true],
    ["admin", "applications", "override", FRONTEND_APP, true],
];

describe.each(models)("Argo CD RBAC (%s)", (_, argocd, cluster) => {
    let rbac: ArgoCdRbac;
    beforeAll(async () => {
        rbac = await argoCdRbac(rbacConfig(argocd), appProjects(argocd, cluster));
    });

    it("loads into Argo CD's casbin model: every line is a valid p (5 fields, allow/deny) or g (2 fields) line", () => {
        const lines = parsePolicyLines(policyCsv(argocd));
        expect(lines.length).toBeGreaterThan(0);
        for (const [type, ...fields] of lines) {
            if (type === "p") {
                expect(fields).toHaveLength(5);
                expect(["allow", "deny"]).toContain(fields[4]);
            } else {
                expect(type).toBe("g");
                expect(fields).toHaveLength(2);
            }
            for (const field of fields) expect(field, `${type}, ${fields.join(", ")}`).toBe(field.trim());
        }
    });

    it.each(table)("%s %s %s %s → %s", async (subject, resource, action, object, allowed) => {
        expect(await rbac.can(subject, resource, action, object)).toBe(allowed);
    });

    it("applies policy.default as Argo CD does: without it an unknown user may do nothing", async () => {
        const config = rbacConfig(argocd);
        expect(await rbac.can("random-user", "applications", "get", FRONTEND_APP)).toBe(true);
        const withoutDefault = await argoCdRbac({ ...config, "policy.default": "" });
        expect(await withoutDefault.can("random-user", "applications", "get", FRONTEND_APP)).toBe(false);
        // The team still reads the other team's apps only through the default role.
        expect(await withoutDefault.can("frontend-team", "applications", "get", BACKEND_APP)).toBe(false);
        expect(await withoutDefault.can("frontend-team", "applications", "get", FRONTEND_APP)).toBe(true);
    });

    it("lets deny win within one subject: a local account bound to both developer and team-frontend cannot create", async () => {
        const config = rbacConfig(argocd);
        const both = await argoCdRbac({ ...config, "policy.csv": `${config["policy.csv"]}g, both-roles, role:developer\ng, both-roles, role:team-frontend\n` });
        expect(await both.can("both-roles", "applications", "create", FRONTEND_APP)).toBe(false);
        expect(await both.can("both-roles", "applications", "update", FRONTEND_APP)).toBe(true);
        expect(await both.can("both-roles", "applications", "sync", BACKEND_APP)).toBe(true);
    });

    it("checks SSO groups one by one: a member of developers and frontend-team can create in team-frontend, not elsewhere", async () => {
        const user = { sub: "jane@example.com", groups: ["developers", "frontend-team"] };
        expect(await rbac.allows(user, "applications", "create", FRONTEND_APP)).toBe(true);
        expect(await rbac.allows(user, "applications", "sync", BACKEND_APP)).toBe(true);
        expect(await rbac.allows(user, "applications", "create", BACKEND_APP)).toBe(false);
        expect(await rbac.allows({ sub: "joe@example.com", groups: ["some-other-group"] }, "applications", "sync", FRONTEND_APP)).toBe(false);
    });

    it("gives project role tokens (proj:<project>:<role>) their actions in their own project only", async () => {
        for (const project of appProjects(argocd, cluster)) {
            const roles = (project.spec as { roles?: { name: string; policies: string[] }[] }).roles ?? [];
            for (const role of roles) {
                const subject = `proj:${project.metadata.name}:${role.name}`;
                const own = `${project.metadata.name}/some-app`;
                const modelRole = argocd.projects.find((p) => p.name === project.metadata.name)?.roles.find((r) => r.name === role.name);
                for (const action of modelRole?.actions ?? []) expect(await rbac.can(subject, "applications", action, own), `${subject} ${action}`).toBe(true);
                expect(await rbac.can(subject, "projects", "get", project.metadata.name)).toBe(true);
                expect(await rbac.can(subject, "applications", "override", own)).toBe(false);
                for (const other of argocd.projects.filter((p) => p.name !== project.metadata.name)) {
                    expect(await rbac.can(subject, "applications", "sync", `${other.name}/some-app`), `${subject} sync in ${other.name}`).toBe(false);
                }
            }
        }
    });
});

describe("globOrRegexMatch (glob mode, as Argo CD's util/glob)", () => {
    it.each([
        ["team-frontend/shop", "team-frontend/*", true],
        ["team-frontend/a/b", "team-frontend/*", true],
        ["team-frontendx/shop", "team-frontend/*", false],
        ["team-backend/x", "*/*", true],
        ["anything/with/slashes", "*", true],
        ["team-backend", "team-*", true],
        ["sync", "sync", true],
        ["synced", "sync", false],
        ["action/apps/Deployment/restart", "action/*", true],
        ["update", "update/*", false],
        ["b", "{a,b}", true],
        ["c", "[!ab]", true],
        ["a", "[!ab]", false],
        ["x.y", "x?y", true],
        ["xzy", "x.y", false],
    ])("%s ~ %s → %s", (value, pattern, expected) => {
        expect(argoGlobMatch(value, pattern)).toBe(expected);
    });

    it("is what makes team-frontend/* cover the team's apps: with an exact matcher the team could not sync its own app", async () => {
        const config = rbacConfig(installerModel("prod", "shared").clusterWide.argocd);
        expect(await (await argoCdRbac(config)).can("frontend-team", "applications", "sync", FRONTEND_APP)).toBe(true);
        const exact = await argoCdRbac(config, [], (value, pattern) => value === pattern);
        expect(await exact.can("frontend-team", "applications", "sync", FRONTEND_APP)).toBe(false);
        expect(await exact.can("frontend-team", "applications", "sync", "team-frontend/*")).toBe(true);
    });

    it("rejects a malformed policy line the way Argo CD refuses the policy", async () => {
        await expect(argoCdRbac({ "policy.csv": "p, role:x, applications, get, */*\n" })).rejects.toThrow(/invalid RBAC policy/);
        await expect(argoCdRbac({ "policy.csv": "q, role:x, applications\n" })).rejects.toThrow(/invalid RBAC policy/);
    });
});
