/**
 * The catalogue of platform parts: one entry per part, and every list of parts the program, the
 * render and the tests need derived from it (what a stack installs and in which order, the CRDs
 * the cluster-wide parts bring, the releases the offline render expands). A part's model slice is
 * `clusterWide.<key>` (model/schema.ts) for a cluster-wide part; components/catalogue.ts says how
 * each is registered, a chart-only part needing nothing there. See the README, "Adding a platform
 * part".
 */
import type { ClusterView } from "../model/cluster";
import type { ClusterWideModel, StackModel } from "../model/schema";
import { ARGOCD_OWNED_VALUES, argocdRelease } from "./argocd/release";
import { argocdPods } from "./argocd/sizing";
import { CERT_MANAGER_OWNED_VALUES, certManagerPods, certManagerRelease, clusterIssuers, issuerSecrets } from "./certManager";
import type { OwnedValue } from "./chartValues";
import type { PodGroup } from "./footprint";
import type { Size } from "./sizing";
import type { HelmRelease } from "./helm";
import { intersection, type KubernetesSupport } from "./kubernetes";
import type { KubeObject, SecretFromConfig } from "./objects";
import { CLUSTER_MONITORING_OWNED_VALUES, clusterMonitoringRelease } from "./monitoring/release";
import { clusterMonitoringPods, monitoringPods } from "./monitoring/sizing";
import { ROLLOUTS_OWNED_VALUES, rolloutsPods, rolloutsRelease } from "./rollouts";
import { SEALED_SECRETS_OWNED_VALUES, sealedSecretsPods, sealedSecretsRelease } from "./sealedSecrets";

/** The key of a cluster-wide part in the model (`clusterWide.<key>`). */
export type ClusterPartKey = keyof ClusterWideModel;
/** A cluster-wide part's slice of the model, where the model has the part. */
export type ClusterPartSlice<K extends ClusterPartKey = ClusterPartKey> = NonNullable<ClusterWideModel[K]>;

/** A custom resource kind a part's chart brings the CRD of, as its objects name it. */
export interface CustomResourceKind {
    readonly group: string;
    readonly version: string;
    readonly kind: string;
}

/** A part installed once per cluster, by the stack that installs the cluster-wide parts. */
export interface ClusterPart<K extends ClusterPartKey = ClusterPartKey> {
    readonly key: K;
    /** Its component's name, and the prefix of every resource of it. */
    readonly name: string;
    /** The kinds its chart installs CRDs for. */
    readonly customResources: readonly CustomResourceKind[];
    /** The parts whose objects must be ready before its own are applied. */
    readonly after: readonly ClusterPartKey[];
    /** The Kubernetes minor versions its pinned chart supports, and the source that says so. */
    readonly kubernetes: KubernetesSupport;
    /** Its Helm release, from its slice of the model (and the rest of the model where it needs it), the slice's `values` merged last. */
    readonly release: (slice: ClusterPartSlice<K>, model: StackModel) => HelmRelease;
    /** The pods its release runs, with their requests (core/footprint.ts): what it asks of the cluster's nodes. */
    readonly pods: (slice: ClusterPartSlice<K>, model: StackModel) => readonly PodGroup[];
    /** The values its release sets that the slice's `values` may not touch, each with why. */
    readonly ownedValues: readonly OwnedValue[];
    /** The Secrets its chart or objects read, sealed into its release's namespace before the chart. Defaults to none. */
    readonly secrets?: (slice: ClusterPartSlice<K>) => readonly SecretFromConfig[];
    /** Custom resources of its own CRDs, applied once its chart is ready, with the part's labels. Defaults to none. */
    readonly objects?: (slice: ClusterPartSlice<K>, labels: Record<string, string>) => readonly KubeObject[];
}

/** A part every stack installs for its own environment. */
export interface EnvironmentPart {
    /** Its component's name, suffixed with the environment. */
    readonly name: string;
    /** The custom resource kinds it creates, itself or through its chart: the cluster must have their CRDs. */
    readonly creates: readonly string[];
    /** What it waits for: cluster-wide parts (where this stack installs them) by key, environment parts by name. A cluster without one of those cluster-wide parts (a fleet spoke's, without Argo CD) gets no such part. */
    readonly after: { readonly cluster: readonly ClusterPartKey[]; readonly environment: readonly string[] };
}

const kinds = (group: string, version: string, names: readonly string[]): CustomResourceKind[] => names.map((kind) => ({ group, version, kind }));

/** Cluster-wide parts, in the order they are registered: each after those it waits for. */
export const CLUSTER_PARTS: readonly ClusterPart[] = [
    part({
        key: "sealedSecrets",
        name: "sealed-secrets",
        customResources: kinds("bitnami.com", "v1alpha1", ["SealedSecret"]),
        kubernetes: { min: 16, source: "the chart's kubeVersion >=1.16.0-0 (sealed-secrets 2.18.5)" },
        after: [],
        release: (s) => sealedSecretsRelease(s),
        pods: sealedSecretsPods,
        ownedValues: SEALED_SECRETS_OWNED_VALUES,
    }),
    part({
        key: "certManager",
        name: "cert-manager",
        customResources: [...kinds("cert-manager.io", "v1", ["Certificate", "CertificateRequest", "ClusterIssuer", "Issuer"]), ...kinds("acme.cert-manager.io", "v1", ["Challenge", "Order"])],
        // Its CRDs declare selectableFields, which API servers before 1.30 refuse (a 1.28 one did, on four of them).
        kubernetes: { min: 33, max: 36, source: "cert-manager's supported releases, v1.21: Kubernetes 1.33 → 1.36 (cert-manager.io/docs/releases)" },
        // Its CA key pairs and DNS tokens are SealedSecrets.
        after: ["sealedSecrets"],
        release: certManagerRelease,
        pods: certManagerPods,
        ownedValues: CERT_MANAGER_OWNED_VALUES,
        secrets: issuerSecrets,
        objects: clusterIssuers,
    }),
    part({
        key: "argocd",
        name: "argocd",
        customResources: kinds("argoproj.io", "v1alpha1", ["Application", "ApplicationSet", "AppProject"]),
        kubernetes: { min: 32, max: 35, source: "Argo CD 3.4's tested Kubernetes versions, which chart 10.1.1 ships: docs/operator-manual/tested-kubernetes-versions.md at v3.4.4" },
        // Its Ingress's certificate comes from cert-manager.
        after: ["sealedSecrets", "certManager"],
        release: (argocd, model) => argocdRelease(argocd, model.identityProvider),
        pods: argocdPods,
        ownedValues: ARGOCD_OWNED_VALUES,
    }),
    part({
        key: "rollouts",
        name: "argo-rollouts",
        customResources: kinds("argoproj.io", "v1alpha1", ["AnalysisRun", "AnalysisTemplate", "ClusterAnalysisTemplate", "Experiment", "Rollout"]),
        // Argo Rollouts v1.9 publishes no support table, and the chart states no kubeVersion: the APIs it uses are GA since 1.19.
        kubernetes: { min: 19, source: "Argo Rollouts v1.9 states none; its APIs (apps/v1, networking.k8s.io/v1) are GA from 1.19" },
        after: ["sealedSecrets"],
        release: rolloutsRelease,
        pods: rolloutsPods,
        ownedValues: ROLLOUTS_OWNED_VALUES,
    }),
    part({
        key: "monitoring",
        name: "cluster-monitoring",
        customResources: [
            ...kinds("monitoring.coreos.com", "v1", ["Alertmanager", "PodMonitor", "Probe", "Prometheus", "PrometheusRule", "ServiceMonitor", "ThanosRuler"]),
            ...kinds("monitoring.coreos.com", "v1alpha1", ["AlertmanagerConfig", "PrometheusAgent", "ScrapeConfig"]),
        ],
        kubernetes: { min: 25, source: "the chart's kubeVersion >=1.25.0-0 (kube-prometheus-stack 88.5.3; its grafana subchart's ^1.25.0-0)" },
        after: [],
        release: clusterMonitoringRelease,
        pods: clusterMonitoringPods,
        ownedValues: CLUSTER_MONITORING_OWNED_VALUES,
    }),
];

/** Environment parts, in the order they are registered. */
export const ENVIRONMENT_PARTS: readonly EnvironmentPart[] = [
    {
        name: "monitoring",
        // The Certificate of Grafana's address behind a Gateway; with an Ingress, cert-manager makes it.
        creates: ["bitnami.com/SealedSecret", "cert-manager.io/Certificate", ...["Alertmanager", "Prometheus", "PrometheusRule", "ServiceMonitor"].map((k) => `monitoring.coreos.com/${k}`)],
        after: { cluster: ["sealedSecrets", "certManager", "monitoring"], environment: [] },
    },
    { name: "applications", creates: ["argoproj.io/Application", "argoproj.io/ApplicationSet"], after: { cluster: ["argocd"], environment: [] } },
    // The templates query the environment's Prometheus.
    { name: "analysis", creates: ["argoproj.io/ClusterAnalysisTemplate"], after: { cluster: ["rollouts"], environment: ["monitoring"] } },
];

/** A cluster part typed by its key (the list holds parts of every key). */
function part<K extends ClusterPartKey>(entry: ClusterPart<K>): ClusterPart {
    return entry as unknown as ClusterPart;
}

/** `<group>/<Kind>` of every CRD the cluster-wide parts install. */
export const CLUSTER_CUSTOM_RESOURCE_KINDS: readonly string[] = CLUSTER_PARTS.flatMap((p) => p.customResources.map((k) => `${k.group}/${k.kind}`));

/** `<group>/<Kind>` of every custom resource the environment parts create (all of them, or `parts`). */
export function environmentCustomResourceKinds(parts: readonly EnvironmentPart[] = ENVIRONMENT_PARTS): string[] {
    return [...new Set(parts.flatMap((p) => p.creates))];
}

/** `<group>/<Kind>` of every custom resource an environment's parts create. */
export const ENVIRONMENT_CUSTOM_RESOURCE_KINDS: readonly string[] = environmentCustomResourceKinds();

/** `<group>/<version>` of every custom resource API the cluster-wide parts serve: what Helm's `.Capabilities` finds on such a cluster. */
export const CLUSTER_API_VERSIONS: readonly string[] = [...new Set(CLUSTER_PARTS.flatMap((p) => p.customResources.map((k) => `${k.group}/${k.version}`)))];

/**
 * What a stack installs, in the catalogue's order: the cluster-wide parts its model has (all of
 * them where it installs them, but on a fleet spoke, whose model has no Argo CD: the hub's manages
 * its cluster), and the environment parts whose cluster-wide parts its cluster has (on a spoke,
 * none that lives in Argo CD: its root applications belong to the hub). The model's checks hold
 * a spoke, and only a spoke, to a model without Argo CD (model/checks/fleet.ts).
 */
export function stackParts(model: StackModel, view: ClusterView): { readonly cluster: readonly ClusterPart[]; readonly environment: readonly EnvironmentPart[] } {
    // The view holds the parts environments reach; a part added to the catalogue need not be one of them.
    const has = view as Partial<Record<ClusterPartKey, unknown>>;
    return { cluster: ownClusterParts(model), environment: ENVIRONMENT_PARTS.filter((p) => p.after.cluster.every((key) => has[key] !== undefined)) };
}

/** The cluster-wide parts a stack installs: those its model has. */
export function ownClusterParts(model: StackModel): readonly ClusterPart[] {
    const { clusterWide } = model;
    return clusterWide ? CLUSTER_PARTS.filter((p) => clusterWide[p.key] !== undefined) : [];
}

/** `<group>/<Kind>` of every CRD the cluster-wide parts a model has install. */
export function clusterCustomResourceKinds(model: StackModel): string[] {
    return ownClusterParts(model).flatMap((p) => p.customResources.map((k) => `${k.group}/${k.kind}`));
}

/** The Helm releases of the cluster-wide parts, from the model alone (without the sealing keys' checksum, which needs config). */
export function clusterWideReleases(model: StackModel & { clusterWide: ClusterWideModel }): HelmRelease[] {
    return ownClusterParts(model).map((p) => p.release(model.clusterWide[p.key] as never, model));
}

/** Each cluster-wide part's supported Kubernetes versions, by its name. */
export const KUBERNETES_SUPPORT: readonly (KubernetesSupport & { readonly part: string })[] = CLUSTER_PARTS.map((p) => ({ part: p.name, ...p.kubernetes }));

/** The Kubernetes minor versions every part supports: the platform's range. */
export const SUPPORTED_KUBERNETES = intersection(KUBERNETES_SUPPORT);

/**
 * Every pod group a stack runs: the cluster-wide parts' where it installs them, and its
 * environment's monitoring, whose config reloaders the cluster release sizes: at
 * `clusterMonitoringSize`, its own where it installs it, else the environment's stands in.
 */
export function platformPods(model: StackModel, clusterMonitoringSize: Size = model.clusterWide?.monitoring.size ?? model.monitoring.size): PodGroup[] {
    const { clusterWide } = model;
    const cluster = ownClusterParts(model).flatMap((part) => part.pods(clusterWide?.[part.key] as never, model));
    return [...cluster, ...monitoringPods(model, clusterMonitoringSize)];
}
