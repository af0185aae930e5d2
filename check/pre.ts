/**
 * `npm run check -- --pre`: the live cluster before `pulumi up`, held to the stack's profile and
 * to what the `up` will do there. Pure over the facts read (check/read.ts). What an `up` trips on
 * is the pulumi-kubernetes provider's (provider/pkg/await/await.go, Creation: an object that
 * exists already fails with AlreadyExists unless the provider upserts, which the stack does with
 * `gitops:adoptExisting`, and always for what the platform keeps on delete) and the sealed-secrets
 * controller's (it leaves a Secret it does not own alone unless it carries
 * `sealedsecrets.bitnami.com/managed: "true"`, which the adopting `up` puts there).
 */
import { podRequests, totalRequests } from "../core/footprint";
import { describeRange, minorOf } from "../core/kubernetes";
import { bytes, formatCpu, formatMemory, millicores } from "../core/quantity";
import { REQUESTS_HEADROOM } from "../core/clusterFit";
import { isPulumiManager, type LiveCluster, type LiveNode, type LiveWorkload } from "./facts";
import type { CheckPlan, PlannedObject } from "./plan";
import { all, type CheckResult, count, fail, pass, unreadable, warn } from "./result";

const ADOPT = "pulumi config set gitops:adoptExisting true";

/** The API server answered, with the context's credentials. */
export function judgeApi(facts: LiveCluster): CheckResult {
    const api = facts.sections.api;
    const where = `${facts.server || "(no server)"} (context ${facts.context})`;
    if (api?.value) return pass("api", `Kubernetes API reachable at ${where}`);
    if (api?.status === 401) return fail("api", `Kubernetes API at ${where} refuses the context's credentials: ${api.error}`, "renew them (for kind: kind export kubeconfig --name <cluster>; for a cloud: its get-credentials command)");
    return fail("api", `Kubernetes API at ${where} not reachable: ${api?.error ?? "not read"}`, `start the cluster, or point gitops:kubeContext (or --context) at one that runs; kubectl --context ${facts.context} cluster-info shows what kubectl sees`);
}

function judgeVersion(plan: CheckPlan, facts: LiveCluster): CheckResult {
    const api = facts.sections.api?.value ?? { gitVersion: "unknown", major: "1", minor: "0" };
    // Some distributions write the minor as "34+".
    const minor = Number.parseInt(api.minor, 10);
    const { min, max } = plan.supported;
    const range = describeRange(plan.supported);
    if (minor < min || (max !== undefined && minor > max)) {
        const bounding = plan.supportedBy.filter((s) => minor < s.min || (s.max !== undefined && minor > s.max)).map((s) => `${s.part} supports ${describeRange(s)}`);
        return fail("kubernetes-version", `Kubernetes ${api.gitVersion} is outside the supported range ${range}: ${bounding.join("; ")}`, `run the platform on Kubernetes ${range}`);
    }
    if (minor !== minorOf(plan.profile.kubernetes)) {
        return fail("kubernetes-version", `Kubernetes ${api.gitVersion}, but cluster.kubernetes is ${plan.profile.kubernetes}: the charts are rendered for the profile's version`, `set cluster.kubernetes to "1.${minor}" in the stack's model`);
    }
    return pass("kubernetes-version", `Kubernetes ${api.gitVersion}, in the supported range ${range}, as cluster.kubernetes states`);
}

/** The distribution the API server and the nodes show, where they show one. */
export function detectDistribution(gitVersion: string, nodes: readonly LiveNode[]): string | undefined {
    if (gitVersion.includes("+k3s")) return "k3s";
    if (gitVersion.includes("-eks-")) return "eks";
    if (gitVersion.includes("-gke.")) return "gke";
    const providers = nodes.map((n) => n.providerID.split("://")[0]);
    const byProvider: Readonly<Record<string, string>> = { kind: "kind", aws: "eks", gce: "gke", azure: "aks", k3s: "k3s" };
    return providers.map((p) => byProvider[p]).find((d) => d !== undefined);
}

function judgeDistribution(plan: CheckPlan, facts: LiveCluster): CheckResult | undefined {
    const nodes = facts.sections.nodes?.value;
    const api = facts.sections.api?.value;
    if (!nodes || !api) return undefined;
    const seen = detectDistribution(api.gitVersion, nodes);
    if (seen === undefined || seen === plan.profile.distribution || plan.profile.distribution === "other") {
        return pass("distribution", `distribution ${plan.profile.distribution}, as cluster.distribution states${seen === undefined ? " (the cluster does not show which it is)" : ""}`);
    }
    return warn("distribution", `the cluster looks like ${seen}, but cluster.distribution is ${plan.profile.distribution}`, `set cluster.distribution to "${seen}": what the platform scrapes of the control plane depends on it`);
}

/** Why a node takes no platform pods, or undefined when it does. */
export function unschedulableBecause(node: LiveNode): string | undefined {
    if (!node.ready) return "not Ready";
    if (node.unschedulable) return "cordoned";
    const taint = node.taints.find((t) => t.effect === "NoSchedule" || t.effect === "NoExecute");
    return taint ? `tainted ${taint.key}:${taint.effect}` : undefined;
}

function judgeNodes(plan: CheckPlan, facts: LiveCluster): CheckResult[] {
    const section = facts.sections.nodes;
    if (!section?.value) return [unreadable("nodes", "the nodes", section)];
    const schedulable = section.value.filter((n) => unschedulableBecause(n) === undefined);
    const others = section.value.flatMap((n) => (unschedulableBecause(n) ? [`${n.name}: ${unschedulableBecause(n)}`] : []));
    const wanted = plan.profile.nodes.schedulable;
    const results: CheckResult[] = [];
    if (schedulable.length < wanted) {
        results.push(fail("nodes", `${count(schedulable.length, "schedulable node")}, but cluster.nodes.schedulable is ${wanted}`, `add ${count(wanted - schedulable.length, "node")} (or uncordon, untaint), or state ${schedulable.length} in cluster.nodes.schedulable and let the model be checked against it`, others));
    } else {
        results.push(pass("nodes", `${count(schedulable.length, "schedulable node")}, cluster.nodes.schedulable states ${wanted}`, others));
    }
    if (schedulable.length === 0) return results;
    const sizes = schedulable.map((n) => ({ name: n.name, cpu: millicores(n.allocatable.cpu), memory: bytes(n.allocatable.memory) }));
    const stated = plan.profile.nodes.allocatable;
    const smallest = sizes.reduce((a, b) => (a.cpu + a.memory / 2 ** 20 < b.cpu + b.memory / 2 ** 20 ? a : b));
    const describe = (r: { cpu: number; memory: number }) => `${formatCpu(r.cpu)} and ${formatMemory(r.memory)}`;
    if (stated && sizes.some((s) => s.cpu < millicores(stated.cpu) || s.memory < bytes(stated.memory))) {
        results.push(fail("node-size", `node ${smallest.name} gives pods ${describe(smallest)}, less than cluster.nodes.allocatable states (${stated.cpu} CPU, ${stated.memory})`, `state what the smallest node gives (kubectl describe node ${smallest.name}, Allocatable) in cluster.nodes.allocatable`));
    }
    const total = totalRequests(plan.pods, schedulable.length);
    const room = sizes.reduce((a, s) => ({ cpu: a.cpu + s.cpu * REQUESTS_HEADROOM, memory: a.memory + s.memory * REQUESTS_HEADROOM }), { cpu: 0, memory: 0 });
    const tooLarge = plan.pods.filter((g) => {
        const pod = podRequests(g);
        return !sizes.some((s) => s.cpu >= pod.cpu && s.memory >= pod.memory);
    });
    if (tooLarge.length > 0 || total.cpu > room.cpu || total.memory > room.memory) {
        const details = [...tooLarge.map((g) => `a pod of ${g.what} (${describe(podRequests(g))}) fits no node; ${g.sizeAt} is "${g.size}"`)];
        results.push(fail("requests", `the platform requests ${describe(total)} of the ${describe(room)} it may take (${REQUESTS_HEADROOM * 100}% of what the schedulable nodes give)`, "set a smaller size where it asks most, or add nodes", details));
    } else {
        results.push(pass("requests", `the platform requests ${describe(total)}, within ${REQUESTS_HEADROOM * 100}% of what the schedulable nodes give (${describe(room)})`));
    }
    return results;
}

function judgeClasses(plan: CheckPlan, facts: LiveCluster): CheckResult[] {
    const results: CheckResult[] = [];
    const storage = facts.sections.storageClasses;
    if (!storage?.value) results.push(unreadable("storage-class", "the storage classes", storage));
    else {
        const names = storage.value.map((s) => s.name);
        const byDefault = storage.value.filter((s) => s.isDefault).map((s) => s.name);
        const missing = plan.storageClasses.filter((c) => !names.includes(c));
        const stated = plan.profile.storageClass;
        if (missing.length > 0) results.push(fail("storage-class", `no storage class ${missing.join(", ")}, which the stack's volumes come from (the cluster has ${names.join(", ") || "none"})`, `name one the cluster has in cluster.storageClass (or the volume's storageClass), or install it`));
        else if (stated !== undefined && !byDefault.includes(stated)) results.push(fail("storage-class", `cluster.storageClass is ${stated}, but the cluster's default class is ${byDefault.join(", ") || "none"}: a volume that names no class would not come from it`, `state ${byDefault[0] ?? "the class"} in cluster.storageClass, or mark ${stated} as the default (storageclass.kubernetes.io/is-default-class)`));
        else results.push(pass("storage-class", plan.storageClasses.length > 0 ? `storage class ${plan.storageClasses.join(", ")} present${stated ? ", the default" : ""}` : "no volume needs a storage class"));
    }
    const ingress = facts.sections.ingressClasses;
    const wanted = [...new Set([...(plan.profile.ingressClass ? [plan.profile.ingressClass] : []), ...plan.ingressClasses])];
    if (wanted.length > 0) {
        if (!ingress?.value) results.push(unreadable("ingress-class", "the ingress classes", ingress));
        else {
            const missing = wanted.filter((c) => !ingress.value.some((i) => i.name === c));
            if (missing.length > 0) results.push(fail("ingress-class", `no IngressClass ${missing.join(", ")}: no controller would serve the stack's Ingresses (the cluster has ${ingress.value.map((i) => i.name).join(", ") || "none"})`, "install the ingress controller (for kind: ingress-nginx's kind manifest), or state the class it serves in cluster.ingressClass"));
            else results.push(pass("ingress-class", `IngressClass ${wanted.join(", ")} present`));
        }
    }
    if (plan.profile.gatewayApi || plan.gateways.length > 0) results.push(judgeGateways(plan, facts));
    return results;
}

function judgeGateways(plan: CheckPlan, facts: LiveCluster): CheckResult {
    const crds = facts.sections.crds?.value ?? [];
    const missingKinds = ["Gateway", "HTTPRoute"].filter((kind) => !crds.some((c) => c.group === "gateway.networking.k8s.io" && c.kind === kind && c.established));
    if (missingKinds.length > 0) return fail("gateway-api", `the Gateway API's CRDs for ${missingKinds.join(", ")} are not installed`, "install the Gateway API's standard channel CRDs and a Gateway controller, or set cluster.gatewayApi to false and expose through an Ingress");
    const gateways = facts.sections.gateways;
    if (!gateways?.value) return unreadable("gateway-api", "the Gateways", gateways);
    const missing = gateways.value.filter((g) => !g.exists).map((g) => `${g.namespace}/${g.name}`);
    if (missing.length > 0) return fail("gateway-api", `no Gateway ${missing.join(", ")}, which the stack's HTTPRoutes attach to`, "create the Gateway, or name one the cluster has in the model's expose.gateway");
    return pass("gateway-api", `Gateway API installed${plan.gateways.length > 0 ? `, Gateway ${plan.gateways.map((g) => `${g.namespace}/${g.name}`).join(", ")} present` : ""}`);
}

function judgeAccess(facts: LiveCluster): CheckResult {
    const access = facts.sections.access;
    if (!access?.value) return unreadable("permissions", "the context's permissions", access);
    const denied = access.value.filter((a) => !a.allowed).map((a) => `${a.permission.verb} ${a.permission.resource}${a.permission.group ? `.${a.permission.group}` : ""} ${a.permission.namespace ? `in ${a.permission.namespace}` : "(cluster-wide)"}`);
    if (denied.length > 0) return fail("permissions", `the context may not ${denied.join(", ")}`, "run pulumi up with a context bound to cluster-admin (the stack that installs the cluster-wide parts creates CRDs, cluster roles and webhooks)", denied);
    return pass("permissions", `the context may do all ${access.value.length} things pulumi up asks (SelfSubjectAccessReview)`);
}

/** Whose an existing object is, against the planned one: this stack's, another's, or no platform stack's. */
function ownership(planned: PlannedObject, live: { labels: Readonly<Record<string, string>>; managers: readonly string[] }): "ours" | "other stack" | "not pulumi's" {
    const theirs = planned.owner ? live.labels[planned.owner.label] : undefined;
    if (planned.owner && theirs !== undefined && theirs !== planned.owner.value) return "other stack";
    return live.managers.some(isPulumiManager) ? "ours" : "not pulumi's";
}

function judgeLeftovers(plan: CheckPlan, facts: LiveCluster): CheckResult[] {
    const results: CheckResult[] = [];
    const { namespaces, crds, helmReleases, secrets, sealedSecrets, argocdObjects } = facts.sections;
    const installed = namespaces?.value ? plan.namespaces.some((n) => namespaces.value.some((l) => l.name === n.name && ownership(n, l) === "ours")) : false;

    if (!crds?.value) results.push(unreadable("crds", "the CRDs", crds));
    else {
        const present = crds.value.filter((c) => plan.installsCrds.includes(`${c.group}/${c.kind}`));
        const foreign = present.filter((c) => !c.managers.some(isPulumiManager));
        const kept = installed ? [] : present.filter((c) => c.managers.some(isPulumiManager));
        if (foreign.length > 0) results.push(fail("crds", `${count(foreign.length, "CRD")} of the platform's parts installed by another tool (${[...new Set(foreign.flatMap((c) => c.managers))].join(", ") || "no field manager recorded"}): pulumi up would fail on each with AlreadyExists`, `take them over in this stack's first up: ${ADOPT} (unset it afterwards)`, foreign.map((c) => c.name)));
        // What the platform keeps it applies through a provider that upserts (components/register.ts): a rebuild takes them back.
        else if (kept.length > 0) results.push(pass("crds", `the platform's ${count(kept.length, "CRD")} kept from an earlier install (a destroy keeps them): pulumi up takes them back`));
        else if (plan.installs) results.push(pass("crds", present.length > 0 ? `the platform's ${count(present.length, "CRD")} present, applied by this platform` : "no CRD of the platform's parts installed yet"));
    }

    if (!helmReleases?.value) results.push(unreadable("helm-releases", "Helm's release records", helmReleases));
    else {
        const found = helmReleases.value.filter((h) => plan.releases.some((r) => r.name === h.release && r.namespace === h.namespace));
        const latest = [...new Map(found.map((h) => [`${h.namespace}/${h.release}`, h])).values()];
        if (latest.length > 0) {
            results.push(
                fail(
                    "helm-releases",
                    `${count(latest.length, "release")} of the stack installed with Helm (${latest.map((h) => `${h.namespace}/${h.release}, ${h.status}`).join("; ")}): pulumi up would fail on every object Helm holds, and a helm upgrade or uninstall would still act on them after`,
                    `take its objects over in the first up (${ADOPT}), then delete Helm's records, which pulumi up leaves, with the commands above; or helm uninstall each first (CRDs stay)`,
                    latest.map((h) => `kubectl delete secret -n ${h.namespace} -l owner=helm,name=${h.release}`),
                ),
            );
        }
        else results.push(pass("helm-releases", "no Helm release of the stack's parts"));
    }

    if (!secrets?.value) results.push(unreadable("secrets", "the Secrets the SealedSecrets write", secrets));
    else {
        const blocking = secrets.value.filter((s) => s.exists && !s.ownedBySealedSecret && !s.managedAnnotation);
        if (blocking.length > 0) {
            results.push(
                fail(
                    "secrets",
                    `${count(blocking.length, "Secret")} where the stack's SealedSecrets write, not theirs: the sealed-secrets controller would leave ${blocking.length === 1 ? "it" : "them"} as ${blocking.length === 1 ? "it is" : "they are"}`,
                    `hand ${blocking.length === 1 ? "it" : "each"} to the controller in the first up (${ADOPT} marks ${blocking.length === 1 ? "it" : "each"} sealedsecrets.bitnami.com/managed), or delete ${blocking.length === 1 ? "it" : "them"}`,
                    blocking.map((s) => `${s.namespace}/${s.name}`),
                ),
            );
        } else results.push(pass("secrets", "no Secret stands where a SealedSecret of the stack writes"));
    }

    const existing: [string, readonly PlannedObject[], readonly { name: string; namespace?: string; kind?: string; labels: Readonly<Record<string, string>>; managers: readonly string[] }[] | undefined][] = [
        ["Namespace", plan.namespaces, namespaces?.value],
        ["SealedSecret", plan.sealedSecrets, sealedSecrets?.value],
        ["Argo CD object", plan.argocdObjects, argocdObjects?.value],
    ];
    const others: string[] = [];
    const unmanaged: string[] = [];
    for (const [, planned, live] of existing) {
        for (const p of planned) {
            const found = live?.find((l) => l.name === p.name && (l.namespace ?? "") === (p.namespace ?? "") && (l.kind === undefined || l.kind === p.kind));
            if (!found) continue;
            const whose = ownership(p, found);
            const id = `${p.kind} ${p.namespace ? `${p.namespace}/` : ""}${p.name}`;
            if (whose === "other stack") others.push(`${id} (${p.owner?.label}=${found.labels[p.owner?.label ?? ""]})`);
            else if (whose === "not pulumi's") unmanaged.push(id);
        }
    }
    if (others.length > 0) results.push(fail("ownership", `${count(others.length, "object")} the stack creates belong${others.length === 1 ? "s" : ""} to another stack`, "stacks never share an object: rename the stack's own, or remove it from the other stack", others));
    if (unmanaged.length > 0) results.push(fail("existing-objects", `${count(unmanaged.length, "object")} the stack creates exist${unmanaged.length === 1 ? "s" : ""} already, made outside Pulumi: pulumi up would fail on each with AlreadyExists`, `delete them, or take them over in the next up: ${ADOPT} (unset it afterwards)`, unmanaged));
    if (others.length === 0 && unmanaged.length === 0 && namespaces?.value) results.push(pass("existing-objects", "nothing the stack creates exists already outside it"));
    return results;
}

/** In a shared cluster it does not own: the owner's parts installed and running. */
function judgeOwner(plan: CheckPlan, facts: LiveCluster): CheckResult[] {
    if (plan.installs) return [];
    const owner = plan.cluster.owner ?? "the owner";
    const up = `pulumi up --stack ${owner} first`;
    const crds = facts.sections.crds;
    const results: CheckResult[] = [];
    if (!crds?.value) results.push(unreadable("owner-crds", "the CRDs", crds));
    else {
        const missing = plan.needsCrds.filter((k) => !crds.value.some((c) => `${c.group}/${c.kind}` === k && c.established));
        results.push(missing.length > 0 ? fail("owner-crds", `no established CRD for ${missing.join(", ")}, which stack "${owner}" installs and this stack creates`, up) : pass("owner-crds", `the CRDs stack "${owner}" installs are established`));
    }
    results.push(judgeWorkloads("owner-parts", facts.sections.ownerWorkloads, plan.ownerReleases, up, `stack "${owner}"'s cluster-wide parts`));
    return results;
}

/** Every workload of `releases` has its pods ready; each release has some. */
export function judgeWorkloads(check: string, section: LiveCluster["sections"]["workloads"], releases: CheckPlan["releases"], remedy: string, what: string): CheckResult {
    if (!section?.value) return unreadable(check, `the workloads of ${what}`, section);
    const empty = releases.filter((r) => !section.value.some((w) => w.release === r.name && w.namespace === r.namespace)).map((r) => `${r.part}: no workload of release ${r.namespace}/${r.name} (not installed yet?)`);
    const notReady = section.value.filter((w) => w.desired === 0 || w.ready < w.desired).map(describeWorkload);
    if (empty.length > 0 || notReady.length > 0) return fail(check, `${count(empty.length + notReady.length, "workload")} of ${what} not ready`, remedy, [...empty, ...notReady]);
    return pass(check, `${what}: ${all(section.value.length, "workload")} ready`);
}

function describeWorkload(w: LiveWorkload): string {
    const why = w.conditions.find((c) => c.status === "False" && c.message)?.message;
    return `${w.part}: ${w.kind} ${w.namespace}/${w.name} ${w.ready}/${w.desired} ready${why ? ` (${why})` : ""}`;
}

/** The checks before `pulumi up`, in the order they print. */
export function judgePre(plan: CheckPlan, facts: LiveCluster): CheckResult[] {
    const api = judgeApi(facts);
    if (api.verdict === "fail") return [api];
    return [api, judgeVersion(plan, facts), ...[judgeDistribution(plan, facts)].filter((r) => r !== undefined), ...judgeNodes(plan, facts), ...judgeClasses(plan, facts), judgeAccess(facts), ...judgeLeftovers(plan, facts), ...judgeOwner(plan, facts)];
}
