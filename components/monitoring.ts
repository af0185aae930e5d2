import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { alertmanagerConfig, alertmanagerSecretReferences, CONFIG_KEY, configSecretName } from "../core/monitoring/alertmanager";
import { exposedUrl, gatewayObjects } from "../core/exposure";
import { grafanaAdminSecretName, grafanaOauthSecretName, grafanaService, monitoringRelease, OAUTH_SECRET_KEY } from "../core/monitoring/release";
import { platformDashboards } from "../core/monitoring/dashboards";
import { platformRules, platformServiceMonitors } from "../core/monitoring/platform";
import { prometheusRules } from "../core/monitoring/rules";
import { monitoringRunbook } from "../core/monitoring/runbook";
import { environmentLabels, namespace, SECRET_PLACEHOLDER, sealedSecret, toYaml } from "../core/objects";
import type { ClusterView } from "../model/cluster";
import type { StackModel } from "../model/schema";
import type { Sealer } from "../sealing/sealer";
import { registerChart, registerObject, registerSealedSecret } from "./register";

/** Grafana's admin user name: not a secret, unlike its password. */
const GRAFANA_ADMIN_USER = "admin";

export interface MonitoringArgs {
    /** The validated stack model. */
    readonly model: StackModel;
    /** The cluster release of kube-prometheus-stack, whose monitors this Prometheus selects too. */
    readonly clusterMonitoring: ClusterView["monitoring"];
    /** Seals the Alertmanager config and Grafana's credentials for the controller. */
    readonly sealer: Sealer;
    /** The value of a secret the model names (`gitops:<key>`): the receivers' webhook and routing key, Grafana's OAuth client secret. */
    readonly configSecret: (reference: string) => pulumi.Output<string>;
    /**
     * What its SealedSecrets and chart wait for where this stack installs the cluster-wide parts:
     * the sealed-secrets controller and the cluster release (CRDs, operator). Defaults to none:
     * the owner of the shared cluster has installed them already.
     */
    readonly after?: readonly pulumi.Resource[];
    /** Hand each existing Secret its SealedSecrets write to the sealed-secrets controller (`gitops:adoptExisting`). Defaults to false. */
    readonly adoptExisting?: boolean;
}

/**
 * The environment's kube-prometheus-stack release (its Prometheus, Alertmanager and Grafana),
 * with a generated Alertmanager config sealed into `alertmanager-config-<env>` and rules that
 * only this environment's Prometheus loads.
 */
export class Monitoring extends pulumi.ComponentResource {
    /** Commands that verify the alerting path, with the real names. */
    public readonly runbook: string;
    /** Name of the Secret the Alertmanager CR reads its config from. */
    public readonly configSecretName: string;
    /** Grafana's public URL. */
    public readonly grafanaUrl: string;
    /** What queries this environment's Prometheus waits for: its chart. */
    public readonly ready: readonly pulumi.Resource[];

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:monitoring:Monitoring", name, {}, opts);
        const { model, sealer } = args;
        const ns = model.monitoring.namespace;
        const labels = environmentLabels(model.environment, "monitoring");
        this.configSecretName = configSecretName(model);
        this.runbook = monitoringRunbook(model);
        this.grafanaUrl = exposedUrl(model.monitoring.grafana.expose);

        // Prometheus's and Alertmanager's volumes (claims their StatefulSets made) live and die with it.
        const nsResource = registerObject(name, namespace(ns, labels, { keep: true }), { parent: this });
        const sealedOpts = { parent: this, dependsOn: [nsResource, ...(args.after ?? [])] };

        const references = alertmanagerSecretReferences(model.monitoring.alertmanager);
        const receiverSecrets = pulumi.all(references.map((reference) => args.configSecret(reference)));
        const configYaml = receiverSecrets.apply((values) => toYaml(alertmanagerConfig(model, (reference) => values[references.indexOf(reference)])));
        const configData = sealer.seal({ namespace: ns, name: this.configSecretName }, { [CONFIG_KEY]: configYaml });
        // The same config, generated with the placeholder where each secret goes.
        const configPreview = { [CONFIG_KEY]: toYaml(alertmanagerConfig(model, () => SECRET_PLACEHOLDER)) };
        const adopting = args.adoptExisting ?? false;
        const configSecret = registerSealedSecret(name, sealedSecret(this.configSecretName, ns, labels, configData, { previews: configPreview }), adopting, sealedOpts);

        const grafanaPassword = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, { parent: this });
        const grafanaName = grafanaAdminSecretName(model);
        const grafanaData = sealer.seal({ namespace: ns, name: grafanaName }, { "admin-user": GRAFANA_ADMIN_USER, "admin-password": grafanaPassword.result });
        const grafanaSecret = registerSealedSecret(name, sealedSecret(grafanaName, ns, labels, grafanaData, { previews: { "admin-user": GRAFANA_ADMIN_USER } }), adopting, sealedOpts);

        const sso = model.monitoring.grafana.sso;
        const oauthName = grafanaOauthSecretName(model);
        const oauthSecret = sso ? [registerSealedSecret(name, sealedSecret(oauthName, ns, labels, sealer.seal({ namespace: ns, name: oauthName }, { [OAUTH_SECRET_KEY]: args.configSecret(sso.clientSecret) })), adopting, sealedOpts)] : [];

        // The platform watching itself, from the stack that installs it: its dashboards, monitors and alerts.
        const { clusterWide } = model;
        const dashboards = clusterWide ? platformDashboards(model).map((dashboard) => registerObject(name, dashboard, { parent: this, dependsOn: [nsResource] })) : [];
        const watching = clusterWide ? [...platformServiceMonitors(model, clusterWide), platformRules(model, clusterWide)] : [];
        const chart = registerChart(name, monitoringRelease(model, args.clusterMonitoring), { parent: this, dependsOn: [nsResource, configSecret, grafanaSecret, ...oauthSecret, ...dashboards, ...(args.after ?? [])] });
        for (const o of [...prometheusRules(model), ...watching]) registerObject(name, o, { parent: this, dependsOn: [chart] });
        const service = grafanaService(model);
        const routes = gatewayObjects(model.monitoring.grafana.expose, service.name, ns, service, labels).map((o) => registerObject(name, o, { parent: this, dependsOn: [chart] }));
        this.ready = [chart, ...routes];

        // Stryker disable next-line ObjectLiteral: registered outputs only show in the component's state: nothing reads them, and Pulumi's mocks never see them
        this.registerOutputs({ runbook: this.runbook, configSecretName: this.configSecretName });
    }
}
