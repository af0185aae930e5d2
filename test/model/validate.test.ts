import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CLUSTER_PARTS } from "../../core/catalogue";
import { StackInputError } from "../../model/problems";
import { validateModel } from "../../model/validate";
import dev from "../../stacks/dev";
import prod from "../../stacks/prod";
import dedicatedDev from "../fixtures/models/dedicated-dev";
import { edited, stackModel } from "../helpers/models";

/** The problems `validateModel` reports for `input` as stack `stack`, as `path: message` lines. */
function problemsOf(input: unknown, stack = "prod"): { path: string; message: string }[] {
    try {
        validateModel(stack, "fixture", input);
    } catch (e) {
        expect(e).toBeInstanceOf(StackInputError);
        return [...(e as StackInputError).problems];
    }
    return [];
}

/** The prod model (which installs the cluster-wide parts of the shared cluster) with `edit` applied. */
const prodWith = (edit: (m: any) => void) => edited(prod, edit);

describe("validateModel", () => {
    it("accepts the shipped stacks, in both topologies", () => {
        expect(problemsOf(dev, "dev")).toEqual([]);
        expect(problemsOf(prod, "prod")).toEqual([]);
        expect(problemsOf(dedicatedDev, "dev")).toEqual([]);
    });

    it.each([undefined, null, {}])("reports an empty model (%s) at the root with what to do", (input) => {
        const problems = problemsOf(input);
        expect(problems).toHaveLength(1);
        expect(problems[0].path).toBe("(model)");
        expect(problems[0].message).toMatch(/empty.*stacks\/dev\.ts/);
    });

    it("reports every wrongly typed field at once, each with its path", () => {
        const problems = problemsOf(
            prodWith((m) => {
                m.environment = 42;
                m.clusterWide.argocd.projects[1].sourceRepos = "https://example.com/repo";
                m.monitoring.alertmanager.groupWait = "soon";
                m.clusterWide.argocd.chart.version = "^10.1.0";
                m.clusterWide.argocd.projects[0].colour = "blue";
            }),
        );
        expect(problems.map((p) => p.path)).toEqual(
            expect.arrayContaining([
                "environment",
                "clusterWide.argocd.projects[1].sourceRepos",
                "monitoring.alertmanager.groupWait",
                "clusterWide.argocd.chart.version",
                "clusterWide.argocd.projects[0]",
            ]),
        );
        expect(problems.find((p) => p.path === "clusterWide.argocd.projects[0]")?.message).toMatch(/unknown field "colour".*remove it/);
        expect(problems.find((p) => p.path === "clusterWide.argocd.chart.version")?.message).toMatch(/exact chart version/);
        expect(problems.find((p) => p.path === "environment")?.message).toBe("is 42, not a string: change the value");
    });

    it("reports a missing required field as missing", () => {
        const problems = problemsOf(prodWith((m) => delete m.clusterWide.argocd.expose.host));
        expect(problems).toEqual([{ path: "clusterWide.argocd.expose.host", message: "is missing: add a string" }]);
    });

    it("reports broken cross-references with the valid choices", () => {
        const problems = problemsOf(
            prodWith((m) => {
                m.argocd.applications[0].project = "team-data";
                m.clusterWide.argocd.rbac.bindings[0].role = "role:team-data";
                m.clusterWide.argocd.notifications.triggers[0].conditions[0].send = ["no-such-template"];
                m.argocd.applications[1].subscriptions[0].trigger = "on-nothing";
            }),
        );
        expect(problems).toEqual(
            expect.arrayContaining([
                { path: "argocd.applications[0].project", message: expect.stringMatching(/"team-data" is not a project.*clusterWide\.argocd\.projects.*platform, team-frontend, team-backend/) },
                { path: "clusterWide.argocd.rbac.bindings[0].role", message: expect.stringMatching(/"role:team-data" is not defined/) },
                { path: "clusterWide.argocd.notifications.triggers[0].conditions[0].send[0]", message: expect.stringMatching(/template "no-such-template" is not defined/) },
                { path: "argocd.applications[1].subscriptions[0].trigger", message: expect.stringMatching(/trigger "on-nothing" is not defined/) },
            ]),
        );
    });

    it("reports notifications that reference what does not exist, or use Helm-only functions", () => {
        const problems = problemsOf(
            prodWith((m) => {
                const n = m.clusterWide.argocd.notifications;
                n.webhooks[0].url = "$teams-webhook";
                n.templates.push({ ...n.templates[0] });
                n.templates[1].message = '{{ include "x" . }}';
                n.subscriptions[1].recipients = ["teams:alerts"];
                n.templates[2].webhook = { teams: { method: "POST", body: "{}" } };
                m.clusterWide.rollouts.notifications.templates[0].message = "{{ if .rollout }}unclosed";
            }),
        );
        expect(problems).toEqual(
            expect.arrayContaining([
                { path: "clusterWide.argocd.notifications.webhooks[0].url", message: expect.stringMatching(/"\$teams-webhook" is not a data key .*add "teams-webhook" to clusterWide.argocd.notifications.secretData/) },
                { path: "clusterWide.argocd.notifications.templates[5].name", message: expect.stringMatching(/duplicate template "app-sync-status"/) },
                { path: "clusterWide.argocd.notifications.templates[1].message", message: expect.stringMatching(/"include", a Helm-only function/) },
                { path: "clusterWide.argocd.notifications.subscriptions[1].recipients[0]", message: expect.stringMatching(/service "teams" is not defined; use one of: slack_webhook, slack/) },
                { path: "clusterWide.argocd.notifications.templates[2].webhook.teams", message: expect.stringMatching(/webhook service "teams" is not defined/) },
                { path: "clusterWide.rollouts.notifications.templates[0].message", message: expect.stringMatching(/does not parse as a Go template: "\{\{if\}\}" is never closed/) },
            ]),
        );
    });

    it("rejects a default subscription whose selector is not a label selector", () => {
        const problems = problemsOf(prodWith((m) => (m.clusterWide.argocd.notifications.subscriptions[1].selector = "environment is dev")));
        expect(problems).toEqual([{ path: "clusterWide.argocd.notifications.subscriptions[1].selector", message: expect.stringMatching(/label selector such as gitops-platform\/environment=dev/) }]);
    });

    it("rejects a team project that may deploy anywhere, and an app outside its project", () => {
        const problems = problemsOf(
            prodWith((m) => {
                m.clusterWide.argocd.projects[1].destinations[0].namespace = "*";
                m.argocd.applications[0].destination.namespace = "kube-system";
                m.argocd.applications[0].source.repoURL = "https://github.com/someone/else";
            }),
        );
        expect(problems.map((p) => p.path)).toEqual(
            expect.arrayContaining(["clusterWide.argocd.projects[1].destinations[0].namespace", "argocd.applications[0].destination", "argocd.applications[0].source.repoURL"]),
        );
    });

    it("checks each ApplicationSet list element's Application against the project", () => {
        // GIVEN a destination that only some elements keep inside the project's namespaces
        const problems = problemsOf(
            prodWith((m) => {
                m.argocd.applicationSets[1].destination.namespace = "{{.variant}}";
                m.argocd.applicationSets[1].generators[0].list.elements = [{ variant: "frontend-ok" }, { variant: "kube-system" }];
            }),
        );
        // THEN exactly the element that escapes is reported, with the namespace it expands to
        expect(problems).toEqual([{ path: "argocd.applicationSets[1].destination", message: expect.stringMatching(/namespace "kube-system" .* project "team-frontend"/) }]);
    });

    it("rejects Helm's default in an Alertmanager template and a regex that catches the peer environment", () => {
        const problems = problemsOf(
            prodWith((m) => {
                m.monitoring.alertmanager.slack.text = '{{ .CommonLabels.namespace | default "N/A" }}';
                m.monitoring.alertmanager.namespaceRegex = ".*";
            }),
        );
        expect(problems).toEqual(
            expect.arrayContaining([
                { path: "monitoring.alertmanager.slack.text", message: expect.stringMatching(/"default".*use Go's "or"/) },
                { path: "monitoring.alertmanager.namespaceRegex", message: expect.stringMatching(/also matches .*"monitoring-dev"/) },
            ]),
        );
    });

    it("rejects a regex that does not compile", () => {
        const problems = problemsOf(prodWith((m) => (m.monitoring.alertmanager.namespaceRegex = "(unclosed")));
        expect(problems).toEqual([{ path: "monitoring.alertmanager.namespaceRegex", message: expect.stringMatching(/does not compile/) }]);
    });

    it("reports any single corruption of a string field with a path inside the model", () => {
        // GIVEN any string field of the prod model (which has every part) replaced by a number
        const paths: (string | number)[][] = [];
        const walk = (value: unknown, at: (string | number)[]) => {
            if (typeof value === "string") paths.push(at);
            else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...at, i]));
            else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
        };
        walk(validateModel("prod", "prod", prod), []);
        fc.assert(
            fc.property(fc.constantFrom(...paths), (at) => {
                const corrupted = structuredClone(validateModel("prod", "prod", prod)) as any;
                let parent = corrupted;
                for (const key of at.slice(0, -1)) parent = parent[key];
                parent[at[at.length - 1]] = 7;
                // THEN it is reported, at that exact path (records report their key too)
                const reported = problemsOf(corrupted).map((p) => p.path);
                const expected = at.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
                return reported.some((p) => p === expected || expected.startsWith(p));
            }),
            { numRuns: 60 },
        );
    });
});

describe("validateModel on the topology", () => {
    it("asks a shared cluster for its owner, and refuses an owner on a dedicated one", () => {
        expect(problemsOf(edited(dev, (m) => delete m.cluster.owner), "dev")).toEqual([{ path: "cluster.owner", message: expect.stringMatching(/a shared cluster needs the stack that installs its cluster-wide parts/) }]);
        expect(problemsOf(edited(dedicatedDev, (m) => (m.cluster.owner = "prod")), "dev")).toEqual([{ path: "cluster.owner", message: expect.stringMatching(/only a shared cluster has an owner.*remove cluster.owner/) }]);
    });

    it("asks the stack that installs the cluster-wide parts for them, and refuses them in any other", () => {
        // GIVEN prod's model in the dev stack: prod owns the cluster, dev does not
        expect(problemsOf(prod, "dev")).toEqual([{ path: "clusterWide", message: expect.stringMatching(/must not be here: stack "prod" \(cluster.owner\) installs the cluster-wide parts of "gitops-shared"/) }]);
        // GIVEN the owner's, or a dedicated stack's, model without them
        expect(problemsOf(edited(prod, (m) => delete m.clusterWide), "prod")).toEqual([{ path: "clusterWide", message: expect.stringMatching(/is missing: stack "prod" installs .* owner of the shared cluster "gitops-shared"/) }]);
        expect(problemsOf(edited(dedicatedDev, (m) => delete m.clusterWide), "dev")).toEqual([{ path: "clusterWide", message: expect.stringMatching(/is missing: .*cluster "gitops-dev" is dedicated to it/) }]);
    });

    it("in a shared cluster, asks every root application's name to carry the environment", () => {
        const problems = problemsOf(
            prodWith((m) => {
                m.argocd.applications[0].name = "backend";
                m.argocd.applicationSets[0].nameTemplate = "{{.path.basename}}";
            }),
        );
        expect(problems).toEqual([
            { path: "argocd.applications[0].name", message: expect.stringMatching(/"backend": in a shared cluster .* must end with "-prod", e.g. "backend-prod"/) },
            { path: "argocd.applicationSets[0].nameTemplate", message: expect.stringMatching(/must end with "-prod", and so must the names it generates/) },
        ]);
        // THEN a dedicated cluster, where no other environment shares Argo CD, takes any name
        expect(problemsOf(edited(dedicatedDev, (m) => (m.argocd.applications[0].name = "backend")), "dev")).toEqual([]);
    });

    it("asks the environment's monitoring release for the cluster release's chart, and a name of its own", () => {
        const problems = problemsOf(
            prodWith((m) => {
                m.monitoring.chart = { ...m.monitoring.chart, version: "88.6.0" };
                m.monitoring.releaseName = m.clusterWide.monitoring.releaseName;
            }),
        );
        expect(problems).toEqual([
            { path: "monitoring.chart", message: expect.stringMatching(/is kube-prometheus-stack 88.6.0, but the cluster release .* runs kube-prometheus-stack 88.5.3/) },
            { path: "monitoring.releaseName", message: expect.stringMatching(/is the cluster release's name/) },
        ]);
    });
});

describe("validateModel on Git and API server URLs", () => {
    const BAD = "hooks slack com";

    it.each<[string, (m: any) => void, string]>([
        ["an Application's repoURL", (m) => (m.argocd.applications[0].source.repoURL = BAD), "argocd.applications[0].source.repoURL"],
        ["an Application's destination.server", (m) => (m.argocd.applications[0].destination.server = BAD), "argocd.applications[0].destination.server"],
        ["a git generator's repoURL", (m) => (m.argocd.applicationSets[0].generators[0].git.repoURL = BAD), "argocd.applicationSets[0].generators[0].git.repoURL"],
        ["a git generator's repoURL inside a matrix", (m) => (m.argocd.applicationSets[2].generators[0].matrix.generators[1].git.repoURL = BAD), "argocd.applicationSets[2].generators[0].matrix.generators[1].git.repoURL"],
        ["an ApplicationSet's destination.server", (m) => (m.argocd.applicationSets[1].destination.server = BAD), "argocd.applicationSets[1].destination.server"],
        ["an ApplicationSet's repoURL", (m) => (m.argocd.applicationSets[1].source.repoURL = BAD), "argocd.applicationSets[1].source.repoURL"],
        ["a project's sourceRepos", (m) => (m.clusterWide.argocd.projects[1].sourceRepos = [BAD]), "clusterWide.argocd.projects[1].sourceRepos[0]"],
        ["a project's destination server", (m) => (m.clusterWide.argocd.projects[1].destinations[0].server = BAD), "clusterWide.argocd.projects[1].destinations[0].server"],
    ])("rejects %s that is not a URL, once, at its path", (_, edit, path) => {
        const problems = problemsOf(prodWith(edit));
        const here = problems.filter((p) => p.path === path);
        expect(here).toEqual([{ path, message: expect.stringMatching(/(Git repository URL|https URL|a pattern of one).*(git@<host>:<path>|https:\/\/kubernetes.default.svc)/) }]);
    });

    it("takes https, ssh:// and git@host:path repositories, and project patterns", () => {
        const problems = problemsOf(
            prodWith((m) => {
                m.clusterWide.argocd.projects[1].sourceRepos = ["https://github.com/example-org/*", "ssh://git@git.example.com:2222/*", "git@github.com:example-org/*", "!https://github.com/example-org/secret"];
                m.argocd.applications[1].source.repoURL = "git@github.com:example-org/frontend.git";
                m.argocd.applications[0].source.repoURL = "https://github.com/example-org/platform-gitops";
                m.clusterWide.argocd.projects[2].sourceRepos = ["ssh://git@git.example.com:2222/backend.git", "https://github.com/example-org/platform-gitops"];
                m.argocd.applications[0].source.repoURL = "ssh://git@git.example.com:2222/backend.git";
            }),
        );
        expect(problems).toEqual([]);
    });

    it("checks an ApplicationSet's templated URL per list element, and leaves git parameters as text", () => {
        const problems = problemsOf(
            prodWith((m) => {
                const set = m.argocd.applicationSets[1];
                set.generators[0].list.elements = [
                    { variant: "canary", repo: "https://github.com/example-org/platform-gitops" },
                    { variant: "stable", repo: BAD },
                ];
                set.source.repoURL = "{{.repo}}";
                m.argocd.applicationSets[0].destination.server = "https://{{.path.basename}}.clusters.example.com";
                m.clusterWide.argocd.projects[0].destinations = [{ server: "*", namespace: "*" }];
            }),
        );
        expect(problems.filter((p) => p.path.endsWith("repoURL") || p.path.endsWith("server"))).toEqual([
            { path: "argocd.applicationSets[1].source.repoURL", message: `"${BAD}" is not a Git repository URL; use https://<host>/<path>, ssh://[user@]<host>/<path> or git@<host>:<path>` },
        ]);
    });

    it("refuses a team project that may reach every cluster or every cluster-scoped kind, and RBAC that names what is not there", () => {
        const problems = problemsOf(
            prodWith((m) => {
                const argocd = m.clusterWide.argocd;
                argocd.projects[1].destinations[0].server = "*";
                argocd.projects[1].clusterResourceWhitelist = [{ group: "*", kind: "*" }, { group: "*", kind: "Namespace" }];
                argocd.rbac.defaultRole = "role:nobody";
                argocd.rbac.roles[0].rules[0].object = "team-frontend";
                argocd.rbac.roles[0].rules[1].object = "team-data/*";
                argocd.rbac.roles[0].rules[2].object = "team-*/*";
            }),
        );
        const at = "clusterWide.argocd";
        expect(problems).toStrictEqual([
            { path: `${at}.projects[1].destinations[0].server`, message: 'project "team-frontend" may deploy to any cluster ("*"): only a platform project (platform: true) may; name the cluster\'s API server URL' },
            { path: `${at}.projects[1].clusterResourceWhitelist[0]`, message: expect.stringMatching(/^project "team-frontend" may create every cluster-scoped resource: only a platform project may; list the kinds it needs/) },
            { path: `${at}.rbac.defaultRole`, message: expect.stringMatching(/^"role:nobody" is not defined; use one of: role:readonly, role:admin, role:team-frontend, /) },
            { path: `${at}.rbac.roles[0].rules[0].object`, message: '"team-frontend" must be <project>/<name> for applications, e.g. "team-frontend/*"' },
            { path: `${at}.rbac.roles[0].rules[1].object`, message: 'project "team-data" does not exist; use one of: platform, team-frontend, team-backend, or "*"' },
        ]);
    });

    it("refuses Alertmanager settings it would misroute or fail to load", () => {
        const problems = problemsOf(
            prodWith((m) => {
                const am = m.monitoring.alertmanager;
                am.namespaceRegex = "(backend|frontend)-prod";
                am.slack.receiver = "null";
                am.slack.title = "{{ if .Status }}unclosed";
                am.slack.text = "{{ upper .Status }}";
            }),
        );
        expect(problems).toStrictEqual(
            expect.arrayContaining([
                { path: "monitoring.alertmanager.namespaceRegex", message: '"(backend|frontend)-prod" does not match this environment\'s own namespace "monitoring-prod", so its alerts would be dropped; include it' },
                { path: "monitoring.alertmanager.slack.receiver", message: '"null" is reserved for the receiver that drops alerts; choose another name' },
                { path: "monitoring.alertmanager.slack.title", message: expect.stringMatching(/^does not parse as a Go template: .*never closed/) },
                { path: "monitoring.alertmanager.slack.text", message: expect.stringMatching(/^uses "upper", which Alertmanager templates do not have; use one of: [a-z]+(, [a-zA-Z]+)+$/) },
            ]),
        );
        const twice = problemsOf(prodWith((m) => (m.monitoring.alertmanager.deadMansSwitch.receiver = "slack-prod")));
        expect(twice).toStrictEqual([{ path: "monitoring.alertmanager.deadMansSwitch.receiver", message: 'receiver "slack-prod" is defined twice; give each receiver its own name' }]);
        // The heartbeat URL holds its ping key: the model names the config secret, and a URL put there instead is refused without being echoed.
        const inModel = problemsOf(prodWith((m) => (m.monitoring.alertmanager.deadMansSwitch.url = "https://hc-ping.example.com/secret-ping-key")));
        expect(inModel).toStrictEqual([
            {
                path: "monitoring.alertmanager.deadMansSwitch.url",
                message: "must name the config secret that holds the heartbeat URL, such as gitops:alertmanagerDeadMansSwitchUrl, not the URL, whose ping key is a secret; set the URL with `pulumi config set --secret gitops:alertmanagerDeadMansSwitchUrl <url>`",
            },
        ]);
        const pagerTwice = problemsOf(prodWith((m) => (m.monitoring.alertmanager.pagerduty.receiver = "slack-prod")));
        expect(pagerTwice).toStrictEqual([{ path: "monitoring.alertmanager.pagerduty.receiver", message: 'receiver "slack-prod" is defined twice; give each receiver its own name' }]);
        // The installing stack must route the platform's alerts about its cluster-wide parts: the namespace of each.
        const ownOnly = problemsOf(prodWith((m) => (m.monitoring.alertmanager.namespaceRegex = ".*-prod|kube-system|monitoring|")));
        const missed = CLUSTER_PARTS.map((p) => [stackModel("prod").clusterWide?.[p.key]?.namespace, p.key]).filter(([ns]) => !["kube-system", "monitoring"].includes(ns as string));
        expect(missed.length).toBeGreaterThan(1);
        expect(ownOnly.map((p) => p.message)).toStrictEqual(
            missed.map(([ns, part]) => `".*-prod|kube-system|monitoring|" does not match "${ns}", the namespace of clusterWide.${part}, which this stack installs, so the platform's alerts about it would be dropped; include it`),
        );
        // And the cluster's own alerts, which carry no namespace (KubeletDown: absent(up{job="kubelet"})).
        const namespacedOnly = problemsOf(prodWith((m) => (m.monitoring.alertmanager.namespaceRegex = `${m.monitoring.alertmanager.namespaceRegex.replace(/\|$/, "")}`)));
        expect(namespacedOnly.map((p) => p.message)).toStrictEqual([expect.stringMatching(/ does not match alerts without a namespace, the cluster's own \(KubeAPIDown, KubeletDown\), .*add an empty alternative, as in ".*\|"$/)]);
        // A stack that shares a cluster it does not own leaves them to the owner.
        expect(problemsOf(edited(dev, (m) => (m.monitoring.alertmanager.namespaceRegex = ".*-dev|monitoring-dev")), "dev")).toStrictEqual([]);
        const lookAhead = problemsOf(prodWith((m) => (m.monitoring.alertmanager.namespaceRegex = "(?!kube-).*-prod")));
        expect(lookAhead).toStrictEqual([{ path: "monitoring.alertmanager.namespaceRegex", message: "\"(?!kube-).*-prod\" does not compile (look-around and back-references are not supported by Go's RE2); fix the regular expression" }]);
    });
});
