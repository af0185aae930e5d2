/**
 * Every Helm values key the core sets, judged by the pinned charts' own defaults (README §2 of
 * ../shared/reference), as core/chartKeys/ indexes them: a key the chart does not know is silently
 * ignored by Helm, so a typo would switch nothing on or off. The index itself is held to the
 * vendored charts and the reference defaults in test/core/chartValues.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { HelmRelease } from "../../../core/helm";
import { CLUSTER_PARTS, clusterWideReleases } from "../../../core/catalogue";
import { rolloutsRelease } from "../../../core/rollouts";
import { monitoringRelease } from "../../../core/monitoring/release";
import { sealedSecretsRelease } from "../../../core/sealedSecrets";
import { clusterViewOf } from "../../../model/cluster";
import { type ChartKeys, type ChartRules, chartKeys, formatKeyPath, valuesProblems } from "../../../core/chartValues";
import { chartReference } from "../../helpers/chartValues";
import { crdFieldProblems } from "../../helpers/crds";
import { INSTALLERS, installerModel } from "../../helpers/models";

/** Every stack that installs all five releases: the cluster-wide ones and its environment's. */
const models: [string, ReturnType<typeof installerModel>][] = INSTALLERS.map(([stack, topology]) => [`${stack}, ${topology}`, installerModel(stack, topology)]);

function envRelease(model: ReturnType<typeof installerModel>): HelmRelease {
    return monitoringRelease(model, clusterViewOf(model.clusterWide).monitoring);
}

/** Every release of a stack that installs the cluster-wide parts: each part's of the catalogue, with the sealing keys' checksum, and its environment's. */
function releases(model: ReturnType<typeof installerModel>): HelmRelease[] {
    const withKeys = sealedSecretsRelease(model.clusterWide.sealedSecrets, [{ secretName: "sealed-secrets-key-0", certificatePem: "-----BEGIN CERTIFICATE-----", privateKeyPem: "" }]);
    return [...clusterWideReleases(model).map((r) => (r.chart === withKeys.chart ? withKeys : r)), envRelease(model)];
}

/** The committed index of a pinned chart: the tests below hold it to the vendored chart and the reference defaults. */
function indexOf(chart: string): ChartKeys {
    const keys = chartKeys(chart);
    if (!keys) throw new Error(`core/chartKeys/ has no index of ${chart}`);
    return keys;
}

describe.each(models)("Helm releases of %s", (_, model) => {
    const all = releases(model);

    it("covers every chart of the platform's catalogue", () => {
        expect(all.length).toBe(CLUSTER_PARTS.length + 1);
    });

    it.each(all.map((r) => [r.name, r] as const))("%s is pinned to a chart this machine has, of that name and version", (_, release) => {
        const reference = chartReference(release);
        expect(release.chart).toBe(reference.name);
        expect(release.version).toBe(reference.version);
    });

    it.each(all.map((r) => [r.name, r] as const))("%s sets only values keys the chart has, with the chart's types", (_, release) => {
        expect(Object.keys(release.values).length).toBeGreaterThan(0);
        expect(valuesProblems(release.values, indexOf(release.chart))).toEqual([]);
    });

    it("kube-prometheus-stack: the *Spec values the chart copies into the Prometheus and Alertmanager CRs fit those CRDs", () => {
        const values = envRelease(model).values as { prometheus: { prometheusSpec: Record<string, unknown> }; alertmanager: { alertmanagerSpec: Record<string, unknown> } };
        const selectors = Object.entries(values.prometheus.prometheusSpec).filter(([key]) => key.endsWith("Selector"));
        expect(selectors.length).toBeGreaterThan(0);
        for (const [key, value] of selectors) expect(crdFieldProblems("monitoring.coreos.com/v1", "Prometheus", ["spec", key], value), key).toEqual([]);
        expect(crdFieldProblems("monitoring.coreos.com/v1", "Alertmanager", ["spec", "configSecret"], values.alertmanager.alertmanagerSpec.configSecret)).toEqual([]);
    });
});

describe("the values check can fail", () => {
    const [kps, argo] = [indexOf("kube-prometheus-stack"), indexOf("argo-cd")];
    const problemsOf = (values: Record<string, unknown>, keys: ChartKeys, rules?: ChartRules) => valuesProblems(values, keys, rules).map((p) => `${formatKeyPath(p.keyPath)}: ${p.message}`);

    it.each<[string, Record<string, unknown>, ChartKeys, RegExp]>([
        ["misspelled alertmanager.alertmanagerSpec.configSecrets", { alertmanager: { alertmanagerSpec: { configSecrets: "x" } } }, kps, /^alertmanager\.alertmanagerSpec\.configSecrets: chart kube-prometheus-stack 88\.5\.3 has no such value; did you mean alertmanager\.alertmanagerSpec\.\w+\?/],
        ["alertmanager.configFromSecret (not a chart key)", { alertmanager: { configFromSecret: "x" } }, kps, /^alertmanager\.configFromSecret: chart .* has no such value/],
        ["a bool where the chart has a map", { prometheus: { prometheusSpec: { ruleSelector: true } } }, kps, /ruleSelector: chart kube-prometheus-stack takes a map here, got a bool/],
        ["a string where the chart has a bool", { prometheus: { prometheusSpec: { ruleSelectorNilUsesHelmValues: "false" } } }, kps, /ruleSelectorNilUsesHelmValues: chart kube-prometheus-stack takes a bool here, got a string/],
        ["a map where the chart has a list", { alertmanager: { alertmanagerSpec: { configMaps: { a: "b" } } } }, kps, /configMaps: chart kube-prometheus-stack takes a list here, got a map/],
        ["a commented-out key with the wrong type", { alertmanager: { alertmanagerSpec: { configSecret: { name: "x" } } } }, kps, /configSecret: chart kube-prometheus-stack takes a string here, got a map/],
        ["a grafana key the subchart does not have", { grafana: { admin: { existingSecrets: "x" } } }, kps, /^grafana\.admin\.existingSecrets: chart .* has no such value; did you mean grafana\.admin\.existingSecret\?/],
        ["a dotted key split into nesting", { configs: { rbac: { policy: { csv: "p, a, b, c, d, allow" } } } }, argo, /^configs\.rbac\.policy: chart argo-cd 10\.1\.1 has no such value/],
        ["a misspelled dotted key", { configs: { rbac: { "policy.defaults": "role:readonly" } } }, argo, /^configs\.rbac\."policy\.defaults": chart .* has no such value; did you mean configs\.rbac\."policy\.default"\?/],
        ["a key of an open map the chart lists, with the wrong type", { configs: { cm: { "admin.enabled": "true", "accounts.ci": "apiKey" } } }, argo, /^configs\.cm\."admin\.enabled": chart argo-cd takes a bool here, got a string/],
        ["a key beside an open map", { configs: { cms: { "admin.enabled": "true" } } }, argo, /^configs\.cms: chart .* has no such value; did you mean configs\.cm\?/],
        ["a misspelled argo-cd server key", { server: { ingress: { hostName: "x" } } }, argo, /^server\.ingress\.hostName: chart .* has no such value; did you mean server\.ingress\.hostname\?/],
        ["a misspelled key of a subchart argo-cd brings", { "redis-ha": { replica: 3 } }, argo, /^redis-ha\.replica: chart .* has no such value; did you mean redis-ha\.replicas\?/],
        ["a misspelled key the chart documents only in a comment the rules list", { grafana: { adminPasword: "x" } }, kps, /^grafana\.adminPasword: chart .* has no such value; did you mean grafana\.adminPassword\?/],
        ["a misspelled key the chart documents only in a comment", { grafana: { sidecar: { datasources: { maxReadRetrie: 5 } } } }, kps, /did you mean grafana\.sidecar\.datasources\.maxReadRetries\?$/],
    ])("%s", (_, values, keys, expected) => {
        const problems = problemsOf(values, keys);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(expected);
    });

    it("follows the reference README's rules where a naive walk would fail", () => {
        // Dotted keys that exist literally; open maps; the allow-list; grafana from the subchart; lists by type only; null anywhere the chart has the key.
        expect(problemsOf({ configs: { rbac: { "policy.csv": "", "policy.matchMode": "glob" }, cm: { "accounts.ci": "apiKey" }, params: { "server.insecure": true } } }, argo)).toEqual([]);
        expect(problemsOf({ alertmanager: { config: { anything: { at: "all" } }, alertmanagerSpec: { configSecret: "s", configMaps: ["a"] } } }, kps)).toEqual([]);
        expect(problemsOf({ grafana: { admin: { existingSecret: "s" }, testFramework: { enabled: false }, adminPassword: "p", resources: null } }, kps)).toEqual([]);
        // Without the rules, the same values fail.
        expect(problemsOf({ configs: { cm: { "accounts.ci": "apiKey" } } }, argo, {})).toEqual([expect.stringMatching(/^configs\.cm\."accounts\.ci": chart argo-cd 10\.1\.1 has no such value/)]);
        expect(problemsOf({ alertmanager: { alertmanagerSpec: { configSecret: "s" } } }, kps, {})).toHaveLength(1);
    });

    it("catches a selector the Prometheus CRD would not take", () => {
        expect(crdFieldProblems("monitoring.coreos.com/v1", "Prometheus", ["spec", "ruleSelector"], { matchLabel: { release: "x" } })).toEqual(["$.spec.ruleSelector.matchLabel is not declared by the schema"]);
        expect(crdFieldProblems("monitoring.coreos.com/v1", "Prometheus", ["spec", "ruleSelector"], { matchLabels: { release: 1 } }).join()).toMatch(/matchLabels\.release must be string/);
        expect(crdFieldProblems("monitoring.coreos.com/v1", "Alertmanager", ["spec", "configSecret"], { name: "x" }).join()).toMatch(/must be string/);
    });

    it("catches a chart version this machine does not have, naming the one it has", () => {
        const { rollouts } = models[0][1].clusterWide;
        const release = rolloutsRelease({ ...rollouts, chart: { ...rollouts.chart, version: "2.40.0" } });
        expect(() => chartReference(release)).toThrow(`is argo-rollouts ${rollouts.chart.version}, but the release pins 2.40.0`);
    });
});
