/**
 * Reads what `npm run check` judges from the live cluster, through the kube context `pulumi up`
 * uses, with the official client (@kubernetes/client-node, loading the kubeconfig as kubectl and
 * the Pulumi provider do: KUBECONFIG, else ~/.kube/config). Everything read becomes plain facts
 * (check/facts.ts); a part that could not be read is a fact too, with the API server's reason.
 */
import type * as k8s from "@kubernetes/client-node" with { "resolution-mode": "import" };
import type { CheckPlan, Permission, PlannedObject } from "./plan";
import type { Condition, LiveCluster, Section } from "./facts";

/** Which facts to read: those before the first `pulumi up`, or those after it. */
export type CheckMode = "pre" | "post";

/** The API server's reason for a failed request, as kubectl would print it. */
export function reasonOf(error: unknown): { status?: number; message: string } {
    const e = error as { code?: unknown; body?: unknown; message?: string; cause?: { code?: string; message?: string } };
    if (typeof e.code === "number") {
        let body = e.body;
        if (typeof body === "string") {
            try {
                body = JSON.parse(body);
            } catch {
                // not a Status object
            }
        }
        // The generated client keeps the server's Status as the body, except for a 401, whose reason is in its own message.
        const stated = /\nMessage: (.*)\n/.exec(e.message ?? "")?.[1];
        const message = (body as { message?: string } | undefined)?.message ?? (stated && stated !== "Unknown API Status Code!" ? stated : `HTTP ${e.code}`);
        return { status: e.code, message };
    }
    const cause = e.cause?.code ?? (e as { code?: string }).code;
    return { message: [cause, e.cause?.message ?? e.message].filter(Boolean).join(": ") || String(error) };
}

const conditionsOf = (status: any): Condition[] =>
    ((status?.conditions ?? []) as any[]).map((c) => ({ type: String(c.type), status: String(c.status), ...(c.reason ? { reason: String(c.reason) } : {}), ...(c.message ? { message: String(c.message) } : {}) }));

const PLURALS: Readonly<Record<string, string>> = { Application: "applications", ApplicationSet: "applicationsets", AppProject: "appprojects" };

/** The facts of the cluster `context` names (the kubeconfig's current one when absent), for `plan` in `mode`. */
export async function readCluster(plan: CheckPlan, mode: CheckMode, context: string | undefined, kubeconfig?: string): Promise<LiveCluster> {
    const client = await import("@kubernetes/client-node");
    const kc = new client.KubeConfig();
    if (kubeconfig === undefined) kc.loadFromDefault();
    else kc.loadFromString(kubeconfig);
    if (context !== undefined) {
        if (!kc.getContextObject(context)) return { context, server: "", sections: { api: { error: `the kubeconfig has no context "${context}" (kubectl config get-contexts lists them)` } } };
        kc.setCurrentContext(context);
    }
    const facts: LiveCluster = { context: kc.getCurrentContext(), server: kc.getCurrentCluster()?.server ?? "", sections: {} };
    const api = <T extends k8s.ApiType>(type: new (config: k8s.Configuration) => T) => kc.makeApiClient(type as never) as T;
    const core = api(client.CoreV1Api);
    const custom = api(client.CustomObjectsApi);
    const read = async <K extends keyof LiveCluster["sections"]>(key: K, fn: () => Promise<NonNullable<LiveCluster["sections"][K]>["value"]>) => {
        try {
            (facts.sections as Record<string, Section<unknown>>)[key] = { value: await fn() };
        } catch (error) {
            const { status, message } = reasonOf(error);
            (facts.sections as Record<string, Section<unknown>>)[key] = { error: message, ...(status ? { status } : {}) };
        }
    };
    const listCustom = async (group: string, version: string, plural: string, namespace?: string): Promise<any[]> => {
        try {
            const list = namespace === undefined ? await custom.listClusterCustomObject({ group, version, plural }) : await custom.listNamespacedCustomObject({ group, version, namespace, plural });
            return (list as { items: any[] }).items;
        } catch (error) {
            // A kind whose CRD is not installed: none of it exists.
            if (reasonOf(error).status === 404) return [];
            throw error;
        }
    };

    await read("api", async () => {
        const version = await api(client.VersionApi).getCode();
        return { gitVersion: version.gitVersion, major: version.major, minor: version.minor };
    });
    if (facts.sections.api?.error !== undefined) return facts;

    const readNodes = () =>
        read("nodes", async () =>
            (await core.listNode()).items.map((n) => ({
                name: n.metadata?.name ?? "",
                labels: n.metadata?.labels ?? {},
                providerID: n.spec?.providerID ?? "",
                unschedulable: n.spec?.unschedulable === true,
                taints: (n.spec?.taints ?? []).map((t) => ({ key: t.key, effect: t.effect })),
                ready: (n.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
                allocatable: { cpu: n.status?.allocatable?.cpu ?? "0", memory: n.status?.allocatable?.memory ?? "0" },
                kubeletVersion: n.status?.nodeInfo?.kubeletVersion ?? "",
            })),
        );
    const readCrds = () =>
        read("crds", async () =>
            (await api(client.ApiextensionsV1Api).listCustomResourceDefinition()).items.map((c) => ({
                name: c.metadata?.name ?? "",
                group: c.spec.group,
                kind: c.spec.names.kind,
                established: (c.status?.conditions ?? []).some((x) => x.type === "Established" && x.status === "True"),
                managers: (c.metadata?.managedFields ?? []).map((f) => f.manager ?? ""),
            })),
        );
    const readObjects = (key: "sealedSecrets" | "argocdObjects", planned: readonly PlannedObject[]) =>
        read(key, async () => {
            const wanted = unique(planned.map((o) => `${o.kind}\u0000${o.namespace ?? ""}`)).map((k) => k.split("\u0000"));
            const lists = await Promise.all(wanted.map(([kind, namespace]) => listCustom(kind === "SealedSecret" ? "bitnami.com" : "argoproj.io", kind === "SealedSecret" ? "v1alpha1" : "v1alpha1", kind === "SealedSecret" ? "sealedsecrets" : PLURALS[kind], namespace).then((items) => items.map((o) => ({ kind, o })))));
            return lists.flat().map(({ kind, o }) => ({
                kind,
                namespace: o.metadata?.namespace ?? "",
                name: o.metadata?.name ?? "",
                labels: o.metadata?.labels ?? {},
                managers: ((o.metadata?.managedFields ?? []) as { manager?: string }[]).map((f) => f.manager ?? ""),
                conditions: conditionsOf(o.status),
                ...(o.status?.sync?.status ? { sync: String(o.status.sync.status) } : {}),
                ...(o.status?.health?.status ? { health: String(o.status.health.status) } : {}),
            }));
        });

    if (mode === "pre") {
        await Promise.all([
            readNodes(),
            readCrds(),
            read("storageClasses", async () =>
                (await api(client.StorageV1Api).listStorageClass()).items.map((s) => ({ name: s.metadata?.name ?? "", isDefault: s.metadata?.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true" })),
            ),
            read("ingressClasses", async () =>
                (await api(client.NetworkingV1Api).listIngressClass()).items.map((i) => ({ name: i.metadata?.name ?? "", isDefault: i.metadata?.annotations?.["ingressclass.kubernetes.io/is-default-class"] === "true" })),
            ),
            read("gateways", () =>
                Promise.all(
                    plan.gateways.map(async (g) => {
                        try {
                            await custom.getNamespacedCustomObject({ group: "gateway.networking.k8s.io", version: "v1", namespace: g.namespace, plural: "gateways", name: g.name });
                            return { ...g, exists: true };
                        } catch (error) {
                            if (reasonOf(error).status === 404) return { ...g, exists: false };
                            throw error;
                        }
                    }),
                ),
            ),
            read("access", () => Promise.all(plan.permissions.map((p) => reviewAccess(api(client.AuthorizationV1Api), p)))),
            read("namespaces", async () =>
                (await core.listNamespace()).items.map((n) => ({ name: n.metadata?.name ?? "", labels: n.metadata?.labels ?? {}, managers: (n.metadata?.managedFields ?? []).map((f) => f.manager ?? "") })),
            ),
            read("helmReleases", async () => {
                const namespaces = unique(plan.releases.map((r) => r.namespace));
                const lists = await Promise.all(namespaces.map((namespace) => core.listNamespacedSecret({ namespace, labelSelector: "owner=helm" }).catch(notFoundAsEmpty)));
                return lists.flatMap((l) => l.items).map((s) => ({ namespace: s.metadata?.namespace ?? "", release: s.metadata?.labels?.name ?? "", status: s.metadata?.labels?.status ?? "", version: s.metadata?.labels?.version ?? "" }));
            }),
            read("secrets", () =>
                Promise.all(
                    plan.sealedSecrets.map(async (s) => {
                        try {
                            const secret = await core.readNamespacedSecret({ name: s.name, namespace: s.namespace ?? "" });
                            const owners = secret.metadata?.ownerReferences ?? [];
                            return {
                                namespace: s.namespace ?? "",
                                name: s.name,
                                exists: true,
                                ownedBySealedSecret: owners.some((o) => o.kind === "SealedSecret"),
                                managedAnnotation: secret.metadata?.annotations?.["sealedsecrets.bitnami.com/managed"] === "true",
                            };
                        } catch (error) {
                            if (reasonOf(error).status === 404) return { namespace: s.namespace ?? "", name: s.name, exists: false, ownedBySealedSecret: false, managedAnnotation: false };
                            throw error;
                        }
                    }),
                ),
            ),
            readObjects("sealedSecrets", plan.sealedSecrets),
            readObjects("argocdObjects", plan.argocdObjects),
            ...(plan.installs ? [] : [readWorkloads("ownerWorkloads", plan.ownerReleases)]),
        ]);
        return facts;
    }

    async function readWorkloads(key: "workloads" | "ownerWorkloads", releases: CheckPlan["releases"]) {
        const apps = api(client.AppsV1Api);
        await read(key, async () => {
            const perRelease = await Promise.all(
                releases.map(async (r) => {
                    const query = { namespace: r.namespace, labelSelector: `app.kubernetes.io/instance=${r.name}` };
                    const [deployments, statefulSets, daemonSets] = await Promise.all([apps.listNamespacedDeployment(query), apps.listNamespacedStatefulSet(query), apps.listNamespacedDaemonSet(query)]);
                    return [
                        ...deployments.items.map((d) => ({ kind: "Deployment", name: d.metadata?.name ?? "", desired: d.spec?.replicas ?? 1, ready: d.status?.availableReplicas ?? 0, conditions: conditionsOf(d.status) })),
                        ...statefulSets.items.map((s) => ({ kind: "StatefulSet", name: s.metadata?.name ?? "", desired: s.spec?.replicas ?? 1, ready: s.status?.readyReplicas ?? 0, conditions: conditionsOf(s.status) })),
                        ...daemonSets.items.map((d) => ({ kind: "DaemonSet", name: d.metadata?.name ?? "", desired: d.status?.desiredNumberScheduled ?? 0, ready: d.status?.numberReady ?? 0, conditions: conditionsOf(d.status) })),
                    ].map((w) => ({ release: r.name, part: r.part, namespace: r.namespace, ...w }));
                }),
            );
            return perRelease.flat();
        });
    }

    await Promise.all([
        readCrds(),
        readWorkloads("workloads", plan.releases),
        readObjects("sealedSecrets", plan.sealedSecrets),
        readObjects("argocdObjects", plan.argocdObjects),
        read("certificates", async () => {
            const lists = await Promise.all(plan.certificateNamespaces.map((namespace) => listCustom("cert-manager.io", "v1", "certificates", namespace)));
            return lists.flat().map((c) => ({ namespace: c.metadata?.namespace ?? "", name: c.metadata?.name ?? "", conditions: conditionsOf(c.status) }));
        }),
        read("issuers", async () => (await listCustom("cert-manager.io", "v1", "clusterissuers")).map((i) => ({ name: i.metadata?.name ?? "", conditions: conditionsOf(i.status) }))),
        read("monitors", async () => {
            const [prometheuses, alertmanagers] = await Promise.all([listCustom("monitoring.coreos.com", "v1", "prometheuses", plan.monitoringNamespace), listCustom("monitoring.coreos.com", "v1", "alertmanagers", plan.monitoringNamespace)]);
            return [...prometheuses.map((o) => ({ kind: "Prometheus", o })), ...alertmanagers.map((o) => ({ kind: "Alertmanager", o }))].map(({ kind, o }) => ({ kind, namespace: o.metadata?.namespace ?? "", name: o.metadata?.name ?? "", conditions: conditionsOf(o.status) }));
        }),
    ]);
    return facts;
}

async function reviewAccess(authorization: k8s.AuthorizationV1Api, permission: Permission) {
    const review = await authorization.createSelfSubjectAccessReview({
        body: { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: { resourceAttributes: { verb: permission.verb, group: permission.group, resource: permission.resource, ...(permission.namespace ? { namespace: permission.namespace } : {}) } } },
    });
    return { permission, allowed: review.status?.allowed === true, ...(review.status?.reason ? { reason: review.status.reason } : {}) };
}

/** A namespace that does not exist yet holds none. */
function notFoundAsEmpty(error: unknown): { items: [] } {
    if (reasonOf(error).status === 404) return { items: [] };
    throw error;
}

function unique<T>(items: readonly T[]): T[] {
    return [...new Set(items)];
}
