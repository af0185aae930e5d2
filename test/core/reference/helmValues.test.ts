/**
 * Every Helm values key the core sets, judged by the pinned charts' own defaults in
 * ../shared/reference/charts (README §2): a key the chart does not know is silently ignored by
 * Helm, so a typo would switch nothing on or off.
 */
import { describe, expect, it } from "vitest";
import type { HelmRelease } from "../../../core/helm";
import { CLUSTER_PARTS, clusterWideReleases } from "../../../core/catalogue";
import { rolloutsRelease } from "../../../core/rollouts";
import { monitoringRelease } from "../../../core/monitoring/release";
import { sealedSecretsRelease } from "../../../core/sealedSecrets";
import { clusterViewOf } from "../../../model/cluster";
import { chartReference, coalesce, type ValuesRules, subchartDefaults, valuesKeyProblems } from "../../helpers/chartValues";
import { crdFieldProblems } from "../../helpers/crds";
import { INSTALLERS, installerModel } from "../../helpers/models";

/** Every stack that installs all five releases: the cluster-wide ones and its environment's. */
const models: [string, ReturnType<typeof installerModel>][] = INSTALLERS.map(([stack, topology]) => [`${stack}, ${topology}`, installerModel(stack, topology)]);

/**
 * The charts that need more than their own defaults to be judged by: subchart defaults coalesced
 * under their key, as Helm does, and the README's open maps and commented-out keys. Each entry
 * names where it comes from; any other chart is judged by its reference values.yaml alone.
 */
const charts: Record<string, { defaults: Record<string, unknown>; rules: ValuesRules }> = {
    "argo-cd": {
        defaults: chartReference("argo-cd").defaults,
        rules: {
            openMaps: [
                // Passed through to argocd-cm: `accounts.<name>` keys (operator-manual/argocd-cm.yaml).
                ["configs", "cm"],
                // Passed through to argocd-cmd-params-cm (operator-manual/argocd-cmd-params-cm.yaml).
                ["configs", "params"],
                ["notifications", "notifiers"],
                ["notifications", "templates"],
                ["notifications", "triggers"],
                ["notifications", "secret", "items"],
            ],
            commentedOut: [
                // Not in the defaults; the templates read `index .Values.configs.params "server.insecure"`.
                // argocd-cmd-params-cm takes it as a string; Helm quotes a bool, so either works.
                { path: ["configs", "params", "server.insecure"], type: ["bool", "string"] },
            ],
        },
    },
    "argo-rollouts": { defaults: chartReference("argo-rollouts").defaults, rules: { openMaps: [["notifications", "secret", "items"]] } },
    "kube-prometheus-stack": {
        defaults: (() => {
            const kps = chartReference("kube-prometheus-stack").defaults;
            // `grafana.*` goes to the grafana subchart: its defaults, with the kps overrides on top.
            return { ...kps, grafana: coalesce(subchartDefaults("kube-prometheus-stack", "grafana"), kps.grafana as Record<string, unknown>) };
        })(),
        rules: {
            // grafana.ini's sections are Grafana's own, passed through to its configuration file.
            openMaps: [["alertmanager", "config"], ["grafana", "grafana.ini"], ["grafana", "grafana.ini", "server"]],
            commentedOut: [
                // `# ingressClassName: nginx` in the grafana subchart; its Ingress template reads it.
                { path: ["grafana", "ingress", "ingressClassName"], type: "string" },
                // `# configSecret:` only; the Alertmanager CR template reads it.
                { path: ["alertmanager", "alertmanagerSpec", "configSecret"], type: "string" },
                // `# adminPassword: strongpassword` in the grafana subchart.
                { path: ["grafana", "adminPassword"], type: "string" },
            ],
        },
    },
    "sealed-secrets": { defaults: chartReference("sealed-secrets").defaults, rules: { openMaps: [["privateKeyLabels"], ["privateKeyAnnotations"], ["podAnnotations"]] } },
};

function envRelease(model: ReturnType<typeof installerModel>): HelmRelease {
    return monitoringRelease(model, clusterViewOf(model.clusterWide).monitoring);
}

/** Every release of a stack that installs the cluster-wide parts: each part's of the catalogue, with the sealing keys' checksum, and its environment's. */
function releases(model: ReturnType<typeof installerModel>): HelmRelease[] {
    const withKeys = sealedSecretsRelease(model.clusterWide.sealedSecrets, [{ secretName: "sealed-secrets-key-0", certificatePem: "-----BEGIN CERTIFICATE-----", privateKeyPem: "" }]);
    return [...clusterWideReleases(model).map((r) => (r.chart === withKeys.chart ? withKeys : r)), envRelease(model)];
}

function judge(release: { chart: string }): { defaults: Record<string, unknown>; rules: ValuesRules } {
    return charts[release.chart] ?? { defaults: chartReference(release.chart).defaults, rules: {} };
}

describe.each(models)("Helm releases of %s", (_, model) => {
    const all = releases(model);

    it("covers every chart of the platform's catalogue", () => {
        expect(all.length).toBe(CLUSTER_PARTS.length + 1);
    });

    it.each(all.map((r) => [r.name, r] as const))("%s is pinned to the reference chart's version", (_, release) => {
        const { chart } = release;
        const reference = chartReference(chart);
        expect(release.chart).toBe(reference.name);
        expect(release.version).toBe(reference.version);
    });

    it.each(all.map((r) => [r.name, r] as const))("%s sets only values keys the chart has, with the chart's types", (_, release) => {
        const { defaults, rules } = judge(release);
        expect(Object.keys(release.values).length).toBeGreaterThan(0);
        expect(valuesKeyProblems(release.values, defaults, rules)).toEqual([]);
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
    const kps = charts["kube-prometheus-stack"];
    const argo = charts["argo-cd"];

    it.each<[string, Record<string, unknown>, { defaults: Record<string, unknown>; rules: ValuesRules }, RegExp]>([
        ["misspelled alertmanager.alertmanagerSpec.configSecrets", { alertmanager: { alertmanagerSpec: { configSecrets: "x" } } }, kps, /^alertmanager\.alertmanagerSpec\.configSecrets: no such key/],
        ["alertmanager.configFromSecret (not a chart key)", { alertmanager: { configFromSecret: "x" } }, kps, /^alertmanager\.configFromSecret: no such key/],
        ["a bool where the chart has a map", { prometheus: { prometheusSpec: { ruleSelector: true } } }, kps, /ruleSelector: the chart's default is a map, got bool/],
        ["a string where the chart has a bool", { prometheus: { prometheusSpec: { ruleSelectorNilUsesHelmValues: "false" } } }, kps, /ruleSelectorNilUsesHelmValues: the chart's default is a bool/],
        ["a map where the chart has a list", { alertmanager: { alertmanagerSpec: { configMaps: { a: "b" } } } }, kps, /configMaps: the chart's default is a list, got map/],
        ["a commented-out key with the wrong type", { alertmanager: { alertmanagerSpec: { configSecret: { name: "x" } } } }, kps, /configSecret: the templates read a string, got map/],
        ["a grafana key the subchart does not have", { grafana: { admin: { existingSecrets: "x" } } }, kps, /^grafana\.admin\.existingSecrets: no such key/],
        ["a dotted key split into nesting", { configs: { rbac: { policy: { csv: "p, a, b, c, d, allow" } } } }, argo, /^configs\.rbac\.policy: no such key/],
        ["a misspelled dotted key", { configs: { rbac: { "policy.defaults": "role:readonly" } } }, argo, /^configs\.rbac\."policy\.defaults": no such key/],
        ["a key of an open map the chart lists, with the wrong type", { configs: { cm: { "admin.enabled": "true", "accounts.ci": "apiKey" } } }, argo, /^configs\.cm\."admin\.enabled": the chart's default is a bool \(true\), got string/],
        ["a key beside an open map", { configs: { cms: { "admin.enabled": "true" } } }, argo, /^configs\.cms: no such key/],
        ["a misspelled argo-cd server key", { server: { ingress: { hostName: "x" } } }, argo, /^server\.ingress\.hostName: no such key/],
    ])("%s", (_, values, { defaults, rules }, expected) => {
        const problems = valuesKeyProblems(values, defaults, rules);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(expected);
    });

    it("follows the README's rules where a naive walk would fail", () => {
        // Dotted keys that exist literally; open maps; the allow-list; grafana from the subchart; lists by type only.
        expect(valuesKeyProblems({ configs: { rbac: { "policy.csv": "", "policy.matchMode": "glob" }, cm: { "accounts.ci": "apiKey" }, params: { "server.insecure": true } } }, argo.defaults, argo.rules)).toEqual([]);
        expect(valuesKeyProblems({ alertmanager: { config: { anything: { at: "all" } }, alertmanagerSpec: { configSecret: "s", configMaps: ["a"] } } }, kps.defaults, kps.rules)).toEqual([]);
        expect(valuesKeyProblems({ grafana: { admin: { existingSecret: "s" }, testFramework: { enabled: false }, adminPassword: "p" } }, kps.defaults, kps.rules)).toEqual([]);
        // Without the rules, the same values fail.
        expect(valuesKeyProblems({ configs: { cm: { "accounts.ci": "apiKey" } } }, argo.defaults)).toEqual(['configs.cm."accounts.ci": no such key in the chart\'s values.yaml']);
        expect(valuesKeyProblems({ alertmanager: { alertmanagerSpec: { configSecret: "s" } } }, kps.defaults)).toHaveLength(1);
        // kps itself does not list grafana.testFramework: only the subchart's defaults have it.
        expect(valuesKeyProblems({ grafana: { testFramework: { enabled: false } } }, chartReference("kube-prometheus-stack").defaults)).toEqual(["grafana.testFramework: no such key in the chart's values.yaml"]);
    });

    it("catches a selector the Prometheus CRD would not take", () => {
        expect(crdFieldProblems("monitoring.coreos.com/v1", "Prometheus", ["spec", "ruleSelector"], { matchLabel: { release: "x" } })).toEqual(["$.spec.ruleSelector.matchLabel is not declared by the schema"]);
        expect(crdFieldProblems("monitoring.coreos.com/v1", "Prometheus", ["spec", "ruleSelector"], { matchLabels: { release: 1 } }).join()).toMatch(/matchLabels\.release must be string/);
        expect(crdFieldProblems("monitoring.coreos.com/v1", "Alertmanager", ["spec", "configSecret"], { name: "x" }).join()).toMatch(/must be string/);
    });

    it("catches a chart version that is not the pinned reference", () => {
        const { rollouts } = models[0][1].clusterWide;
        const release = rolloutsRelease({ ...rollouts, chart: { ...rollouts.chart, version: "2.40.0" } });
        expect(release.version).not.toBe(chartReference(release.chart).version);
    });
});
