/**
 * What every environment shares: pinned charts, teams, projects, RBAC, notifications and
 * alert routing. `dev.ts` and `prod.ts` only pass what really differs between environments.
 */
import type { StackModelInput } from "../model/schema";

/** Pinned chart versions (see ../shared/reference/MANIFEST.md). */
export const charts = {
    argoCd: { chart: "argo-cd", version: "10.1.1", repository: "https://argoproj.github.io/argo-helm" },
    argoRollouts: { chart: "argo-rollouts", version: "2.41.0", repository: "https://argoproj.github.io/argo-helm" },
    kubePrometheusStack: { chart: "kube-prometheus-stack", version: "88.5.3", repository: "https://prometheus-community.github.io/helm-charts" },
    sealedSecrets: { chart: "sealed-secrets", version: "2.18.5", repository: "https://bitnami-labs.github.io/sealed-secrets" },
} as const;

const IN_CLUSTER = "https://kubernetes.default.svc";
const GIT_REPO = "https://github.com/example-org/platform-gitops";

/** What differs between environments. */
export interface EnvironmentSettings {
    /** `dev`, `prod`, ...: suffix of team namespaces and of `monitoring-<env>`. */
    readonly environment: string;
    /** Environments whose alerts must never reach this one's receivers. */
    readonly peerEnvironments: readonly string[];
    /** Branch or tag the environment's applications follow. */
    readonly revision: string;
    /** Host name of the Argo CD UI. */
    readonly argocdDomain: string;
    /** Prometheus UI base URL, linked from every alert. */
    readonly prometheusUrl: string;
    /** Slack channels for deployment notifications. */
    readonly channels: { readonly platform: string; readonly frontend: string; readonly backend: string; readonly rollouts: string };
    /** Alertmanager repeat interval: how often an unresolved alert is sent again. */
    readonly repeatInterval: string;
}

/** The Git directory generator shared by ApplicationSets. */
function gitDirectories(path: string, revision: string) {
    return { git: { repoURL: GIT_REPO, revision, directories: [{ path }] } };
}

/** A link to the application and the commit it is at: part of every message. */
const APP_LINK = "{{.context.argocdUrl}}/applications/{{.app.metadata.name}}";
const REVISION = "{{.app.status.sync.revision}}";

/** A webhook body for the `slack_webhook` service (Slack incoming-webhook JSON). */
function slackWebhookBody(text: string): string {
    return JSON.stringify({ text: `${text}\n· Revision: \`${REVISION}\`\n<${APP_LINK}|Open in Argo CD>` });
}

/** A notifications template with a bot-token message and a webhook body saying the same. */
function appTemplate(name: string, text: string) {
    return {
        name,
        message: `${text}\nRevision: ${REVISION}\n${APP_LINK}`,
        webhook: { slack_webhook: { method: "POST" as const, body: slackWebhookBody(text) } },
    };
}

const TEAM_KINDS = [
    { group: "apps", kind: "Deployment" },
    { group: "", kind: "Service" },
    { group: "", kind: "ConfigMap" },
    { group: "bitnami.com", kind: "SealedSecret" },
    { group: "argoproj.io", kind: "Rollout" },
];

/** The rules of a team role: full control of its own project's applications, never override. */
function teamRules(project: string) {
    return [
        ...["get", "create", "update", "delete", "sync"].map((action) => ({ resource: "applications", action, object: `${project}/*`, effect: "allow" as const })),
        { resource: "applications", action: "override", object: `${project}/*`, effect: "deny" as const },
    ];
}

/** A team's root Application: its overlay for the environment, in its own namespace, announced in its channel. */
function teamApplication(env: EnvironmentSettings, team: "frontend" | "backend", syncWave: number) {
    const channel = env.channels[team];
    return {
        name: `${team}-${env.environment}`,
        project: `team-${team}`,
        source: { repoURL: GIT_REPO, path: `apps/${team}/overlays/${env.environment}`, targetRevision: env.revision },
        destination: { server: IN_CLUSTER, namespace: `${team}-${env.environment}` },
        syncWave,
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["CreateNamespace=true"] },
        subscriptions: [
            { trigger: "on-deployed", service: "slack", recipients: [channel] },
            { trigger: "on-sync-failed", service: "slack", recipients: [channel] },
        ],
    };
}

/** Builds a complete stack model from the settings that differ per environment. */
export function platformStack(env: EnvironmentSettings): StackModelInput {
    const e = env.environment;
    return {
        environment: e,
        peerEnvironments: [...env.peerEnvironments],
        sealedSecrets: { namespace: "kube-system", releaseName: "sealed-secrets", chart: charts.sealedSecrets },
        argocd: {
            namespace: "argocd",
            releaseName: "argocd",
            chart: charts.argoCd,
            domain: env.argocdDomain,
            ingress: { enabled: true, className: "nginx" },
            rbac: {
                defaultRole: "role:readonly",
                roles: [
                    { name: "team-frontend", rules: teamRules("team-frontend") },
                    { name: "team-backend", rules: teamRules("team-backend") },
                    {
                        name: "developer",
                        rules: [
                            { resource: "applications", action: "get", object: "*/*", effect: "allow" },
                            { resource: "applications", action: "sync", object: "*/*", effect: "allow" },
                            { resource: "applications", action: "create", object: "*/*", effect: "deny" },
                            { resource: "applications", action: "delete", object: "*/*", effect: "deny" },
                        ],
                    },
                ],
                bindings: [
                    { subject: "frontend-team", role: "role:team-frontend" },
                    { subject: "backend-team", role: "role:team-backend" },
                    { subject: "developers", role: "role:developer" },
                    { subject: "frontend-dev", role: "role:team-frontend" },
                    { subject: "backend-dev", role: "role:team-backend" },
                ],
            },
            accounts: [
                { name: "frontend-dev", capabilities: ["apiKey", "login"] },
                { name: "backend-dev", capabilities: ["apiKey", "login"] },
                { name: "readonly-user", capabilities: ["login"] },
            ],
            projects: [
                {
                    name: "platform",
                    description: "The platform's own applications (add-ons, notifications); owned by the platform team",
                    platform: true,
                    sourceRepos: [GIT_REPO],
                    destinations: [{ server: "*", namespace: "*" }],
                    clusterResourceWhitelist: [{ group: "*", kind: "*" }],
                    namespaceResourceWhitelist: [{ group: "*", kind: "*" }],
                },
                {
                    name: "team-frontend",
                    description: "Frontend team applications",
                    sourceRepos: [GIT_REPO],
                    destinations: [{ server: IN_CLUSTER, namespace: "frontend-*" }],
                    clusterResourceWhitelist: [{ group: "", kind: "Namespace" }],
                    namespaceResourceWhitelist: TEAM_KINDS,
                    roles: [{ name: "ci", description: "CI pipelines may sync frontend apps", actions: ["get", "sync"] }],
                },
                {
                    name: "team-backend",
                    description: "Backend team applications",
                    sourceRepos: [GIT_REPO],
                    destinations: [{ server: IN_CLUSTER, namespace: "backend-*" }],
                    clusterResourceWhitelist: [{ group: "", kind: "Namespace" }],
                    namespaceResourceWhitelist: [...TEAM_KINDS, { group: "apps", kind: "StatefulSet" }, { group: "", kind: "PersistentVolumeClaim" }],
                },
            ],
            // The frontend syncs after the backend it calls.
            applications: [teamApplication(env, "backend", 1), teamApplication(env, "frontend", 2)],
            applicationSets: [
                {
                    name: `platform-addons-${e}`,
                    project: "platform",
                    generators: [gitDirectories("platform/addons/*", env.revision)],
                    nameTemplate: `{{.path.basename}}-${e}`,
                    source: { repoURL: GIT_REPO, path: "{{.path.path}}", targetRevision: env.revision },
                    destination: { server: IN_CLUSTER, namespace: "{{.path.basename}}" },
                    // Add-ons (ingress, storage) come before any team's workloads.
                    syncWave: -1,
                    syncPolicy: { automated: { prune: false, selfHeal: true }, syncOptions: ["CreateNamespace=true", "ServerSideApply=true"] },
                },
                {
                    name: `frontend-previews-${e}`,
                    project: "team-frontend",
                    generators: [{ list: { elements: [{ variant: "canary" }, { variant: "stable" }] } }],
                    nameTemplate: `frontend-{{.variant}}-${e}`,
                    source: { repoURL: GIT_REPO, path: `apps/frontend/variants/{{.variant}}`, targetRevision: env.revision },
                    destination: { server: IN_CLUSTER, namespace: `frontend-{{.variant}}-${e}` },
                    syncWave: 3,
                    syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["CreateNamespace=true"] },
                },
                {
                    name: `backend-services-${e}`,
                    project: "team-backend",
                    generators: [
                        {
                            matrix: {
                                generators: [{ list: { elements: [{ tier: "api" }, { tier: "workers" }] } }, gitDirectories("services/backend/*", env.revision)],
                            },
                        },
                    ],
                    nameTemplate: `{{.path.basename}}-{{.tier}}-${e}`,
                    source: { repoURL: GIT_REPO, path: "{{.path.path}}/{{.tier}}", targetRevision: env.revision },
                    destination: { server: IN_CLUSTER, namespace: `backend-${e}` },
                    syncWave: 1,
                    syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: [] },
                    subscriptions: [{ trigger: "on-sync-failed", service: "slack", recipients: [env.channels.backend] }],
                },
            ],
            notifications: {
                secretData: { "slack-webhook": "argocdSlackWebhook", "slack-token": "argocdSlackToken" },
                webhooks: [{ name: "slack_webhook", url: "$slack-webhook", headers: [{ name: "Content-Type", value: "application/json" }] }],
                slack: { token: "$slack-token", username: `argocd-${e}` },
                templates: [
                    appTemplate("app-sync-status", "*[{{.app.metadata.name}}]* Sync *{{.app.status.sync.status}}* → Health *{{.app.status.health.status}}*"),
                    appTemplate("app-sync-failed", "*[{{.app.metadata.name}}]* Sync *Failed*\n· Phase: `{{.app.status.operationState.phase}}`\n· Message: `{{.app.status.operationState.message}}`"),
                    appTemplate("app-health-degraded", "*[{{.app.metadata.name}}]* Health *Degraded*\n· Health: `{{.app.status.health.status}}`, Sync: `{{.app.status.sync.status}}`"),
                    appTemplate("app-deployed", "*[{{.app.metadata.name}}]* deployed: Sync *{{.app.status.sync.status}}*, Health *{{.app.status.health.status}}*\n· Repository: {{.app.spec.source.repoURL}}"),
                    appTemplate("app-out-of-sync", "*[{{.app.metadata.name}}]* is *OutOfSync*: Git has changes that are not deployed yet"),
                ],
                triggers: [
                    { name: "on-sync-status-change", conditions: [{ when: "app.status.sync.status in ['Synced', 'OutOfSync']", send: ["app-sync-status"], oncePer: "app.status.sync.revision" }] },
                    { name: "on-sync-failed", conditions: [{ when: "app.status.operationState.phase in ['Error', 'Failed']", send: ["app-sync-failed"], oncePer: "app.status.operationState.syncResult.revision" }] },
                    { name: "on-health-degraded", conditions: [{ when: "app.status.health.status == 'Degraded'", send: ["app-health-degraded"], oncePer: "app.status.sync.revision" }] },
                    { name: "on-deployed", conditions: [{ when: "app.status.operationState.phase in ['Succeeded'] and app.status.health.status == 'Healthy'", send: ["app-deployed"], oncePer: "app.status.operationState.syncResult.revision" }] },
                    { name: "on-out-of-sync", conditions: [{ when: "app.status.sync.status == 'OutOfSync'", send: ["app-out-of-sync"], oncePer: "app.status.sync.revision" }] },
                ],
                subscriptions: [
                    { recipients: ["slack_webhook"], triggers: ["on-sync-status-change", "on-sync-failed", "on-health-degraded"] },
                    { recipients: [`slack:${env.channels.platform}`], triggers: ["on-deployed", "on-sync-failed", "on-out-of-sync"] },
                ],
            },
        },
        rollouts: {
            namespace: "argo-rollouts",
            releaseName: "argo-rollouts",
            chart: charts.argoRollouts,
            notifications: {
                secretData: { "slack-token": "rolloutsSlackToken" },
                slack: { token: "$slack-token", username: `argo-rollouts-${e}` },
                templates: [rolloutTemplate("rollout-completed", "has been completed", "#18be52"), rolloutTemplate("rollout-aborted", "has been aborted", "#E01E5A")],
                triggers: [
                    { name: "on-rollout-completed", conditions: [{ when: "rollout.status.phase == 'Healthy'", send: ["rollout-completed"], oncePer: "rollout.status.observedGeneration" }] },
                    { name: "on-rollout-aborted", conditions: [{ when: "rollout.status.phase == 'Degraded'", send: ["rollout-aborted"], oncePer: "rollout.status.observedGeneration" }] },
                ],
                subscriptions: [{ recipients: [`slack:${env.channels.rollouts}`], triggers: ["on-rollout-completed", "on-rollout-aborted"] }],
            },
            analysisTemplates: [
                {
                    name: "http-error-rate",
                    args: ["app"],
                    metrics: [
                        {
                            name: "http-error-rate",
                            interval: "30s",
                            count: 5,
                            failureLimit: 3,
                            successCondition: "result[0] < 0.05",
                            query: 'sum(rate(http_requests_total{status=~"5..", app="{{args.app}}"}[2m])) / sum(rate(http_requests_total{app="{{args.app}}"}[2m]))',
                        },
                    ],
                },
                {
                    name: "http-latency-p95",
                    args: ["app"],
                    metrics: [
                        {
                            name: "http-latency-p95-ms",
                            interval: "30s",
                            count: 5,
                            failureLimit: 3,
                            successCondition: "result[0] < 500",
                            query: 'histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket{app="{{args.app}}"}[2m])) by (le)) * 1000',
                        },
                    ],
                },
            ],
        },
        monitoring: {
            namespace: `monitoring-${e}`,
            releaseName: `monitoring-${e}`,
            chart: charts.kubePrometheusStack,
            alertmanager: {
                repeatInterval: env.repeatInterval,
                namespaceRegex: `.*-${e}|monitoring-${e}|kube-system`,
                slack: { receiver: `slack-${e}`, titleTag: e.toUpperCase(), alertsUrl: `${env.prometheusUrl}/alerts` },
            },
        },
    };
}

/** An Argo Rollouts template: message, email subject and a Slack attachment with the strategy and images. */
function rolloutTemplate(name: string, what: string, color: string) {
    const fields = [
        `{"title": "Strategy", "value": "{{if .rollout.spec.strategy.blueGreen}}BlueGreen{{end}}{{if .rollout.spec.strategy.canary}}Canary{{end}}", "short": true}`,
        `{{range .rollout.spec.template.spec.containers}}, {"title": "{{.name}}", "value": "{{.image}}", "short": true}{{end}}`,
    ].join("");
    return {
        name,
        message: `Rollout *{{.rollout.metadata.name}}* ${what} (revision {{index .rollout.metadata.annotations "rollout.argoproj.io/revision"}}).`,
        email: { subject: `Rollout {{.rollout.metadata.name}} ${what}.` },
        slack: { attachments: `[{"title": "{{.rollout.metadata.name}}", "color": "${color}", "fields": [${fields}]}]` },
    };
}
