/**
 * The cluster-wide parts every cluster gets once: the sealed-secrets controller, Argo CD (RBAC,
 * accounts, projects, notifications), Argo Rollouts and the cluster release of
 * kube-prometheus-stack. Default notifications go to each environment's own channels.
 */
import type { StackModelInput } from "../../model/schema";
import { address, channel, charts, CLUSTER_MONITORING_NAMESPACE, GIT_ORG, GIT_REPO, GROUPS, IN_CLUSTER, PLATFORM_CA_ISSUER, type Sizing } from "./constants";

export type ClusterWideInput = NonNullable<StackModelInput["clusterWide"]>;

/** The label every Application of an environment carries (set by the program): default subscriptions select by it. */
const ENVIRONMENT_LABEL = "gitops-platform/environment";

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

/**
 * Default subscriptions of each environment in the cluster, to its own channel. With one
 * environment in the cluster no selector is needed; with several, each selects its own.
 */
function environmentSubscriptions(environments: readonly string[], purpose: "platform" | "rollouts", triggers: string[]) {
    return environments.map((e) => ({
        recipients: [`slack:${channel(purpose, e)}`],
        triggers,
        ...(environments.length > 1 ? { selector: `${ENVIRONMENT_LABEL}=${e}` } : {}),
    }));
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

/** What differs between clusters in their cluster-wide parts. */
export interface ClusterSettings {
    /** The name of Argo CD's address: `<name>.<PLATFORM_DOMAIN>`. */
    readonly argocdAddress: string;
    /** The environments the cluster runs: each gets its own notifications. */
    readonly environments: readonly string[];
    /** Keep Argo CD's local admin beside single sign-on; off where the break-glass path is enough. */
    readonly argocdLocalAdmin: boolean;
    /** How big the cluster-wide parts run: the size of the largest environment the cluster runs. */
    readonly sizing: Sizing;
}

/** The cluster-wide parts of a cluster. */
export function clusterWideParts(cluster: ClusterSettings): ClusterWideInput {
    const { environments, sizing } = cluster;
    const { size } = sizing;
    return {
        sealedSecrets: { namespace: "kube-system", releaseName: "sealed-secrets", chart: charts.sealedSecrets, size },
        certManager: {
            namespace: "cert-manager",
            releaseName: "cert-manager",
            chart: charts.certManager,
            size,
            // The platform's own CA signs every address; demo/ holds a demo CA for the offline render.
            issuers: [{ name: PLATFORM_CA_ISSUER, ca: { certificate: "gitops:tlsCaCertificate", key: "gitops:tlsCaKey" } }],
        },
        argocd: {
            namespace: "argocd",
            releaseName: "argocd",
            chart: charts.argoCd,
            size,
            ...sizing.argocd,
            expose: address(cluster.argocdAddress),
            sso: { oidc: { clientId: "argocd", clientSecret: "gitops:argocdOidcClientSecret" }, localAdmin: cluster.argocdLocalAdmin },
            privateRepositories: [{ urlPrefix: GIT_ORG, https: { username: "git", password: "gitops:gitRepositoryToken" } }],
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
                // Groups of the identity provider, and local accounts.
                bindings: [
                    { subject: GROUPS.platformAdmins, role: "role:admin" },
                    { subject: GROUPS.frontend, role: "role:team-frontend" },
                    { subject: GROUPS.backend, role: "role:team-backend" },
                    { subject: GROUPS.developers, role: "role:developer" },
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
            notifications: {
                secretData: { "slack-webhook": "gitops:argocdSlackWebhook", "slack-token": "gitops:argocdSlackToken" },
                webhooks: [{ name: "slack_webhook", url: "$slack-webhook", headers: [{ name: "Content-Type", value: "application/json" }] }],
                slack: { token: "$slack-token", username: "argocd" },
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
                    // The webhook posts to the one channel its URL belongs to, for every environment.
                    { recipients: ["slack_webhook"], triggers: ["on-sync-status-change", "on-sync-failed", "on-health-degraded"] },
                    ...environmentSubscriptions(environments, "platform", ["on-deployed", "on-sync-failed", "on-out-of-sync"]),
                ],
            },
        },
        rollouts: {
            namespace: "argo-rollouts",
            releaseName: "argo-rollouts",
            chart: charts.argoRollouts,
            size,
            replicas: sizing.rolloutsReplicas,
            notifications: {
                secretData: { "slack-token": "gitops:rolloutsSlackToken" },
                slack: { token: "$slack-token", username: "argo-rollouts" },
                templates: [rolloutTemplate("rollout-completed", "has been completed", "#18be52"), rolloutTemplate("rollout-aborted", "has been aborted", "#E01E5A")],
                triggers: [
                    { name: "on-rollout-completed", conditions: [{ when: "rollout.status.phase == 'Healthy'", send: ["rollout-completed"], oncePer: "rollout.status.observedGeneration" }] },
                    { name: "on-rollout-aborted", conditions: [{ when: "rollout.status.phase == 'Degraded'", send: ["rollout-aborted"], oncePer: "rollout.status.observedGeneration" }] },
                ],
                subscriptions: environmentSubscriptions(environments, "rollouts", ["on-rollout-completed", "on-rollout-aborted"]),
            },
        },
        monitoring: { namespace: CLUSTER_MONITORING_NAMESPACE, releaseName: "kube-prometheus-stack", chart: charts.kubePrometheusStack, size },
    };
}
