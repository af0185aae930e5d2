/** What every stack model shares: pinned charts, the Git repository, channel names. */

/** Pinned chart versions (see ../shared/reference/MANIFEST.md). */
export const charts = {
    argoCd: { chart: "argo-cd", version: "10.1.1", repository: "https://argoproj.github.io/argo-helm" },
    argoRollouts: { chart: "argo-rollouts", version: "2.41.0", repository: "https://argoproj.github.io/argo-helm" },
    kubePrometheusStack: { chart: "kube-prometheus-stack", version: "88.5.3", repository: "https://prometheus-community.github.io/helm-charts" },
    sealedSecrets: { chart: "sealed-secrets", version: "2.18.5", repository: "https://bitnami-labs.github.io/sealed-secrets" },
    certManager: { chart: "cert-manager", version: "v1.21.1", repository: "https://charts.jetstack.io" },
} as const;

/**
 * The two sizes of the shipped stacks (the README's sizing table): `small` for an environment
 * people try things in, `production` for one they depend on, and for the cluster-wide parts of a
 * cluster that runs one.
 */
export const SIZING = {
    small: {
        size: "small",
        argocd: { replicas: 1, redisHa: false },
        rolloutsReplicas: 1,
        prometheus: { retention: "3d", storage: { size: "10Gi" } },
        alertmanager: { replicas: 1, storage: { size: "1Gi" } },
        grafanaPersistence: undefined,
    },
    production: {
        size: "production",
        argocd: { replicas: 2, redisHa: true },
        rolloutsReplicas: 2,
        prometheus: { retention: "15d", storage: { size: "50Gi" } },
        alertmanager: { replicas: 2, storage: { size: "2Gi" } },
        grafanaPersistence: { size: "10Gi" },
    },
} as const;
export type Sizing = (typeof SIZING)[keyof typeof SIZING];

/** The DNS zone of the platform's addresses: `argocd.<zone>`, `grafana-<env>.<zone>`. */
export const PLATFORM_DOMAIN = "platform.example.com";
/** The ingress class the cluster's add-ons install, which every address goes through. */
export const INGRESS_CLASS = "nginx";
/**
 * The cluster the shipped stacks land on: kind (docs/checking-a-cluster.md has its config) with a
 * control plane and three workers, as on a GitHub-hosted runner (4 CPUs, 16 GiB each node sees):
 * prod's Redis HA needs three schedulable nodes, one Redis pod on each.
 */
export const CLUSTER_PROFILE = {
    kubernetes: "1.34",
    distribution: "kind",
    // A kind node gives pods its host's CPUs and memory; a GitHub-hosted runner (4 CPUs, 16 GB) gives a little less than this.
    nodes: { schedulable: 3, allocatable: { cpu: "3800m", memory: "15Gi" } },
    // kind's default class (rancher's local-path provisioner).
    storageClass: "standard",
    ingressClass: INGRESS_CLASS,
    gatewayApi: false,
} as const;

/** The ClusterIssuer of the platform's own CA, which signs every address of the shipped stacks. */
export const PLATFORM_CA_ISSUER = "platform-ca";

/** The identity provider people sign in with: one OpenID Connect realm (Keycloak's paths). */
export const IDENTITY_PROVIDER = {
    issuer: "https://login.example.com/realms/platform",
    authorizationUrl: "https://login.example.com/realms/platform/protocol/openid-connect/auth",
    tokenUrl: "https://login.example.com/realms/platform/protocol/openid-connect/token",
    userInfoUrl: "https://login.example.com/realms/platform/protocol/openid-connect/userinfo",
    groupsClaim: "groups",
} as const;

/** The groups of the identity provider the platform's roles are bound to. */
export const GROUPS = { platformAdmins: "platform-admins", developers: "developers", frontend: "frontend-team", backend: "backend-team" } as const;

/** An address of the platform, at `<name>.<PLATFORM_DOMAIN>`, through the ingress class, signed by the platform's CA. */
export function address(name: string) {
    return { host: `${name}.${PLATFORM_DOMAIN}`, clusterIssuer: PLATFORM_CA_ISSUER, ingress: { className: INGRESS_CLASS } };
}

export const IN_CLUSTER = "https://kubernetes.default.svc";
/** The organisation whose repositories are private: Argo CD reads them with a token. */
export const GIT_ORG = "https://github.com/example-org/";
export const GIT_REPO = `${GIT_ORG}platform-gitops`;

/** Namespace of the cluster release of kube-prometheus-stack (operator, exporters). */
export const CLUSTER_MONITORING_NAMESPACE = "monitoring";

/** The Slack channel of a purpose in an environment: `platform-dev`, `frontend-prod`... */
export function channel(purpose: "platform" | "frontend" | "backend" | "rollouts", environment: string): string {
    return `${purpose}-${environment}`;
}
