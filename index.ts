/**
 * Pulumi entry point: reads the stack's config, loads and validates its model, then
 * instantiates one component per platform part. Nothing is registered unless the model and
 * the config are both valid.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgoCd } from "./components/argocd";
import { Monitoring } from "./components/monitoring";
import { ArgoRollouts } from "./components/rollouts";
import { SealedSecretsController } from "./components/sealedSecrets";
import { CONFIG_NAMESPACE, type ConfigKey, readPlatformConfig } from "./model/config";
import { loadStackModel } from "./core/stackModel";
import { defaultModelFile } from "./model/load";
import { StackInputError } from "./model/problems";
import type { NotificationsModel } from "./model/schema";

const stack = pulumi.getStack();
const config = new pulumi.Config(CONFIG_NAMESPACE);
// Optional keys default to "" in Pulumi.yaml: empty means unset.
const get = (key: ConfigKey) => config.get(key) || undefined;

/** Reads the stack's inputs; a user's mistake becomes a RunError, which Pulumi prints without a stack trace. */
function readInputs() {
    try {
        const model = loadStackModel(stack, get("model") ?? defaultModelFile(stack));
        const settings = readPlatformConfig(stack, model, get);
        if (settings.usesDemoCertificate && !pulumi.runtime.isDryRun()) {
            throw new StackInputError(stack, "the stack config", [
                {
                    path: `${CONFIG_NAMESPACE}:sealingCertificate`,
                    message: "is the demo certificate from demo/, whose private key is public; create your own with `npm run keygen` (or fetch the controller's) before `pulumi up`",
                },
            ]);
        }
        return { model, settings };
    } catch (e) {
        throw e instanceof StackInputError ? new pulumi.RunError(e.message) : e;
    }
}
const { model, settings } = readInputs();

const secretOf = (value: string | undefined) => (value === undefined ? undefined : pulumi.secret(value));

/** The secret values of a notifications secret, by data key. */
function notificationSecrets(n: NotificationsModel): Record<string, pulumi.Output<string>> {
    return Object.fromEntries(Object.entries(n.secretData).map(([dataKey, configKey]) => [dataKey, pulumi.secret(settings.secrets[configKey] as string)]));
}

// Server-side apply: kube-prometheus-stack's CRDs are too large for client-side apply's
// last-applied annotation. The cluster is the ambient kubeconfig's current context.
const kubernetes = new k8s.Provider("kubernetes", { enableServerSideApply: true });
const opts = { providers: [kubernetes] };

const sealing = new SealedSecretsController(
    "sealed-secrets",
    { model, certificate: settings.certificate, privateKeyPem: secretOf(settings.sealingKeyPem) },
    opts,
);
const common = { model, sealer: sealing.sealer, sealedSecretsController: sealing };

const monitoring = new Monitoring(`monitoring-${model.environment}`, { ...common, slackWebhookUrl: pulumi.secret(settings.secrets.alertmanagerSlackWebhook as string) }, opts);
const argocd = new ArgoCd(
    "argocd",
    {
        ...common,
        notificationSecrets: notificationSecrets(model.argocd.notifications),
        adminPassword: secretOf(settings.argocdAdminPassword),
    },
    opts,
);
// Its AnalysisTemplates query the environment's Prometheus.
new ArgoRollouts("argo-rollouts", { ...common, notificationSecrets: notificationSecrets(model.rollouts.notifications) }, { ...opts, dependsOn: [monitoring] });

export const environment = model.environment;
export const argocdUrl = argocd.url;
export const argocdAdminPassword = argocd.adminPassword;
export const alertmanagerConfigSecret = monitoring.configSecretName;
export const runbook = monitoring.runbook;
