/** What every stack model shares: pinned charts, the Git repository, channel names. */

/** Pinned chart versions (see ../shared/reference/MANIFEST.md). */
export const charts = {
    argoCd: { chart: "argo-cd", version: "10.1.1", repository: "https://argoproj.github.io/argo-helm" },
    argoRollouts: { chart: "argo-rollouts", version: "2.41.0", repository: "https://argoproj.github.io/argo-helm" },
    kubePrometheusStack: { chart: "kube-prometheus-stack", version: "88.5.3", repository: "https://prometheus-community.github.io/helm-charts" },
    sealedSecrets: { chart: "sealed-secrets", version: "2.18.5", repository: "https://bitnami-labs.github.io/sealed-secrets" },
} as const;

export const IN_CLUSTER = "https://kubernetes.default.svc";
export const GIT_REPO = "https://github.com/example-org/platform-gitops";

/** Namespace of the cluster release of kube-prometheus-stack (operator, exporters). */
export const CLUSTER_MONITORING_NAMESPACE = "monitoring";

/** The Slack channel of a purpose in an environment: `platform-dev`, `frontend-prod`... */
export function channel(purpose: "platform" | "frontend" | "backend" | "rollouts", environment: string): string {
    return `${purpose}-${environment}`;
}
