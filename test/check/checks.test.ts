/**
 * Every check of `npm run check`, passing and failing, through the replayed API server: each
 * case changes one thing of a cluster where every check passes (a fresh cluster before `pulumi
 * up`, the installed platform after it) and finds that check turned. Cases of different checks
 * share a run (their `round`), so that the file reads the cluster a few times rather than once
 * per case; in each round every check no case turns still passes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { CheckPlan } from "../../check/plan";
import type { CheckMode } from "../../check/read";
import type { CheckResult, Verdict } from "../../check/result";
import { replayServer, shippedPlan } from "../helpers/checkRun";
import { recorded } from "../helpers/kubeApi";
import { freshCluster, installedCluster, PULUMI_MANAGER, type ReplayCluster, recordedCluster, versionOf } from "../helpers/replayCluster";

const { verdicts } = replayServer();
let prod: CheckPlan;
beforeAll(async () => {
    prod = await shippedPlan("prod");
}, 60_000);

type Obj = Record<string, any>;
const only = <T>(items: T[], which: (item: T) => boolean): T => items.filter(which)[0];
const condition = (object: Obj, type: string, status: string, message?: string) => {
    object.status.conditions = [{ ...(object.status.conditions?.[0] ?? {}), type, status, ...(message ? { message } : {}) }];
};

/** A check, a change of the passing cluster that fails it, and what it then says. */
interface Case {
    /** The run it shares with the other cases of the round: their changes are made together. */
    readonly round: number;
    readonly check: string;
    readonly mode: CheckMode;
    readonly change: (cluster: ReplayCluster, plan: CheckPlan) => void;
    readonly plan?: (plan: CheckPlan) => CheckPlan;
    readonly verdict?: Verdict;
    readonly says: RegExp;
}

const CASES: Case[] = [
    { round: 1, check: "kubernetes-version", mode: "pre", change: (c) => (c.version = versionOf(32)), says: /^Kubernetes v1\.32\.2 is outside the supported range 1\.33–1\.35: cert-manager supports 1\.33–1\.36$/ },
    { round: 2, check: "kubernetes-version", mode: "pre", change: (c) => (c.version = versionOf(35)), says: /^Kubernetes v1\.35\.2, but cluster\.kubernetes is 1\.34/ },
    { round: 1, check: "distribution", mode: "pre", verdict: "warn", change: (c) => c.nodes.forEach((n) => (n.spec.providerID = `aws:///eu-west-1a/i-0${n.metadata.name.length}`)), says: /^the cluster looks like eks, but cluster\.distribution is kind$/ },
    { round: 1, check: "nodes", mode: "pre", change: (c) => (c.nodes[3].spec.unschedulable = true), says: /^2 schedulable nodes, but cluster\.nodes\.schedulable is 3$/ },
    { round: 1, check: "node-size", mode: "pre", change: (c) => (c.nodes[1].status.allocatable.memory = "7Gi"), says: /^node gitops-worker gives pods 3\.8 CPU and 7Gi, less than cluster\.nodes\.allocatable states \(3800m CPU, 15Gi\)$/ },
    { round: 3, check: "requests", mode: "pre", change: (c) => c.nodes.forEach((n) => (n.status.allocatable.cpu = "900m")), says: /^the platform requests [\d.]+ CPU and [\d.]+Gi of the 2\.16 CPU and 36Gi it may take \(80% of what the schedulable nodes give\)$/ },
    { round: 1, check: "storage-class", mode: "pre", change: (c) => (c.storageClasses = recordedCluster().storageClasses), says: /^no storage class standard, which the stack's volumes come from \(the cluster has local-path, nfs-client\)$/ },
    { round: 2, check: "storage-class", mode: "pre", change: (c) => delete c.storageClasses[0].metadata.annotations, says: /^cluster\.storageClass is standard, but the cluster's default class is none: a volume that names no class would not come from it$/ },
    { round: 1, check: "ingress-class", mode: "pre", change: (c) => (c.ingressClasses = []), says: /^no IngressClass nginx: no controller would serve the stack's Ingresses \(the cluster has none\)$/ },
    {
        round: 2,
        check: "gateway-api",
        mode: "pre",
        plan: (p) => ({ ...p, profile: { ...p.profile, gatewayApi: true }, gateways: [{ namespace: "gateway-system", name: "platform" }] }),
        change: () => undefined,
        says: /^the Gateway API's CRDs for Gateway, HTTPRoute are not installed$/,
    },
    { round: 1, check: "permissions", mode: "pre", change: (c) => (c.allowed = (_, a) => a.resource !== "mutatingwebhookconfigurations"), says: /^the context may not create mutatingwebhookconfigurations\.admissionregistration\.k8s\.io \(cluster-wide\)$/ },
    { round: 1, check: "crds", mode: "pre", change: (c) => (c.crds = recordedCluster().crds), says: /^22 CRDs of the platform's parts installed by another tool \(no field manager recorded\)/ },
    {
        round: 2,
        check: "crds",
        mode: "pre",
        // pulumi destroy keeps the CRDs (helm.sh/resource-policy: keep); the stack's own namespaces are gone. The next up takes them back.
        change: (c, p) => (c.crds = installedCluster(p).crds),
        verdict: "pass",
        says: /^the platform's \d+ CRDs kept from an earlier install \(a destroy keeps them\): pulumi up takes them back$/,
    },
    { round: 1, check: "helm-releases", mode: "pre", change: (c) => c.secrets.set("argocd/sh.helm.release.v1.argocd.v1", recordedCluster().secrets.get("argocd/sh.helm.release.v1.argocd.v1") as Obj), says: /^1 release of the stack installed with Helm \(argocd\/argocd, deployed\)/ },
    { round: 1, check: "secrets", mode: "pre", change: (c) => c.secrets.set("argocd/argocd-secret", recorded("GET_api_v1_namespaces_argocd_secrets_argocd-secret.json")), says: /^1 Secret where the stack's SealedSecrets write, not theirs/ },
    {
        round: 1,
        check: "ownership",
        mode: "pre",
        change: (c) => c.namespaces.push({ ...recorded("GET_api_v1_namespaces_argocd.json"), metadata: { name: "monitoring-prod", labels: { "gitops-platform/environment": "staging" }, managedFields: [{ manager: PULUMI_MANAGER }] } }),
        says: /^1 object the stack creates belongs to another stack$/,
    },
    { round: 1, check: "existing-objects", mode: "pre", change: (c) => c.namespaces.push(recorded("GET_api_v1_namespaces_argocd.json")), says: /^1 object the stack creates exists already, made outside Pulumi/ },

    { round: 4, check: "crds", mode: "post", change: (c) => (c.crds[0].status.conditions = []), says: /^1 CRD not established$/ },
    { round: 4, check: "workloads", mode: "post", change: (c) => (c.objects.get("apps/deployments") as Obj[]).splice(0, 1), says: /^1 workload of the stack's releases not ready$/ },
    { round: 4, check: "sealed-secrets", mode: "post", change: (c) => condition((c.objects.get("bitnami.com/sealedsecrets") as Obj[])[0], "Synced", "False", "no key could decrypt secret (token)"), says: /^1 SealedSecret not unsealed$/ },
    { round: 4, check: "issuers", mode: "post", change: (c) => condition((c.objects.get("cert-manager.io/clusterissuers") as Obj[])[0], "Ready", "False", "Error getting keypair for CA issuer"), says: /^1 ClusterIssuer not ready$/ },
    { round: 4, check: "certificates", mode: "post", change: (c) => condition((c.objects.get("cert-manager.io/certificates") as Obj[])[0], "Ready", "False", "Issuing certificate as Secret does not exist"), says: /^1 Certificate not ready$/ },
    { round: 5, check: "certificates", mode: "post", verdict: "warn", change: (c) => c.objects.set("cert-manager.io/certificates", []), says: /^no Certificate yet in argocd, monitoring-prod$/ },
    { round: 4, check: "monitoring", mode: "post", change: (c) => condition((c.objects.get("monitoring.coreos.com/alertmanagers") as Obj[])[0], "Reconciled", "False", "provision alertmanager configuration: invalid receiver"), says: /^the monitoring of prod is not running with its configuration loaded$/ },
    { round: 4, check: "applications", mode: "post", change: (c) => (only(c.objects.get("argoproj.io/applications") as Obj[], () => true).status.health.status = "Degraded"), says: /^1 of the stack's 5 root Applications and ApplicationSets not synced and healthy$/ },
    { round: 5, check: "applications", mode: "post", change: (c) => condition((c.objects.get("argoproj.io/applicationsets") as Obj[])[0], "ErrorOccurred", "True", "failed to get params for second generator"), says: /^1 of the stack's 5 root Applications and ApplicationSets not synced and healthy$/ },
];

describe("every check", () => {
    const baseline = new Map<CheckMode, Map<string, Verdict>>();
    const rounds = new Map<number, Map<string, CheckResult>>();
    beforeAll(async () => {
        for (const mode of ["pre", "post"] as const) {
            const found = await verdicts(prod, mode, mode === "pre" ? freshCluster() : installedCluster(prod));
            baseline.set(mode, new Map([...found].map(([check, result]) => [check, result.verdict])));
        }
        for (const round of new Set(CASES.map((c) => c.round))) {
            const cases = CASES.filter((c) => c.round === round);
            const plan = cases.reduce((p, c) => (c.plan ? c.plan(p) : p), prod);
            const { mode } = cases[0];
            const cluster = mode === "pre" ? freshCluster() : installedCluster(prod);
            for (const c of cases) c.change(cluster, plan);
            rounds.set(round, await verdicts(plan, mode, cluster));
        }
    }, 60_000);

    it("passes on the clusters the cases change, and each check is turned by a case", () => {
        for (const [mode, found] of baseline) expect([...found].filter(([, verdict]) => verdict !== "pass"), mode).toStrictEqual([]);
        const turned = new Set(CASES.map((c) => `${c.mode} ${c.check}`));
        const all = [...baseline].flatMap(([mode, found]) => [...found.keys()].map((check) => `${mode} ${check}`));
        // The API server's own check is turned in command.test.ts, a shared cluster's owner checks there too.
        expect(all.filter((c) => !turned.has(c)).sort()).toStrictEqual(["post api", "pre api"]);
    });

    it("turns in each round only the checks its cases turn", () => {
        for (const [round, found] of rounds) {
            const turned = new Set(CASES.filter((c) => c.round === round).map((c) => c.check));
            const others = [...found].filter(([check, r]) => !turned.has(check) && r.verdict !== "pass").map(([check]) => check);
            // Nodes too small for the platform are smaller than the profile states as well.
            expect(others, `round ${round}`).toStrictEqual(turned.has("requests") ? ["node-size"] : []);
        }
    });

    it.each(CASES.map((c) => [`${c.mode} ${c.check}: ${c.says.source.slice(1, 60)}`, c] as const))("%s", (_, c) => {
        const result = rounds.get(c.round)?.get(c.check);
        expect(result?.verdict).toBe(c.verdict ?? "fail");
        expect(result?.message).toMatch(c.says);
        if (result?.verdict !== "pass") expect(result?.remedy).toBeTruthy();
    });
});
