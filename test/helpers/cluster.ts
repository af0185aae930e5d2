/**
 * Everything stacks would put into a cluster: the objects the program registers plus what each
 * of its charts renders (helpers/charts.ts), as Pulumi applies them, with the identities, label
 * selectors and host ports the cluster-level tests judge.
 */
import { type AppliedChartObject, appliedChartObjects, appliedProgramObjects, recordedReleases } from "../../render/applied";
import { type ProgramRun, runProgram } from "../harness";
import { expandRelease, type ReleaseToExpand, SHIPPED_KUBERNETES } from "./charts";
import { type Placement, shippedConfig } from "./models";

/** A cluster and the shipped stacks that deploy to it. */
export interface Scenario {
    readonly name: string;
    readonly stacks: readonly (readonly [stack: string, topology: Placement])[];
}

/** The clusters the shipped stacks make: one shared by dev and prod, or one each; and a fleet spoke's, without Argo CD (the hub's manages it). */
export const SCENARIOS: readonly Scenario[] = [
    { name: "one shared cluster with dev and prod", stacks: [["prod", "shared"], ["dev", "shared"]] },
    { name: "a cluster of dev's own", stacks: [["dev", "dedicated"]] },
    { name: "a cluster of prod's own", stacks: [["prod", "dedicated"]] },
    { name: "a fleet spoke's cluster", stacks: [["fleet-eu", "spoke"]] },
];

/** Runs a scenario's stacks with their demo config, and what they put into the cluster. */
export async function scenarioCluster(scenario: Scenario): Promise<{ runs: Map<string, ProgramRun> } & Awaited<ReturnType<typeof clusterObjects>>> {
    const runs = new Map<string, ProgramRun>();
    for (const [stack, topology] of scenario.stacks) {
        const run = await runProgram(stack, shippedConfig(stack, topology));
        if (run.error) throw run.error;
        runs.set(stack, run);
    }
    return { runs, ...(await clusterObjects([...runs])) };
}

/** One object in the cluster as Pulumi applies it, and who puts it there. */
export interface ClusterObject {
    readonly stack: string;
    /** `program`, or the release whose chart renders it. */
    readonly origin: string;
    readonly object: Record<string, any>;
    /** Its namespace as the API server sees it: the release's for a namespaced chart object without one. */
    readonly namespace: string | undefined;
    /** Pulumi leaves it in the cluster when it deletes it. */
    readonly retainOnDelete: boolean;
}

/** A stack's Helm releases, as Chart v4 passes them to Helm (secret values redacted). */
export function releasesOf(run: ProgramRun): ReleaseToExpand[] {
    return recordedReleases(run.resources).map(({ release }) => ({ ...release, kubernetes: SHIPPED_KUBERNETES }));
}

/**
 * Everything the stacks of one cluster put into it, as Pulumi applies it: their own objects and
 * their charts' (hooks left out, as Chart v4 leaves them out), each through its transforms, a
 * chart's custom kinds namespaced by the cluster's CRDs, whichever stack installs them.
 */
export async function clusterObjects(runs: readonly (readonly [stack: string, run: ProgramRun])[]): Promise<{ releases: (ReleaseToExpand & { stack: string })[]; objects: ClusterObject[] }> {
    const releases = runs.flatMap(([stack, run]) => releasesOf(run).map((release) => ({ ...release, stack })));
    const crds = (await Promise.all(releases.map((release) => expandRelease(release)))).flat().map((e) => e.object).filter((o) => o.kind === "CustomResourceDefinition");
    const objects = await Promise.all(
        runs.map(async ([stack, run]) => [
            ...(await appliedProgramObjects(run.resources)).map((o): ClusterObject => ({ stack, origin: "program", ...o })),
            ...(await chartObjectsOf(run, crds)).map((o): ClusterObject => ({ stack, origin: `release ${o.release.name}`, object: o.object, namespace: o.namespace, retainOnDelete: o.retainOnDelete })),
        ]),
    );
    return { releases, objects: objects.flat() };
}

/** What a stack's charts render as Pulumi applies it; every release must expand. */
async function chartObjectsOf(run: ProgramRun, crds: readonly Record<string, any>[]): Promise<AppliedChartObject[]> {
    const { objects, notExpanded } = await appliedChartObjects(run.resources, SHIPPED_KUBERNETES, crds, expandRelease);
    if (notExpanded.length > 0) throw new Error(notExpanded.map((n) => `${n.release}: ${n.reason}`).join("\n"));
    return [...objects];
}

/** `group/Kind namespace/name`: what the API server keeps one of. */
export function identity(o: ClusterObject): string {
    const group = String(o.object.apiVersion).includes("/") ? String(o.object.apiVersion).split("/")[0] : "";
    return `${group}/${o.object.kind} ${o.namespace ?? ""}/${o.object.metadata?.name}`;
}

/** What an object claims in the cluster: its identity, and for a SealedSecret the Secret its controller writes too. */
function claims(o: ClusterObject): string[] {
    if (o.object.kind !== "SealedSecret") return [identity(o)];
    return [identity(o), `/Secret ${o.namespace ?? ""}/${o.object.spec?.template?.metadata?.name ?? o.object.metadata?.name}`];
}

/** Identities that more than one object claims, with who claims them. */
export function duplicateIdentities(objects: readonly ClusterObject[]): Record<string, string[]> {
    const claimed = new Map<string, string[]>();
    for (const o of objects) for (const id of claims(o)) claimed.set(id, [...(claimed.get(id) ?? []), `${o.stack}: ${o.origin} (${o.object.kind})`]);
    return Object.fromEntries([...claimed].filter(([, by]) => by.length > 1));
}

/** A Kubernetes label selector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist). */
export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Whether `selector` selects `labels`, as the API machinery decides. An empty selector selects everything. */
export function selects(selector: LabelSelector, labels: Readonly<Record<string, string>> = {}): boolean {
    const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    const byExpression = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
        switch (operator) {
            case "In":
                return key in labels && values.includes(labels[key]);
            case "NotIn":
                return !(key in labels) || !values.includes(labels[key]);
            case "Exists":
                return key in labels;
            case "DoesNotExist":
                return !(key in labels);
            default:
                throw new Error(`unknown selector operator ${operator}`);
        }
    });
    return byLabel && byExpression;
}

/**
 * What a Prometheus (or Alertmanager) CR's selector pair picks among `objects` of `kind`: the
 * operator's semantics, where a null selector selects nothing and a null namespace selector
 * means the CR's own namespace.
 */
export function selectedBy(cr: ClusterObject, kind: string, selector: LabelSelector | null | undefined, namespaceSelector: LabelSelector | null | undefined, objects: readonly ClusterObject[], namespaceLabels: (ns: string) => Record<string, string>): ClusterObject[] {
    if (selector === null || selector === undefined) return [];
    return objects.filter(
        (o) =>
            o.object.kind === kind &&
            selects(selector, o.object.metadata?.labels) &&
            (namespaceSelector === null || namespaceSelector === undefined ? o.namespace === cr.namespace : selects(namespaceSelector, namespaceLabels(o.namespace ?? ""))),
    );
}

/** The pod spec of a workload, if it is one. */
function podSpec(o: ClusterObject): Record<string, any> | undefined {
    const kind = o.object.kind;
    if (kind === "Pod") return o.object.spec;
    if (["Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Job"].includes(kind)) return o.object.spec?.template?.spec;
    return undefined;
}

/** Every `port/protocol` a workload binds on its node: `hostPort`s, and every container port on the host network. */
export function hostPorts(o: ClusterObject): string[] {
    const spec = podSpec(o);
    if (!spec) return [];
    const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
    return containers.flatMap((c: Record<string, any>) =>
        (c.ports ?? []).flatMap((p: Record<string, any>) => {
            const port = p.hostPort ?? (spec.hostNetwork ? p.containerPort : undefined);
            return port === undefined ? [] : [`${port}/${p.protocol ?? "TCP"}`];
        }),
    );
}

/** The images a workload runs. */
export function images(o: ClusterObject): string[] {
    const spec = podSpec(o);
    return spec ? [...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c: Record<string, any>) => String(c.image)) : [];
}

/** `Secret name` or `ConfigMap name` of everything a workload's pods need to start (optional references left out). */
export function requiredConfig(o: ClusterObject): string[] {
    const spec = podSpec(o);
    if (!spec) return [];
    const refs: string[] = [];
    for (const v of spec.volumes ?? []) {
        if (v.secret && !v.secret.optional) refs.push(`Secret ${v.secret.secretName}`);
        if (v.configMap && !v.configMap.optional) refs.push(`ConfigMap ${v.configMap.name}`);
        for (const source of v.projected?.sources ?? []) {
            if (source.secret && !source.secret.optional) refs.push(`Secret ${source.secret.name}`);
            if (source.configMap && !source.configMap.optional) refs.push(`ConfigMap ${source.configMap.name}`);
        }
    }
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
        for (const e of c.env ?? []) {
            const secret = e.valueFrom?.secretKeyRef;
            const configMap = e.valueFrom?.configMapKeyRef;
            // The kubelet refuses to start the container without the key, not just the object.
            if (secret && !secret.optional) refs.push(`Secret ${secret.name}`, `Secret ${secret.name} key ${secret.key}`);
            if (configMap && !configMap.optional) refs.push(`ConfigMap ${configMap.name}`, `ConfigMap ${configMap.name} key ${configMap.key}`);
        }
        for (const from of c.envFrom ?? []) {
            if (from.secretRef && !from.secretRef.optional) refs.push(`Secret ${from.secretRef.name}`);
            if (from.configMapRef && !from.configMapRef.optional) refs.push(`ConfigMap ${from.configMapRef.name}`);
        }
    }
    return [...new Set(refs)];
}

/** `Secret name` / `ConfigMap name`, and `... key k` for each key, of every one in `namespace`; a SealedSecret counts as the Secret its controller makes. */
export function configIn(objects: readonly ClusterObject[], namespace: string | undefined): Set<string> {
    const withKeys = (what: string, ...maps: (Record<string, unknown> | undefined)[]) => [what, ...maps.flatMap((m) => Object.keys(m ?? {})).map((key) => `${what} key ${key}`)];
    return new Set(
        objects
            .filter((o) => o.namespace === namespace)
            .flatMap((o) => {
                const { kind, metadata, data, stringData, binaryData, spec } = o.object;
                if (kind === "Secret") return withKeys(`Secret ${metadata.name}`, data, stringData);
                if (kind === "ConfigMap") return withKeys(`ConfigMap ${metadata.name}`, data, binaryData);
                if (kind === "SealedSecret") return withKeys(`Secret ${spec.template?.metadata?.name ?? metadata.name}`, spec.encryptedData, spec.template?.data);
                return [];
            }),
    );
}
