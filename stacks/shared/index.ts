/**
 * What every environment shares: the cluster topology, and a builder of the whole stack model
 * from the few settings that differ per environment. `dev.ts` and `prod.ts` pass only those.
 */
import type { StackModelInput } from "../../model/schema";
import { type ClusterWideInput, clusterWideParts } from "./clusterWide";
import { address, channel, charts, CLUSTER_PROFILE, GIT_REPO, GROUPS, IDENTITY_PROVIDER, IN_CLUSTER, type Sizing } from "./constants";

export { charts } from "./constants";

/**
 * How the shipped stacks use clusters. `shared`: dev and prod in one cluster, as the source
 * documents run them; the owner stack installs the cluster-wide parts. `dedicated`: a cluster per
 * environment, each stack installing everything. `spoke`: a cluster of its own that a fleet hub's
 * Argo CD manages (docs/fleet.md): the stack installs everything but Argo CD and what lives in it.
 */
export type Topology = "shared" | "dedicated" | "spoke";
export const TOPOLOGY: Topology = "shared";

/** The one cluster of the shared topology. */
export const SHARED_CLUSTER = {
    name: "gitops-shared",
    /** Installs Argo CD, Argo Rollouts, sealed-secrets and the monitoring operator for every environment. */
    owner: "prod",
    environments: ["dev", "prod"],
} as const;

/** What differs between environments. */
export interface EnvironmentSettings {
    /** `dev`, `prod`, ...: the stack's name, and suffix of team namespaces and of `monitoring-<env>`. */
    readonly environment: string;
    /** Environments whose alerts must never reach this one's receivers. */
    readonly peerEnvironments: readonly string[];
    /** Branch or tag the environment's applications follow. */
    readonly revision: string;
    /** The name of Argo CD's address (`<name>.<PLATFORM_DOMAIN>`), when this environment's stack installs Argo CD. */
    readonly argocdAddress: string;
    /** The name of the environment's Grafana's address, which every alert links to. */
    readonly grafanaAddress: string;
    /** Keep Argo CD's local admin beside single sign-on, when this environment's stack installs Argo CD. */
    readonly argocdLocalAdmin: boolean;
    /** Alertmanager repeat interval: how often an unresolved alert is sent again. */
    readonly repeatInterval: string;
    /** How big the environment runs (SIZING), and the cluster-wide parts where its stack installs them. */
    readonly sizing: Sizing;
    /** Page through PagerDuty on critical alerts (routing key `gitops:alertmanagerPagerdutyRoutingKey`), besides Slack. */
    readonly pagesOnCritical: boolean;
    /**
     * Post Watchdog, which always fires, to a dead-man's switch every minute (heartbeat URL
     * `gitops:alertmanagerDeadMansSwitchUrl`), whose service alerts when the posts stop: a dead
     * Prometheus or Alertmanager is noticed. Without it Watchdog is dropped.
     */
    readonly deadMansSwitch: boolean;
}

/** The Git directory generator shared by ApplicationSets. */
function gitDirectories(path: string, revision: string) {
    return { git: { repoURL: GIT_REPO, revision, directories: [{ path }] } };
}

/** A team's root Application: its overlay for the environment, in its own namespace, announced in its channel. */
function teamApplication(env: EnvironmentSettings, team: "frontend" | "backend", syncWave: number) {
    const recipients = [channel(team, env.environment)];
    return {
        name: `${team}-${env.environment}`,
        project: `team-${team}`,
        source: { repoURL: GIT_REPO, path: `apps/${team}/overlays/${env.environment}`, targetRevision: env.revision },
        destination: { server: IN_CLUSTER, namespace: `${team}-${env.environment}` },
        syncWave,
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["CreateNamespace=true"] },
        subscriptions: [
            { trigger: "on-deployed", service: "slack", recipients },
            { trigger: "on-sync-failed", service: "slack", recipients },
        ],
    };
}

/**
 * The cluster's add-ons (ingress controller, storage...), each folder of `platform/addons/` into
 * its own namespace. Once per cluster: two stacks syncing them would fight over the same objects.
 */
function platformAddons(env: EnvironmentSettings) {
    const e = env.environment;
    return {
        name: `platform-addons-${e}`,
        project: "platform",
        generators: [gitDirectories("platform/addons/*", env.revision)],
        nameTemplate: `{{.path.basename}}-${e}`,
        source: { repoURL: GIT_REPO, path: "{{.path.path}}", targetRevision: env.revision },
        destination: { server: IN_CLUSTER, namespace: "{{.path.basename}}" },
        // Add-ons (ingress, storage) come before any team's workloads.
        syncWave: -1,
        syncPolicy: { automated: { prune: false, selfHeal: true }, syncOptions: ["CreateNamespace=true", "ServerSideApply=true"] },
    };
}

/** A ClusterAnalysisTemplate metric sampled every 30s, five times, failing after three bad samples. */
function metric(name: string, successCondition: string, query: string) {
    return { name, interval: "30s", count: 5, failureLimit: 3, successCondition, query };
}

/** The cluster part of the model: which cluster, and whether this environment's stack installs its cluster-wide parts. */
function clusterOf(env: EnvironmentSettings, topology: Topology) {
    if (topology !== "shared") {
        return { cluster: { name: `gitops-${env.environment}`, mode: "dedicated" as const, ...CLUSTER_PROFILE }, environments: [env.environment], installs: true };
    }
    const { name, owner, environments } = SHARED_CLUSTER;
    return { cluster: { name, mode: "shared" as const, owner, ...CLUSTER_PROFILE }, environments, installs: owner === env.environment };
}

/** The cluster-wide parts of a spoke: all but Argo CD. */
function withoutArgoCd({ argocd: _, ...parts }: ClusterWideInput): ClusterWideInput {
    return parts;
}

/** Builds a complete stack model from the settings that differ per environment. */
export function platformStack(env: EnvironmentSettings, topology: Topology = TOPOLOGY): StackModelInput {
    const e = env.environment;
    const { cluster, environments, installs } = clusterOf(env, topology);
    const grafana = address(env.grafanaAddress);
    const parts = installs ? clusterWideParts({ argocdAddress: env.argocdAddress, environments, argocdLocalAdmin: env.argocdLocalAdmin, sizing: env.sizing }) : undefined;
    // A spoke's Argo CD is its hub's: it has none, nor root applications.
    const spoke = topology === "spoke";
    const clusterWide = parts && spoke ? withoutArgoCd(parts) : parts;
    // Alerts about the cluster-wide parts (their namespaces) and about the cluster itself go to the
    // environment whose stack installs them, once. The cluster's own alerts carry no namespace
    // (KubeAPIDown, KubeletDown: absent(up{job=...})); the empty alternative takes them.
    const clusterNamespaces = clusterWide ? [...(Object.values(clusterWide) as { namespace: string }[]).map((part) => part.namespace), ""] : [];
    return {
        environment: e,
        peerEnvironments: [...env.peerEnvironments],
        cluster,
        identityProvider: IDENTITY_PROVIDER,
        ...(clusterWide ? { clusterWide } : {}),
        argocd: spoke ? { applications: [], applicationSets: [] } : {
            // The frontend syncs after the backend it calls.
            applications: [teamApplication(env, "backend", 1), teamApplication(env, "frontend", 2)],
            applicationSets: [
                // The cluster's add-ons, once per cluster: from the stack that installs the cluster-wide parts.
                ...(installs ? [platformAddons(env)] : []),
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
                    subscriptions: [{ trigger: "on-sync-failed", service: "slack", recipients: [channel("backend", e)] }],
                },
            ],
        },
        rollouts: {
            analysisTemplates: [
                {
                    name: "http-error-rate",
                    args: ["app"],
                    metrics: [metric("http-error-rate", "result[0] < 0.05", 'sum(rate(http_requests_total{status=~"5..", app="{{args.app}}"}[2m])) / sum(rate(http_requests_total{app="{{args.app}}"}[2m]))')],
                },
                {
                    name: "http-latency-p95",
                    args: ["app"],
                    metrics: [metric("http-latency-p95-ms", "result[0] < 500", 'histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket{app="{{args.app}}"}[2m])) by (le)) * 1000')],
                },
            ],
        },
        monitoring: {
            namespace: `monitoring-${e}`,
            releaseName: `monitoring-${e}`,
            chart: charts.kubePrometheusStack,
            size: env.sizing.size,
            prometheus: env.sizing.prometheus,
            grafana: {
                expose: grafana,
                ...(env.sizing.grafanaPersistence ? { persistence: env.sizing.grafanaPersistence } : {}),
                sso: { clientId: `grafana-${e}`, clientSecret: "gitops:grafanaOidcClientSecret", roles: { admin: [GROUPS.platformAdmins], editor: [GROUPS.developers] } },
            },
            alertmanager: {
                ...env.sizing.alertmanager,
                repeatInterval: env.repeatInterval,
                namespaceRegex: [`.*-${e}`, `monitoring-${e}`, ...clusterNamespaces].join("|"),
                // Prometheus and Alertmanager are reached through Grafana only, which signs people in.
                slack: { receiver: `slack-${e}`, titleTag: e.toUpperCase(), alertsUrl: `https://${grafana.host}/alerting/list` },
                ...(env.pagesOnCritical ? { pagerduty: { receiver: `pagerduty-${e}` } } : {}),
                ...(env.deadMansSwitch ? { deadMansSwitch: { receiver: `deadmansswitch-${e}` } } : {}),
            },
        },
    };
}
