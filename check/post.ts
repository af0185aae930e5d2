/**
 * `npm run check` after `pulumi up`: the platform running as the stack made it. Pure over the
 * facts read (check/read.ts). The conditions read are the controllers' own: a SealedSecret's
 * `Synced` (sealed-secrets), a Certificate's and a ClusterIssuer's `Ready` (cert-manager), a
 * Prometheus's and an Alertmanager's `Available` and `Reconciled` (prometheus-operator: its
 * configuration generated and loaded), an Application's sync and health (Argo CD), an
 * ApplicationSet's `ErrorOccurred` (the ApplicationSet controller).
 */
import { conditionOf, type Condition, type LiveCluster, type LiveObject } from "./facts";
import type { CheckPlan } from "./plan";
import { judgeApi, judgeWorkloads } from "./pre";
import { all, type CheckResult, count, fail, pass, unreadable, warn } from "./result";

const isTrue = (conditions: readonly Condition[], type: string) => conditionOf(conditions, type)?.status === "True";
/** The first message of a condition that is not as wanted, or its absence. */
function whyNot(conditions: readonly Condition[], wanted: readonly string[]): string {
    const off = wanted.map((type) => conditionOf(conditions, type) ?? { type, status: "Unknown", message: "no such condition yet" }).find((c) => c.status !== "True");
    return off ? `${off.type}=${off.status}${off.reason ? ` (${off.reason})` : ""}${off.message ? `: ${off.message}` : ""}` : "";
}

function judgeCrds(plan: CheckPlan, facts: LiveCluster): CheckResult {
    const crds = facts.sections.crds;
    if (!crds?.value) return unreadable("crds", "the CRDs", crds);
    const wanted = plan.installs ? plan.installsCrds : plan.needsCrds;
    const missing = wanted.filter((k) => !crds.value.some((c) => `${c.group}/${c.kind}` === k && c.established));
    if (missing.length > 0) return fail("crds", `${count(missing.length, "CRD")} not established`, plan.installs ? "run pulumi up again, and read its output for the CRD's error" : `pulumi up --stack ${plan.cluster.owner}`, missing);
    return pass("crds", `${all(wanted.length, "CRD")} the stack ${plan.installs ? "installs" : "needs"} established`);
}

function judgeSealedSecrets(plan: CheckPlan, facts: LiveCluster): CheckResult {
    const live = facts.sections.sealedSecrets;
    if (!live?.value) return unreadable("sealed-secrets", "the SealedSecrets", live);
    const found = (p: (typeof plan.sealedSecrets)[number]) => live.value.find((l) => l.kind === "SealedSecret" && l.name === p.name && l.namespace === p.namespace);
    const missing = plan.sealedSecrets.filter((p) => !found(p)).map((p) => `${p.namespace}/${p.name}: not in the cluster`);
    const sealed = plan.sealedSecrets.flatMap((p) => {
        const live = found(p);
        return live && !isTrue(live.conditions, "Synced") ? [`${p.namespace}/${p.name}: ${whyNot(live.conditions, ["Synced"])}`] : [];
    });
    if (missing.length + sealed.length > 0) {
        const remedies = [
            ...(missing.length > 0 ? [`pulumi up --stack ${plan.stack} creates the missing`] : []),
            ...(sealed.length > 0 ? ["one the controller cannot open was sealed for another key: compare gitops:sealingCertificate with the controller's (kubeseal --fetch-cert), then pulumi up"] : []),
        ];
        return fail("sealed-secrets", `${count(missing.length + sealed.length, "SealedSecret")} not unsealed`, remedies.join("; "), [...missing, ...sealed]);
    }
    return pass("sealed-secrets", `${all(plan.sealedSecrets.length, "SealedSecret")} unsealed (Synced)`);
}

function judgeCertificates(plan: CheckPlan, facts: LiveCluster): CheckResult[] {
    const results: CheckResult[] = [];
    const issuers = facts.sections.issuers;
    if (plan.issuers.length > 0) {
        if (!issuers?.value) results.push(unreadable("issuers", "the ClusterIssuers", issuers));
        else {
            const problems = plan.issuers.flatMap((name) => {
                const found = issuers.value.find((i) => i.name === name);
                if (!found) return [`${name}: not in the cluster`];
                return isTrue(found.conditions, "Ready") ? [] : [`${name}: ${whyNot(found.conditions, ["Ready"])}`];
            });
            results.push(problems.length > 0 ? fail("issuers", `${count(problems.length, "ClusterIssuer")} not ready`, "kubectl describe clusterissuer <name> says why (a CA issuer: its Secret in cert-manager's namespace)", problems) : pass("issuers", `ClusterIssuer ${plan.issuers.join(", ")} ready`));
        }
    }
    const certificates = facts.sections.certificates;
    if (plan.certificateNamespaces.length === 0) return results;
    if (!certificates?.value) return [...results, unreadable("certificates", "the Certificates", certificates)];
    const notReady = certificates.value.filter((c) => !isTrue(c.conditions, "Ready")).map((c) => `${c.namespace}/${c.name}: ${whyNot(c.conditions, ["Ready"])}`);
    if (certificates.value.length === 0) results.push(warn("certificates", `no Certificate yet in ${plan.certificateNamespaces.join(", ")}`, "cert-manager makes one per Ingress it serves: wait, or check the Ingresses' cert-manager.io annotations"));
    else if (notReady.length > 0) results.push(fail("certificates", `${count(notReady.length, "Certificate")} not ready`, "kubectl describe certificate -n <namespace> <name> says why", notReady));
    else results.push(pass("certificates", `${all(certificates.value.length, "Certificate")} of the stack's addresses ready`));
    return results;
}

function judgeMonitors(plan: CheckPlan, facts: LiveCluster): CheckResult {
    const monitors = facts.sections.monitors;
    if (!monitors?.value) return unreadable("monitoring", "the Prometheus and Alertmanager", monitors);
    const missing = ["Prometheus", "Alertmanager"].filter((kind) => !monitors.value.some((m) => m.kind === kind)).map((kind) => `${kind}: none in ${plan.monitoringNamespace}`);
    const notReady = monitors.value.filter((m) => !isTrue(m.conditions, "Available") || !isTrue(m.conditions, "Reconciled")).map((m) => `${m.kind} ${m.namespace}/${m.name}: ${whyNot(m.conditions, ["Available", "Reconciled"])}`);
    if (missing.length > 0 || notReady.length > 0) return fail("monitoring", `the monitoring of ${plan.environment} is not running with its configuration loaded`, "kubectl describe the Prometheus or Alertmanager named below; the operator's log says why its configuration was refused", [...missing, ...notReady]);
    return pass("monitoring", `Prometheus and ${count(monitors.value.filter((m) => m.kind === "Alertmanager").length, "Alertmanager")} of ${plan.environment} available, configuration loaded`);
}

function judgeApplications(plan: CheckPlan, facts: LiveCluster): CheckResult[] {
    const live = facts.sections.argocdObjects;
    if (!live?.value) return [unreadable("applications", "Argo CD's Applications", live)];
    const find = (kind: string, name: string, namespace?: string) => live.value.find((l) => l.kind === kind && l.name === name && l.namespace === namespace);
    const apps = plan.argocdObjects.filter((o) => o.kind === "Application");
    const sets = plan.argocdObjects.filter((o) => o.kind === "ApplicationSet");
    const appProblems = apps.flatMap((a) => {
        const found = find("Application", a.name, a.namespace);
        if (!found) return [`Application ${a.name}: not in the cluster`];
        return found.sync === "Synced" && found.health === "Healthy" ? [] : [`Application ${a.name}: ${found.sync ?? "no sync status"}, ${found.health ?? "no health status"}`];
    });
    const setProblems = sets.flatMap((s) => {
        const found = find("ApplicationSet", s.name, s.namespace);
        if (!found) return [`ApplicationSet ${s.name}: not in the cluster`];
        const error = conditionOf(found.conditions, "ErrorOccurred");
        return error?.status === "True" ? [`ApplicationSet ${s.name}: ${error.message ?? error.reason ?? "an error occurred"}`] : [];
    });
    const planned = new Set(apps.map((a) => a.name));
    const generated = live.value.filter((l: LiveObject) => l.kind === "Application" && !planned.has(l.name) && l.labels["gitops-platform/environment"] === plan.environment).map((l) => `${l.name}: ${l.sync ?? "?"}, ${l.health ?? "?"}`);
    const results: CheckResult[] = [];
    const problems = [...appProblems, ...setProblems];
    if (problems.length > 0) results.push(fail("applications", `${problems.length} of the stack's ${apps.length + sets.length} root Applications and ApplicationSets not synced and healthy`, "argocd app get <name> (or the Application's status in the UI) says why; pulumi up creates one not in the cluster", problems));
    else results.push(pass("applications", `${count(apps.length, "root Application")} synced and healthy, ${count(sets.length, "ApplicationSet")} without error`));
    if (generated.length > 0) results.push(pass("generated-applications", `${count(generated.length, "Application")} of ${plan.environment} the ApplicationSets made (Argo CD's to keep, listed as they are)`, generated));
    return results;
}

/** The checks after `pulumi up`, in the order they print. */
export function judgePost(plan: CheckPlan, facts: LiveCluster): CheckResult[] {
    const api = judgeApi(facts);
    if (api.verdict === "fail") return [api];
    return [
        api,
        judgeCrds(plan, facts),
        judgeWorkloads("workloads", facts.sections.workloads, plan.releases, "kubectl describe the workload named below, and read its pods' events", "the stack's releases"),
        judgeSealedSecrets(plan, facts),
        ...judgeCertificates(plan, facts),
        judgeMonitors(plan, facts),
        ...judgeApplications(plan, facts),
    ];
}
