/**
 * Offline, a stack that shares a cluster cannot read its owner's outputs from a backend: they
 * are computed instead from the owner's model and non-secret config in this checkout, with the
 * same function the owner exports them with.
 */
import * as path from "node:path";
import { clusterFacts } from "../core/clusterFacts";
import { clusterWideReleases } from "../core/catalogue";
import { loadStackModel } from "../core/stackModel";
import { CLUSTER_FACTS_OUTPUT, installsClusterParts } from "../model/cluster";
import { CONFIG_NAMESPACE } from "../model/config";
import { defaultModelFile, readModelFile } from "../model/load";
import { StackInputError } from "../model/problems";
import type { ClusterWideModel, StackModel } from "../model/schema";
import { parseSealingCertificate, SealingConfigError } from "../sealing/certificate";
import { expandRelease } from "./charts";
import { MOCK_ORGANIZATION, type StackOutputs } from "./mockRuntime";
import { PROJECT_DIR } from "./layout";
import { offlineStackConfig } from "./stackConfig";

const PROJECT = "gitops";
/** The owner's keys the facts depend on: none of them secret. */
const FACT_KEYS = ["sealingCertificate", "kubeContext", "model"].map((k) => `${CONFIG_NAMESPACE}:${k}`);

/** The fully qualified name a StackReference to `stack` of this project uses under the mocks. */
export function mockStackName(stack: string): string {
    return `${MOCK_ORGANIZATION}/${PROJECT}/${stack}`;
}

/** The owner of `stack`'s shared cluster in this checkout: its name, non-secret config and model. */
interface OfflineOwner {
    readonly stack: string;
    readonly values: Record<string, string>;
    readonly model: StackModel & { clusterWide: ClusterWideModel };
}

/**
 * The owner of `stack`'s shared cluster, from the copy of the project at `projectDir`; none when
 * `stack` installs the cluster-wide parts itself, or when its model does not even validate (the
 * program then reports that).
 */
export function offlineOwner(stack: string, modelFile: string, projectDir = PROJECT_DIR): OfflineOwner | undefined {
    let raw: { cluster?: { mode?: unknown; owner?: unknown } } | undefined;
    try {
        raw = readModelFile(stack, modelFile) as typeof raw;
    } catch (e) {
        // Stryker disable next-line ConditionalExpression: readModelFile turns every failure into a StackInputError; the check keeps a bug elsewhere from passing as a bad model
        if (e instanceof StackInputError) return undefined;
        throw e;
    }
    const owner = raw?.cluster?.mode === "shared" && typeof raw.cluster.owner === "string" && raw.cluster.owner !== stack ? raw.cluster.owner : undefined;
    if (owner === undefined) return undefined;
    const { values } = offlineStackConfig(owner, undefined, FACT_KEYS, projectDir);
    const ownerModelFile = path.resolve(values[`${CONFIG_NAMESPACE}:model`] || defaultModelFile(owner, path.join(projectDir, "stacks")));
    const model = loadStackModel(owner, ownerModelFile);
    if (!installsClusterParts(model, owner) || !model.clusterWide) return undefined;
    return { stack: owner, values, model: { ...model, clusterWide: model.clusterWide } };
}

/**
 * The outputs of the owner of `stack`'s shared cluster, as its own `pulumi up` would export them
 * (from the copy of the project at `projectDir`); none when there is no such owner.
 */
export function offlineOwnerOutputs(stack: string, modelFile: string, projectDir = PROJECT_DIR): StackOutputs {
    const found = offlineOwner(stack, modelFile, projectDir);
    if (!found) return {};
    const { stack: owner, values, model } = found;
    const certificatePem = values[`${CONFIG_NAMESPACE}:sealingCertificate`];
    if (!certificatePem) return {};
    let fingerprint: string;
    try {
        fingerprint = parseSealingCertificate(certificatePem).fingerprint;
    } catch (e) {
        if (!(e instanceof SealingConfigError)) throw e;
        throw new StackInputError(owner, "the stack config", [{ path: e.configKey, message: e.message }]);
    }
    const kubeContext = values[`${CONFIG_NAMESPACE}:kubeContext`] || undefined;
    const facts = clusterFacts(model, owner, { certificateFingerprint: fingerprint, kubeContext });
    return { [mockStackName(owner)]: { [CLUSTER_FACTS_OUTPUT]: facts } };
}

/**
 * The CRDs a stack that shares a cluster finds there, installed by its owner: what Chart v4 reads
 * a custom kind's scope from on the cluster. None when the stack installs them itself.
 */
export async function ownerCrds(stack: string, modelFile: string, projectDir = PROJECT_DIR): Promise<Record<string, any>[]> {
    const owner = offlineOwner(stack, modelFile, projectDir);
    if (!owner) return [];
    const expanded = await Promise.all(clusterWideReleases(owner.model).map((release) => expandRelease({ ...release, kubernetes: owner.model.cluster.kubernetes }).catch(() => [])));
    return expanded.flat().map((e) => e.object).filter((o) => o.kind === "CustomResourceDefinition");
}
