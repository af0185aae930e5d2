/**
 * What the cross-reference checks of model/checks/ tell a user, mistake by mistake: at which
 * model path, what is wrong, and what to write instead (the valid choices, listed as a reader
 * can read them). Each mistake is made in the shipped prod model, which alone is valid.
 */
import { describe, expect, it } from "vitest";
import prod from "../../../stacks/prod";
import { application, applicationSet, validated } from "../../helpers/models";

const argocd = (m: any) => m.clusterWide.argocd;
const argocdNotifications = (m: any) => argocd(m).notifications;
const rolloutsNotifications = (m: any) => m.clusterWide.rollouts.notifications;
const apps = (m: any) => m.argocd.applications;
const sets = (m: any) => m.argocd.applicationSets;
const backend = (m: any) => argocd(m).projects[2];
// Where a pushed rule or template lands: after those the prod model has.
const NEXT_RULE = (prod as any).clusterWide.argocd.rbac.roles[0].rules.length;
const NEXT_TEMPLATE = (prod as any).clusterWide.argocd.notifications.templates.length;
/** A mistake: what it is, how it is made, where it is told, and what is said (exactly, or a pattern where a list of choices varies). */
type Mistake = [string, (m: any) => void, string, string | RegExp];
const rule = (resource: string, object: string) => ({ resource, action: "get", object, effect: "allow" });

describe.each<Mistake>([
    ["a second project of one name", (m) => argocd(m).projects.push({ ...argocd(m).projects[2] }), "clusterWide.argocd.projects[3].name", 'duplicate project "team-backend": names must be unique'],
    [
        "a team project open to every namespace",
        (m) => (argocd(m).projects[2].destinations[0].namespace = "*"),
        "clusterWide.argocd.projects[2].destinations[0].namespace",
        'project "team-backend" may deploy to any namespace ("*"): only a platform project (platform: true) may; list the team\'s namespaces instead, e.g. "backend-*"',
    ],
    [
        "a project named otherwise open to every namespace",
        (m) => argocd(m).projects.push({ ...argocd(m).projects[2], name: "data-team-x", destinations: [{ server: "https://kubernetes.default.svc", namespace: "*" }] }),
        "clusterWide.argocd.projects[3].destinations[0].namespace",
        'project "data-team-x" may deploy to any namespace ("*"): only a platform project (platform: true) may; list the team\'s namespaces instead, e.g. "data-team-x-*"',
    ],
    [
        "a team project open to every cluster-scoped kind of one group",
        (m) => argocd(m).projects[2].clusterResourceWhitelist.push({ group: "rbac.authorization.k8s.io", kind: "*" }, { group: "*", kind: "*" }),
        "clusterWide.argocd.projects[2].clusterResourceWhitelist[2]",
        'project "team-backend" may create every cluster-scoped resource: only a platform project may; list the kinds it needs (e.g. { group: "", kind: "Namespace" })',
    ],
    ["a second role of one name", (m) => argocd(m).rbac.roles.push({ ...argocd(m).rbac.roles[0] }), "clusterWide.argocd.rbac.roles[3].name", 'duplicate role "team-frontend": names must be unique'],
    ["a second account of one name", (m) => argocd(m).accounts.push({ ...argocd(m).accounts[0] }), "clusterWide.argocd.accounts[3].name", 'duplicate account "frontend-dev": names must be unique'],
    [
        "a binding to a role that does not exist",
        (m) => (argocd(m).rbac.bindings[0].role = "role:nobody"),
        "clusterWide.argocd.rbac.bindings[0].role",
        '"role:nobody" is not defined; use one of: role:readonly, role:admin, role:team-frontend, role:team-backend, role:developer',
    ],
    ...(["applicationsets", "logs", "exec"] as const).map((resource): Mistake => [
        `a rule on ${resource} of a project that does not exist`,
        (m) => argocd(m).rbac.roles[0].rules.push(rule(resource, "team-data/*")),
        `clusterWide.argocd.rbac.roles[0].rules[${NEXT_RULE}].object`,
        'project "team-data" does not exist; use one of: platform, team-frontend, team-backend, or "*"',
    ]),
    [
        "a rule on applications without its project",
        (m) => argocd(m).rbac.roles[0].rules.push(rule("applications", "team-frontend")),
        `clusterWide.argocd.rbac.roles[0].rules[${NEXT_RULE}].object`,
        '"team-frontend" must be <project>/<name> for applications, e.g. "team-frontend/*"',
    ],
    [
        "an Application from a repository its project does not allow",
        (m) => {
            backend(m).sourceRepos.push("https://github.com/example-org/backend-*");
            apps(m).push(application({ source: { repoURL: "https://github.com/other-org/x", path: "a" } }));
        },
        "argocd.applications[2].source.repoURL",
        '"https://github.com/other-org/x" is not allowed by project "team-backend" (sourceRepos: https://github.com/example-org/platform-gitops, https://github.com/example-org/backend-*); add it to the project\'s sourceRepos or use an allowed repository',
    ],
    [
        "an Application outside its project's destinations, beside one inside",
        (m) => {
            backend(m).destinations.push({ server: "https://other.example.com", namespace: "backend-*" });
            apps(m).push(application({ destination: { server: "https://kubernetes.default.svc", namespace: "frontend-prod" } }), application({ name: "inside-prod" }));
        },
        "argocd.applications[2].destination",
        'namespace "frontend-prod" on "https://kubernetes.default.svc" is not a destination of project "team-backend" (https://kubernetes.default.svc backend-*; https://other.example.com backend-*); add it to the project\'s destinations or deploy elsewhere',
    ],
    [
        "a generated Application whose list parameters make a repository its project does not allow",
        (m) => sets(m).push(applicationSet({ generators: [{ list: { elements: [{ repo: "other-repo" }] } }], source: { repoURL: "https://github.com/{{ repo }}", path: "a" } })),
        "argocd.applicationSets[3].source.repoURL",
        '"https://github.com/other-repo" is not allowed by project "team-backend" (sourceRepos: https://github.com/example-org/platform-gitops); add it to the project\'s sourceRepos or use an allowed repository',
    ],
    [
        "a git-generated Application with a malformed repository, told once",
        (m) => sets(m).push(applicationSet({ generators: [{ git: { repoURL: "https://github.com/example-org/platform-gitops", directories: [{ path: "apps/*" }] } }], source: { repoURL: "hooks slack com", path: "{{.path.path}}" } })),
        "argocd.applicationSets[3].source.repoURL",
        '"hooks slack com" is not a Git repository URL; use https://<host>/<path>, ssh://[user@]<host>/<path> or git@<host>:<path>',
    ],
    [
        "a generated Application with a malformed server, told once",
        (m) => sets(m).push(applicationSet({ destination: { server: "hooks slack com", namespace: "backend-prod" } })),
        "argocd.applicationSets[3].destination.server",
        '"hooks slack com" is not an https URL; use the API server\'s https URL, e.g. https://kubernetes.default.svc for the cluster Argo CD runs in',
    ],
    ["a second Application of one name", (m) => apps(m).push({ ...apps(m)[1] }), "argocd.applications[2].name", 'duplicate application "frontend-prod": names must be unique'],
    ["a second ApplicationSet of one name", (m) => sets(m).push({ ...sets(m)[2] }), "argocd.applicationSets[3].name", 'duplicate application set "backend-services-prod": names must be unique'],
    [
        "an ApplicationSet whose name does not carry its environment in a shared cluster",
        (m) => sets(m).push(applicationSet({ name: "extra-set" })),
        "argocd.applicationSets[3].name",
        '"extra-set": in a shared cluster every environment\'s Applications live in one Argo CD, so each name must end with "-prod", e.g. "extra-set-prod"',
    ],
    [
        "an Application subscribed to a trigger not defined",
        (m) => apps(m).push(application({ subscriptions: [{ trigger: "on-nothing", service: "slack" }] })),
        "argocd.applications[2].subscriptions[0].trigger",
        /^trigger "on-nothing" is not defined in clusterWide\.argocd\.notifications\.triggers; use one of: on-[a-z-]+(, on-[a-z-]+)+$/,
    ],
    [
        "an Application subscribed through a service not defined",
        (m) => apps(m).push(application({ subscriptions: [{ trigger: "on-deployed", service: "teams" }] })),
        "argocd.applications[2].subscriptions[0].service",
        /^service "teams" is not defined in clusterWide\.argocd\.notifications; use one of: [a-z_]+(, [a-z_]+)+$/,
    ],
    [
        "a route regex that also catches another environment's namespaces",
        (m) => (m.monitoring.alertmanager.namespaceRegex = ".*-prod|monitoring-prod|kube-system|monitoring|(app|backend|frontend)-dev"),
        "monitoring.alertmanager.namespaceRegex",
        '".*-prod|monitoring-prod|kube-system|monitoring|(app|backend|frontend)-dev" also matches "app-dev", "backend-dev", "frontend-dev" of environment "dev", whose alerts would reach prod\'s receiver; anchor it to prod\'s namespaces',
    ],
    [
        "a second trigger of one name",
        (m) => rolloutsNotifications(m).triggers.push({ ...rolloutsNotifications(m).triggers[0] }),
        "clusterWide.rollouts.notifications.triggers[2].name",
        'duplicate trigger "on-rollout-completed": names must be unique',
    ],
    [
        "a second webhook service of one name",
        (m) => argocdNotifications(m).webhooks.push({ ...argocdNotifications(m).webhooks[0] }),
        "clusterWide.argocd.notifications.webhooks[1].name",
        'duplicate webhook service "slack_webhook": names must be unique',
    ],
    [
        "a webhook header from a data key the secret does not have",
        (m) => argocdNotifications(m).webhooks[0].headers.push({ name: "Authorization", value: "$api-token" }),
        "clusterWide.argocd.notifications.webhooks[0].headers[1].value",
        '"$api-token" is not a data key of the notifications secret (secretData has: slack-webhook, slack-token); add "api-token" to clusterWide.argocd.notifications.secretData',
    ],
    [
        "a Slack token from a data key of a secret with none",
        (m) => {
            rolloutsNotifications(m).secretData = {};
            rolloutsNotifications(m).slack.token = "$slack-token";
        },
        "clusterWide.rollouts.notifications.slack.token",
        '"$slack-token" is not a data key of the notifications secret (secretData has: none); add "slack-token" to clusterWide.rollouts.notifications.secretData',
    ],
    [
        "a template that sends nothing",
        (m) => rolloutsNotifications(m).templates.push({ name: "silent" }),
        "clusterWide.rollouts.notifications.templates[2]",
        'template "silent" sends nothing: give it a message or a service part',
    ],
    [
        "a template for a webhook service not defined, beside others",
        (m) => {
            argocdNotifications(m).webhooks.push({ name: "other_hook", url: "https://hooks.example.com/x", headers: [] });
            argocdNotifications(m).templates[0].webhook.teams = { method: "POST", body: "{}" };
        },
        "clusterWide.argocd.notifications.templates[0].webhook.teams",
        'webhook service "teams" is not defined; define it under clusterWide.argocd.notifications.webhooks',
    ],
    ...(
        [
            ["email.subject", { email: { subject: "{{ toYaml .app.metadata }}" } }],
            ["slack.attachments", { slack: { attachments: "{{ toYaml .app.metadata }}" } }],
            ["slack.blocks", { slack: { blocks: "{{ toYaml .app.metadata }}" } }],
            ["webhook.slack_webhook.body", { webhook: { slack_webhook: { method: "POST", body: "{{ toYaml .app.metadata }}" } } }],
        ] as const
    ).map(([field, part]): Mistake => [
        `Helm's toYaml in a template's ${field}`,
        (m) => argocdNotifications(m).templates.push({ name: "helmish", ...part }),
        `clusterWide.argocd.notifications.templates[${NEXT_TEMPLATE}].${field}`,
        'uses "toYaml", a Helm-only function the notifications engine does not have; rewrite it with Go template or sprig functions',
    ]),
    [
        "a trigger that sends a template not defined",
        (m) => (rolloutsNotifications(m).triggers[0].conditions[0].send = ["rollout-completed", "no-such"]),
        "clusterWide.rollouts.notifications.triggers[0].conditions[0].send[1]",
        'template "no-such" is not defined; define it under clusterWide.rollouts.notifications.templates or use one of: rollout-completed, rollout-aborted',
    ],
    [
        "a subscription to a trigger not defined",
        (m) => argocdNotifications(m).subscriptions.push({ recipients: ["slack:x"], triggers: ["on-deployed", "on-nothing"] }),
        "clusterWide.argocd.notifications.subscriptions[3].triggers[1]",
        /^trigger "on-nothing" is not defined; use one of: on-[a-z-]+(, on-[a-z-]+)+$/,
    ],
    [
        "an environment's monitoring release named as the cluster release",
        (m) => (m.monitoring.releaseName = "kube-prometheus-stack"),
        "monitoring.releaseName",
        '"kube-prometheus-stack" is the cluster release\'s name (clusterWide.monitoring); give the environment\'s release its own, e.g. "monitoring-prod"',
    ],
])("%s", (_, edit, path, message) => {
    it("is reported at its path, with what to do, and nothing else is", () => {
        const problems = [...validated(edit).problems];
        expect(problems.map(([at]) => at)).toStrictEqual([path]);
        const [[, said]] = problems;
        if (typeof message === "string") expect(said).toBe(message);
        else expect(said).toMatch(message);
    });
});

describe("what the checks leave alone", () => {
    it("takes rules on resources that are not a project's whatever their object, and header values that only contain a $", () => {
        const { problems } = validated((m) => {
            argocd(m).rbac.roles[0].rules.push(rule("clusters", "*"), rule("repositories", "https://github.com/example-org/x"));
            argocdNotifications(m).webhooks[0].headers.push({ name: "Authorization", value: "Bearer $api-token" }, { name: "X-Key", value: "$api-token/suffix" });
        });
        expect([...problems]).toStrictEqual([]);
    });

    it("takes generated Applications whose destination or repository only a git generator fills in", () => {
        const git = { git: { repoURL: "https://github.com/example-org/platform-gitops", directories: [{ path: "apps/*" }] } };
        const { problems } = validated((m) => {
            sets(m).push(applicationSet({ generators: [git], source: { repoURL: "https://github.com/example-org/platform-gitops", path: "{{.path.path}}" }, destination: { server: "https://kubernetes.default.svc", namespace: "{{.path.basename}}" } }));
            sets(m).push(applicationSet({ name: "hosts-prod", project: "platform", generators: [git], source: { repoURL: "https://{{ .path.basename }}/repo", path: "a" } }));
        });
        expect([...problems]).toStrictEqual([]);
    });
});

describe("a Slack text with a function Alertmanager does not have", () => {
    it("lists the functions it has, in order", () => {
        const message = validated((m) => (m.monitoring.alertmanager.slack.title = "{{ frobnicate .CommonLabels }}")).problems.get("monitoring.alertmanager.slack.title") ?? "";
        const listed = /^uses "frobnicate", which Alertmanager templates do not have; use one of: (.+)$/.exec(message)?.[1].split(", ") ?? [];
        expect(listed.length).toBeGreaterThan(10);
        expect(listed).toStrictEqual([...listed].sort());
    });
});

