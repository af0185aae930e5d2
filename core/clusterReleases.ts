/**
 * The Helm releases of the cluster-wide parts, from the model alone: what a stack that installs
 * them registers (without the sealing keys' checksum, which needs config). The offline render
 * expands the owner's to learn the CRDs a shared cluster has.
 */
import type { ClusterWideModel } from "../model/schema";
import { argocdRelease } from "./argocd/release";
import type { HelmRelease } from "./helm";
import { clusterMonitoringRelease } from "./monitoring/release";
import { rolloutsRelease } from "./rollouts";
import { sealedSecretsRelease } from "./sealedSecrets";

export function clusterWideReleases(clusterWide: ClusterWideModel): HelmRelease[] {
    return [sealedSecretsRelease(clusterWide.sealedSecrets), argocdRelease(clusterWide.argocd), rolloutsRelease(clusterWide.rollouts), clusterMonitoringRelease(clusterWide.monitoring)];
}
