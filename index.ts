/**
 * Pulumi entry point: reads the stack's config, loads and validates its model, finds what it
 * needs of the cluster-wide parts (its own, or those the owner of its shared cluster installed),
 * then instantiates one component per platform part. Nothing is registered unless the model,
 * the config, the owner's facts and a fleet hub's spokes are all valid; the one exception is the
 * read of the owner's and the spokes' stack outputs, which those checks need.
 */
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { installParts } from "./components/catalogue";
import { resolveSpokes } from "./components/fleetSources";
import { lifecycleTransform } from "./components/register";
import { Sealing } from "./components/sealing";
import { ENVIRONMENT_CUSTOM_RESOURCE_KINDS } from "./core/catalogue";
import { clusterFacts } from "./core/clusterFacts";
import { kubernetesProviderArgs } from "./core/provider";
import { loadStackModel } from "./core/stackModel";
import { CLUSTER_FACTS_OUTPUT, type ClusterView, clusterFactsSchema, clusterViewOf } from "./model/cluster";
import { checkAgainstOwner } from "./model/checks/cluster";
import { CONFIG_NAMESPACE, checkConfigKeys, type PlatformConfig, readPlatformConfig } from "./model/config";
import { defaultModelFile } from "./model/load";
import { type Problem, ProblemCollector, StackInputError } from "./model/problems";
import type { StackModel } from "./model/schema";

/** The stack being deployed and its config, read when the program runs (the render runs it once per stack). */
interface Context {
    readonly stack: string;
    readonly get: (key: string) => string | undefined;
}

function currentContext(): Context {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    // Optional keys default to "" in Pulumi.yaml: empty means unset.
    return { stack: pulumi.getStack(), get: (key: string) => config.get(key) || undefined };
}

/** A user's mistake becomes a RunError, which Pulumi prints without a stack trace. */
function asRunError(e: unknown): unknown {
    return e instanceof StackInputError ? new pulumi.RunError(e.message) : e;
}

/** Reads the stack's model and config; `pulumi up` also needs a real certificate and a named cluster. */
function readInputs({ stack, get }: Context): { model: StackModel; settings: PlatformConfig } {
    checkConfigKeys(stack, Object.keys(pulumi.runtime.allConfig()));
    const model = loadStackModel(stack, get("model") ?? defaultModelFile(stack));
    const settings = readPlatformConfig(stack, model, get);
    if (!pulumi.runtime.isDryRun()) {
        const problems: Problem[] = [];
        if (settings.usesDemoCertificate) {
            problems.push({
                path: `${CONFIG_NAMESPACE}:sealingCertificate`,
                message: "is the demo certificate from demo/, whose private key is public; create your own with `npm run keygen` (or fetch the controller's) before `pulumi up`",
            });
        }
        for (const key of settings.demoKeys) {
            problems.push({
                path: `${CONFIG_NAMESPACE}:${key}`,
                message: "is a private key committed in demo/, which anyone can read; use a key of your own before `pulumi up` (the README's \"Running it for real\" shows how)",
            });
        }
        if (settings.kubeContext === undefined) {
            problems.push({
                path: `${CONFIG_NAMESPACE}:kubeContext`,
                message: `is not set: pulumi up deploys only to a named kubeconfig context, never to whichever is current; set the context of cluster "${model.cluster.name}" with \`pulumi config set ${CONFIG_NAMESPACE}:kubeContext <context>\` (see \`kubectl config get-contexts\`)`,
            });
        }
        if (problems.length > 0) throw new StackInputError(stack, "the stack config", problems);
    }
    return { model, settings };
}

/**
 * What the owner of the shared cluster exported, read through a StackReference and checked
 * against this stack: it must be up, on the same cluster, with the same sealing certificate.
 */
async function ownerView({ stack, get }: Context, model: StackModel, settings: PlatformConfig): Promise<ClusterView> {
    const owner = model.cluster.owner as string;
    const source = `stack "${owner}" (cluster.owner)`;
    const bringUp = `bring it up first with \`pulumi up --stack ${owner}\`, then this stack`;
    const reference = new pulumi.StackReference(`cluster-owner-${owner}`, { name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${owner}` });
    let exported: unknown;
    try {
        const details = await reference.getOutputDetails(CLUSTER_FACTS_OUTPUT);
        exported = details.value ?? details.secretValue;
    } catch (e) {
        throw new StackInputError(stack, source, [{ path: "cluster.owner", message: `cannot be read (${(e as Error).message.split("\n")[0]}); ${bringUp}` }]);
    }
    if (exported === undefined) {
        throw new StackInputError(stack, source, [{ path: "cluster.owner", message: `has no "${CLUSTER_FACTS_OUTPUT}" output yet, so the cluster-wide parts this stack runs on are not installed; ${bringUp}` }]);
    }
    const parsed = clusterFactsSchema.safeParse(exported);
    if (!parsed.success || parsed.data.stack !== owner) {
        throw new StackInputError(stack, source, [{ path: "cluster.owner", message: `exported "${CLUSTER_FACTS_OUTPUT}" that this revision cannot read; update stack "${owner}" to this revision first (\`pulumi up --stack ${owner}\`)` }]);
    }
    const problems = new ProblemCollector();
    checkAgainstOwner(model, parsed.data, { certificateFingerprint: settings.certificate.fingerprint, kubeContext: settings.kubeContext }, ENVIRONMENT_CUSTOM_RESOURCE_KINDS, problems);
    problems.throwIfAny(stack, `${path.relative(process.cwd(), get("model") ?? defaultModelFile(stack))} against ${source}`);
    return parsed.data;
}

const secretOf = (value: string | undefined) => (value === undefined ? undefined : pulumi.secret(value));

async function main(): Promise<Record<string, unknown>> {
    const context = currentContext();
    const { stack } = context;
    const { model, settings } = readInputs(context);
    const view = model.clusterWide ? clusterViewOf(model.clusterWide) : await ownerView(context, model, settings);
    // A hub reads its spokes before it registers anything, as a stack reads its cluster's owner.
    const fleet = model.fleet?.role === "hub" ? await resolveSpokes(stack, `${path.relative(process.cwd(), context.get("model") ?? defaultModelFile(stack))} against its spokes`, model.fleet, settings.secrets) : undefined;

    if (settings.kubeContext === undefined) {
        pulumi.log.warn(`${CONFIG_NAMESPACE}:kubeContext is not set: the Kubernetes provider points at no cluster (the current context is never used), so \`pulumi preview\` cannot expand the charts and \`pulumi up\` refuses; set it with \`pulumi config set ${CONFIG_NAMESPACE}:kubeContext <context>\` (see \`kubectl config get-contexts\`)`);
    }
    const kubernetes = new k8s.Provider("kubernetes", kubernetesProviderArgs(model.cluster.name, settings, settings.adoptExisting ? "upsert" : "refuse"));
    // What the platform keeps on delete, a later up takes back (core/provider.ts).
    const keptObjects = new k8s.Provider("kubernetes-kept", kubernetesProviderArgs(model.cluster.name, settings, "upsert"));
    // Every object the stack applies, its own and its charts', goes through the one transform.
    const opts = { providers: [kubernetes], transforms: [lifecycleTransform(keptObjects)] };

    const { sealer } = new Sealing("sealing", { certificate: settings.certificate, privateKeyPem: secretOf(settings.sealingKeyPem) }, opts);
    const outputs = installParts({ model, view, settings, sealer, opts, fleet });

    return {
        environment: model.environment,
        target: { cluster: model.cluster.name, mode: model.cluster.mode, installsClusterParts: model.clusterWide !== undefined, kubeContext: settings.kubeContext ?? "" },
        // None on a fleet spoke: the hub's Argo CD manages its cluster.
        ...(view.argocd ? { argocdUrl: view.argocd.url } : {}),
        ...outputs,
        ...(model.clusterWide
            ? { [CLUSTER_FACTS_OUTPUT]: clusterFacts({ ...model, clusterWide: model.clusterWide }, stack, { certificateFingerprint: settings.certificate.fingerprint, kubeContext: settings.kubeContext }) }
            : {}),
    };
}

export = () => main().catch((e) => Promise.reject(asRunError(e)));
