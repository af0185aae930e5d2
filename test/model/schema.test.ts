/**
 * Each kind of value the model takes, at a place in the prod model: what Kubernetes, Argo CD,
 * Prometheus and Git accept is accepted, the rest refused with that kind's own message; and what
 * a model leaves out is filled with the documented default.
 */
import { describe, expect, it } from "vitest";
import { CLUSTER_PARTS } from "../../core/catalogue";
import { StackInputError } from "../../model/problems";
import { validateModel } from "../../model/validate";
import { application, applicationSet, validated } from "../helpers/models";

const metric = { name: "m", interval: "1m", count: 1, successCondition: "result[0] < 1", query: "up" };
const apps = (m: any) => m.argocd.applications;
const notifications = (m: any) => m.clusterWide.argocd.notifications;

/** A kind of value: where it is set, what is accepted and refused there, and the message of a refusal. */
interface ValueKind {
    readonly kind: string;
    readonly path: string;
    readonly set: (m: any, value: unknown) => void;
    readonly accepted: readonly unknown[];
    readonly refused: readonly unknown[];
    readonly message: RegExp;
    /** One character more than Kubernetes allows. */
    readonly tooLong?: string;
}

const KINDS: readonly ValueKind[] = [
    {
        kind: "DNS-1123 label",
        path: "rollouts.analysisTemplates[2].name",
        set: (m, v) => m.rollouts.analysisTemplates.push({ name: v, metrics: [metric] }),
        accepted: ["a", "a-1", "x".repeat(63)],
        refused: ["-a", "a-", "A", "a.b"],
        tooLong: "x".repeat(64),
        message: /^must be a DNS-1123 label \(lowercase letters, digits and '-'\)/,
    },
    {
        kind: "DNS-1123 subdomain",
        path: "argocd.applications[2].name",
        set: (m, v) => apps(m).push(application({ name: v })),
        accepted: ["a", "a.b-c", "x".repeat(253)],
        refused: [".a", "a.", "-a", "A"],
        tooLong: "x".repeat(254),
        message: /^must be a DNS-1123 subdomain/,
    },
    {
        kind: "http(s) URL",
        path: "monitoring.alertmanager.slack.alertsUrl",
        set: (m, v) => (m.monitoring.alertmanager.slack.alertsUrl = v),
        accepted: ["http://prometheus.local", "https://prometheus.local/alerts"],
        refused: ["ftp://prometheus.local", "xhttps://prometheus.local", "httpsx://prometheus.local", "prometheus.local"],
        message: /^must be an http\(s\) URL/,
    },
    {
        kind: "Prometheus duration",
        path: "rollouts.analysisTemplates[2].metrics[0].interval",
        set: (m, v) => m.rollouts.analysisTemplates.push({ name: "t", metrics: [{ ...metric, interval: v }] }),
        accepted: ["30s", "500ms", "1h30m", "2w"],
        refused: ["30", "x30s", "30sx", "30 s"],
        message: /^must be a Prometheus duration such as 30s, 5m or 12h/,
    },
    {
        kind: "exact chart version",
        path: "clusterWide.rollouts.chart.version",
        set: (m, v) => (m.clusterWide.rollouts.chart.version = v),
        accepted: ["2.41.0", "10.100.12"],
        refused: ["^2.41.0", "2.41", "2.41.0-rc"],
        message: /exact chart version/,
    },
    {
        kind: "Git repository URL",
        path: "argocd.applications[2].source.repoURL",
        set: (m, v) => apps(m).push(application({ source: { repoURL: v, path: "apps/extra" } })),
        accepted: ["https://git.example.com", "https://git.example.com/org/repo.git", "ssh://git.example.com/org/repo", "ssh://git@git.example.com:2222/org/repo", "git@github.com:org/repo.git"],
        refused: ["xhttps://git.example.com", "https://git.example.com/a b", "ssh://git.example.com", "ssh://git.example.com:x/org", "hooks slack com", "git@github.com"],
        message: /^must be a Git repository URL: use https:\/\/<host>\/<path>, ssh:\/\/\[user@\]<host>\/<path> or git@<host>:<path>/,
    },
    {
        kind: "API server URL",
        path: "argocd.applications[2].destination.server",
        set: (m, v) => apps(m).push(application({ destination: { server: v, namespace: "backend-prod" } })),
        accepted: ["https://kubernetes.default.svc", "https://10.0.0.1:6443/path"],
        refused: ["http://kubernetes.default.svc", "xhttps://kubernetes.default.svc", "https://kubernetes.default.svc x", "https://user@host"],
        message: /^must be an https URL: use the API server's https URL/,
    },
    {
        kind: "project source pattern",
        path: "clusterWide.argocd.projects[1].sourceRepos[1]",
        set: (m, v) => m.clusterWide.argocd.projects[1].sourceRepos.push(v),
        accepted: ["*", "https://github.com/example-org/*", "!https://github.com/example-org/secret"],
        refused: ["git@github!:org/repo", "!hooks slack com"],
        message: /^must be "\*" or a pattern of one: use https:/,
    },
    {
        kind: "sync option",
        path: "argocd.applications[2].syncPolicy.syncOptions[0]",
        set: (m, v) => apps(m).push(application({ syncPolicy: { syncOptions: [v] } })),
        accepted: ["CreateNamespace=true", "PrunePropagationPolicy=foreground"],
        refused: ["CreateNamespace", " CreateNamespace=true", "CreateNamespace=true ", "CreateNamespace=a=b"],
        message: /^must look like Name=value/,
    },
    {
        kind: "Argo CD role",
        path: "clusterWide.argocd.rbac.defaultRole",
        set: (m, v) => (m.clusterWide.argocd.rbac.defaultRole = v),
        accepted: ["role:readonly", "role:admin"],
        refused: ["readonly", "xrole:readonly", "role:readonly ", "role:Admin"],
        message: /^must be a role such as role:readonly/,
    },
    {
        kind: "label selector",
        path: "clusterWide.argocd.notifications.subscriptions[0].selector",
        set: (m, v) => (notifications(m).subscriptions[0].selector = v),
        accepted: ["gitops-platform/environment=dev", "a=b,c=d", "a=b,cc!=d", "a=b,c=dd", "a=b,c=", "team.example.com/x="],
        refused: ["gitops-platform/environment", " a=b", "a=b ", "a=b,", "a=b,c d=e"],
        message: /^must be a label selector such as gitops-platform\/environment=dev/,
    },
    {
        kind: "secret reference",
        path: "clusterWide.argocd.notifications.slack.token",
        set: (m, v) => (notifications(m).slack.token = v),
        accepted: ["$slack-token"],
        refused: ["slack-token", "x$slack-token", "$slack token", "$slack-token/"],
        message: /^must reference a secret data key, e.g. \$slack-token/,
    },
    {
        kind: "webhook service name",
        path: "clusterWide.argocd.notifications.webhooks[0].name",
        set: (m, v) => (notifications(m).webhooks[0].name = v),
        accepted: ["slack_webhook", "hook-1"],
        refused: ["Slack_webhook", "Xslack_webhook", "slack_webhookX", "slack.webhook"],
        message: /^must contain only lowercase letters, digits, '_' and '-'/,
    },
    {
        kind: "stack name",
        path: "cluster.owner",
        set: (m, v) => (m.cluster.owner = v),
        accepted: ["prod"],
        refused: ["/prod", "prod/", "pr od"],
        message: /^must be a stack name of this project, such as prod/,
    },
];

describe.each(KINDS)("a $kind", ({ path, set, accepted, refused, message, tooLong }) => {
    if (tooLong !== undefined) {
        it(`is refused at ${path} when longer than Kubernetes allows`, () => {
            expect(validated((m) => set(m, tooLong)).problems.get(path)).toMatch(/^must be at most (63|253) characters long: change the value$/);
        });
    }

    // (Other checks may still refuse the value there, such as a project that does not allow the repository.)
    it.each(accepted.map((v) => [v]))(`passes the format check at ${path}: %j`, (value) => {
        expect(validated((m) => set(m, value)).problems.get(path) ?? "").not.toMatch(message);
    });

    it.each(refused.map((v) => [v]))(`is refused at ${path}, saying what it must be: %j`, (value) => {
        expect(validated((m) => set(m, value)).problems.get(path)).toMatch(message);
    });
});

describe("a secret data key", () => {
    it("is a Secret's data key: letters, digits, '-', '_' and '.' only, and a refused one is named", () => {
        expect([...validated((m) => (notifications(m).secretData["slack.token_2-x"] = "gitops:argocdSlackToken")).problems]).toStrictEqual([]);
        for (const key of ["/slack", "slack/", "slack token"]) {
            const { problems } = validated((m) => (notifications(m).secretData[key] = "gitops:argocdSlackToken"));
            expect(problems.get(`clusterWide.argocd.notifications.secretData.${key}`), key).toBe(`key ${JSON.stringify(key)} must be a valid Secret data key`);
        }
    });
});

describe("lists that must not be empty, and lists of more than one", () => {
    it.each<[string, (m: any) => void]>([
        ["argocd.applicationSets[3].generators[0].git.directories", (m) => m.argocd.applicationSets.push(applicationSet({ generators: [{ git: { repoURL: "https://github.com/example-org/platform-gitops", directories: [] } }] }))],
        ["argocd.applicationSets[3].generators", (m) => m.argocd.applicationSets.push(applicationSet({ generators: [] }))],
        ["clusterWide.argocd.projects[1].destinations", (m) => (m.clusterWide.argocd.projects[1].destinations = [])],
        ["clusterWide.argocd.notifications.triggers[0].conditions", (m) => (notifications(m).triggers[0].conditions = [])],
        ["clusterWide.argocd.notifications.triggers[0].conditions[0].send", (m) => (notifications(m).triggers[0].conditions[0].send = [])],
        ["clusterWide.argocd.notifications.subscriptions[0].recipients", (m) => (notifications(m).subscriptions[0].recipients = [])],
        ["rollouts.analysisTemplates[2].metrics", (m) => m.rollouts.analysisTemplates.push({ name: "t", metrics: [] })],
        ["monitoring.alertmanager.groupBy", (m) => (m.monitoring.alertmanager.groupBy = [])],
    ])("refuses an empty %s", (path, edit) => {
        expect(validated(edit).problems.get(path)).toBeDefined();
    });

    it("takes two generators, several actions, sends, recipients and group-by labels, and long strings", () => {
        const { problems } = validated((m) => {
            m.argocd.applicationSets.push(applicationSet({ generators: [{ list: { elements: [{ app: "one" }] } }, { list: { elements: [{ app: "two" }] } }] }));
            m.clusterWide.argocd.projects[1].roles = [{ name: "ci", actions: ["get", "sync"], groups: ["ci-bots"] }];
            notifications(m).triggers[0].conditions[0].send = ["app-sync-status", "app-sync-status"];
            notifications(m).subscriptions[0].recipients = ["slack_webhook", "slack:platform-prod"];
            m.monitoring.alertmanager.groupBy = ["alertname", "namespace"];
            m.monitoring.alertmanager.slack.receiver = "slack-prod";
            // Its own namespaces, those of the cluster-wide parts it installs, and none (the cluster's own alerts).
            m.monitoring.alertmanager.namespaceRegex = [".*-prod", ...CLUSTER_PARTS.map((p) => m.clusterWide[p.key].namespace), ""].join("|");
            m.monitoring.alertmanager.silencedAlerts = ["Watchdog", "KubeCPUOvercommit"];
            notifications(m).templates[0].slack = { attachments: '[{"title": "synced"}]', blocks: '[{"type": "section"}]' };
        });
        expect([...problems], JSON.stringify([...problems])).toStrictEqual([]);
    });

    it("refuses a matrix of other than two generators, saying so", () => {
        const matrix = (generators: unknown[]) => validated((m) => m.argocd.applicationSets.push(applicationSet({ generators: [{ matrix: { generators } }] }))).problems;
        expect(matrix([{ list: { elements: [{ app: "one" }] } }]).get("argocd.applicationSets[3].generators[0].matrix.generators")).toBe("a matrix combines exactly two generators");
    });

    it("takes each webhook method Argo CD sends", () => {
        for (const method of ["GET", "POST", "PUT", "PATCH"]) {
            const { problems } = validated((m) => (notifications(m).templates[0].webhook.slack_webhook.method = method));
            expect([...problems], method).toStrictEqual([]);
        }
    });
});

describe("what a model leaves out", () => {
    it("is filled with the documented defaults", () => {
        const { model, problems } = validated((m) => {
            apps(m).push(application());
            const automated = { name: "automated-prod", source: { repoURL: "https://github.com/example-org/platform-gitops", path: "apps/automated" }, syncPolicy: { automated: { prune: true, selfHeal: true } } };
            apps(m).push(application({ ...automated, subscriptions: [{ trigger: "on-deployed", service: "slack_webhook" }] }));
            m.argocd.applicationSets.push(applicationSet({ generators: [{ git: { repoURL: "https://github.com/example-org/platform-gitops", directories: [{ path: "sets/*" }] } }], source: { repoURL: "https://github.com/example-org/platform-gitops", path: "{{.path.path}}" } }));
            m.clusterWide.argocd.projects[1].roles = [{ name: "ci", actions: ["get"] }];
            m.clusterWide.argocd.accounts = [{ name: "ci", capabilities: ["apiKey"] }];
            delete m.clusterWide.argocd.rbac.defaultRole;
            delete m.clusterWide.argocd.sso.localAdmin;
            delete m.clusterWide.argocd.privateRepositories;
            delete m.identityProvider.groupsClaim;
            delete m.identityProvider.scopes;
            delete m.monitoring.alertmanager.repeatInterval;
            delete m.peerEnvironments;
            m.rollouts.analysisTemplates.push({ name: "t", metrics: [metric] });
            delete notifications(m).subscriptions;
        });
        expect([...problems], JSON.stringify([...problems])).toStrictEqual([]);
        const extra = model.argocd.applications.find((a: any) => a.name === "extra-prod");
        expect([extra.source.targetRevision, extra.syncWave, extra.syncPolicy, extra.subscriptions]).toStrictEqual(["HEAD", 0, { syncOptions: [] }, []]);
        const automated = model.argocd.applications.find((a: any) => a.name === "automated-prod");
        expect([automated.syncPolicy.syncOptions, automated.subscriptions[0].recipients]).toStrictEqual([[], []]);
        const set = model.argocd.applicationSets.find((a: any) => a.name === "extra-set-prod");
        expect([set.generators[0].git.revision, set.source.targetRevision, set.subscriptions]).toStrictEqual(["HEAD", "HEAD", []]);
        expect(model.clusterWide.argocd.projects[1].roles).toStrictEqual([{ name: "ci", description: "", actions: ["get"], groups: [] }]);
        expect(model.clusterWide.argocd.accounts).toStrictEqual([{ name: "ci", capabilities: ["apiKey"], enabled: true }]);
        expect([model.clusterWide.argocd.rbac.defaultRole, model.clusterWide.argocd.sso.localAdmin, model.clusterWide.argocd.privateRepositories]).toStrictEqual(["role:readonly", true, []]);
        expect([model.identityProvider.groupsClaim, model.identityProvider.scopes]).toStrictEqual(["groups", ["openid", "profile", "email", "groups"]]);
        expect([model.monitoring.alertmanager.repeatInterval, model.peerEnvironments, model.clusterWide.argocd.notifications.subscriptions]).toStrictEqual(["12h", [], []]);
        expect(model.rollouts.analysisTemplates.at(-1)).toStrictEqual({ name: "t", args: [], metrics: [{ ...metric, failureLimit: 0 }] });
    });
});

describe("a value of the wrong shape", () => {
    it("is named with what it is and what to do: unknown fields together, a wrong type in the project's words", () => {
        const { problems } = validated((m) => {
            Object.assign(m.clusterWide.argocd.projects[1], { colour: "blue", size: 3 });
            m.monitoring.smokeAlert = "yes";
        });
        expect(problems.get("clusterWide.argocd.projects[1]")).toBe('unknown fields "colour", "size": remove them or check the spelling');
        expect(problems.get("monitoring.smokeAlert")).toBe('is "yes", not true or false: change the value');
    });

    it.each<[string, (m: any) => void, string]>([
        ["clusterWide.argocd.replicas", (m) => (m.clusterWide.argocd.replicas = -1), "is -1; it must be at least 1: change the value"],
        ["clusterWide.rollouts.replicas", (m) => (m.clusterWide.rollouts.replicas = 11), "is 11; it must be at most 10: change the value"],
        ["monitoring.alertmanager.replicas", (m) => (m.monitoring.alertmanager.replicas = 1.5), "is 1.5, not a whole number: change the value"],
        ["monitoring.size", (m) => (m.monitoring.size = "large"), 'is "large"; use one of: "small", "production"'],
        ["clusterWide.argocd.projects", (m) => (m.clusterWide.argocd.projects = []), "is empty: add at least one entry"],
        ["clusterWide.argocd.projects[0].description", (m) => (m.clusterWide.argocd.projects[0].description = ""), "is empty: give it a value"],
        ["cluster.mode", (m) => (m.cluster.mode = "both"), 'is "both"; use one of: "dedicated", "shared"'],
    ])("a bound or a choice at %s is told in the project's words, with the fix", (path, edit, message) => {
        expect(validated(edit).problems.get(path)).toBe(message);
    });

    it.each([42, "prod", [1]])("is reported at the root when the whole model is one (%j), not as an empty model", (input) => {
        const problems = (() => {
            try {
                validateModel("prod", "fixture", input);
            } catch (e) {
                return (e as StackInputError).problems;
            }
            return [];
        })();
        expect(problems.map((p) => p.path)).toStrictEqual(["(model)"]);
        expect(problems[0].message).toMatch(/^is (42|"prod"|a list), not a mapping: change the value$/);
    });
});

