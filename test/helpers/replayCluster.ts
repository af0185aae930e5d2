/**
 * The clusters `npm run check` is tested against, served by test/helpers/kubeApi.ts: the
 * recorded one as it was (Kubernetes 1.28, two schedulable nodes, another install's CRDs, a Helm
 * release of Argo CD, a plain argocd-secret: everything a check before `pulumi up` must refuse),
 * a fresh one a stack fits, and one where a stack's platform runs. Each is the recorded responses
 * with what differs changed in code, here, so that every shape stays the real server's. What the
 * recording has no example of (a StatefulSet, a DaemonSet, Prometheus and Alertmanager, an
 * ApplicationSet) is made from the nearest recorded object and says so.
 */
import type { CheckPlan, PlannedObject } from "../../check/plan";
import { type ApiRequest, type ApiResponse, recorded } from "./kubeApi";

type Obj = Record<string, any>;

/** A cluster's objects, by what the API serves them as. */
export interface ReplayCluster {
    version: Obj;
    nodes: Obj[];
    storageClasses: Obj[];
    ingressClasses: Obj[];
    crds: Obj[];
    namespaces: Obj[];
    /** Secrets by `namespace/name`. */
    secrets: Map<string, Obj>;
    /** Objects of the API groups' custom kinds and of apps/v1, by `group/plural` (`apps/deployments`, `bitnami.com/sealedsecrets`). */
    objects: Map<string, Obj[]>;
    /** What each user may do. */
    allowed: (user: "admin" | "viewer", attributes: Obj) => boolean;
}

const copy = <T>(value: T): T => structuredClone(value);
const items = (file: string): Obj[] => recorded(file).items;
const list = (kind: string, apiVersion: string, found: Obj[]) => ({ kind: `${kind}List`, apiVersion, metadata: { resourceVersion: "319" }, items: found });

/** The recorded cluster, as it was recorded. */
export function recordedCluster(): ReplayCluster {
    const objects = new Map<string, Obj[]>([
        ["apps/deployments", items("GET_apis_apps_v1_namespaces_argocd_deployments.json")],
        ["bitnami.com/sealedsecrets", items("GET_apis_bitnami.com_v1alpha1_sealedsecrets.json")],
        ["argoproj.io/applications", items("GET_apis_argoproj.io_v1alpha1_namespaces_argocd_applications.json")],
        ["cert-manager.io/certificates", items("GET_apis_cert-manager.io_v1_certificates.json")],
        ["cert-manager.io/clusterissuers", items("GET_apis_cert-manager.io_v1_clusterissuers.json")],
    ]);
    return {
        version: recorded("GET_version.json"),
        nodes: items("GET_api_v1_nodes.json"),
        storageClasses: items("GET_apis_storage.k8s.io_v1_storageclasses.json"),
        ingressClasses: items("GET_apis_networking.k8s.io_v1_ingressclasses.json"),
        crds: items("GET_apis_apiextensions.k8s.io_v1_customresourcedefinitions.reduced.json"),
        namespaces: items("GET_api_v1_namespaces.json"),
        secrets: new Map(
            [recorded("GET_api_v1_namespaces_argocd_secrets_argocd-secret.json"), ...items("GET_api_v1_namespaces_argocd_secrets_labelSelector_owner=helm.json")].map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]),
        ),
        objects,
        allowed: (user) => user === "admin",
    };
}

/** Kubernetes `minor` (`"34"`) in the recorded version's shape. */
export function versionOf(minor: number): Obj {
    const version = recorded("GET_version.json");
    return { ...version, minor: String(minor), gitVersion: `v1.${minor}.2` };
}

/** A fresh cluster the shipped profile describes: Kubernetes 1.34, three workers, kind's `standard` default class, ingress-nginx, nothing installed. */
export function freshCluster(): ReplayCluster {
    const cluster = recordedCluster();
    const [controlPlane, worker] = cluster.nodes;
    const third = copy(worker);
    third.metadata.name = "gitops-worker3";
    third.metadata.labels["kubernetes.io/hostname"] = "gitops-worker3";
    third.spec.providerID = "kind://docker/gitops/gitops-worker3";
    const nodes = [controlPlane, ...cluster.nodes.slice(1), third];
    for (const node of nodes) node.spec.providerID = `kind://docker/gitops/${node.metadata.name}`;
    const standard = copy(cluster.storageClasses[0]);
    standard.metadata.name = "standard";
    return {
        ...cluster,
        version: versionOf(34),
        nodes,
        storageClasses: [standard],
        crds: [],
        namespaces: cluster.namespaces.filter((n) => n.metadata.name !== "argocd"),
        secrets: new Map(),
        objects: new Map(),
    };
}

/** The field manager Pulumi's server-side apply records (pulumi-kubernetes, provider.go fieldManagerName). */
export const PULUMI_MANAGER = "pulumi-kubernetes-8f3a2c1d";

function managedByPulumi(object: Obj): Obj {
    object.metadata.managedFields = [{ manager: PULUMI_MANAGER, operation: "Apply", apiVersion: object.apiVersion ?? "v1", fieldsType: "FieldsV1", fieldsV1: {} }];
    return object;
}

function labelled(template: Obj, planned: PlannedObject): Obj {
    const object = copy(template);
    object.metadata = { ...object.metadata, name: planned.name, ...(planned.namespace ? { namespace: planned.namespace } : {}), labels: { ...(planned.owner ? { [planned.owner.label]: planned.owner.value } : {}) } };
    return managedByPulumi(object);
}

/** The fresh cluster after `pulumi up` of the plan's stack: every part running, every condition as its controller sets it when all is well. */
export function installedCluster(plan: CheckPlan): ReplayCluster {
    const cluster = freshCluster();
    const crdTemplate = recordedCluster().crds[0];
    cluster.crds = [...new Set([...plan.installsCrds, ...plan.needsCrds])].map((kind) => {
        const [group, name] = kind.split("/");
        const crd = copy(crdTemplate);
        crd.metadata.name = `${name.toLowerCase()}s.${group}`;
        crd.spec.group = group;
        crd.spec.names = { ...crd.spec.names, kind: name };
        return managedByPulumi(crd);
    });
    const namespace = recorded("GET_api_v1_namespaces_argocd.json");
    cluster.namespaces = [...cluster.namespaces, ...plan.namespaces.map((n) => labelled(namespace, n))];
    const [synced] = items("GET_apis_bitnami.com_v1alpha1_sealedsecrets.json").filter((s) => s.status.conditions[0].status === "True");
    const [healthy] = items("GET_apis_argoproj.io_v1alpha1_namespaces_argocd_applications.json").filter((a) => a.status.health.status === "Healthy");
    // No ApplicationSet was recorded: an Application's envelope, with the condition the ApplicationSet controller sets when it generated its Applications.
    const applicationSet = { ...copy(healthy), kind: "ApplicationSet", spec: {}, status: { conditions: [{ type: "ErrorOccurred", status: "False", reason: "ApplicationSetUpToDate", message: "All applications have been generated successfully" }, { type: "ResourcesUpToDate", status: "True", reason: "ApplicationSetUpToDate", message: "All applications have been generated successfully" }] } };
    const templates: Record<string, Obj> = { Application: healthy, ApplicationSet: applicationSet, AppProject: { ...copy(healthy), kind: "AppProject", status: {} } };
    const plurals: Record<string, string> = { Application: "applications", ApplicationSet: "applicationsets", AppProject: "appprojects" };
    cluster.objects.set("bitnami.com/sealedsecrets", plan.sealedSecrets.map((s) => labelled(synced, s)));
    for (const kind of Object.keys(plurals)) cluster.objects.set(`argoproj.io/${plurals[kind]}`, plan.argocdObjects.filter((o) => o.kind === kind).map((o) => labelled(templates[kind], o)));
    const [available] = items("GET_apis_apps_v1_namespaces_argocd_deployments.json").filter((d) => d.status.availableReplicas === d.spec.replicas);
    cluster.objects.set(
        "apps/deployments",
        [...plan.releases, ...plan.ownerReleases].map((r) => {
            const deployment = copy(available);
            deployment.metadata = { ...deployment.metadata, name: `${r.name}-server`, namespace: r.namespace, labels: { ...deployment.metadata.labels, "app.kubernetes.io/instance": r.name } };
            return deployment;
        }),
    );
    const certificate = items("GET_apis_cert-manager.io_v1_certificates.json")[0];
    cluster.objects.set("cert-manager.io/certificates", plan.certificateNamespaces.map((ns) => ({ ...copy(certificate), metadata: { ...certificate.metadata, namespace: ns } })));
    const issuer = items("GET_apis_cert-manager.io_v1_clusterissuers.json")[0];
    cluster.objects.set("cert-manager.io/clusterissuers", plan.issuers.map((name) => ({ ...copy(issuer), metadata: { ...issuer.metadata, name } })));
    // No Prometheus or Alertmanager was recorded: the envelope of a recorded custom object, with the conditions prometheus-operator sets once the configuration is loaded.
    const monitor = (kind: string, name: string) => ({
        apiVersion: "monitoring.coreos.com/v1",
        kind,
        metadata: { name, namespace: plan.monitoringNamespace },
        spec: {},
        status: { conditions: ["Available", "Reconciled"].map((type) => ({ type, status: "True", observedGeneration: 1, lastTransitionTime: "2026-12-07T17:08:52Z" })) },
    });
    cluster.objects.set("monitoring.coreos.com/prometheuses", [monitor("Prometheus", "monitoring-kube-prometheus")]);
    cluster.objects.set("monitoring.coreos.com/alertmanagers", [monitor("Alertmanager", "monitoring-kube-alertmanager")]);
    return cluster;
}

const matchesLabels = (object: Obj, selector: string | null) =>
    selector === null || selector.split(",").every((term) => {
        const [key, value] = term.split("=");
        return object.metadata?.labels?.[key] === value;
    });

/** Answers the API's requests from `cluster`, as the real server would. */
export function serve(cluster: ReplayCluster): (request: ApiRequest) => ApiResponse {
    return (request) => {
        const { method, path: p, query } = request;
        const selector = query.get("labelSelector");
        if (method === "POST" && p === "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews") {
            const review = recorded(`POST_apis_authorization.k8s.io_v1_selfsubjectaccessreviews__${request.user}_create_clusterroles.json`);
            return { status: 201, body: { ...review, spec: request.body.spec, status: { allowed: cluster.allowed(request.user, request.body.spec.resourceAttributes) } } };
        }
        if (method !== "GET") return undefined;
        if (p === "/version") return { status: 200, body: cluster.version };
        if (p === "/api/v1/nodes") return { status: 200, body: list("Node", "v1", cluster.nodes) };
        if (p === "/api/v1/namespaces") return { status: 200, body: list("Namespace", "v1", cluster.namespaces) };
        if (p === "/apis/storage.k8s.io/v1/storageclasses") return { status: 200, body: list("StorageClass", "storage.k8s.io/v1", cluster.storageClasses) };
        if (p === "/apis/networking.k8s.io/v1/ingressclasses") return { status: 200, body: list("IngressClass", "networking.k8s.io/v1", cluster.ingressClasses) };
        if (p === "/apis/apiextensions.k8s.io/v1/customresourcedefinitions") return { status: 200, body: list("CustomResourceDefinition", "apiextensions.k8s.io/v1", cluster.crds) };
        const secrets = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/.exec(p);
        if (secrets) {
            const [, namespace, name] = secrets;
            if (request.user === "viewer") return { status: 403, body: recorded("GET_api_v1_namespaces_argocd_secrets__viewer.json") };
            if (name) {
                const found = cluster.secrets.get(`${namespace}/${name}`);
                return found ? { status: 200, body: found } : undefined;
            }
            return { status: 200, body: list("Secret", "v1", [...cluster.secrets.values()].filter((s) => s.metadata.namespace === namespace && matchesLabels(s, selector))) };
        }
        const grouped = /^\/apis\/([^/]+)\/[^/]+(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(p);
        if (grouped) {
            const [, group, namespace, plural, name] = grouped;
            const known = cluster.objects.get(`${group}/${plural}`);
            const served = group === "apps" || known !== undefined || cluster.crds.some((c) => c.spec.group === group);
            if (!served) return undefined;
            const found = (known ?? []).filter((o) => (namespace === undefined || o.metadata.namespace === namespace) && matchesLabels(o, selector));
            if (name) return found.find((o) => o.metadata.name === name) ? { status: 200, body: found.find((o) => o.metadata.name === name) } : undefined;
            return { status: 200, body: list(plural, `${group}/v1`, found) };
        }
        return undefined;
    };
}
