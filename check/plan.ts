/**
 * What `npm run check` holds the cluster to, for one stack: its model's profile and what the
 * stack puts into the cluster, taken from the offline render (the program run under mocks, as
 * `npm run render` does), so that the check and `pulumi up` agree on every name.
 */
import * as yaml from "js-yaml";
import { clusterCustomResourceKinds, environmentCustomResourceKinds, KUBERNETES_SUPPORT, ownClusterParts, platformPods, stackParts, SUPPORTED_KUBERNETES } from "../core/catalogue";
import type { PodGroup } from "../core/footprint";
import type { KubernetesSupport } from "../core/kubernetes";
import { CLUSTER_LABEL, ENVIRONMENT_LABEL } from "../core/objects";
import { clusterViewOf, installsClusterParts } from "../model/cluster";
import { CLUSTER_PROFILE_KEYS, type ClusterProfile, type StackModel } from "../model/schema";
import { loadStackModel } from "../core/stackModel";
import { offlineOwner } from "../render/ownerFacts";
import { type RenderOptions, renderInputs, renderStack } from "../render/render";
import { OTHER_CLUSTERS, PLACEMENT_FILE } from "../render/layout";

/** A Helm release the check looks for, by the part it installs. */
export interface PlannedRelease {
    readonly part: string;
    readonly name: string;
    readonly namespace: string;
}

/** An object the stack creates, by its identity and the platform label that says whose it is. */
export interface PlannedObject {
    readonly group: string;
    readonly kind: string;
    readonly namespace?: string;
    readonly name: string;
    /** `gitops-platform/environment=prod` or `gitops-platform/cluster=gitops-shared`. */
    readonly owner?: { readonly label: string; readonly value: string };
}

/** A permission `pulumi up` needs, asked of the API server as a SelfSubjectAccessReview. */
export interface Permission {
    readonly verb: string;
    readonly group: string;
    readonly resource: string;
    readonly namespace?: string;
}

export interface CheckPlan {
    readonly stack: string;
    readonly environment: string;
    /** The kube context `pulumi up` uses (`gitops:kubeContext`); none: unset. */
    readonly context?: string;
    readonly cluster: { readonly name: string; readonly mode: "dedicated" | "shared"; readonly owner?: string };
    readonly profile: ClusterProfile;
    readonly supported: { readonly min: number; readonly max?: number };
    readonly supportedBy: readonly (KubernetesSupport & { readonly part: string })[];
    /** The stack installs the cluster-wide parts. */
    readonly installs: boolean;
    /** Every pod the stack runs, with its requests. */
    readonly pods: readonly PodGroup[];
    /** The releases the stack applies: the cluster-wide parts' where it installs them, and its environment's monitoring. */
    readonly releases: readonly PlannedRelease[];
    /** The cluster-wide releases another stack installs in a shared cluster, which this stack needs running. */
    readonly ownerReleases: readonly PlannedRelease[];
    /** `group/Kind` of every CRD the stack installs. */
    readonly installsCrds: readonly string[];
    /** `group/Kind` of every custom kind the stack creates, whose CRD the cluster must have. */
    readonly needsCrds: readonly string[];
    readonly namespaces: readonly PlannedObject[];
    readonly sealedSecrets: readonly PlannedObject[];
    /** Argo CD's Applications, ApplicationSets and AppProjects the stack creates. */
    readonly argocdObjects: readonly PlannedObject[];
    /** The Gateways its HTTPRoutes attach to. */
    readonly gateways: readonly { readonly namespace: string; readonly name: string }[];
    /** The storage classes its volumes name, the profile's default for those that name none. */
    readonly storageClasses: readonly string[];
    /** The ingress classes of its Ingresses. */
    readonly ingressClasses: readonly string[];
    /** The ClusterIssuers it creates. */
    readonly issuers: readonly string[];
    /** Where its monitoring runs: its Prometheus and Alertmanager. */
    readonly monitoringNamespace: string;
    /** The namespaces of the Certificates of its addresses (cert-manager makes them from its Ingresses). */
    readonly certificateNamespaces: readonly string[];
    readonly permissions: readonly Permission[];
}

type Rendered = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any };

const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0] : "");

function planned(o: Rendered): PlannedObject {
    const labels = o.metadata.labels ?? {};
    const label = [ENVIRONMENT_LABEL, CLUSTER_LABEL].find((l) => labels[l] !== undefined);
    return {
        group: groupOf(o.apiVersion),
        kind: o.kind,
        name: o.metadata.name,
        ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
        ...(label ? { owner: { label, value: labels[label] } } : {}),
    };
}

/** The permissions of a first `pulumi up`: what the charts and the program create, cluster-wide and in a namespace (Applications where the cluster has an Argo CD). */
function permissionsOf(installs: boolean, monitoringNamespace: string, argocdNamespace: string | undefined, sealedSecretsNamespace: string): Permission[] {
    const cluster = (group: string, resource: string): Permission => ({ verb: "create", group, resource });
    const namespaced = (group: string, resource: string, namespace: string): Permission => ({ verb: "create", group, resource, namespace });
    const environment = [cluster("", "namespaces"), namespaced("bitnami.com", "sealedsecrets", monitoringNamespace), namespaced("monitoring.coreos.com", "prometheusrules", monitoringNamespace), ...(argocdNamespace ? [namespaced("argoproj.io", "applications", argocdNamespace)] : [])];
    if (!installs) return environment;
    return [
        cluster("apiextensions.k8s.io", "customresourcedefinitions"),
        cluster("rbac.authorization.k8s.io", "clusterroles"),
        cluster("rbac.authorization.k8s.io", "clusterrolebindings"),
        cluster("admissionregistration.k8s.io", "validatingwebhookconfigurations"),
        cluster("admissionregistration.k8s.io", "mutatingwebhookconfigurations"),
        // The sealing key pair is a plain Secret in the controller's namespace.
        namespaced("", "secrets", sealedSecretsNamespace),
        ...environment,
    ];
}

/** The plan of `model`'s stack from what its render holds. */
export function planOf(stack: string, model: StackModel, objects: readonly Rendered[], context: string | undefined, ownerModel?: StackModel): CheckPlan {
    const installs = installsClusterParts(model, stack);
    const clusterWide = model.clusterWide;
    const view = clusterWide ? clusterViewOf(clusterWide) : ownerModel?.clusterWide ? clusterViewOf(ownerModel.clusterWide) : undefined;
    const clusterReleases = (m: StackModel): PlannedRelease[] => ownClusterParts(m).map((p) => ({ part: p.name, ...pick(p.release(m.clusterWide?.[p.key] as never, m)) }));
    const ofKind = (...kinds: string[]) => objects.filter((o) => kinds.includes(o.kind));
    const volumes = [model.monitoring.prometheus.storage, model.monitoring.alertmanager.storage, model.monitoring.grafana.persistence].filter((v) => v !== undefined);
    const argocd = installs ? clusterWide?.argocd : undefined;
    const exposures = [...(argocd ? [{ namespace: argocd.namespace, ...argocd.expose }] : []), { namespace: model.monitoring.namespace, ...model.monitoring.grafana.expose }];
    return {
        stack,
        environment: model.environment,
        ...(context ? { context } : {}),
        cluster: { name: model.cluster.name, mode: model.cluster.mode, ...(model.cluster.owner ? { owner: model.cluster.owner } : {}) },
        profile: Object.fromEntries(CLUSTER_PROFILE_KEYS.flatMap((k) => (model.cluster[k] === undefined ? [] : [[k, model.cluster[k]]]))) as ClusterProfile,
        supported: SUPPORTED_KUBERNETES,
        supportedBy: KUBERNETES_SUPPORT,
        installs,
        pods: platformPods(model, ownerModel?.clusterWide?.monitoring.size),
        releases: [...(installs ? clusterReleases(model) : []), { part: `monitoring of ${model.environment}`, name: model.monitoring.releaseName, namespace: model.monitoring.namespace }],
        ownerReleases: installs || !ownerModel ? [] : clusterReleases(ownerModel),
        installsCrds: installs ? clusterCustomResourceKinds(model) : [],
        needsCrds: environmentCustomResourceKinds(view ? stackParts(model, view).environment : undefined),
        namespaces: ofKind("Namespace").map(planned),
        sealedSecrets: ofKind("SealedSecret").map(planned),
        argocdObjects: ofKind("Application", "ApplicationSet", "AppProject").map(planned),
        gateways: unique(ofKind("HTTPRoute").flatMap((r) => (r.spec?.parentRefs ?? []).map((p: { name: string; namespace?: string }) => ({ name: p.name, namespace: p.namespace ?? (r.metadata.namespace as string) })))),
        storageClasses: unique(volumes.flatMap((v) => (v.storageClass ?? model.cluster.storageClass ? [(v.storageClass ?? model.cluster.storageClass) as string] : []))),
        ingressClasses: unique(exposures.flatMap((e) => (e.ingress ? [e.ingress.className] : []))),
        issuers: installs && clusterWide ? clusterWide.certManager.issuers.map((i) => i.name) : [],
        monitoringNamespace: model.monitoring.namespace,
        // cert-manager's ingress-shim makes an Ingress's Certificate in the Ingress's namespace.
        certificateNamespaces: unique(exposures.flatMap((e) => (e.ingress ? [e.namespace] : []))),
        permissions: permissionsOf(installs, model.monitoring.namespace, view ? view.argocd?.namespace : "argocd", view?.sealedSecrets.namespace ?? "kube-system"),
    };
}

function pick(release: { name: string; namespace: string }): { name: string; namespace: string } {
    return { name: release.name, namespace: release.namespace };
}

function unique<T>(items: readonly T[]): T[] {
    const seen = new Map(items.map((i) => [JSON.stringify(i), i]));
    return [...seen.values()].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

/** The plan of a stack of this checkout: its model checked, its program run under mocks, its kube context from its config unless `context` says otherwise. */
export async function loadPlan(options: Pick<RenderOptions, "stack" | "model" | "configFile" | "projectDir"> & { readonly context?: string }): Promise<CheckPlan> {
    const { config, modelFile } = renderInputs(options);
    const model = loadStackModel(options.stack, modelFile);
    const { tree } = await renderStack(options);
    // Objects a hub applies to its spokes are not this cluster's, nor is its placement table an object.
    const objects = [...tree.files.entries()].filter(([file]) => !file.startsWith("charts/") && !file.startsWith(`${OTHER_CLUSTERS}/`) && file !== PLACEMENT_FILE).map(([, text]) => yaml.load(text) as Rendered);
    const owner = offlineOwner(options.stack, modelFile, options.projectDir);
    return planOf(options.stack, model, objects, options.context ?? (config["gitops:kubeContext"] || undefined), owner?.model);
}
