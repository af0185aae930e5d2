import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { alertmanagerConfig, CONFIG_KEY, configSecretName } from "../core/monitoring/alertmanager";
import { grafanaAdminSecretName, monitoringRelease } from "../core/monitoring/release";
import { prometheusRules } from "../core/monitoring/rules";
import { monitoringRunbook } from "../core/monitoring/runbook";
import { namespace, platformLabels, sealedSecret, toYaml } from "../core/objects";
import type { StackModel } from "../model/schema";
import type { Sealer } from "../sealing/sealer";
import { registerChart, registerObject } from "./register";

export interface MonitoringArgs {
    /** The validated stack model. */
    readonly model: StackModel;
    /** Seals the Alertmanager config and Grafana's credentials for the controller. */
    readonly sealer: Sealer;
    /** The sealed-secrets controller: SealedSecrets wait for its CRD. */
    readonly sealedSecretsController: pulumi.Resource;
    /** The environment's Slack incoming-webhook URL (`gitops:alertmanagerSlackWebhook`), a secret. */
    readonly slackWebhookUrl: pulumi.Output<string>;
}

/**
 * kube-prometheus-stack for one environment, with a generated Alertmanager config sealed
 * into `alertmanager-config-<env>` and rules that only this environment's Prometheus loads.
 */
export class Monitoring extends pulumi.ComponentResource {
    /** Commands that verify the alerting path, with the real names. */
    public readonly runbook: string;
    /** Name of the Secret the Alertmanager CR reads its config from. */
    public readonly configSecretName: string;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gitops:monitoring:Monitoring", name, {}, opts);
        const { model, sealer } = args;
        const ns = model.monitoring.namespace;
        const labels = platformLabels(model.environment, "monitoring");
        this.configSecretName = configSecretName(model);
        this.runbook = monitoringRunbook(model);

        const nsResource = registerObject(name, namespace(ns, labels), { parent: this });
        const sealedOpts = { parent: this, dependsOn: [nsResource, args.sealedSecretsController] };

        const configYaml = args.slackWebhookUrl.apply((url) => toYaml(alertmanagerConfig(model, url)));
        const configData = sealer.seal({ namespace: ns, name: this.configSecretName }, { [CONFIG_KEY]: configYaml });
        const configSecret = registerObject(name, sealedSecret(this.configSecretName, ns, labels, configData), sealedOpts);

        const grafanaPassword = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, { parent: this });
        const grafanaName = grafanaAdminSecretName(model);
        const grafanaData = sealer.seal({ namespace: ns, name: grafanaName }, { "admin-user": "admin", "admin-password": grafanaPassword.result });
        const grafanaSecret = registerObject(name, sealedSecret(grafanaName, ns, labels, grafanaData), sealedOpts);

        const chart = registerChart(name, monitoringRelease(model), { parent: this, dependsOn: [nsResource, configSecret, grafanaSecret] });
        for (const rule of prometheusRules(model)) registerObject(name, rule, { parent: this, dependsOn: [chart] });

        this.registerOutputs({ runbook: this.runbook, configSecretName: this.configSecretName });
    }
}
